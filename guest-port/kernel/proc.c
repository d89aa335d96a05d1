/*
 * proc.c - the process table, fork/exit/wait, the scheduler, sleep and
 * wakeup.
 *
 * xv6's model on one CPU: scheduler() runs on the boot stack with its own
 * context and picks RUNNABLE processes round-robin; a process gives the
 * CPU back by switching to that context (sched()), from yield(), sleep or
 * exit.  The kernel is not preemptible: interrupts are off in kernel mode
 * except inside hal_idle(), which only the scheduler calls, so nothing
 * here needs a lock, and a wakeup can never be lost between a sleeper's
 * test and its sleep.  Preemption happens only on the way back to user
 * mode (trap_return_prepare), when the timer has ended the time slice.
 *
 * FPU state is switched eagerly: a process's user FPU/SSE registers are
 * live in the CPU while it runs (the kernel never uses them) and saved in
 * p->fpu while it does not.
 */
#include <limits.h>
#include "kproc.h"
#include "ksignal.h"
#include "vm.h"

struct proc proc_table[NPROC];

static struct proc *current;             /* on the CPU; NULL in the scheduler */
static struct hal_context *sched_context; /* the scheduler's, on the boot stack */
static struct proc *initproc;            /* pid 1: adopts orphans */
static int next_pid = 1;
static uint64_t run_since;               /* when current was switched in */
static uint64_t kstack_top_set;          /* the last hal_set_kernel_stack() value */

/*
 * The address space the CPU has loaded.  An exiting process cannot free
 * its own (it is still running on it), so exit leaves it in retired_vm
 * and the scheduler destroys it once another one is loaded.
 */
static struct vm *loaded_vm;
static struct vm *retired_vm;

bool proc_need_resched;

static void sched(void);

/* The running process, or NULL when the CPU is in the scheduler (idle). */
struct proc *
myproc(void)
{
    return current;
}

/* Empty the process table.  Once, at boot, before proc_spawn_init. */
void
proc_init(void)
{
    memset(proc_table, 0, sizeof(proc_table));
    current = NULL;
    initproc = NULL;
    next_pid = 1;
}

/* True if some live process uses id as its pid or its group id. */
static bool
pid_in_use(int id)
{
    for (struct proc *p = proc_table; p < &proc_table[NPROC]; p++)
        if (p->state != P_UNUSED && (p->pid == id || p->pgid == id))
            return true;
    return false;
}

/* A fresh pid: counts up and wraps below 32768, skipping ids in use (as a
 * pid or a group id, so kill(-pgid) never reaches a stranger). */
static int
pid_alloc(void)
{
    for (;;) {
        int pid = next_pid++;

        if (next_pid >= 32768)
            next_pid = 2;
        if (!pid_in_use(pid))
            return pid;
    }
}

/*
 * Claim a free slot: state P_EMBRYO, a pid, a kernel stack with the user
 * frame at its top, default FPU state.  Everything else is zero.  NULL if
 * the table is full (*err = -EAGAIN) or no stack (*err = -ENOMEM).
 */
static struct proc *
proc_alloc(int *err)
{
    struct proc *p;
    void *kstack;

    for (p = proc_table; p < &proc_table[NPROC]; p++)
        if (p->state == P_UNUSED)
            break;
    if (p == &proc_table[NPROC]) {
        *err = -EAGAIN;
        return NULL;
    }
    kstack = kmalloc(KSTACK_SIZE);
    if (kstack == NULL) {
        *err = -ENOMEM;
        return NULL;
    }
    memset(p, 0, sizeof(*p));
    p->state = P_EMBRYO;
    p->pid = pid_alloc();
    p->kstack = kstack;
    /* The backend's entry stub pushes the user frame at the top of the
     * stack hal_set_kernel_stack() names; trap() checks it lands here. */
    p->tf = (struct trapframe *)((char *)kstack + KSTACK_SIZE) - 1;
    p->start_ns = hal_time_ns();
    hal_fpu_init(&p->fpu);
    return p;
}

/* Return a slot that never ran, or a reaped zombie, to the table. */
static void
proc_free(struct proc *p)
{
    kfree(p->kstack);
    p->kstack = NULL;
    p->context = NULL;
    p->tf = NULL;
    p->pid = 0;
    p->state = P_UNUSED;
}

