/*
 * pv.c - running PV guests: what happens between a guest's entry into
 * the hypervisor and its return.
 *
 * A guest enters through entry.S with its registers in a frame at the top
 * of this pCPU's entry stack (guest_frame()).  pv_trap() handles the
 * hypercall, exception or interrupt, then pv_return() runs pending
 * softirqs (timers, rescheduling, reaping dead domains), idles while there
 * is nothing to run, and injects a pending event upcall, before entry.S
 * restores the frame.  Switching vCPUs means saving the frame into the
 * old vCPU and loading the new one's into it: the hypervisor keeps no
 * other per-vCPU stack.
 */
#include "pv.h"
#include "domain.h"
#include "evtchn.h"
#include "apic.h"
#include "time.h"
#include "printk.h"
#include "panic.h"
#include "string.h"
#include "guest_access.h"
#include "hypercall.h"
#include "sched/sched.h"
#include <asm/cpu.h>
#include <asm/x86.h>

#define VEC_KICK 0xf1           /* "look at your softirqs": an empty interrupt */

extern char entry_start_frame[], __entry_start[];
void percpu_load_guest_l4(uint64_t l4);

static uint8_t clean_fpu[512] __attribute__((aligned(16)));

struct cpu_regs *guest_frame(void)
{
    return (struct cpu_regs *)(PCPU_STACK_TOP(0) - sizeof(struct cpu_regs));
}

static inline void fxsave(uint8_t *area) { __asm__ volatile("fxsave64 (%0)" :: "r"(area) : "memory"); }
static inline void fxrstor(const uint8_t *area)
{
    /*
     * On AMD, fxrstor leaves the x87 last-instruction and operand pointers
     * alone unless an exception is pending: load a value first so they
     * hold nothing of the previous guest's.
     */
    static const uint32_t zero;
    __asm__ volatile("fnclex\n\tffree %%st(7)\n\tfildl %0" :: "m"(zero));
    __asm__ volatile("fxrstor64 (%0)" :: "r"(area) : "memory");
}

static uint16_t read_sel(int which)
{
    uint16_t v = 0;
    switch (which) {
    case 0: __asm__ volatile("mov %%ds, %0" : "=r"(v)); break;
    case 1: __asm__ volatile("mov %%es, %0" : "=r"(v)); break;
    case 2: __asm__ volatile("mov %%fs, %0" : "=r"(v)); break;
    default: __asm__ volatile("mov %%gs, %0" : "=r"(v)); break;
    }
    return v;
}

/*
 * Load a guest's data selectors.  They were the guest's own, so they are
 * null or name one of the fixed GDT descriptors it may use; loading FS/GS
 * resets their bases, which the caller writes after.
 */
static void load_sels(const struct vcpu *v)
{
    __asm__ volatile("mov %0, %%ds\n\tmov %1, %%es\n\tmov %2, %%fs\n\tmov %3, %%gs"
                     :: "r"((uint32_t)v->ds), "r"((uint32_t)v->es), "r"((uint32_t)v->fs),
                        "r"((uint32_t)v->gs) : "memory");
}

void fpu_init_state(uint8_t area[512])
{
    memcpy(area, clean_fpu, 512);
}

void raise_softirq(unsigned cpu, uint32_t which)
{
    __atomic_fetch_or(&cpus[cpu].softirq_pending, which, __ATOMIC_SEQ_CST);
    if ((int)cpu != cpu_id() && cpus[cpu].online)
        apic_send_ipi(cpus[cpu].apic_id, ICR_FIXED | VEC_KICK);
}

/* ---- switching vCPUs ---------------------------------------------------- */

/* Gate 0x80: the guest's system-call handler, straight into ring 1, or a #GP. */
static void load_syscall_gate(const struct vcpu *v)
{
    if (v && v->syscall_handler)
        idt_set_gate_full(SYSCALL_VECTOR, v->syscall_handler, PV_KERNEL_CS, 0, v->syscall_dpl, true);
    else
        idt_set_gate(SYSCALL_VECTOR, idt_stub(SYSCALL_VECTOR), 0, 0);
}

