/*
 * ksignal.h - signal interfaces beyond defs.h, for sysproc.c, exec.c,
 * proc.c and trap.c.
 */
#ifndef GUEST_KSIGNAL_H
#define GUEST_KSIGNAL_H

#include "proc.h"

#define SIGBIT(sig)   (1ull << ((sig) - 1))
/* Signals whose action and blocking cannot be changed. */
#define SIG_UNCATCHABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))

/* sigaction(): check and install act (if not NULL), return the old one in
 * *old (if not NULL).  0 or -EINVAL. */
int signal_action(struct proc *p, int sig, const struct uapi_sigaction *act,
                  struct uapi_sigaction *old);

/* sigprocmask(): change p's blocked set by how.  0 or -EINVAL. */
int signal_mask(struct proc *p, int how, const uint64_t *set, uint64_t *old);

/* sigreturn(): restore the state saved by signal_deliver from the frame
 * at the user stack.  Returns the restored rax (the system-call result
 * slot); a bad frame kills the process. */
long signal_return(struct trapframe *tf);

/* At exec: caught signals go back to the default action, ignored ones
 * stay ignored; the blocked mask and pending signals are kept (POSIX). */
void signal_exec_reset(struct proc *p);

/* True if sig would be handled by a user handler right now (caught and
 * not blocked). */
bool signal_caught(struct proc *p, int sig);

#endif
