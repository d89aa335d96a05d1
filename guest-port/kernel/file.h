/*
 * file.h - open files, descriptor tables (file.c) and pipes (pipe.c).
 *
 * A struct file is one open of an inode: its offset and open flags.
 * Descriptors are pointers to files in proc.ofile[]; dup() and fork()
 * share a file (and its offset) by counting references.
 */
#ifndef GUEST_FILE_H
#define GUEST_FILE_H

#include "vfs.h"
#include "proc.h"

#define NFILE 256                /* open files in the whole system (ENFILE) */
#define PROCFS_TEXT_MAX 8192     /* the largest /proc file */

struct file {
    struct inode *ip;            /* referenced by the file */
    uint64_t off;                /* regular files; getdents position for dirs */
    int flags;                   /* open flags: O_ACCMODE, O_APPEND, O_NONBLOCK */
    int ref;                     /* descriptors sharing it */
    char *text;                  /* /proc files: the text made at open */
    size_t text_len;
};

static inline bool
file_readable(const struct file *f)
{
    return (f->flags & O_ACCMODE) != O_WRONLY;
}

static inline bool
file_writable(const struct file *f)
{
    return (f->flags & O_ACCMODE) != O_RDONLY;
}

/* ---- file.c ---------------------------------------------------------------- */

/* A file on ip (taking over the caller's reference to ip) with flags;
 * NULL when NFILE files are open or memory is out (ip is kept). */
struct file *file_alloc(struct inode *ip, int flags);
struct file *file_dup(struct file *f);     /* ref + 1; returns f */
/* Drop a reference; the last one releases the inode (and a pipe end). */
void file_close(struct file *f);

/*
 * Open path (relative to cwd) with O_* flags; mode is the permission of a
 * created file.  0 and *out, or a negative errno.
 */
int file_open(struct inode *cwd, const char *path, int flags, uint32_t mode,
              struct file **out);

/* Read or write at the file's offset, advancing it: bytes moved or a
 * negative errno (access modes are the caller's to check). */
long file_read(struct file *f, struct xfer dst, size_t n);
long file_write(struct file *f, struct xfer src, size_t n);

/* Descriptors of process p */
int fd_alloc(struct proc *p, struct file *f);      /* lowest free: fd or -EMFILE */
struct file *fd_file(struct proc *p, int fd);      /* NULL if fd is not open */
int fd_close(struct proc *p, int fd);              /* 0 or -EBADF */

/* ---- pipe.c ---------------------------------------------------------------- */

/* A new pipe: 0 with its read end *rf and write end *wf, or -ENOMEM/-ENFILE. */
int pipe_create(struct file **rf, struct file **wf);
long pipe_read(struct file *f, struct xfer dst, size_t n);
long pipe_write(struct file *f, struct xfer src, size_t n);
/* The last reference to one end of the pipe is gone (file_close). */
void pipe_close(struct file *f);

#endif