/* Name p after the base name of path (cut to PROC_NAME - 1 bytes). */
void
proc_set_name(struct proc *p, const char *path)
{
    const char *base = path;

    for (const char *s = path; *s; s++)
        if (*s == '/' && s[1] != '\0')
            base = s + 1;
    strlcpy(p->name, base, sizeof(p->name));
    for (char *s = p->name; *s; s++)
        if (*s == '/')
            *s = '\0';
}

/*
 * exec.c: make vm the running process's address space and destroy the
 * old one (after switching away from it).
 */
void
proc_replace_vm(struct vm *vm)
{
    struct vm *old = current->vm;

    current->vm = vm;
    vm_switch(vm);
    loaded_vm = vm;
    if (old != NULL)
        vm_destroy(old);
}

/* Where a forked child starts on its first switch-in: straight back to
 * user mode with the copy of its parent's frame. */
static void
fork_return(void)
{
    struct proc *p = current;

    trap_return_prepare(p->tf);
    hal_enter_user(p->tf);
}

/*
 * fork(): a copy of the running process.  The child gets a copy-on-write
 * copy of the address space, duplicates of the descriptors, the signal
 * actions and mask (no pending signals), the FPU state and the user frame
 * with rax = 0.  Returns the child's pid, -EAGAIN if the process table is
 * full (this bounds a fork bomb) or -ENOMEM; nothing is left behind on
 * failure.
 */
int
proc_fork(void)
{
    struct proc *parent = current, *child;
    int err;

    child = proc_alloc(&err);
    if (child == NULL)
        return err;
    child->vm = vm_fork(parent->vm, parent->tf->rsp);
    if (child->vm == NULL) {
        proc_free(child);
        return -ENOMEM;
    }
    /* The parent's FPU registers are live in the CPU, not in p->fpu. */
    hal_fpu_save(&parent->fpu);
    child->fpu = parent->fpu;
    *child->tf = *parent->tf;
    child->tf->rax = 0;

    child->ppid = parent->pid;
    child->pgid = parent->pgid;
    memcpy(child->name, parent->name, sizeof(child->name));
    child->brk_start = parent->brk_start;
    child->brk = parent->brk;
    child->sig_blocked = parent->sig_blocked;
    memcpy(child->sig_action, parent->sig_action, sizeof(child->sig_action));
    files_fork(parent, child);

    child->context = hal_context_init(child->tf, fork_return);
    child->state = P_RUNNABLE;
    return child->pid;
}

/* The program and arguments process 1 runs (proc_spawn_init). */
static const char *init_path;
static char *const *init_argv;

/* Process 1's first code: stdio on the console, then exec init. */
static void
init_start(void)
{
    static char *const envp[] = { "PATH=/bin:/sbin", "HOME=/", NULL };
    struct proc *p = current;
    long err;

    err = vfs_stdio_open(p);
    if (err < 0)
        panic("init: cannot open the console: %ld", err);
    err = exec(init_path, init_argv, envp);
    if (err < 0)
        panic("init: cannot exec %s: error %ld", init_path, -err);
    trap_return_prepare(p->tf);
    hal_enter_user(p->tf);
}

void
proc_spawn_init(const char *path, char *const *argv)
{
    struct proc *p;
    int err;

    p = proc_alloc(&err);
    if (p == NULL)
        panic("init: no process slot (%d)", err);
    if (p->pid != 1)
        panic("init: got pid %d", p->pid);
    /* An empty address space, so every process always has one loaded;
     * exec replaces it. */
    p->vm = vm_create();
    if (p->vm == NULL)
        panic("init: no memory for an address space");
    p->pgid = 1;
    proc_set_name(p, path);
    init_path = path;
    init_argv = argv;
    initproc = p;
    p->context = hal_context_init(p->tf, init_start);
    p->state = P_RUNNABLE;
}

/* Give the CPU to the scheduler.  The caller has set current's state to
 * something other than P_RUNNING.  Returns when it is scheduled again. */
