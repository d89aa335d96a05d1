/*
 * uapi/syscall.h - the guest kernel's system-call numbers and convention.
 *
 * Shared by the kernel (guest-port/kernel) and the C library glue
 * (guest-port/libc).  The same user binaries run on the native and the PV
 * build, so this is the one user ABI of both.
 *
 * Convention (x86-64, both builds):
 *   int $0x80 with rax = number, arguments in rdi, rsi, rdx, r10, r8, r9.
 *   Result in rax: >= 0 on success, -errno (uapi/abi.h values, which are
 *   newlib's) on failure.  Every other register is preserved, rcx and r11
 *   included.  In the PV build the gate reaches the ring-1 kernel without
 *   entering the hypervisor.
 *
 * Numbers are never reused; a dropped call keeps its slot.
 */
#ifndef GUEST_UAPI_SYSCALL_H
#define GUEST_UAPI_SYSCALL_H

#define SYSCALL_VECTOR 0x80

/* Processes */
#define SYS_exit           0   /* (int status) does not return */
#define SYS_fork           1   /* () -> child pid in the parent, 0 in the child */
#define SYS_execve         2   /* (const char *path, char *const argv[], char *const envp[]) */
#define SYS_waitpid        3   /* (int pid, int *status, int options) -> pid; WNOHANG -> 0 */
#define SYS_getpid         4   /* () */
#define SYS_getppid        5   /* () */
#define SYS_kill           6   /* (int pid, int sig); pid < 0 names the process group -pid */
#define SYS_sigaction      7   /* (int sig, const struct uapi_sigaction *act, struct uapi_sigaction *old) */
#define SYS_sigreturn      8   /* () restores the frame the kernel pushed for a handler */
#define SYS_sched_yield    9   /* () */
#define SYS_setpgid       10   /* (int pid, int pgid); 0 means the caller / its pid */
#define SYS_getpgrp       11   /* () */
#define SYS_sigprocmask   12   /* (int how, const uint64_t *set, uint64_t *old) bit (sig-1) */

/* Memory */
#define SYS_brk           16   /* (void *addr) -> the new break (the old one if addr is 0 or refused) */
#define SYS_mmap          17   /* (void *addr, size_t len, int prot, int flags, int fd, off_t off); anonymous only */
#define SYS_munmap        18   /* (void *addr, size_t len) */

/* Files */
#define SYS_read          24   /* (int fd, void *buf, size_t n) */
#define SYS_write         25   /* (int fd, const void *buf, size_t n) */
#define SYS_open          26   /* (const char *path, int flags, int mode) */
#define SYS_close         27   /* (int fd) */
#define SYS_lseek         28   /* (int fd, off_t off, int whence) -> new offset */
#define SYS_stat          29   /* (const char *path, struct uapi_stat *st) */
#define SYS_fstat         30   /* (int fd, struct uapi_stat *st) */
#define SYS_unlink        31   /* (const char *path) */
#define SYS_mkdir         32   /* (const char *path, int mode) */
#define SYS_rmdir         33   /* (const char *path) */
#define SYS_getdents      34   /* (int fd, struct uapi_dirent *buf, size_t bytes) -> bytes filled, 0 at end */
#define SYS_dup           35   /* (int fd) */
#define SYS_dup2          36   /* (int fd, int newfd) */
#define SYS_pipe          37   /* (int fds[2]) */
#define SYS_chdir         38   /* (const char *path) */
#define SYS_getcwd        39   /* (char *buf, size_t size) -> length including the NUL */
#define SYS_tcsetpgrp     40   /* (int fd, int pgid) the console's foreground group (gets Ctrl-C) */
#define SYS_tcgetpgrp     41   /* (int fd) */

/* Time */
#define SYS_clock_gettime 48   /* (int clock, struct uapi_timespec *ts); CLOCK_REALTIME, CLOCK_MONOTONIC */
#define SYS_nanosleep     49   /* (const struct uapi_timespec *req, struct uapi_timespec *rem) */

/* System */
#define SYS_poweroff      56   /* (int code) ends the machine or domain; code is the exit status
                                  a test harness sees.  Only init (pid 1) may. */
#define SYS_reboot        58   /* () restarts the machine or domain.  Only init (pid 1) may. */
#define SYS_hal_counters  57   /* (struct uapi_hal_counters *c) hypervisor entries and CR3 writes
                                  so far (PV build); -ENOSYS natively */

#define NR_SYSCALLS       64

#endif
