/*
 * abi_check.c - proves at compile time that the kernel's user ABI
 * (uapi/abi.h) and newlib agree, so the glue can pass flags, errno values,
 * signal numbers and structures through unchanged.  It generates no code.
 *
 * The two headers define the same macro names (EPERM, O_CREAT, SIGINT, ...),
 * so they cannot be included together.  This file includes the uapi header
 * first, captures each value as an enumerator UAPI_V_<name>, #undefs the
 * name, and only then includes newlib's headers (and the glue's own
 * <sys/mman.h>, <sys/dirent.h>, <guest.h>) and compares.
 */

/* ---- 1. The kernel's values ---- */
#include "uapi/abi.h"

/* Every name defined by both the uapi header and newlib (or the glue's
 * own headers).  A name added to uapi/abi.h that newlib also defines
 * belongs here and in the #undef list below. */
#define ABI_NAMES(X) \
    X(EPERM) X(ENOENT) X(ESRCH) X(EINTR) X(EIO) X(ENXIO) X(E2BIG) \
    X(ENOEXEC) X(EBADF) X(ECHILD) X(EAGAIN) X(ENOMEM) X(EACCES) X(EFAULT) \
    X(EBUSY) X(EEXIST) X(EXDEV) X(ENODEV) X(ENOTDIR) X(EISDIR) X(EINVAL) \
    X(ENFILE) X(EMFILE) X(ENOTTY) X(EFBIG) X(ENOSPC) X(ESPIPE) X(EROFS) \
    X(EMLINK) X(EPIPE) X(EDOM) X(ERANGE) X(ENOSYS) X(ENOTEMPTY) \
    X(ENAMETOOLONG) X(ELOOP) \
    X(O_RDONLY) X(O_WRONLY) X(O_RDWR) X(O_ACCMODE) X(O_APPEND) X(O_CREAT) \
    X(O_TRUNC) X(O_EXCL) X(O_NONBLOCK) X(O_CLOEXEC) X(O_DIRECTORY) \
    X(SEEK_SET) X(SEEK_CUR) X(SEEK_END) \
    X(S_IFMT) X(S_IFIFO) X(S_IFCHR) X(S_IFDIR) X(S_IFREG) \
    X(SIGHUP) X(SIGINT) X(SIGQUIT) X(SIGILL) X(SIGTRAP) X(SIGABRT) \
    X(SIGFPE) X(SIGKILL) X(SIGBUS) X(SIGSEGV) X(SIGSYS) X(SIGPIPE) \
    X(SIGALRM) X(SIGTERM) X(SIGSTOP) X(SIGCHLD) X(SIGUSR1) X(SIGUSR2) \
    X(NSIG) X(SIG_SETMASK) X(SIG_BLOCK) X(SIG_UNBLOCK) \
    X(WNOHANG) \
    X(PROT_NONE) X(PROT_READ) X(PROT_WRITE) X(PROT_EXEC) \
    X(MAP_SHARED) X(MAP_PRIVATE) X(MAP_FIXED) X(MAP_ANONYMOUS) \
    X(CLOCK_REALTIME) X(CLOCK_MONOTONIC) \
    X(DT_UNKNOWN) X(DT_FIFO) X(DT_CHR) X(DT_DIR) X(DT_REG)

#define ABI_CAPTURE(n) UAPI_V_##n = (n),
enum uapi_value {
    ABI_NAMES(ABI_CAPTURE)
    UAPI_V_STATUS_EXIT3 = W_EXITCODE(3, 0),     /* exit(3) */
    UAPI_V_STATUS_KILL9 = W_EXITCODE(0, 9),     /* killed by signal 9 */
};
#undef ABI_CAPTURE

/* ---- 2. Forget the uapi names ---- */
#undef EPERM
#undef ENOENT
#undef ESRCH
#undef EINTR
#undef EIO
#undef ENXIO
#undef E2BIG
#undef ENOEXEC
#undef EBADF
#undef ECHILD
#undef EAGAIN
#undef ENOMEM
#undef EACCES
#undef EFAULT
#undef EBUSY
#undef EEXIST
#undef EXDEV
#undef ENODEV
#undef ENOTDIR
#undef EISDIR
#undef EINVAL
#undef ENFILE
#undef EMFILE
#undef ENOTTY
#undef EFBIG
#undef ENOSPC
#undef ESPIPE
#undef EROFS
#undef EMLINK
#undef EPIPE
#undef EDOM
#undef ERANGE
#undef ENOSYS
#undef ENOTEMPTY
#undef ENAMETOOLONG
#undef ELOOP
#undef O_RDONLY
#undef O_WRONLY
#undef O_RDWR
#undef O_ACCMODE
#undef O_APPEND
#undef O_CREAT
#undef O_TRUNC
#undef O_EXCL
#undef O_NONBLOCK
#undef O_CLOEXEC
#undef O_DIRECTORY
#undef SEEK_SET
#undef SEEK_CUR
#undef SEEK_END
#undef S_IFMT
#undef S_IFIFO
#undef S_IFCHR
#undef S_IFDIR
#undef S_IFREG
#undef SIGHUP
#undef SIGINT
#undef SIGQUIT
#undef SIGILL
#undef SIGTRAP
#undef SIGABRT
#undef SIGFPE
#undef SIGKILL
#undef SIGBUS
#undef SIGSEGV
#undef SIGSYS
#undef SIGPIPE
#undef SIGALRM
#undef SIGTERM
#undef SIGSTOP
#undef SIGCHLD
#undef SIGUSR1
#undef SIGUSR2
#undef NSIG
#undef SIG_SETMASK
#undef SIG_BLOCK
#undef SIG_UNBLOCK
#undef WNOHANG
#undef W_EXITCODE
#undef PROT_NONE
#undef PROT_READ
#undef PROT_WRITE
#undef PROT_EXEC
#undef MAP_SHARED
#undef MAP_PRIVATE
#undef MAP_FIXED
#undef MAP_ANONYMOUS
#undef CLOCK_REALTIME
#undef CLOCK_MONOTONIC
#undef DT_UNKNOWN
#undef DT_FIFO
#undef DT_CHR
#undef DT_DIR
#undef DT_REG

