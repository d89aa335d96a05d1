/*
 * sys_signal.c - sigaction, signal and sigprocmask on the kernel's signals.
 *
 * Signal numbers are newlib's on both sides.  The masks are not: newlib's
 * sigset_t macros (sigaddset, ...) use bit sig, the kernel bit (sig-1), so
 * masks are shifted by one on the way in and out.  raise() is newlib's
 * (built with SIGNAL_PROVIDED it is kill(getpid(), sig)).
 *
 * The kernel enters a handler with the signal number in rdi and
 * libc_sigrestore as its return address; sa_flags is ignored (the kernel
 * has none; interrupted calls fail with EINTR rather than restart).
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>

#include "glue.h"
#include "syscall.h"

/* Signals 1..NSIG-1 exist; newlib's sigaddset(&s, 31) computes 1 << 31 in
 * an int, which sign-extends, so anything above is dropped. */
static uint64_t
mask_to_kernel(sigset_t set)
{
    return ((uint64_t)set >> 1) & ((1ull << (NSIG - 1)) - 1);
}

static sigset_t
mask_from_kernel(uint64_t mask)
{
    return (sigset_t)(mask << 1);
}

int
sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
    struct kernel_sigaction kact, kold;
    long r;

    if (act != NULL) {
        kact.handler = (uint64_t)(uintptr_t)act->sa_handler;
        kact.mask = mask_to_kernel(act->sa_mask);
        kact.flags = 0;
        kact.restorer = (uint64_t)(uintptr_t)libc_sigrestore;
    }
    r = SYSCALL3(SYS_sigaction, sig, act ? &kact : NULL, old ? &kold : NULL);
    if (r < 0)
        return -1;
    if (old != NULL) {
        old->sa_handler = (_sig_func_ptr)(uintptr_t)kold.handler;
        old->sa_mask = mask_from_kernel(kold.mask);
        old->sa_flags = 0;
    }
    return 0;
}

/* Installs handler for sig with nothing extra blocked; returns the old
 * handler, or SIG_ERR with errno set. */
_sig_func_ptr
signal(int sig, _sig_func_ptr handler)
{
    struct sigaction act, old;

    act.sa_handler = handler;
    act.sa_mask = 0;
    act.sa_flags = 0;
    if (sigaction(sig, &act, &old) < 0)
        return SIG_ERR;
    return old.sa_handler;
}

int
sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
    uint64_t kset, kold;

    if (set != NULL)
        kset = mask_to_kernel(*set);
    if (SYSCALL3(SYS_sigprocmask, how, set ? &kset : NULL, old ? &kold : NULL) < 0)
        return -1;
    if (old != NULL)
        *old = mask_from_kernel(kold);
    return 0;
}
