/*
 * cat [FILE...] - copy each file ("-" or none: standard input) to
 * standard output.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Copies fd to standard output; returns 0, or -1 after printing why. */
static int
copy(int fd, const char *name)
{
    char buf[4096];
    ssize_t n;

    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        char *p = buf;
        while (n > 0) {
            ssize_t w = write(1, p, (size_t)n);
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                fprintf(stderr, "cat: write: %s\n", strerror(errno));
                return -1;
            }
            p += w;
            n -= w;
        }
    }
    if (n < 0) {
        fprintf(stderr, "cat: %s: %s\n", name, strerror(errno));
        return -1;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    int status = 0;

    if (argc < 2)
        return copy(0, "stdin") < 0;
    for (int i = 1; i < argc; i++) {
        int fd;

        if (strcmp(argv[i], "-") == 0) {
            if (copy(0, "stdin") < 0)
                status = 1;
            continue;
        }
        fd = open(argv[i], O_RDONLY);
        if (fd < 0) {
            fprintf(stderr, "cat: %s: %s\n", argv[i], strerror(errno));
            status = 1;
            continue;
        }
        if (copy(fd, argv[i]) < 0)
            status = 1;
        close(fd);
    }
    return status;
}
