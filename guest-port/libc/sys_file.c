/*
 * sys_file.c - files and descriptors: newlib's _open/_read/... and the
 * POSIX calls newlib leaves to the system (dup, pipe, chdir, ...).
 *
 * Flags, modes, errno values and struct stat are newlib's on both sides of
 * the system call (abi_check.c), so arguments pass through unchanged.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "glue.h"
#include "syscall.h"

#define GETCWD_MAX 256              /* UAPI_PATH_MAX */

int
_open(const char *path, int flags, ...)
{
    int mode = 0;

    if (flags & O_CREAT) {
        va_list ap;
        va_start(ap, flags);
        mode = va_arg(ap, int);
        va_end(ap);
    }
    return (int)SYSCALL3(SYS_open, path, flags, mode);
}
GLUE_ALIAS(open, _open);

int
_close(int fd)
{
    return (int)SYSCALL1(SYS_close, fd);
}
GLUE_ALIAS(close, _close);

/* newlib declares read and write to return int (_READ_WRITE_RETURN_TYPE)
 * for this target; the kernel's count is at most n. */
_READ_WRITE_RETURN_TYPE
_read(int fd, void *buf, size_t n)
{
    return (_READ_WRITE_RETURN_TYPE)SYSCALL3(SYS_read, fd, buf, n);
}
GLUE_ALIAS(read, _read);

_READ_WRITE_RETURN_TYPE
_write(int fd, const void *buf, size_t n)
{
    return (_READ_WRITE_RETURN_TYPE)SYSCALL3(SYS_write, fd, buf, n);
}
GLUE_ALIAS(write, _write);

off_t
_lseek(int fd, off_t off, int whence)
{
    return SYSCALL3(SYS_lseek, fd, off, whence);
}
GLUE_ALIAS(lseek, _lseek);

int
_fstat(int fd, struct stat *st)
{
    return (int)SYSCALL2(SYS_fstat, fd, st);
}
GLUE_ALIAS(fstat, _fstat);

int
_stat(const char *path, struct stat *st)
{
    return (int)SYSCALL2(SYS_stat, path, st);
}
GLUE_ALIAS(stat, _stat);

/* No symbolic links, so lstat is stat. */
int
lstat(const char *path, struct stat *st)
{
    return _stat(path, st);
}

/*
 * There is no terminal ioctl: a descriptor is a terminal when it is a
 * character device, which only the console is.  Returns 1 or 0 (errno
 * ENOTTY), as isatty does.  stdio relies on it (line buffering).
 */
int
_isatty(int fd)
{
    struct stat st;

    if (_fstat(fd, &st) < 0)
        return 0;
    if (!S_ISCHR(st.st_mode)) {
        errno = ENOTTY;
        return 0;
    }
    return 1;
}
GLUE_ALIAS(isatty, _isatty);

int
_unlink(const char *path)
{
    return (int)SYSCALL1(SYS_unlink, path);
}
GLUE_ALIAS(unlink, _unlink);

/* The ramfs has no hard links. */
int
_link(const char *old, const char *new)
{
    (void)old;
    (void)new;
    errno = EMLINK;
    return -1;
}
GLUE_ALIAS(link, _link);

int
mkdir(const char *path, mode_t mode)
{
    return (int)SYSCALL2(SYS_mkdir, path, mode);
}

int
rmdir(const char *path)
{
    return (int)SYSCALL1(SYS_rmdir, path);
}

int
dup(int fd)
{
    return (int)SYSCALL1(SYS_dup, fd);
}

int
dup2(int fd, int newfd)
{
    return (int)SYSCALL2(SYS_dup2, fd, newfd);
}

int
pipe(int fds[2])
{
    return (int)SYSCALL1(SYS_pipe, fds);
}

int
chdir(const char *path)
{
    return (int)SYSCALL1(SYS_chdir, path);
}

/*
 * Returns buf, or NULL with errno set (ERANGE if size is too small).  As
 * in glibc, a NULL buf is allocated with malloc (size bytes, or enough for
 * any path if size is 0) and the caller frees it.
 */
char *
getcwd(char *buf, size_t size)
{
    char *mine = NULL;

    if (buf == NULL) {
        if (size == 0)
            size = GETCWD_MAX;
        buf = mine = malloc(size);
        if (buf == NULL) {
            errno = ENOMEM;
            return NULL;
        }
    }
    if (SYSCALL2(SYS_getcwd, buf, size) < 0) {
        free(mine);
        return NULL;
    }
    return buf;
}

pid_t
tcgetpgrp(int fd)
{
    return (pid_t)SYSCALL1(SYS_tcgetpgrp, fd);
}

int
tcsetpgrp(int fd, pid_t pgrp)
{
    return (int)SYSCALL2(SYS_tcsetpgrp, fd, pgrp);
}
