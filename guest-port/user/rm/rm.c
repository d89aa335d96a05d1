/*
 * rm [-rf] PATH... - remove files.
 *   -r  remove directories and what they hold
 *   -f  say nothing about paths that do not exist
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int recursive;
static int force;

static int remove_path(const char *path);

/*
 * Empties directory path and removes it.  The names are read first and
 * removed after the directory is closed, so removing entries cannot make
 * the directory stream skip any.
 */
static int
remove_tree(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0;
    int status = 0;

    if (d == NULL) {
        fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (n == cap) {
            char **bigger;
            cap = cap ? 2 * cap : 16;
            bigger = realloc(names, cap * sizeof(*names));
            if (bigger == NULL)
                break;
            names = bigger;
        }
        if ((names[n] = strdup(e->d_name)) == NULL)
            break;
        n++;
    }
    if (e != NULL) {
        fprintf(stderr, "rm: %s: out of memory\n", path);
        status = -1;
    }
    closedir(d);

    for (size_t i = 0; i < n; i++) {
        char child[512];
        snprintf(child, sizeof(child), "%s/%s", path, names[i]);
        if (remove_path(child) < 0)
            status = -1;
        free(names[i]);
    }
    free(names);
    if (status == 0 && rmdir(path) < 0) {
        fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
        status = -1;
    }
    return status;
}

static int
remove_path(const char *path)
{
    struct stat st;

    if (stat(path, &st) < 0) {
        if (force && errno == ENOENT)
            return 0;
        fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        if (!recursive) {
            fprintf(stderr, "rm: %s: is a directory\n", path);
            return -1;
        }
        return remove_tree(path);
    }
    if (unlink(path) < 0) {
        fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    int i, status = 0;

    for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        for (const char *o = argv[i] + 1; *o; o++) {
            if (*o == 'r' || *o == 'R')
                recursive = 1;
            else if (*o == 'f')
                force = 1;
            else {
                fprintf(stderr, "usage: rm [-rf] PATH...\n");
                return 2;
            }
        }
    }
    if (i >= argc && !force) {
        fprintf(stderr, "usage: rm [-rf] PATH...\n");
        return 2;
    }
    for (; i < argc; i++) {
        if (remove_path(argv[i]) < 0)
            status = 1;
    }
    return status;
}
