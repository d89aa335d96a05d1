/*
 * uapi/abi.h - constants and structures of the guest kernel's user ABI.
 *
 * Values are newlib 3.3.0's for x86-64 (errno, open flags, signals, wait
 * status, struct stat, clocks), so the C library passes them through
 * unchanged.  guest-port/libc checks the struct layouts against newlib's
 * own headers at compile time.  Where newlib has no header (mmap,
 * directories) the values here are the ABI.
 *
 * Types are fixed-width so the kernel (freestanding) and user programs
 * (newlib) agree without sharing a C library.
 */
#ifndef GUEST_UAPI_ABI_H
#define GUEST_UAPI_ABI_H

#include <stdint.h>

/* errno values (returned negated) */
#define EPERM    1
#define ENOENT   2
#define ESRCH    3
#define EINTR    4
#define EIO      5
#define ENXIO    6
#define E2BIG    7
#define ENOEXEC  8
#define EBADF    9
#define ECHILD  10
#define EAGAIN  11
#define ENOMEM  12
#define EACCES  13
#define EFAULT  14
#define EBUSY   16
#define EEXIST  17
#define EXDEV   18
#define ENODEV  19
#define ENOTDIR 20
#define EISDIR  21
#define EINVAL  22
#define ENFILE  23
#define EMFILE  24
#define ENOTTY  25
#define EFBIG   27
#define ENOSPC  28
#define ESPIPE  29
#define EROFS   30
#define EMLINK  31
#define EPIPE   32
#define EDOM    33
#define ERANGE  34
#define ENOSYS  88
#define ENOTEMPTY 90
#define ENAMETOOLONG 91
#define ELOOP   92

/* open flags */
#define O_RDONLY    0x0000
#define O_WRONLY    0x0001
#define O_RDWR      0x0002
#define O_ACCMODE   0x0003
#define O_APPEND    0x0008
#define O_CREAT     0x0200
#define O_TRUNC     0x0400
#define O_EXCL      0x0800
#define O_NONBLOCK  0x4000
#define O_CLOEXEC   0x40000
#define O_DIRECTORY 0x200000

/* lseek */
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

/* file types and permission bits (st_mode) */
#define S_IFMT   0170000
#define S_IFIFO  0010000
#define S_IFCHR  0020000
#define S_IFDIR  0040000
#define S_IFREG  0100000

/* signals (newlib's numbering) */
#define SIGHUP   1
#define SIGINT   2
#define SIGQUIT  3
#define SIGILL   4
#define SIGTRAP  5
#define SIGABRT  6
#define SIGFPE   8
#define SIGKILL  9
#define SIGBUS  10
#define SIGSEGV 11
#define SIGSYS  12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTOP 17
#define SIGCHLD 20
#define SIGUSR1 30
#define SIGUSR2 31
#define NSIG    32

#define SIG_DFL_VALUE 0    /* uapi_sigaction.handler: default action */
#define SIG_IGN_VALUE 1    /* uapi_sigaction.handler: ignore */

#define SIG_SETMASK 0      /* sigprocmask how (newlib's values) */
#define SIG_BLOCK   1
#define SIG_UNBLOCK 2

/*
 * A handler is entered with rdi = signal number, on the user stack below
 * a saved frame, returning to act.restorer, which must make SYS_sigreturn.
 */
struct uapi_sigaction {
    uint64_t handler;      /* user address, SIG_DFL_VALUE or SIG_IGN_VALUE */
    uint64_t mask;         /* signals blocked while it runs, bit (sig-1) */
    uint64_t flags;        /* reserved, 0 */
    uint64_t restorer;     /* user address that calls SYS_sigreturn */
};

/* waitpid: options and status encoding (newlib's sys/wait.h decodes it) */
#define WNOHANG 1
#define W_EXITCODE(code, sig) (((code) & 0xff) << 8 | ((sig) & 0x7f))

/* mmap (newlib has no sys/mman.h; these are the ABI) */
#define PROT_NONE  0
#define PROT_READ  1
#define PROT_WRITE 2
#define PROT_EXEC  4
#define MAP_SHARED    0x01
#define MAP_PRIVATE   0x02
#define MAP_FIXED     0x10
#define MAP_ANONYMOUS 0x20
#define MAP_FAILED_VALUE (~0ull)

/* clocks (newlib's clockid_t values) */
#define CLOCK_REALTIME  1
#define CLOCK_MONOTONIC 4

struct uapi_timespec {
    int64_t tv_sec;
    int64_t tv_nsec;
};

/* newlib x86-64 struct stat: 104 bytes */
struct uapi_stat {
    int16_t  st_dev;        /*  0 */
    uint16_t st_ino;        /*  2 */
    uint32_t st_mode;       /*  4 */
    uint16_t st_nlink;      /*  8 */
    uint16_t st_uid;        /* 10 */
    uint16_t st_gid;        /* 12 */
    int16_t  st_rdev;       /* 14 */
    int64_t  st_size;       /* 16 */
    struct uapi_timespec st_atim;   /* 24 */
    struct uapi_timespec st_mtim;   /* 40 */
    struct uapi_timespec st_ctim;   /* 56 */
    int64_t  st_blksize;    /* 72 */
    int64_t  st_blocks;     /* 80 */
    int64_t  st_spare4[2];  /* 88 */
};

/* getdents: fixed 64-byte records */
#define UAPI_NAME_MAX 57
#define DT_UNKNOWN 0
#define DT_FIFO    1
#define DT_CHR     2
#define DT_DIR     4
#define DT_REG     8
struct uapi_dirent {
    uint32_t d_ino;
    uint8_t  d_type;        /* DT_* */
    uint8_t  d_namlen;
    char     d_name[UAPI_NAME_MAX + 1];   /* NUL-terminated */
};                          /* 64 bytes */

/* SYS_hal_counters */
struct uapi_hal_counters {
    uint64_t hypercalls;    /* hypervisor entries by int $0x82 */
    uint64_t exceptions;    /* exceptions taken by the hypervisor (and bounced) */
    uint64_t interrupts;
    uint64_t cr3_writes;
};

/* Limits the kernel enforces (a user may rely on them) */
#define UAPI_PATH_MAX   256
#define UAPI_ARG_MAX    (64 * 1024)   /* argv + envp strings and pointers */
#define UAPI_OPEN_MAX   32            /* descriptors per process */
#define UAPI_PIPE_BUF   4096          /* writes up to this are atomic */

#endif
