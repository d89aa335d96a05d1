/*
 * wc [-lwc] [FILE...] - count lines, words and bytes (all three unless
 * options pick some), per file and in total when there are several.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct counts {
    long long lines, words, bytes;
};

static int want_lines, want_words, want_bytes;

static int
count(int fd, const char *name, struct counts *c)
{
    char buf[4096];
    int in_word = 0;
    ssize_t n;

    memset(c, 0, sizeof(*c));
    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        c->bytes += n;
        for (ssize_t i = 0; i < n; i++) {
            unsigned char ch = (unsigned char)buf[i];
            if (ch == '\n')
                c->lines++;
            if (isspace(ch)) {
                in_word = 0;
            } else if (!in_word) {
                in_word = 1;
                c->words++;
            }
        }
    }
    if (n < 0) {
        fprintf(stderr, "wc: %s: %s\n", name, strerror(errno));
        return -1;
    }
    return 0;
}

/* One line: the chosen counts, then name unless it is NULL (stdin). */
static void
report(const struct counts *c, const char *name)
{
    const char *sep = "";

    if (want_lines) {
        printf("%7lld", c->lines);
        sep = " ";
    }
    if (want_words) {
        printf("%s%7lld", sep, c->words);
        sep = " ";
    }
    if (want_bytes)
        printf("%s%7lld", sep, c->bytes);
    if (name != NULL)
        printf(" %s", name);
    putchar('\n');
}

int
main(int argc, char **argv)
{
    struct counts c, total = { 0, 0, 0 };
    int i, status = 0, nfiles;

    for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        for (const char *o = argv[i] + 1; *o; o++) {
            if (*o == 'l')
                want_lines = 1;
            else if (*o == 'w')
                want_words = 1;
            else if (*o == 'c')
                want_bytes = 1;
            else {
                fprintf(stderr, "usage: wc [-lwc] [FILE...]\n");
                return 2;
            }
        }
    }
    if (!want_lines && !want_words && !want_bytes)
        want_lines = want_words = want_bytes = 1;

    nfiles = argc - i;
    if (nfiles == 0) {
        if (count(0, "stdin", &c) < 0)
            return 1;
        report(&c, NULL);
        return 0;
    }
    for (; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) {
            fprintf(stderr, "wc: %s: %s\n", argv[i], strerror(errno));
            status = 1;
            continue;
        }
        if (count(fd, argv[i], &c) < 0) {
            status = 1;
        } else {
            report(&c, argv[i]);
            total.lines += c.lines;
            total.words += c.words;
            total.bytes += c.bytes;
        }
        close(fd);
    }
    if (nfiles > 1)
        report(&total, "total");
    return status;
}
