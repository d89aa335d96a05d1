/*
 * mkdir [-p] DIR... - make directories; -p makes missing parents too and
 * is quiet about directories that exist.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define DIR_MODE 0755

/* Makes every prefix of path that ends before a '/', then path itself. */
static int
make_parents(const char *path)
{
    char buf[256];
    size_t len = strlen(path);

    if (len >= sizeof(buf)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(buf, path, len + 1);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, DIR_MODE) < 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(buf, DIR_MODE) < 0 && errno != EEXIST)
        return -1;
    return 0;
}

int
main(int argc, char **argv)
{
    int parents = 0, status = 0, i = 1;

    if (argc > 1 && strcmp(argv[1], "-p") == 0) {
        parents = 1;
        i = 2;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: mkdir [-p] DIR...\n");
        return 2;
    }
    for (; i < argc; i++) {
        int r = parents ? make_parents(argv[i]) : mkdir(argv[i], DIR_MODE);
        if (r < 0) {
            fprintf(stderr, "mkdir: %s: %s\n", argv[i], strerror(errno));
            status = 1;
        }
    }
    return status;
}
