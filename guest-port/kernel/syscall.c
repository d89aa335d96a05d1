/*
 * syscall.c - system-call dispatch.
 *
 * The convention (uapi/syscall.h): int $0x80 with the number in rax and
 * arguments in rdi, rsi, rdx, r10, r8, r9; the result goes back in rax,
 * every other register is preserved.  Handlers get the arguments as raw
 * 64-bit values in struct sysargs and check them themselves.
 */
#include "kproc.h"
#include "sysproc.h"

static long (*const syscalls[NR_SYSCALLS])(struct sysargs *) = {
    [SYS_exit]          = sys_exit,
    [SYS_fork]          = sys_fork,
    [SYS_execve]        = sys_execve,
    [SYS_waitpid]       = sys_waitpid,
    [SYS_getpid]        = sys_getpid,
    [SYS_getppid]       = sys_getppid,
    [SYS_kill]          = sys_kill,
    [SYS_sigaction]     = sys_sigaction,
    [SYS_sigreturn]     = sys_sigreturn,
    [SYS_sched_yield]   = sys_sched_yield,
    [SYS_setpgid]       = sys_setpgid,
    [SYS_getpgrp]       = sys_getpgrp,
    [SYS_sigprocmask]   = sys_sigprocmask,
    [SYS_brk]           = sys_brk,
    [SYS_mmap]          = sys_mmap,
    [SYS_munmap]        = sys_munmap,
    [SYS_read]          = sys_read,
    [SYS_write]         = sys_write,
    [SYS_open]          = sys_open,
    [SYS_close]         = sys_close,
    [SYS_lseek]         = sys_lseek,
    [SYS_stat]          = sys_stat,
    [SYS_fstat]         = sys_fstat,
    [SYS_unlink]        = sys_unlink,
    [SYS_mkdir]         = sys_mkdir,
    [SYS_rmdir]         = sys_rmdir,
    [SYS_getdents]      = sys_getdents,
    [SYS_dup]           = sys_dup,
    [SYS_dup2]          = sys_dup2,
    [SYS_pipe]          = sys_pipe,
    [SYS_chdir]         = sys_chdir,
    [SYS_getcwd]        = sys_getcwd,
    [SYS_tcsetpgrp]     = sys_tcsetpgrp,
    [SYS_tcgetpgrp]     = sys_tcgetpgrp,
    [SYS_clock_gettime] = sys_clock_gettime,
    [SYS_nanosleep]     = sys_nanosleep,
    [SYS_poweroff]      = sys_poweroff,
    [SYS_hal_counters]  = sys_hal_counters,
    [SYS_reboot]        = sys_reboot,
};

/*
 * Run the system call tf asks for and put its result in tf->rax.  An
 * unknown number gets -ENOSYS.  execve and sigreturn rewrite tf
 * themselves (their result is then the new rax: 0, or the saved one).
 */
void
syscall(struct trapframe *tf)
{
    uint64_t num = tf->rax;
    struct sysargs a = { { tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9 } };
    long ret;

    if (num < NELEM(syscalls) && syscalls[num] != NULL) {
        ret = syscalls[num](&a);
    } else {
        struct proc *p = myproc();

        printk("pid %d (%s): unknown system call %lu\n", p->pid, p->name, num);
        ret = -ENOSYS;
    }
    tf->rax = (uint64_t)ret;
}
