/*
 * signal.c - sending, blocking and delivering signals.
 *
 * A signal is a pending bit (sig-1) in the target until the target is
 * about to return to user mode (signal_deliver, from trap.c).  Then the
 * default action ends the process (SIGCHLD's is to ignore), SIG_IGN drops
 * it, and a user handler gets a frame pushed on the user stack:
 *
 *   (higher addresses)   the interrupted stack, then its 128-byte red zone
 *   struct sigframe      saved registers, blocked mask, FPU state
 *   rsp -> restorer      the handler's return address
 *
 * with rdi = sig and rsp + 8 16-byte aligned, as at any function entry.
 * The restorer makes SYS_sigreturn, which reads the frame back and takes
 * from it only what a user could have set anyway (signal_return).
 */
#include "kproc.h"
#include "ksignal.h"

#define SIG_ALL      ((1ull << (NSIG - 1)) - 1)   /* bits of signals 1..NSIG-1 */
#define RED_ZONE     128                           /* the ABI's, below rsp */

/* rflags bits a signal handler's frame may restore: the arithmetic flags
 * and DF.  IF, TF, IOPL and the rest stay the kernel's. */
#define FL_CF 0x0001
#define FL_PF 0x0004
#define FL_AF 0x0010
#define FL_ZF 0x0040
#define FL_SF 0x0080
#define FL_TF 0x0100
#define FL_IF 0x0200
#define FL_DF 0x0400
#define FL_OF 0x0800
#define FL_USER (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_DF | FL_OF)

/* FXSAVE image: MXCSR and the mask of its writable bits. */
#define FXSAVE_MXCSR      24
#define FXSAVE_MXCSR_MASK 28
#define MXCSR_MASK_DEFAULT 0xffbfu   /* when the CPU reports 0 */

/* What the kernel saves on the user stack for a handler.  Its layout is
 * private to this file: users only reach it through sigreturn. */
struct sigframe {
    uint64_t restorer;      /* at the handler's rsp: its return address */
    uint64_t sig;
    uint64_t blocked;       /* the mask to restore */
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t rip, rsp, rflags;
    uint8_t fpu[512];       /* FXSAVE image of the interrupted code */
};

static bool
sig_valid(int sig)
{
    return sig >= 1 && sig < NSIG;
}

/*
 * True if sig, sent to p now, would be thrown away: ignored, or SIGCHLD
 * with the default action.  SIGKILL never is, except for init: like
 * Unix, init only gets the signals it catches, since its death is the
 * system's (a fault in init still kills it, and panics).
 */
static bool
sig_discarded(const struct proc *p, int sig)
{
    uint64_t h = p->sig_action[sig].handler;

    if (p->pid == 1)
        return sig == SIGKILL || h == SIG_DFL_VALUE || h == SIG_IGN_VALUE;
    if (sig == SIGKILL)
        return false;
    return h == SIG_IGN_VALUE || (h == SIG_DFL_VALUE && sig == SIGCHLD);
}

/*
 * Make sig pending in p and wake p if it sleeps and the signal is not
 * blocked (its sleep returns -EINTR).  sig 0 only checks that p exists.
 * 0, -ESRCH (no process) or -EINVAL (bad signal).  Zombies and ignored
 * signals are accepted and dropped.
 */
int
signal_send(struct proc *p, int sig)
{
    if (p == NULL || p->state == P_UNUSED)
        return -ESRCH;
    if (sig == 0)
        return 0;
    if (!sig_valid(sig))
        return -EINVAL;
    if (p->state == P_ZOMBIE || p->state == P_EMBRYO || sig_discarded(p, sig))
        return 0;
    p->sig_pending |= SIGBIT(sig);
    if (p->state == P_SLEEPING && !(p->sig_blocked & SIGBIT(sig)))
        p->state = P_RUNNABLE;
    return 0;
}

/* signal_send to every process in group pgid: 0, or -ESRCH if there is
 * none, -EINVAL for a bad signal. */
