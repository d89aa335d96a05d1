/*
 * file.c - open files, per-process descriptor tables, and the kernel's own
 * opens (init's stdio, exec's program file).
 *
 * file_read/file_write dispatch on the inode's type; the implementations
 * (ramfs.c, dev.c, tty.c, pipe.c, the /proc text) move bytes through a
 * struct xfer, so user buffers are only touched by copyin/copyout.
 */
#include "file.h"

static int nfiles;           /* open files system-wide, for NFILE */

struct file *
file_alloc(struct inode *ip, int flags)
{
    struct file *f;

    if (nfiles >= NFILE)
        return NULL;
    f = kmalloc(sizeof(*f));
    if (f == NULL)
        return NULL;
    nfiles++;
    f->ip = ip;
    f->flags = flags;
    f->ref = 1;
    return f;
}

struct file *
file_dup(struct file *f)
{
    f->ref++;
    return f;
}

void
file_close(struct file *f)
{
    if (f->ref <= 0)
        panic("file_close: ref %d", f->ref);
    if (--f->ref > 0)
        return;
    if (I_ISFIFO(f->ip))
        pipe_close(f);
    if (f->text != NULL)
        kfree(f->text);
    inode_put(f->ip);
    kfree(f);
    nfiles--;
}

int
file_open(struct inode *cwd, const char *path, int flags, uint32_t mode,
          struct file **out)
{
    int acc = flags & O_ACCMODE;
    bool writing = acc != O_RDONLY;
    struct inode *ip;
    struct file *f;
    int err;

    if (acc == O_ACCMODE || (flags & (O_CREAT | O_DIRECTORY)) == (O_CREAT | O_DIRECTORY))
        return -EINVAL;
    if (flags & O_CREAT) {
        char name[UAPI_NAME_MAX + 1];
        bool trailing;
        struct inode *dir;

        err = vfs_lookup_parent(cwd, path, &dir, name, &trailing);
        if (err < 0)
            return err;
        ip = vfs_dir_find(dir, name);
        if (ip != NULL) {
            if (flags & O_EXCL) {
                inode_put(dir);
                return -EEXIST;
            }
            inode_get(ip);
            inode_put(dir);
            if (trailing && !I_ISDIR(ip)) {
                inode_put(ip);
                return -ENOTDIR;
            }
        } else {
            err = trailing ? -EISDIR
                           : vfs_create(dir, name, S_IFREG | (mode & 07777), &ip);
            inode_put(dir);
            if (err < 0)
                return err;
        }
    } else {
        err = vfs_lookup(cwd, path, &ip);
        if (err < 0)
            return err;
    }

    if ((flags & O_DIRECTORY) && !I_ISDIR(ip))
        err = -ENOTDIR;
    else if (I_ISDIR(ip) && writing)
        err = -EISDIR;
    else if (writing && ((ip->flags & I_READONLY) || I_ISPROC(ip)))
        err = -EACCES;
    if (err < 0) {
        inode_put(ip);
        return err;
    }

    f = file_alloc(ip, flags & (O_ACCMODE | O_APPEND | O_NONBLOCK));
    if (f == NULL) {
        inode_put(ip);
        return nfiles >= NFILE ? -ENFILE : -ENOMEM;
    }
    if (I_ISPROC(ip)) {
        err = procfs_open(ip, f);
        if (err < 0) {
            file_close(f);
            return err;
        }
    } else if ((flags & O_TRUNC) && writing && I_ISREG(ip)) {
        ramfs_truncate(ip);
    }
    *out = f;
    return 0;
}

/* Read a /proc file's text, made at open. */
static long
proc_text_read(struct file *f, struct xfer dst, size_t n)
{
    size_t left;

    if (f->off >= f->text_len)
        return 0;
    left = f->text_len - (size_t)f->off;
    if (n > left)
        n = left;
    if (xfer_out(dst, 0, f->text + f->off, n) < 0)
        return -EFAULT;
    f->off += n;
    return (long)n;
}

long
file_read(struct file *f, struct xfer dst, size_t n)
{
    struct inode *ip = f->ip;
    long r;

    switch (I_TYPE(ip)) {
    case S_IFDIR:
        return -EISDIR;
    case S_IFCHR:
        return devsw[ip->u.chr.dev].read(f, dst, n);
    case S_IFIFO:
        return pipe_read(f, dst, n);
    case S_IFREG:
        if (I_ISPROC(ip))
            return proc_text_read(f, dst, n);
        r = ramfs_read(ip, f->off, dst, n);
        if (r > 0)
            f->off += (uint64_t)r;
        return r;
    default:
        return -EINVAL;
    }
}