/* ---- 3. newlib's values, and the glue's own headers ---- */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <guest.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "glue.h"

#define ABI_CHECK(n) \
    _Static_assert(UAPI_V_##n == (n), #n " differs between uapi/abi.h and newlib");
ABI_NAMES(ABI_CHECK)
#undef ABI_CHECK

/* The wait status the kernel encodes is what newlib's macros decode. */
_Static_assert(WIFEXITED(UAPI_V_STATUS_EXIT3) && WEXITSTATUS(UAPI_V_STATUS_EXIT3) == 3,
               "exit status encoding");
_Static_assert(WIFSIGNALED(UAPI_V_STATUS_KILL9) && WTERMSIG(UAPI_V_STATUS_KILL9) == 9,
               "signal status encoding");

/* Same offset, size and signedness of field f in struct a and struct b. */
#define SAME_FIELD(a, b, f) \
    _Static_assert(offsetof(a, f) == offsetof(b, f), #a "." #f " offset"); \
    _Static_assert(sizeof(((a *)0)->f) == sizeof(((b *)0)->f), #a "." #f " size")
#define SAME_SIGN(a, b, f) \
    _Static_assert(((__typeof__(((a *)0)->f))-1 > 0) == ((__typeof__(((b *)0)->f))-1 > 0), \
                   #a "." #f " signedness")
#define SAME_INT_FIELD(a, b, f) SAME_FIELD(a, b, f); SAME_SIGN(a, b, f)

_Static_assert(sizeof(struct stat) == sizeof(struct uapi_stat), "struct stat size");
SAME_INT_FIELD(struct stat, struct uapi_stat, st_dev);
SAME_INT_FIELD(struct stat, struct uapi_stat, st_ino);
SAME_INT_FIELD(struct stat, struct uapi_stat, st_mode);
SAME_INT_FIELD(struct stat, struct uapi_stat, st_nlink);
SAME_INT_FIELD(struct stat, struct uapi_stat, st_uid);
SAME_INT_FIELD(struct stat, struct uapi_stat, st_gid);
SAME_INT_FIELD(struct stat, struct uapi_stat, st_rdev);
SAME_INT_FIELD(struct stat, struct uapi_stat, st_size);
SAME_FIELD(struct stat, struct uapi_stat, st_atim);
SAME_FIELD(struct stat, struct uapi_stat, st_mtim);
SAME_FIELD(struct stat, struct uapi_stat, st_ctim);
SAME_INT_FIELD(struct stat, struct uapi_stat, st_blksize);
SAME_INT_FIELD(struct stat, struct uapi_stat, st_blocks);
SAME_FIELD(struct stat, struct uapi_stat, st_spare4);

_Static_assert(sizeof(struct timespec) == sizeof(struct uapi_timespec), "struct timespec size");
SAME_INT_FIELD(struct timespec, struct uapi_timespec, tv_sec);
SAME_INT_FIELD(struct timespec, struct uapi_timespec, tv_nsec);

/* Types the system calls pass by value or through a pointer. */
_Static_assert(sizeof(off_t) == 8 && sizeof(ssize_t) == 8 && sizeof(size_t) == 8, "64-bit sizes");
_Static_assert(sizeof(pid_t) == 4 && sizeof(mode_t) == 4, "int arguments");
_Static_assert(sizeof(sigset_t) * 8 >= NSIG, "sigset_t holds every signal");

/* The glue's copies of the structures newlib has no type for. */
_Static_assert(sizeof(struct kernel_sigaction) == sizeof(struct uapi_sigaction), "sigaction size");
SAME_FIELD(struct kernel_sigaction, struct uapi_sigaction, handler);
SAME_FIELD(struct kernel_sigaction, struct uapi_sigaction, mask);
SAME_FIELD(struct kernel_sigaction, struct uapi_sigaction, flags);
SAME_FIELD(struct kernel_sigaction, struct uapi_sigaction, restorer);

_Static_assert(sizeof(struct kernel_dirent) == 64 &&
               sizeof(struct kernel_dirent) == sizeof(struct uapi_dirent), "dirent size");
SAME_FIELD(struct kernel_dirent, struct uapi_dirent, d_ino);
SAME_FIELD(struct kernel_dirent, struct uapi_dirent, d_type);
SAME_FIELD(struct kernel_dirent, struct uapi_dirent, d_namlen);
SAME_FIELD(struct kernel_dirent, struct uapi_dirent, d_name);
_Static_assert(KERNEL_NAME_MAX == UAPI_NAME_MAX && DIRENT_NAME_MAX == UAPI_NAME_MAX,
               "directory entry name length");

_Static_assert(sizeof(struct hal_counters) == sizeof(struct uapi_hal_counters), "hal_counters size");
SAME_FIELD(struct hal_counters, struct uapi_hal_counters, hypercalls);
SAME_FIELD(struct hal_counters, struct uapi_hal_counters, exceptions);
SAME_FIELD(struct hal_counters, struct uapi_hal_counters, interrupts);
SAME_FIELD(struct hal_counters, struct uapi_hal_counters, cr3_writes);