int
signal_send_group(int pgid, int sig)
{
    bool found = false;

    if (sig < 0 || sig >= NSIG)
        return -EINVAL;
    if (pgid <= 0)
        return -ESRCH;
    for (struct proc *p = proc_table; p < &proc_table[NPROC]; p++) {
        if (p->state == P_UNUSED || p->pgid != pgid)
            continue;
        found = true;
        signal_send(p, sig);
    }
    return found ? 0 : -ESRCH;
}

/* True if p has a signal pending that is not blocked. */
bool
signal_pending(struct proc *p)
{
    return (p->sig_pending & ~p->sig_blocked) != 0;
}

bool
signal_caught(struct proc *p, int sig)
{
    return sig_valid(sig) && p->sig_action[sig].handler > SIG_IGN_VALUE &&
           !(p->sig_blocked & SIGBIT(sig));
}

/* Push a handler frame for sig on the user stack and point tf at the
 * handler.  A stack that cannot take the frame kills the process. */
static void
push_handler(struct proc *p, struct trapframe *tf, int sig,
             const struct uapi_sigaction *act)
{
    struct sigframe f;
    uint64_t sp;

    memset(&f, 0, sizeof(f));
    f.restorer = act->restorer;
    f.sig = (uint64_t)sig;
    f.blocked = p->sig_blocked;
    f.r15 = tf->r15; f.r14 = tf->r14; f.r13 = tf->r13; f.r12 = tf->r12;
    f.r11 = tf->r11; f.r10 = tf->r10; f.r9 = tf->r9; f.r8 = tf->r8;
    f.rbp = tf->rbp; f.rdi = tf->rdi; f.rsi = tf->rsi; f.rdx = tf->rdx;
    f.rcx = tf->rcx; f.rbx = tf->rbx; f.rax = tf->rax;
    f.rip = tf->rip;
    f.rsp = tf->rsp;
    f.rflags = tf->rflags;
    /* The FPU registers are live: save them so the handler may use them. */
    hal_fpu_save(&p->fpu);
    memcpy(f.fpu, p->fpu.area, sizeof(f.fpu));

    if (tf->rsp > USER_TOP || tf->rsp < RED_ZONE + sizeof(f) + 16)
        trap_kill_fault(tf, SIGSEGV, "no room for a signal frame");
    /* restorer at sp, and sp + 8 16-byte aligned: a function entry. */
    sp = ((tf->rsp - RED_ZONE - sizeof(f)) & ~15ull) - 8;
    if (copyout(sp, &f, sizeof(f)) < 0)
        trap_kill_fault(tf, SIGSEGV, "bad stack for a signal frame");

    tf->rsp = sp;
    tf->rip = act->handler;
    tf->rdi = (uint64_t)sig;
    tf->rflags &= ~(uint64_t)(FL_DF | FL_TF);   /* the ABI wants DF clear */
    p->sig_blocked |= (act->mask | SIGBIT(sig)) & SIG_ALL & ~SIG_UNCATCHABLE;
}

/*
 * Before the running process returns to user mode with tf: act on the
 * lowest-numbered pending, unblocked signal(s).  Default actions end the
 * process here (no return); ignored ones are dropped; at most one handler
 * frame is pushed per return (the rest wait for the next one).
 */
void
signal_deliver(struct trapframe *tf)
{
    struct proc *p = myproc();

    for (;;) {
        uint64_t ready = p->sig_pending & ~p->sig_blocked;
        const struct uapi_sigaction *act;
        int sig;

        if (ready == 0)
            return;
        sig = __builtin_ctzll(ready) + 1;
        p->sig_pending &= ~SIGBIT(sig);
        act = &p->sig_action[sig];
        if (sig == SIGKILL || act->handler == SIG_DFL_VALUE) {
            if (sig == SIGCHLD)
                continue;
            proc_exit(W_EXITCODE(0, sig));
        }
        if (act->handler == SIG_IGN_VALUE)
            continue;
        push_handler(p, tf, sig, act);
        return;
    }
}

/*
 * sigreturn: the handler returned to the restorer, which popped the
 * return address, so the frame starts 8 bytes below rsp.  Only what user
 * code could set anyway is taken: the general registers, rip and rsp in
 * user space, the arithmetic flags (IF stays on), the mask without the
 * uncatchable signals, and an FPU image whose MXCSR cannot fault.  A
 * frame that cannot be read or names a kernel address kills the process
 * with SIGSEGV.  Returns the saved rax, which syscall() puts back.
 */
