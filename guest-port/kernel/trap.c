/*
 * trap.c - what the kernel does with every trap the backend hands it.
 *
 * Blame goes to the right party (xv6): a fault in user mode is the
 * process's doing and ends in a signal (by default, its death, with one
 * line on the console); a fault in kernel mode is the kernel's bug and a
 * panic.  Interrupts (timer, console) arrive either from user mode or
 * while the scheduler idles; kernel code otherwise runs with them off.
 */
#include "kproc.h"
#include "ksignal.h"
#include "vm.h"

#define INIT_RESERVE_PAGES 32   /* frames only init's faults may take */

static const char *
vector_name(uint64_t v)
{
    switch (v) {
    case T_DIVIDE:       return "divide error";
    case T_DEBUG:        return "debug trap";
    case T_BREAKPOINT:   return "breakpoint";
    case T_INVALID_OP:   return "invalid opcode";
    case T_GP:           return "general protection fault";
    case T_PAGE:         return "page fault";
    case T_FPU:          return "x87 floating-point error";
    case T_SIMD:         return "SIMD floating-point error";
    case T_SYSCALL:      return "system call";
    case T_TIMER:        return "timer";
    case T_CONSOLE:      return "console";
    default:             return "exception";
    }
}

/* The signal a user-mode exception raises. */
static int
vector_signal(uint64_t v)
{
    switch (v) {
    case T_DIVIDE:
    case T_FPU:
    case T_SIMD:         return SIGFPE;
    case T_INVALID_OP:   return SIGILL;
    case T_DEBUG:
    case T_BREAKPOINT:   return SIGTRAP;
    default:             return SIGSEGV;
    }
}

void
trap_kill_fault(struct trapframe *tf, int sig, const char *why)
{
    struct proc *p = myproc();

    if (tf->vector == T_PAGE)
        printk("pid %d (%s): killed by signal %d at rip 0x%lx: %s at 0x%lx\n",
               p->pid, p->name, sig, tf->rip, why, tf->fault_addr);
    else
        printk("pid %d (%s): killed by signal %d at rip 0x%lx: %s\n",
               p->pid, p->name, sig, tf->rip, why);
    hal_tf_dump(tf);
    proc_exit(W_EXITCODE(0, sig));
}

/*
 * A fault raises sig synchronously: a handler that is installed and not
 * blocked runs; otherwise the process dies now (re-executing the faulting
 * instruction with the signal ignored or blocked would only fault again).
 */
static void
user_fault(struct trapframe *tf, int sig, const char *why)
{
    struct proc *p = myproc();

    if (signal_caught(p, sig)) {
        signal_send(p, sig);
        return;
    }
    trap_kill_fault(tf, sig, why);
}

/* A user page fault: demand paging and copy-on-write, else SIGSEGV. */
static void
user_page_fault(struct trapframe *tf)
{
    struct proc *p = myproc();
    uint64_t va = tf->fault_addr;
    unsigned prot = 0;
    int err;

    /* vm_fault knows reads and writes only: an instruction fetch from a
     * page that is readable but not executable would fault forever. */
    if ((tf->error & PF_FETCH) &&
        (!vm_region_at(p->vm, va, NULL, NULL, &prot) || !(prot & HAL_PROT_EXEC))) {
        user_fault(tf, SIGSEGV, "execute from a non-executable page");
        return;
    }
    /*
     * The last INIT_RESERVE_PAGES frames are init's: running out of memory
     * kills the process that faults, and init must not be it (its death
     * ends the kernel).
     */
    if (p->pid != 1 && page_free_count() < INIT_RESERVE_PAGES)
        err = -ENOMEM;
    else
        err = vm_fault(p->vm, va, (tf->error & PF_WRITE) != 0);
    if (err == 0)
        return;
    if (err == -ENOMEM) {
        printk("pid %d (%s): out of memory at 0x%lx (rip 0x%lx), killed\n",
               p->pid, p->name, va, tf->rip);
        proc_exit(W_EXITCODE(0, SIGKILL));
    }
    user_fault(tf, SIGSEGV, (tf->error & PF_WRITE) ? "bad write" : "bad access");
}

void
trap_return_prepare(struct trapframe *tf)
{
    /* The slice is over: let the others run first. */
    if (proc_need_resched)
        yield();
    signal_deliver(tf);
    /* Page-table changes are committed by the vm calls that make them
     * (vm.c), and a switch commits the address space it loads, so the
     * user mappings are in force here. */
}

/* A trap taken in kernel mode: interrupts while idle are fine, anything
 * else is a kernel bug. */
static void
kernel_trap(struct trapframe *tf)
{
    switch (tf->vector) {
    case T_TIMER:
        timer_tick();
        return;
    case T_CONSOLE:
        tty_input();
        return;
    default:
        panic_tf(tf, vector_name(tf->vector));
    }
}

/*
 * Entry from the backend for every exception, system call and interrupt,
 * with interrupts off.  Returns to let the backend resume tf.
 */
void
trap(struct trapframe *tf)
{
    struct proc *p = myproc();

    if (!hal_tf_from_user(tf)) {
        kernel_trap(tf);
        return;
    }
    /* The frame must live on this process's kernel stack (the backend
     * puts it at the top, where p->tf points): another process runs on
     * its own stack while this one sleeps, so the frame stays intact. */
    if (p == NULL || (uint64_t)tf < (uint64_t)p->kstack ||
        (uint64_t)(tf + 1) > (uint64_t)p->kstack + KSTACK_SIZE)
        panic_tf(tf, "user trap not on the running process's kernel stack");
    p->tf = tf;

    switch (tf->vector) {
    case T_SYSCALL:
        syscall(tf);
        break;
    case T_TIMER:
        timer_tick();
        break;
    case T_CONSOLE:
        tty_input();
        break;
    case T_PAGE:
        user_page_fault(tf);
        break;
    default:
        user_fault(tf, vector_signal(tf->vector), vector_name(tf->vector));
        break;
    }
    trap_return_prepare(tf);
}
