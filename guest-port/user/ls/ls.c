/*
 * ls [-a] [-l] [PATH...] - list directories (sorted) and name files.
 *   -a  include names starting with '.'
 *   -l  one long line per entry: type and permissions, links, size, name
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int show_all;
static int long_format;

/* "drwxr-xr-x" for st_mode. */
static void
mode_string(mode_t mode, char out[11])
{
    static const char rwx[] = "rwxrwxrwx";

    switch (mode & S_IFMT) {
    case S_IFDIR:  out[0] = 'd'; break;
    case S_IFCHR:  out[0] = 'c'; break;
    case S_IFIFO:  out[0] = 'p'; break;
    case S_IFREG:  out[0] = '-'; break;
    default:       out[0] = '?'; break;
    }
    for (int i = 0; i < 9; i++)
        out[1 + i] = (mode & (0400 >> i)) ? rwx[i] : '-';
    out[10] = '\0';
}

/* Prints one entry; path is where to stat it, name what to show. */
static int
show(const char *path, const char *name)
{
    struct stat st;
    char mode[11];

    if (!long_format) {
        printf("%s\n", name);
        return 0;
    }
    if (stat(path, &st) < 0) {
        fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
        return -1;
    }
    mode_string(st.st_mode, mode);
    printf("%s %2u %8lld %s\n", mode, (unsigned)st.st_nlink,
           (long long)st.st_size, name);
    return 0;
}

static int
compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists directory dir; returns 0 or -1. */
static int
list_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0;
    int status = 0;

    if (d == NULL) {
        fprintf(stderr, "ls: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' && !show_all)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 32;
            char **bigger = realloc(names, cap * sizeof(*names));
            if (bigger == NULL) {
                fprintf(stderr, "ls: out of memory\n");
                status = -1;
                break;
            }
            names = bigger;
        }
        names[n] = strdup(e->d_name);
        if (names[n] == NULL) {
            fprintf(stderr, "ls: out of memory\n");
            status = -1;
            break;
        }
        n++;
    }
    closedir(d);

    qsort(names, n, sizeof(*names), compare_names);
    for (size_t i = 0; i < n; i++) {
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        if (show(path, names[i]) < 0)
            status = -1;
        free(names[i]);
    }
    free(names);
    return status;
}

static int
list(const char *path, int many)
{
    struct stat st;
    int r;

    if (stat(path, &st) < 0) {
        fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return show(path, path);
    if (many)
        printf("%s:\n", path);
    r = list_dir(path);
    return r;
}

int
main(int argc, char **argv)
{
    int i, status = 0, npaths;

    for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        for (const char *o = argv[i] + 1; *o; o++) {
            if (*o == 'a')
                show_all = 1;
            else if (*o == 'l')
                long_format = 1;
            else {
                fprintf(stderr, "usage: ls [-al] [PATH...]\n");
                return 2;
            }
        }
    }
    npaths = argc - i;
    if (npaths == 0)
        return list(".", 0) < 0;
    for (; i < argc; i++) {
        if (list(argv[i], npaths > 1) < 0)
            status = 1;
    }
    return status;
}
