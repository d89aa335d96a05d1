/*
 * kproc.h - process-management interfaces shared by proc.c, timer.c,
 * trap.c, exec.c, sysproc.c and main.c beyond the public ones in defs.h.
 */
#ifndef GUEST_KPROC_H
#define GUEST_KPROC_H

#include "proc.h"

#define SLICE_NS  (10ull * 1000 * 1000)   /* round-robin time slice: 10 ms */

/* proc.c */

/*
 * Create process 1, which opens the console as fds 0-2 and execs path
 * with argv (argv[0] included, NULL-terminated; the strings must stay
 * valid until it runs).  Runs when scheduler() starts.  Panics if the
 * process cannot be made.
 */
void proc_spawn_init(const char *path, char *const *argv);

/* fork(): the child's pid in the parent, -EAGAIN (table full) or -ENOMEM.
 * The child returns 0 from the same system call. */
int proc_fork(void);

/*
 * waitpid(): reap a zombie child (pid -1: any child; pid > 0: that one).
 * *status gets its W_EXITCODE status.  Returns its pid; 0 with WNOHANG if
 * none has exited yet; -ECHILD if there is no such child; -EINTR if a
 * signal came while waiting.
 */
int proc_wait(int pid, int *status, int options);

/* True if the running process's time slice is over (set by timer_tick). */
extern bool proc_need_resched;

/* exec: name the process after the program path's base name. */
void proc_set_name(struct proc *p, const char *path);

/* exec: make vm the running process's address space (loading it) and
 * destroy the one it replaces. */
void proc_replace_vm(struct vm *vm);

/* trap.c */

/* Everything due before tf goes back to user mode: preemption, signals,
 * queued page-table updates.  May not return (a fatal signal). */
void trap_return_prepare(struct trapframe *tf);

/* Kill the running process for a fault it took (sig), with a report line
 * and tf's registers on the console.  Does not return. */
void trap_kill_fault(struct trapframe *tf, int sig, const char *why)
    __attribute__((noreturn));

#endif