static void
sched(void)
{
    struct proc *p = current;

    if (p == NULL)
        panic("sched: no process");
    if (p->state == P_RUNNING)
        panic("sched: pid %d still running", p->pid);
    hal_fpu_save(&p->fpu);
    p->cpu_ns += hal_time_ns() - run_since;
    hal_switch(&p->context, sched_context);
}

/* Switch to p and run it until it gives the CPU back. */
static void
run(struct proc *p)
{
    uint64_t now = hal_time_ns();

    current = p;
    p->state = P_RUNNING;
    p->slice_end = now + SLICE_NS;
    proc_need_resched = false;
    run_since = now;
    /* Setting it may cost a hypercall (PV): skip it when p runs again. */
    if (kstack_top_set != (uint64_t)p->kstack + KSTACK_SIZE) {
        kstack_top_set = (uint64_t)p->kstack + KSTACK_SIZE;
        hal_set_kernel_stack(kstack_top_set);
    }
    if (p->vm != loaded_vm) {
        vm_switch(p->vm);
        loaded_vm = p->vm;
    }
    if (retired_vm != NULL && retired_vm != loaded_vm) {
        vm_destroy(retired_vm);
        retired_vm = NULL;
    }
    hal_fpu_restore(&p->fpu);
    timer_rearm();
    hal_switch(&sched_context, p->context);
    current = NULL;
}

/* The next RUNNABLE process after the last one picked, or NULL. */
static struct proc *
pick_next(void)
{
    static int cursor;

    for (int i = 1; i <= NPROC; i++) {
        int k = (cursor + i) % NPROC;

        if (proc_table[k].state == P_RUNNABLE) {
            cursor = k;
            return &proc_table[k];
        }
    }
    return NULL;
}

/*
 * The scheduler loop, on the boot stack; never returns.  With nothing
 * runnable it waits in hal_idle(), where timer and console interrupts
 * make sleepers runnable.
 */
void
scheduler(void)
{
    for (;;) {
        struct proc *p = pick_next();

        if (p == NULL)
            hal_idle();
        else
            run(p);
    }
}

/* Give up the CPU for one round. */
void
yield(void)
{
    current->state = P_RUNNABLE;
    sched();
}

/*
 * Sleep on chan until wakeup(chan) or a signal.  Returns 0, or -EINTR if
 * a deliverable signal is pending (before or after sleeping); the caller
 * then undoes its work and returns -EINTR to user mode, where the signal
 * is delivered.  Only a process may sleep.
 */
int
sleep_on(void *chan)
{
    struct proc *p = current;

    if (p == NULL)
        panic("sleep_on outside a process");
    if (signal_pending(p))
        return -EINTR;
    p->chan = chan;
    p->state = P_SLEEPING;
    sched();
    p->chan = NULL;
    return signal_pending(p) ? -EINTR : 0;
}

/* Make every process sleeping on chan runnable. */
void
wakeup(void *chan)
{
    for (struct proc *p = proc_table; p < &proc_table[NPROC]; p++)
        if (p->state == P_SLEEPING && p->chan == chan)
            p->state = P_RUNNABLE;
}

/*
 * Sleep until hal_time_ns() >= deadline_ns: 0, or -EINTR if a signal
 * came first.  timer_tick() wakes the sleeper; the loop makes an early
 * wakeup harmless.
 */
int
sleep_until(uint64_t deadline_ns)
{
    struct proc *p = current;
    int err = 0;

    if (p == NULL)
        panic("sleep_until outside a process");
    p->wake_at = deadline_ns;
    while (hal_time_ns() < deadline_ns) {
        if (signal_pending(p)) {
            err = -EINTR;
            break;
        }
        p->chan = &p->wake_at;          /* a channel no one else wakes */
        p->state = P_SLEEPING;
        timer_rearm();
        sched();
    }
    p->chan = NULL;
    p->wake_at = 0;
    return err;
}

/*
 * End the running process with status (W_EXITCODE encoded): close its
 * files, give its memory back, hand its children to init, and become a
 * zombie until the parent reaps it.  Does not return.  Process 1 must
 * not exit (it powers the machine off instead): that is a panic.
 */