/* The current vCPU's syscall handler or kernel stack changed. */
void pv_reload_vcpu_entry(struct vcpu *v)
{
    struct cpu *c = this_cpu();
    if (c->curr != v)
        return;
    load_syscall_gate(v);
    c->tss->rsp[1] = v->kernel_sp;
}

/*
 * Publish the time scale in v's vcpu_info (version odd while writing, as
 * shared_info.h says), taken now on this pCPU.
 */
static void publish_time(struct vcpu *v)
{
    struct vcpu_time_info *t = &v->info->time;
    uint64_t tsc = rdtsc();
    __atomic_store_n(&t->version, t->version + 1, __ATOMIC_SEQ_CST);
    t->tsc_timestamp = tsc;
    t->system_time = tsc_to_ns(tsc - tsc_at_boot);
    t->tsc_to_system_mul = tsc_to_system_mul;
    t->tsc_shift = tsc_shift;
    __atomic_store_n(&t->version, t->version + 1, __ATOMIC_SEQ_CST);
}

static void context_switch(struct cpu *c, struct vcpu *prev, struct vcpu *next, struct cpu_regs *r)
{
    uint64_t now = time_ns();
    if (prev) {
        prev->regs = *r;
        fxsave(prev->fpu);
        prev->ds = read_sel(0);
        prev->es = read_sel(1);
        prev->fs = read_sel(2);
        prev->gs = read_sel(3);
        prev->fs_base = rdmsr(MSR_FS_BASE);
        prev->gs_base = rdmsr(MSR_GS_BASE);
        prev->runtime_ns += now - prev->last_start_ns;
        if (prev->state == VCPU_RUNNING)    /* going down may have been asked since schedule() looked */
            prev->state = prev->going_down ? VCPU_DOWN : VCPU_RUNNABLE;
        __atomic_fetch_and(&prev->dom->dirty_cpus, ~(1ull << c->id), __ATOMIC_SEQ_CST);
        __atomic_store_n(&prev->on_cpu, false, __ATOMIC_RELEASE);
        if (prev->dom->state != DOM_RUNNING && prev->dom->state != DOM_PAUSED)
            __atomic_fetch_or(&c->softirq_pending, SOFTIRQ_REAPER, __ATOMIC_SEQ_CST);
    }
    c->curr = next;
    if (!next) {
        /* Idle: keep no guest mappings in this pCPU's roots. */
        percpu_load_guest_l4(0);
        write_cr3(c->hv_root_pa);
        load_syscall_gate(NULL);
        return;
    }
    /* Another pCPU may still be saving next's state (it ran there last). */
    while (__atomic_load_n(&next->on_cpu, __ATOMIC_ACQUIRE))
        cpu_relax();
    __atomic_store_n(&next->on_cpu, true, __ATOMIC_SEQ_CST);
    /*
     * The reaper marks a domain DYING, then looks for its vCPUs on pCPUs;
     * we mark next on_cpu, then look at the state: one of us sees the other.
     */
    if (next->paused || next->going_down || next->dom->state != DOM_RUNNING) {
        __atomic_store_n(&next->on_cpu, false, __ATOMIC_SEQ_CST);
        context_switch(c, NULL, NULL, r);
        return;
    }
    next->processor = (int)c->id;
    next->state = VCPU_RUNNING;
    next->last_start_ns = now;
    __atomic_fetch_or(&next->dom->dirty_cpus, 1ull << c->id, __ATOMIC_SEQ_CST);
    *r = next->regs;
    r->entry_cr3 = c->gv_root_pa;
    fxrstor(next->fpu);
    load_sels(next);
    wrmsr(MSR_FS_BASE, next->fs_base);
    wrmsr(MSR_GS_BASE, next->gs_base);
    if (c->loaded_l4 != next->cr3)
        percpu_load_guest_l4(next->cr3);
    write_cr3(c->hv_root_pa);
    next->counters.cr3_writes++;
    c->tss->rsp[1] = next->kernel_sp;
    load_syscall_gate(next);
    publish_time(next);
}

static uint64_t slice_end[MAX_CPUS];

