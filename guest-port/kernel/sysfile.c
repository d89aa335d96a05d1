/*
 * sysfile.c - the file-system calls.
 *
 * Each call decodes and checks its arguments first (descriptors, user
 * strings through copyinstr, flags), then acts.  User buffers are only
 * touched by copyin/copyout underneath struct xfer, so a bad pointer is
 * -EFAULT, and a transfer that meets a bad page after moving some bytes
 * returns that short count, never more than the buffer really holds.
 */
#include "file.h"

#define GETDENTS_MAX 64     /* records per getdents call */

/* Longest single read or write: keeps counts positive as a long. */
#define RW_MAX 0x7ffff000ul

/* The open file behind descriptor argument i, or NULL.  Only the low
 * 32 bits count: the ABI passes an int. */
static struct file *
argfd(struct sysargs *a, int i, int *fdp)
{
    int fd = (int)a->a[i];

    if (fdp != NULL)
        *fdp = fd;
    return fd_file(myproc(), fd);
}

/* Copy path argument i into buf (UAPI_PATH_MAX bytes): 0, -EFAULT,
 * -ENAMETOOLONG or -ENOENT (empty). */
static int
argpath(struct sysargs *a, int i, char *buf)
{
    long n = copyinstr(buf, a->a[i], UAPI_PATH_MAX);

    if (n < 0)
        return (int)n;
    return n == 0 ? -ENOENT : 0;
}

/* Limit a user buffer's length to what can be user memory at all:
 * -EFAULT if it starts outside it. */
static long
arglen(uint64_t uaddr, uint64_t n)
{
    if (n == 0)
        return 0;
    if (uaddr >= USER_TOP)
        return -EFAULT;
    if (n > USER_TOP - uaddr)
        n = USER_TOP - uaddr;
    return (long)(n > RW_MAX ? RW_MAX : n);
}

static struct inode *
cwd(void)
{
    return myproc()->cwd;
}

static bool
file_is_tty(struct file *f)
{
    return I_ISCHR(f->ip) && devsw[f->ip->u.chr.dev].is_tty;
}

/* read(int fd, void *buf, size_t n) */
long
sys_read(struct sysargs *a)
{
    struct file *f = argfd(a, 0, NULL);
    long n;

    if (f == NULL || !file_readable(f))
        return -EBADF;
    n = arglen(a->a[1], a->a[2]);
    if (n <= 0)
        return n;
    return file_read(f, xfer_user(a->a[1]), (size_t)n);
}

/* write(int fd, const void *buf, size_t n) */
long
sys_write(struct sysargs *a)
{
    struct file *f = argfd(a, 0, NULL);
    long n;

    if (f == NULL || !file_writable(f))
        return -EBADF;
    n = arglen(a->a[1], a->a[2]);
    if (n <= 0)
        return n;
    return file_write(f, xfer_user(a->a[1]), (size_t)n);
}

/* open(const char *path, int flags, int mode) */
long
sys_open(struct sysargs *a)
{
    char path[UAPI_PATH_MAX];
    struct proc *p = myproc();
    int flags = (int)a->a[1];
    struct file *f;
    int err, fd;

    err = argpath(a, 0, path);
    if (err < 0)
        return err;
    /* Fail before any side effect (O_CREAT, O_TRUNC) if no fd is free. */
    for (fd = 0; fd < UAPI_OPEN_MAX && p->ofile[fd] != NULL; fd++)
        ;
    if (fd == UAPI_OPEN_MAX)
        return -EMFILE;
    err = file_open(p->cwd, path, flags, (uint32_t)a->a[2], &f);
    if (err < 0)
        return err;
    fd = fd_alloc(p, f);                     /* cannot fail: nothing ran since */
    if (flags & O_CLOEXEC)
        p->cloexec |= 1u << fd;
    return fd;
}

/* close(int fd) */
long
sys_close(struct sysargs *a)
{
    return fd_close(myproc(), (int)a->a[0]);
}