void
proc_exit(int status)
{
    struct proc *p = current, *parent;

    if (p == initproc)
        panic("init exited (status 0x%x)", (unsigned)status);
    files_exit(p);
    /* Still loaded: the scheduler destroys it after switching away. */
    if (retired_vm != NULL)
        panic("exit: a retired address space is still pending");
    retired_vm = p->vm;
    p->vm = NULL;

    for (struct proc *c = proc_table; c < &proc_table[NPROC]; c++) {
        if (c->state != P_UNUSED && c != p && c->ppid == p->pid) {
            c->ppid = initproc->pid;
            if (c->state == P_ZOMBIE)
                wakeup(initproc);
        }
    }
    p->exit_status = status;
    p->state = P_ZOMBIE;
    p->sig_pending = 0;
    parent = proc_find(p->ppid);
    if (parent != NULL) {
        signal_send(parent, SIGCHLD);
        wakeup(parent);                 /* it may sleep in proc_wait */
    }
    sched();
    panic("zombie pid %d ran", p->pid);
}

/* True if child c is one that waitpid(pid) asks about. */
static bool
wait_matches(const struct proc *self, const struct proc *c, int pid)
{
    if (c->state == P_UNUSED || c->ppid != self->pid)
        return false;
    if (pid > 0)
        return c->pid == pid;
    if (pid == -1)
        return true;
    if (pid == 0)
        return c->pgid == self->pgid;
    return c->pgid == -pid;
}

int
proc_wait(int pid, int *status, int options)
{
    struct proc *p = current;
    bool interrupted = false;

    if (options & ~WNOHANG)
        return -EINVAL;
    if (pid == INT_MIN)                 /* no group -pid */
        return -ECHILD;
    for (;;) {
        bool have = false;

        for (struct proc *c = proc_table; c < &proc_table[NPROC]; c++) {
            if (!wait_matches(p, c, pid))
                continue;
            have = true;
            if (c->state == P_ZOMBIE) {
                int cpid = c->pid;

                *status = c->exit_status;
                proc_free(c);
                return cpid;
            }
        }
        if (!have)
            return -ECHILD;
        if (options & WNOHANG)
            return 0;
        /* A child's exit both wakes us and may send a caught SIGCHLD:
         * look for the zombie once more before giving up with -EINTR. */
        if (interrupted)
            return -EINTR;
        /* exit() wakes the parent's own proc pointer. */
        interrupted = sleep_on(p) < 0;
    }
}

/* The process with this pid (zombies included), or NULL. */
struct proc *
proc_find(int pid)
{
    if (pid <= 0)
        return NULL;
    for (struct proc *p = proc_table; p < &proc_table[NPROC]; p++)
        if (p->state != P_UNUSED && p->pid == pid)
            return p;
    return NULL;
}

static char
state_letter(enum proc_state s)
{
    switch (s) {
    case P_EMBRYO:   return 'E';
    case P_RUNNABLE: return 'R';
    case P_RUNNING:  return 'R';
    case P_SLEEPING: return 'S';
    case P_ZOMBIE:   return 'Z';
    default:         return '?';
    }
}

/*
 * For /proc: one line per process, "pid ppid state name cpu_ms rss_pages",
 * state one of R (running or runnable), S (sleeping), Z (zombie), E
 * (being created).  Fills buf (NUL-terminated if size > 0) with whole
 * lines only and returns the bytes written, without the NUL.
 */
size_t
proc_list_text(char *buf, size_t size)
{
    size_t used = 0;

    if (size == 0)
        return 0;
    buf[0] = '\0';
    for (struct proc *p = proc_table; p < &proc_table[NPROC]; p++) {
        uint64_t cpu_ns = p->cpu_ns;
        int n;

        if (p->state == P_UNUSED)
            continue;
        if (p == current)
            cpu_ns += hal_time_ns() - run_since;
        n = snprintf(buf + used, size - used, "%d %d %c %s %lu %lu\n",
                     p->pid, p->ppid, state_letter(p->state),
                     p->name[0] ? p->name : "-",
                     (unsigned long)(cpu_ns / 1000000),
                     (unsigned long)(p->vm != NULL ? vm_pages(p->vm) : 0));
        if (n < 0 || (size_t)n >= size - used) {
            buf[used] = '\0';           /* drop the cut-off line */
            break;
        }
        used += (size_t)n;
    }
    return used;
}