long
signal_return(struct trapframe *tf)
{
    struct proc *p = myproc();
    struct sigframe f;
    uint32_t mxcsr, mask;

    if (tf->rsp < 8 || copyin(&f, tf->rsp - 8, sizeof(f)) < 0)
        trap_kill_fault(tf, SIGSEGV, "bad sigreturn frame");
    if (f.rip >= USER_TOP || f.rsp > USER_TOP)
        trap_kill_fault(tf, SIGSEGV, "sigreturn to a kernel address");

    tf->r15 = f.r15; tf->r14 = f.r14; tf->r13 = f.r13; tf->r12 = f.r12;
    tf->r11 = f.r11; tf->r10 = f.r10; tf->r9 = f.r9; tf->r8 = f.r8;
    tf->rbp = f.rbp; tf->rdi = f.rdi; tf->rsi = f.rsi; tf->rdx = f.rdx;
    tf->rcx = f.rcx; tf->rbx = f.rbx;
    tf->rip = f.rip;
    tf->rsp = f.rsp;
    tf->rflags = (tf->rflags & ~(uint64_t)FL_USER) | (f.rflags & FL_USER) | FL_IF;
    p->sig_blocked = f.blocked & SIG_ALL & ~SIG_UNCATCHABLE;

    /* FXRSTOR faults (in the kernel) on reserved MXCSR bits: keep only
     * those this CPU says are writable. */
    hal_fpu_save(&p->fpu);
    memcpy(&mask, p->fpu.area + FXSAVE_MXCSR_MASK, sizeof(mask));
    if (mask == 0)
        mask = MXCSR_MASK_DEFAULT;
    memcpy(p->fpu.area, f.fpu, sizeof(f.fpu));
    memcpy(&mxcsr, p->fpu.area + FXSAVE_MXCSR, sizeof(mxcsr));
    mxcsr &= mask;
    memcpy(p->fpu.area + FXSAVE_MXCSR, &mxcsr, sizeof(mxcsr));
    memcpy(p->fpu.area + FXSAVE_MXCSR_MASK, &mask, sizeof(mask));
    hal_fpu_restore(&p->fpu);
    return (long)f.rax;
}

int
signal_action(struct proc *p, int sig, const struct uapi_sigaction *act,
              struct uapi_sigaction *old)
{
    if (!sig_valid(sig))
        return -EINVAL;
    if (act != NULL) {
        if (sig == SIGKILL || sig == SIGSTOP)
            return -EINVAL;
        if (act->handler >= USER_TOP || act->restorer >= USER_TOP)
            return -EINVAL;
    }
    if (old != NULL)
        *old = p->sig_action[sig];
    if (act != NULL) {
        struct uapi_sigaction *a = &p->sig_action[sig];

        *a = *act;
        a->mask &= SIG_ALL & ~SIG_UNCATCHABLE;
        a->flags = 0;
        /* POSIX: setting SIG_IGN discards a pending instance. */
        if (sig_discarded(p, sig))
            p->sig_pending &= ~SIGBIT(sig);
    }
    return 0;
}

int
signal_mask(struct proc *p, int how, const uint64_t *set, uint64_t *old)
{
    uint64_t s;

    if (set != NULL && how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
        return -EINVAL;
    if (old != NULL)
        *old = p->sig_blocked;
    if (set == NULL)
        return 0;
    s = *set & SIG_ALL & ~SIG_UNCATCHABLE;
    if (how == SIG_BLOCK)
        p->sig_blocked |= s;
    else if (how == SIG_UNBLOCK)
        p->sig_blocked &= ~s;
    else
        p->sig_blocked = s;
    return 0;
}

void
signal_exec_reset(struct proc *p)
{
    for (int sig = 1; sig < NSIG; sig++) {
        struct uapi_sigaction *a = &p->sig_action[sig];

        if (a->handler != SIG_IGN_VALUE)
            memset(a, 0, sizeof(*a));
    }
}