/* lseek(int fd, off_t off, int whence) -> the new offset */
long
sys_lseek(struct sysargs *a)
{
    struct file *f = argfd(a, 0, NULL);
    int64_t off = (int64_t)a->a[1];
    uint64_t base;

    if (f == NULL)
        return -EBADF;
    if (I_ISFIFO(f->ip))
        return -ESPIPE;
    if (I_ISCHR(f->ip))
        return devsw[f->ip->u.chr.dev].seekable ? 0 : -ESPIPE;
    switch ((int)a->a[2]) {
    case SEEK_SET:
        base = 0;
        break;
    case SEEK_CUR:
        base = f->off;
        break;
    case SEEK_END:
        if (I_ISDIR(f->ip))
            return -EINVAL;
        base = I_ISPROC(f->ip) ? f->text_len : f->ip->size;
        break;
    default:
        return -EINVAL;
    }
    if (off < 0 ? (uint64_t)-(off + 1) + 1 > base
                : (uint64_t)off > (uint64_t)INT64_MAX - base)
        return -EINVAL;
    f->off = base + (uint64_t)off;
    return (long)f->off;
}

/* stat(const char *path, struct uapi_stat *st) */
long
sys_stat(struct sysargs *a)
{
    char path[UAPI_PATH_MAX];
    struct uapi_stat st;
    struct inode *ip;
    int err;

    err = argpath(a, 0, path);
    if (err < 0)
        return err;
    err = vfs_lookup(cwd(), path, &ip);
    if (err < 0)
        return err;
    vfs_stat(ip, &st);
    inode_put(ip);
    return copyout(a->a[1], &st, sizeof(st));
}

/* fstat(int fd, struct uapi_stat *st) */
long
sys_fstat(struct sysargs *a)
{
    struct file *f = argfd(a, 0, NULL);
    struct uapi_stat st;

    if (f == NULL)
        return -EBADF;
    vfs_stat(f->ip, &st);
    return copyout(a->a[1], &st, sizeof(st));
}

/* unlink(const char *path) */
long
sys_unlink(struct sysargs *a)
{
    char path[UAPI_PATH_MAX], name[UAPI_NAME_MAX + 1];
    struct inode *dir, *ip;
    bool trailing;
    int err;

    err = argpath(a, 0, path);
    if (err < 0)
        return err;
    err = vfs_lookup_parent(cwd(), path, &dir, name, &trailing);
    if (err < 0)
        return err;
    ip = vfs_dir_find(dir, name);
    if (trailing && ip != NULL && !I_ISDIR(ip))
        err = -ENOTDIR;                      /* "file/" */
    else
        err = vfs_remove(dir, name, false);
    inode_put(dir);
    return err;
}

/* mkdir(const char *path, int mode) */
long
sys_mkdir(struct sysargs *a)
{
    char path[UAPI_PATH_MAX], name[UAPI_NAME_MAX + 1];
    struct inode *dir, *ip;
    bool trailing;
    int err;

    err = argpath(a, 0, path);
    if (err < 0)
        return err;
    err = vfs_lookup_parent(cwd(), path, &dir, name, &trailing);
    if (err < 0)
        return err;
    err = vfs_create(dir, name, S_IFDIR | ((uint32_t)a->a[1] & 07777), &ip);
    inode_put(dir);
    if (err < 0)
        return err;
    inode_put(ip);
    return 0;
}

/* rmdir(const char *path) */
long
sys_rmdir(struct sysargs *a)
{
    char path[UAPI_PATH_MAX], name[UAPI_NAME_MAX + 1];
    struct inode *dir, *ip;
    bool trailing;
    int err;

    err = argpath(a, 0, path);
    if (err < 0)
        return err;
    err = vfs_lookup(cwd(), path, &ip);
    if (err < 0)
        return err;
    if (ip == vfs_root()) {
        inode_put(ip);
        return -EBUSY;
    }
    inode_put(ip);
    err = vfs_lookup_parent(cwd(), path, &dir, name, &trailing);
    if (err < 0)
        return err;
    err = vfs_remove(dir, name, true);
    inode_put(dir);
    return err;
}

/* getdents(int fd, struct uapi_dirent *buf, size_t bytes) -> bytes filled */
long
sys_getdents(struct sysargs *a)
{
    struct file *f = argfd(a, 0, NULL);
    uint64_t ubuf = a->a[1], bytes = a->a[2];
    struct uapi_dirent d;
    uint64_t done = 0;

    if (f == NULL)
        return -EBADF;
    if (!I_ISDIR(f->ip))
        return -ENOTDIR;
    if (bytes < sizeof(d))
        return -EINVAL;
    if (bytes > RW_MAX)
        bytes = RW_MAX;
    /* At most GETDENTS_MAX records a call: finding each resumes a walk of
     * the directory, and the kernel is not preemptible. */
    if (bytes > GETDENTS_MAX * sizeof(d))
        bytes = GETDENTS_MAX * sizeof(d);
    while (bytes - done >= sizeof(d)) {
        uint64_t pos = f->off;

        if (vfs_readdir(f->ip, &pos, &d) == 0)
            break;
        /* Advance only past what reached the caller. */
        if (copyout(ubuf + done, &d, sizeof(d)) < 0)
            return done > 0 ? (long)done : -EFAULT;
        f->off = pos;
        done += sizeof(d);
    }
    return (long)done;
}

