/*
 * ps - list the processes: a copy of /proc/processes, which the kernel
 * writes one line per process with a header line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PROCESSES "/proc/processes"

int
main(void)
{
    char buf[4096];
    int fd = open(PROCESSES, O_RDONLY);
    ssize_t n;

    if (fd < 0) {
        fprintf(stderr, "ps: %s: %s\n", PROCESSES, strerror(errno));
        return 1;
    }
    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        if (write(1, buf, (size_t)n) != n)
            return 1;
    }
    if (n < 0) {
        fprintf(stderr, "ps: %s: %s\n", PROCESSES, strerror(errno));
        return 1;
    }
    close(fd);
    return 0;
}