long
file_write(struct file *f, struct xfer src, size_t n)
{
    struct inode *ip = f->ip;
    long r;

    switch (I_TYPE(ip)) {
    case S_IFDIR:
        return -EISDIR;
    case S_IFCHR:
        return devsw[ip->u.chr.dev].write(f, src, n);
    case S_IFIFO:
        return pipe_write(f, src, n);
    case S_IFREG:
        if (I_ISPROC(ip) || (ip->flags & I_READONLY))
            return -EACCES;
        if (f->flags & O_APPEND)
            f->off = ip->size;
        r = ramfs_write(ip, f->off, src, n);
        if (r > 0)
            f->off += (uint64_t)r;
        return r;
    default:
        return -EINVAL;
    }
}

int
fd_alloc(struct proc *p, struct file *f)
{
    for (int fd = 0; fd < UAPI_OPEN_MAX; fd++) {
        if (p->ofile[fd] == NULL) {
            p->ofile[fd] = f;
            p->cloexec &= ~(1u << fd);
            return fd;
        }
    }
    return -EMFILE;
}

struct file *
fd_file(struct proc *p, int fd)
{
    if (fd < 0 || fd >= UAPI_OPEN_MAX)
        return NULL;
    return p->ofile[fd];
}

int
fd_close(struct proc *p, int fd)
{
    struct file *f = fd_file(p, fd);

    if (f == NULL)
        return -EBADF;
    p->ofile[fd] = NULL;
    p->cloexec &= ~(1u << fd);
    file_close(f);
    return 0;
}

void
files_fork(struct proc *parent, struct proc *child)
{
    for (int fd = 0; fd < UAPI_OPEN_MAX; fd++)
        child->ofile[fd] = parent->ofile[fd] ? file_dup(parent->ofile[fd]) : NULL;
    child->cloexec = parent->cloexec;
    child->cwd = parent->cwd ? inode_get(parent->cwd) : NULL;
}

void
files_exit(struct proc *p)
{
    for (int fd = 0; fd < UAPI_OPEN_MAX; fd++)
        if (p->ofile[fd] != NULL)
            fd_close(p, fd);
    if (p->cwd != NULL)
        inode_put(p->cwd);
    p->cwd = NULL;
}

void
files_exec(struct proc *p)
{
    for (int fd = 0; fd < UAPI_OPEN_MAX; fd++)
        if ((p->cloexec & (1u << fd)) && p->ofile[fd] != NULL)
            fd_close(p, fd);
    p->cloexec = 0;
}

/*
 * Give p (init) descriptors 0, 1 and 2 on the console and the root as its
 * working directory if it has none.  0 or a negative errno.
 */
int
vfs_stdio_open(struct proc *p)
{
    struct file *f;
    int err;

    if (p->cwd == NULL)
        p->cwd = inode_get(vfs_root());
    err = file_open(NULL, "/dev/console", O_RDWR, 0, &f);
    if (err < 0)
        return err;
    for (int fd = 0; fd < 3; fd++) {
        if (p->ofile[fd] != NULL) {
            file_close(f);
            return -EBUSY;
        }
        p->ofile[fd] = fd == 0 ? f : file_dup(f);
    }
    return 0;
}

/*
 * Read the whole regular file at path (relative to the current process's
 * cwd) into a kmalloc'd buffer for exec: 0 with *buf and *len, or -ENOENT,
 * -ENOTDIR, -ENAMETOOLONG, -EACCES (not a regular file), -ENOMEM, -EIO.
 */
int
vfs_read_whole(const char *path, void **buf, size_t *len)
{
    struct proc *p = myproc();
    struct inode *ip;
    void *b;
    long n;
    int err;

    err = vfs_lookup(p ? p->cwd : NULL, path, &ip);
    if (err < 0)
        return err;
    if (!I_ISREG(ip) || I_ISPROC(ip)) {
        inode_put(ip);
        return -EACCES;
    }
    b = kmalloc(ip->size > 0 ? (size_t)ip->size : 1);
    if (b == NULL) {
        inode_put(ip);
        return -ENOMEM;
    }
    n = ramfs_read(ip, 0, xfer_kernel(b), (size_t)ip->size);
    if (n < 0 || (uint64_t)n != ip->size) {
        kfree(b);
        inode_put(ip);
        return -EIO;
    }
    *buf = b;
    *len = (size_t)n;
    inode_put(ip);
    return 0;
}