/* dup(int fd) -> the lowest free descriptor, sharing the file */
long
sys_dup(struct sysargs *a)
{
    struct file *f = argfd(a, 0, NULL);
    int fd;

    if (f == NULL)
        return -EBADF;
    fd = fd_alloc(myproc(), f);
    if (fd >= 0)
        file_dup(f);
    return fd;
}

/* dup2(int fd, int newfd) -> newfd */
long
sys_dup2(struct sysargs *a)
{
    struct proc *p = myproc();
    struct file *f = argfd(a, 0, NULL);
    int newfd = (int)a->a[1];

    if (f == NULL || newfd < 0 || newfd >= UAPI_OPEN_MAX)
        return -EBADF;
    if (newfd == (int)a->a[0])
        return newfd;
    /* Take the new reference first, so closing newfd (which may share
     * the same file) cannot drop f's last one. */
    file_dup(f);
    if (p->ofile[newfd] != NULL)
        fd_close(p, newfd);
    p->ofile[newfd] = f;
    p->cloexec &= ~(1u << newfd);
    return newfd;
}

/* pipe(int fds[2]) */
long
sys_pipe(struct sysargs *a)
{
    struct proc *p = myproc();
    struct file *rf, *wf;
    int fds[2], err;

    err = pipe_create(&rf, &wf);
    if (err < 0)
        return err;
    fds[0] = fd_alloc(p, rf);
    if (fds[0] < 0) {
        file_close(rf);
        file_close(wf);
        return fds[0];
    }
    fds[1] = fd_alloc(p, wf);
    if (fds[1] < 0) {
        fd_close(p, fds[0]);
        file_close(wf);
        return fds[1];
    }
    if (copyout(a->a[0], fds, sizeof(fds)) < 0) {
        fd_close(p, fds[0]);
        fd_close(p, fds[1]);
        return -EFAULT;
    }
    return 0;
}

/* chdir(const char *path) */
long
sys_chdir(struct sysargs *a)
{
    char path[UAPI_PATH_MAX];
    struct proc *p = myproc();
    struct inode *ip;
    int err;

    err = argpath(a, 0, path);
    if (err < 0)
        return err;
    err = vfs_lookup(p->cwd, path, &ip);
    if (err < 0)
        return err;
    if (!I_ISDIR(ip)) {
        inode_put(ip);
        return -ENOTDIR;
    }
    if (p->cwd != NULL)
        inode_put(p->cwd);
    p->cwd = ip;
    return 0;
}

/* getcwd(char *buf, size_t size) -> the length including the NUL */
long
sys_getcwd(struct sysargs *a)
{
    char path[UAPI_PATH_MAX];
    struct inode *dir = cwd() != NULL ? cwd() : vfs_root();
    long n = vfs_path_of(dir, path, sizeof(path));

    if (n == -ERANGE)
        return -ENAMETOOLONG;
    if (n < 0)
        return n;
    if (a->a[1] < (uint64_t)n + 1)
        return -ERANGE;
    if (copyout(a->a[0], path, (size_t)n + 1) < 0)
        return -EFAULT;
    return n + 1;
}

/* tcsetpgrp(int fd, int pgid): the console's foreground group */
long
sys_tcsetpgrp(struct sysargs *a)
{
    struct file *f = argfd(a, 0, NULL);
    int pgid = (int)a->a[1];

    if (f == NULL)
        return -EBADF;
    if (!file_is_tty(f))
        return -ENOTTY;
    if (pgid <= 0)
        return -EINVAL;
    tty_set_pgrp(pgid);
    return 0;
}

/* tcgetpgrp(int fd) */
long
sys_tcgetpgrp(struct sysargs *a)
{
    struct file *f = argfd(a, 0, NULL);

    if (f == NULL)
        return -EBADF;
    if (!file_is_tty(f))
        return -ENOTTY;
    return tty_get_pgrp();
}