static void schedule(struct cpu *c, struct cpu_regs *r)
{
    uint64_t slice, now = time_ns();
    struct vcpu *prev = c->curr;
    if (prev && prev->going_down)
        prev->state = VCPU_DOWN;            /* VCPUOP_down: off the CPU, out of the queues */
    else if (prev && (prev->paused || prev->dom->state != DOM_RUNNING) && prev->state == VCPU_RUNNING)
        prev->state = VCPU_RUNNABLE;       /* stopped from outside: no longer runs */
    struct vcpu *next = sched->pick_next(c->id, prev, now, &slice);
    while (next && (next->paused || next->going_down || next->dom->state != DOM_RUNNING))
        next = sched->pick_next(c->id, NULL, now, &slice);     /* drop stale queue entries */
    if (next != prev)
        context_switch(c, prev, next, r);
    else if (next)
        next->state = VCPU_RUNNING;     /* woken while still here: keeps running, unqueued */
    slice_end[c->id] = slice ? now + slice : 0;
    timer_reprogram();
}

/* ---- timers --------------------------------------------------------------- */

/*
 * The next vCPU of a running domain homed on pCPU 'cpu' after position
 * *pos (start with 0), or NULL.  Guest timers live with the vCPU's pCPU.
 */
static struct vcpu *next_local_vcpu(unsigned cpu, unsigned *pos)
{
    for (; *pos < MAX_DOMAINS * PV_MAX_VCPUS; (*pos)++) {
        struct domain *d = domains[*pos / PV_MAX_VCPUS];
        unsigned i = *pos % PV_MAX_VCPUS;
        if (!d || d->state != DOM_RUNNING || i >= d->max_vcpus)
            continue;
        struct vcpu *v = d->vcpus[i];
        if (v && v->processor == (int)cpu) {
            (*pos)++;
            return v;
        }
    }
    return NULL;
}

/* Earliest guest timer of the vCPUs homed here, or slice end. */
void timer_reprogram(void)
{
    struct cpu *c = this_cpu();
    uint64_t next = slice_end[c->id];     /* 0: no slice end (idle with nothing to revisit) */
    struct vcpu *v;
    for (unsigned pos = 0; (v = next_local_vcpu(c->id, &pos)) != NULL; ) {
        uint64_t t = v->timer_deadline;
        if (v->poll_nr && v->poll_deadline && (!t || v->poll_deadline < t))
            t = v->poll_deadline;
        if (t && (!next || t < next))
            next = t;
    }
    if (!next) {
        apic_timer_periodic(0);
        return;
    }
    uint64_t now = time_ns();
    apic_timer_oneshot(next > now ? next - now : 1000);
}

static void run_timers(struct cpu *c)
{
    uint64_t now = time_ns();
    struct vcpu *v;
    for (unsigned pos = 0; (v = next_local_vcpu(c->id, &pos)) != NULL; ) {
        if (v->timer_deadline && v->timer_deadline <= now) {
            v->timer_deadline = 0;
            evtchn_send_virq(v, VIRQ_TIMER);
        }
        if (v->poll_nr && v->poll_deadline && v->poll_deadline <= now) {
            v->poll_deadline = 0;
            vcpu_wake(v);
        }
    }
    if (slice_end[c->id] && now >= slice_end[c->id])
        __atomic_fetch_or(&c->softirq_pending, SOFTIRQ_SCHEDULE, __ATOMIC_SEQ_CST);
}

static void timer_irq(struct cpu_regs *r)
{
    (void)r;
    struct cpu *c = this_cpu();
    c->timer_ticks++;
    __atomic_fetch_or(&c->softirq_pending, SOFTIRQ_TIMER, __ATOMIC_SEQ_CST);
}

static void kick_irq(struct cpu_regs *r) { (void)r; }

/* ---- wake-ups --------------------------------------------------------------- */

