/*
 * sysproc.h - the non-file system calls (sysproc.c), dispatched by
 * syscall.c.  Each takes the raw argument registers and returns the value
 * for rax: >= 0, or -errno.
 */
#ifndef GUEST_SYSPROC_H
#define GUEST_SYSPROC_H

#include "defs.h"

long sys_exit(struct sysargs *a);
long sys_fork(struct sysargs *a);
long sys_execve(struct sysargs *a);
long sys_waitpid(struct sysargs *a);
long sys_getpid(struct sysargs *a);
long sys_getppid(struct sysargs *a);
long sys_kill(struct sysargs *a);
long sys_sigaction(struct sysargs *a);
long sys_sigreturn(struct sysargs *a);
long sys_sched_yield(struct sysargs *a);
long sys_setpgid(struct sysargs *a);
long sys_getpgrp(struct sysargs *a);
long sys_sigprocmask(struct sysargs *a);
long sys_brk(struct sysargs *a);
long sys_mmap(struct sysargs *a);
long sys_munmap(struct sysargs *a);
long sys_clock_gettime(struct sysargs *a);
long sys_nanosleep(struct sysargs *a);
long sys_poweroff(struct sysargs *a);
long sys_reboot(struct sysargs *a);
long sys_hal_counters(struct sysargs *a);

#endif
