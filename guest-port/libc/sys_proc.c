/*
 * sys_proc.c - processes: exit, fork, exec, wait, ids and process groups.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "glue.h"
#include "syscall.h"

/* Ends the process at once: no atexit handlers, no stdio flush (exit()
 * does those first, then calls this). */
void
_exit(int status)
{
    sys_call1(SYS_exit, status);
    for (;;)
        __builtin_trap();       /* the kernel came back: nothing sane is left */
}

pid_t
_fork(void)
{
    return (pid_t)SYSCALL0(SYS_fork);
}
GLUE_ALIAS(fork, _fork);

/* There is no separate vfork: fork is copy-on-write. */
pid_t
vfork(void)
{
    return _fork();
}

int
_execve(const char *path, char *const argv[], char *const envp[])
{
    return (int)SYSCALL3(SYS_execve, path, argv, envp);
}
GLUE_ALIAS(execve, _execve);

pid_t
waitpid(pid_t pid, int *status, int options)
{
    return (pid_t)SYSCALL3(SYS_waitpid, pid, status, options);
}

pid_t
_wait(int *status)
{
    return waitpid(-1, status, 0);
}
GLUE_ALIAS(wait, _wait);

pid_t
_getpid(void)
{
    return (pid_t)SYSCALL0(SYS_getpid);
}
GLUE_ALIAS(getpid, _getpid);

pid_t
getppid(void)
{
    return (pid_t)SYSCALL0(SYS_getppid);
}

/* pid < 0 signals the process group -pid. */
int
_kill(pid_t pid, int sig)
{
    return (int)SYSCALL2(SYS_kill, pid, sig);
}
GLUE_ALIAS(kill, _kill);

int
killpg(pid_t pgrp, int sig)
{
    if (pgrp <= 0) {
        errno = EINVAL;
        return -1;
    }
    return _kill(-pgrp, sig);
}

int
setpgid(pid_t pid, pid_t pgid)
{
    return (int)SYSCALL2(SYS_setpgid, pid, pgid);
}

pid_t
getpgrp(void)
{
    return (pid_t)SYSCALL0(SYS_getpgrp);
}

int
sched_yield(void)
{
    return (int)SYSCALL0(SYS_sched_yield);
}