void vcpu_wake(struct vcpu *v)
{
    enum vcpu_state blocked = VCPU_BLOCKED;
    if (!__atomic_compare_exchange_n(&v->state, &blocked, VCPU_RUNNABLE, false,
                                     __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        return;
    v->poll_nr = 0;
    if (v->going_down) {
        v->state = VCPU_DOWN;
        return;
    }
    if (v->paused)
        return;
    sched->wake(v);
    raise_softirq((unsigned)v->processor, SOFTIRQ_SCHEDULE);
}

void vcpu_kick(struct vcpu *v)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (v->state == VCPU_BLOCKED) {
        vcpu_wake(v);
    } else if (v->state == VCPU_RUNNING && v->processor != cpu_id()) {
        /* It will see the upcall when it next leaves the hypervisor: make that soon. */
        raise_softirq((unsigned)v->processor, 0);
    }
}

/* ---- exceptions --------------------------------------------------------------- */

void pv_bounce_exception(struct vcpu *v, struct cpu_regs *r, unsigned vector, bool has_err, uint64_t err)
{
    static const char *const names[32] = {
        [0] = "#DE", [1] = "#DB", [3] = "#BP", [4] = "#OF", [5] = "#BR", [6] = "#UD",
        [7] = "#NM", [10] = "#TS", [11] = "#NP", [12] = "#SS", [13] = "#GP", [14] = "#PF",
        [16] = "#MF", [17] = "#AC", [19] = "#XM",
    };
    uint64_t handler = vector < 32 ? v->traps[vector].address : 0;
    if (!handler) {
        domain_crash(v->dom, "%s (vector %u, error %#lx) at %04lx:%016lx with no handler registered",
                     vector < 32 && names[vector] ? names[vector] : "exception", vector,
                     (unsigned long)err, (unsigned long)r->cs, (unsigned long)r->rip);
        return;
    }
    /* The frame the CPU would push, on the stack the CPU would use. */
    uint64_t sp = (r->cs & 3) == 3 ? v->kernel_sp : r->rsp;
    uint64_t frame[6];
    unsigned n = 0;
    sp &= ~0xfull;
    if (has_err)
        frame[n++] = err;
    frame[n++] = r->rip;
    frame[n++] = r->cs;
    frame[n++] = r->rflags;
    frame[n++] = r->rsp;
    frame[n++] = r->ss;
    sp -= n * 8;
    if (copy_to_guest(sp, frame, n * 8)) {
        domain_crash(v->dom, "cannot push an exception frame (vector %u) on the guest stack at %#lx",
                     vector, (unsigned long)sp);
        return;
    }
    r->rsp = sp;
    r->rip = handler;
    r->cs = PV_KERNEL_CS;
    r->ss = PV_KERNEL_DS;
    /* Clear TF, NT, RF, AC, VM as the CPU does; IF stays on: the guest cannot set it. */
    r->rflags = (r->rflags & ~((1ul << 8) | (1ul << 14) | (1ul << 16) | (1ul << 18) | (1ul << 17))) |
                X86_RFLAGS_IF;
}

static void pv_exception(struct vcpu *v, struct cpu_regs *r)
{
    unsigned vec = (unsigned)r->vector;
    bool has_err = vec == 8 || (vec >= 10 && vec <= 14) || vec == 17;
    if (vec == X86_EXC_PF)
        v->info->cr2 = read_cr2();
    pv_bounce_exception(v, r, vec, has_err, r->error_code);
}

/* An event is pending and events are unmasked: enter the event callback. */
static __attribute__((hot)) void maybe_upcall(struct vcpu *v, struct cpu_regs *r)
{
    struct vcpu_info *vi = v->info;
    if (!vi->evtchn_upcall_pending || vi->evtchn_upcall_mask || !v->event_callback)
        return;
    uint64_t sp = ((r->cs & 3) == 3 ? v->kernel_sp : r->rsp) & ~0xfull;
    uint64_t frame[5] = { r->rip, r->cs, r->rflags, r->rsp, r->ss };
    sp -= sizeof frame;
    if (copy_to_guest(sp, frame, sizeof frame)) {
        domain_crash(v->dom, "cannot push an event frame on the guest stack at %#lx", (unsigned long)sp);
        return;
    }
    vi->evtchn_upcall_mask = 1;
    r->rsp = sp;
    r->rip = v->event_callback;
    r->cs = PV_KERNEL_CS;
    r->ss = PV_KERNEL_DS;
    r->rflags = (r->rflags & ~((1ul << 8) | (1ul << 14) | (1ul << 16))) | X86_RFLAGS_IF;
}

/* ---- the way back to a guest ---------------------------------------------------- */

static void do_softirqs(struct cpu *c, struct cpu_regs *r)
{
    uint32_t pending;
    while ((pending = __atomic_exchange_n(&c->softirq_pending, 0, __ATOMIC_SEQ_CST)) != 0) {
        if (pending & SOFTIRQ_TIMER) {
            run_timers(c);
            /*
             * Always re-arm: the APIC and the TSC are separate clocks, so the
             * interrupt can come a hair before a deadline that then stays due.
             */
            timer_reprogram();
        }
        if ((pending & SOFTIRQ_SCHEDULE) || (c->softirq_pending & SOFTIRQ_SCHEDULE)) {
            __atomic_fetch_and(&c->softirq_pending, ~SOFTIRQ_SCHEDULE, __ATOMIC_SEQ_CST);
            schedule(c, r);
        }
        if (pending & SOFTIRQ_REAPER)
            domain_reap();
    }
}

/* With interrupts off: until there is a guest to return to, run softirqs or halt. */
static __attribute__((hot)) void pv_return(struct cpu_regs *r)
{
    struct cpu *c = this_cpu();
    for (;;) {
        irq_disable();
        /* Between operations: no domain or vCPU pointer is held here. */
        __atomic_fetch_add(&c->qs_count, 1, __ATOMIC_SEQ_CST);
        domain_free_deferred();
        if (c->softirq_pending) {
            do_softirqs(c, r);
            continue;
        }
        if (!c->curr) {
            c->idle_halted = true;
            safe_halt();            /* an interrupt raises a softirq, or a kick */
            c->idle_halted = false;
            continue;
        }
        maybe_upcall(c->curr, r);
        if (c->softirq_pending)     /* the upcall may have crashed the domain */
            continue;
        return;
    }
}

__attribute__((hot)) void pv_trap(struct cpu_regs *r)
{
    struct cpu *c = this_cpu();
    struct vcpu *v = c->curr;
    unsigned vec = (unsigned)r->vector;

    BUG_ON(r != guest_frame() || !v);
    v->counters.cr3_writes += 2;    /* entry.S: into the hypervisor view, and back out */
    if (vec == HYPERCALL_VECTOR) {
        v->counters.hypercalls++;
        irq_enable();               /* long hypercalls must not hold off IPIs and timers */
        r->rax = (uint64_t)do_hypercall(v, r);
        irq_disable();
    } else if (vec >= 32) {
        v->counters.interrupts++;
        trap_irq(r);
    } else {
        v->counters.exceptions++;
        pv_exception(v, r);
    }
    pv_return(r);
}

static void __attribute__((noreturn)) run_on_hv_stack(void)
{
    struct cpu *c = this_cpu();
    struct cpu_regs *r = guest_frame();
    memset(r, 0, sizeof *r);
    irq_register(VEC_TIMER, timer_irq);
    irq_register(VEC_KICK, kick_irq);
    c->softirq_pending |= SOFTIRQ_SCHEDULE;
    pv_return(r);
    /* entry.S code must run from its alias: the guest view has no image. */
    void (*start)(struct cpu_regs *) = (void (*)(struct cpu_regs *))
        (PCPU_ENTRY_VA + ((uint64_t)entry_start_frame - (uint64_t)__entry_start));
    start(r);
    panic("pv_cpu_run: returned from the guest");
}

/* Each pCPU, after boot: leave the boot stack and run guests from now on. */
void pv_cpu_run(void)
{
    extern void call_on_stack(uint64_t top, void (*fn)(void)) __attribute__((noreturn));
    call_on_stack(this_cpu()->hv_stack_top, run_on_hv_stack);
}

/* Called once on the boot CPU before any vCPU exists. */
void pv_init(void)
{
    /* Guests use SSE: let them, and keep the clean state new vCPUs start from. */
    write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
    __asm__ volatile("fninit");
    uint32_t mxcsr = 0x1f80;
    __asm__ volatile("ldmxcsr %0" :: "m"(mxcsr));
    fxsave(clean_fpu);
}
