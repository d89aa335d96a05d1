/*
 * sleep SECONDS - wait that long; SECONDS may have a fraction (0.25).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int
main(int argc, char **argv)
{
    struct timespec req;
    char *end;
    double s;

    if (argc != 2) {
        fprintf(stderr, "usage: sleep SECONDS\n");
        return 2;
    }
    s = strtod(argv[1], &end);
    if (end == argv[1] || *end != '\0' || s < 0 || s > 1e9) {
        fprintf(stderr, "sleep: bad time '%s'\n", argv[1]);
        return 2;
    }
    req.tv_sec = (time_t)s;
    req.tv_nsec = (long)((s - (double)req.tv_sec) * 1e9);
    while (nanosleep(&req, &req) < 0) {
        if (errno != EINTR) {
            perror("sleep");
            return 1;
        }
    }
    return 0;
}
