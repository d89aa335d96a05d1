/*
 * grep [-vc] PATTERN [FILE...] - print the lines that contain PATTERN (a
 * plain string, no regular expressions).
 *   -v  the lines that do not contain it
 *   -c  only the number of such lines
 * Lines are prefixed with the file name when there are several files.
 * Exit status 0 if a line was selected, 1 if none, 2 on error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int invert;
static int count_only;

/* Returns the number of selected lines of f, or -1 on a read error. */
static long
grep_file(FILE *f, const char *pattern, const char *prefix)
{
    char *line = NULL;
    size_t cap = 0;
    long selected = 0;

    while (getline(&line, &cap, f) >= 0) {
        int match = strstr(line, pattern) != NULL;
        if (match == invert)
            continue;
        selected++;
        if (!count_only) {
            if (prefix != NULL)
                printf("%s:", prefix);
            fputs(line, stdout);
            if (line[0] == '\0' || line[strlen(line) - 1] != '\n')
                putchar('\n');
        }
    }
    free(line);
    if (ferror(f))
        return -1;
    if (count_only) {
        if (prefix != NULL)
            printf("%s:", prefix);
        printf("%ld\n", selected);
    }
    return selected;
}

int
main(int argc, char **argv)
{
    const char *pattern;
    int i, nfiles, any = 0, error = 0;

    for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        for (const char *o = argv[i] + 1; *o; o++) {
            if (*o == 'v')
                invert = 1;
            else if (*o == 'c')
                count_only = 1;
            else {
                fprintf(stderr, "usage: grep [-vc] PATTERN [FILE...]\n");
                return 2;
            }
        }
    }
    if (i >= argc) {
        fprintf(stderr, "usage: grep [-vc] PATTERN [FILE...]\n");
        return 2;
    }
    pattern = argv[i++];
    nfiles = argc - i;
    if (nfiles == 0) {
        long n = grep_file(stdin, pattern, NULL);
        if (n < 0) {
            fprintf(stderr, "grep: stdin: %s\n", strerror(errno));
            return 2;
        }
        return n > 0 ? 0 : 1;
    }
    for (; i < argc; i++) {
        FILE *f = fopen(argv[i], "r");
        long n;

        if (f == NULL) {
            fprintf(stderr, "grep: %s: %s\n", argv[i], strerror(errno));
            error = 1;
            continue;
        }
        n = grep_file(f, pattern, nfiles > 1 ? argv[i] : NULL);
        if (n < 0) {
            fprintf(stderr, "grep: %s: %s\n", argv[i], strerror(errno));
            error = 1;
        } else if (n > 0) {
            any = 1;
        }
        fclose(f);
    }
    if (error)
        return 2;
    return any ? 0 : 1;
}
