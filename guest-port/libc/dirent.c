/*
 * dirent.c - opendir/readdir/closedir on SYS_getdents.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "glue.h"
#include "syscall.h"

#define DIR_BATCH 16                /* records fetched per getdents */

struct libc_dir {
    int fd;
    int count;                      /* records in buf */
    int next;                       /* the next one readdir returns */
    struct kernel_dirent buf[DIR_BATCH];
    struct dirent entry;            /* what readdir returned last */
};

/* Returns a stream on the directory path, or NULL with errno set. */
DIR *
opendir(const char *path)
{
    DIR *d;
    int fd;

    fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    d = malloc(sizeof(*d));
    if (d == NULL) {
        close(fd);
        errno = ENOMEM;
        return NULL;
    }
    d->fd = fd;
    d->count = 0;
    d->next = 0;
    return d;
}

/*
 * Returns the next entry (valid until the next readdir or closedir), or
 * NULL at the end (errno unchanged) or on error (errno set).
 */
struct dirent *
readdir(DIR *d)
{
    const struct kernel_dirent *k;

    if (d->next >= d->count) {
        long n = SYSCALL3(SYS_getdents, d->fd, d->buf, sizeof(d->buf));
        if (n <= 0)
            return NULL;
        d->count = (int)(n / (long)sizeof(d->buf[0]));
        d->next = 0;
        if (d->count == 0)
            return NULL;
    }
    k = &d->buf[d->next++];
    d->entry.d_ino = k->d_ino;
    d->entry.d_type = k->d_type;
    d->entry.d_namlen = k->d_namlen;
    memcpy(d->entry.d_name, k->d_name, sizeof(d->entry.d_name));
    d->entry.d_name[sizeof(d->entry.d_name) - 1] = '\0';
    return &d->entry;
}

/* Starts the stream over (needs lseek to 0 on the directory). */
void
rewinddir(DIR *d)
{
    lseek(d->fd, 0, SEEK_SET);
    d->count = 0;
    d->next = 0;
}

int
dirfd(DIR *d)
{
    return d->fd;
}

int
closedir(DIR *d)
{
    int r = close(d->fd);

    free(d);
    return r;
}
