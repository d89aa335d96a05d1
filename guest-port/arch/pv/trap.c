/*
 * trap.c - exceptions, system calls and events into trap(), and idling.
 *
 * entry.S builds the trapframe; this file fills in what the hardware
 * frame lacks (#PF's address from vcpu_info.cr2), turns event-channel
 * ports into T_TIMER and T_CONSOLE, and flushes queued page-table work
 * before anything goes back to ring 3.
 */
#include <stddef.h>
#include "pv.h"
#include "defs.h"
#include <paravane/trap.h>
#include <paravane/event_channel.h>
#include <paravane/sched.h>

_Static_assert(offsetof(struct trapframe, vector) == TF_VECTOR, "TF_VECTOR");
_Static_assert(offsetof(struct trapframe, error) == TF_ERROR, "TF_ERROR");
_Static_assert(offsetof(struct trapframe, fault_addr) == TF_FAULT, "TF_FAULT");
_Static_assert(offsetof(struct trapframe, rip) == TF_RIP, "TF_RIP");
_Static_assert(offsetof(struct trapframe, cs) == TF_CS, "TF_CS");
_Static_assert(offsetof(struct trapframe, rsp) == TF_RSP, "TF_RSP");
_Static_assert(sizeof(struct trapframe) == TF_SIZE, "TF_SIZE");
_Static_assert(PV_ASM_INTERFACE_VERSION == PARAVANE_INTERFACE_VERSION, "note version");
_Static_assert(PV_ASM_KERNEL_CS == PV_KERNEL_CS, "kernel cs");
_Static_assert(offsetof(struct shared_info, vcpu_info) == 0 &&
               offsetof(struct vcpu_info, evtchn_upcall_pending) == 0 &&
               offsetof(struct vcpu_info, evtchn_upcall_mask) == 1, "PV_UPCALL_*");
_Static_assert(T_SYSCALL == SYSCALL_VECTOR, "T_SYSCALL is int $0x80");

volatile uint8_t pv_in_idle;
uint32_t pv_console_port = ~0u;
static uint32_t timer_port = ~0u;

/* 0..31 less NMI, #DF and #MC (the hypervisor's), the int $0x80 gate, the end. */
static struct trap_info trap_table[32 - 3 + 1 + 1];

/* Register every exception handler and the DPL-3 system-call gate. */
void pv_traps_init(void)
{
    unsigned n = 0;
    for (unsigned v = 0; v < 32; v++) {
        if (v == 2 || v == 8 || v == 18)
            continue;
        trap_table[n++] = (struct trap_info){
            .vector = (uint8_t)v, .dpl = 0, .cs = PV_KERNEL_CS, .address = pv_exc_stubs[v],
        };
    }
    trap_table[n++] = (struct trap_info){
        .vector = SYSCALL_VECTOR, .dpl = 3, .cs = PV_KERNEL_CS,
        .address = (uint64_t)pv_syscall_entry,
    };
    trap_table[n] = (struct trap_info){ 0 };
    if (HYPERVISOR_set_trap_table(trap_table) != 0)
        pv_fatal("set_trap_table refused");
    if (HYPERVISOR_set_callbacks((uint64_t)pv_upcall_entry, (uint64_t)pv_failsafe_entry, 0) != 0)
        pv_fatal("set_callbacks refused");
}

static void port_unmask(uint32_t port)
{
    __atomic_fetch_and(&pv_shared->evtchn_mask[port / 64], ~(1ull << (port % 64)),
                       __ATOMIC_SEQ_CST);
}

static uint32_t bind_virq(uint32_t virq)
{
    struct evtchn_bind_virq b = { .virq = virq, .vcpu = 0 };
    if (HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &b) != 0)
        pv_fatal("bind_virq refused");
    return b.port;
}

/* Bind the timer, and the console's input port (a VIRQ for dom0, the ring's for a domU). */
void pv_events_init(void)
{
    timer_port = bind_virq(VIRQ_TIMER);
    port_unmask(timer_port);
    if (pv_si->flags & SIF_INITDOMAIN)
        pv_console_port = bind_virq(VIRQ_CONSOLE);
    else if (pv_si->console_mfn)
        pv_console_port = pv_si->console_evtchn;
    if (pv_console_port != ~0u)
        port_unmask(pv_console_port);
}

/*
 * Take the pending, unmasked ports, as shared_info.h's protocol says:
 * clear upcall_pending, take pending_sel, then each word's bits.
 * *timer / *console say whether those ports fired; other ports are dropped.
 */
static void take_events(bool *timer, bool *console)
{
    volatile struct vcpu_info *vi = pv_vcpu;
    *timer = *console = false;
    while (vi->evtchn_upcall_pending) {
        vi->evtchn_upcall_pending = 0;
        uint64_t sel = __atomic_exchange_n(&pv_vcpu->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
        while (sel) {
            unsigned w = (unsigned)__builtin_ctzll(sel);
            sel &= sel - 1;
            uint64_t bits = __atomic_load_n(&pv_shared->evtchn_pending[w], __ATOMIC_SEQ_CST) &
                            ~__atomic_load_n(&pv_shared->evtchn_mask[w], __ATOMIC_SEQ_CST);
            if (bits)
                __atomic_fetch_and(&pv_shared->evtchn_pending[w], ~bits, __ATOMIC_SEQ_CST);
            while (bits) {
                uint32_t port = w * 64 + (unsigned)__builtin_ctzll(bits);
                bits &= bits - 1;
                if (port == timer_port)
                    *timer = true;
                else if (port == pv_console_port)
                    *console = true;
            }
        }
    }
}

/* Exceptions and system calls (entry.S). */
void pv_trap(struct trapframe *tf)
{
    if (tf->vector == T_PAGE)
        tf->fault_addr = pv_vcpu->cr2;
    trap(tf);
    if (hal_tf_from_user(tf))
        pv_sync_for_user();
}

/*
 * The event upcall, from ring 3 or from inside hal_idle (entry.S sends
 * no other).  Console input first: the timer may switch processes.
 */
void pv_upcall(struct trapframe *tf)
{
    bool timer, console;
    pv_in_idle = 0;                 /* the wait is over, whatever trap() does next */
    take_events(&timer, &console);
    if (console) {
        tf->vector = T_CONSOLE;
        trap(tf);
    }
    if (timer) {
        tf->vector = T_TIMER;
        trap(tf);
    }
    tf->vector = PV_VEC_UPCALL;
    if (hal_tf_from_user(tf))
        pv_sync_for_user();
}

void pv_failsafe(struct trapframe *tf)
{
    panic_tf(tf, "Paravane entered the failsafe callback");
}

/*
 * Sleep until an event, handle it, return with events masked again.
 * SCHEDOP_block unmasks and re-checks for pending events after going to
 * sleep, so an event that came just before the call is not lost; the
 * upcall is injected as the hypercall returns, which entry.S lets through
 * because pv_in_idle is set.
 */
void hal_idle(void)
{
    pv_flush();
    pv_in_idle = 1;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    HYPERVISOR_sched_op(SCHEDOP_block, NULL);
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    pv_vcpu->evtchn_upcall_mask = 1;
    pv_in_idle = 0;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
}

bool hal_tf_from_user(const struct trapframe *tf)
{
    return (tf->cs & 3) == 3;
}

void hal_tf_init_user(struct trapframe *tf, uint64_t rip, uint64_t rsp)
{
    memset(tf, 0, sizeof *tf);
    tf->rip = rip;
    tf->rsp = rsp;
    tf->cs = PV_USER_CS;
    tf->ss = PV_USER_DS;
    tf->rflags = 0x202;             /* IF; ring 1 cannot change it anyway */
}

void hal_tf_dump(const struct trapframe *tf)
{
    printk("  vector %#lx error %#lx fault_addr %#lx (%s mode)\n",
           (unsigned long)tf->vector, (unsigned long)tf->error,
           (unsigned long)tf->fault_addr, hal_tf_from_user(tf) ? "user" : "kernel");
    printk("  rip %04lx:%016lx rflags %016lx rsp %04lx:%016lx\n",
           (unsigned long)tf->cs, (unsigned long)tf->rip, (unsigned long)tf->rflags,
           (unsigned long)tf->ss, (unsigned long)tf->rsp);
    printk("  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", (unsigned long)tf->rax,
           (unsigned long)tf->rbx, (unsigned long)tf->rcx, (unsigned long)tf->rdx);
    printk("  rsi %016lx rdi %016lx rbp %016lx r8  %016lx\n", (unsigned long)tf->rsi,
           (unsigned long)tf->rdi, (unsigned long)tf->rbp, (unsigned long)tf->r8);
    printk("  r9  %016lx r10 %016lx r11 %016lx r12 %016lx\n", (unsigned long)tf->r9,
           (unsigned long)tf->r10, (unsigned long)tf->r11, (unsigned long)tf->r12);
    printk("  r13 %016lx r14 %016lx r15 %016lx\n", (unsigned long)tf->r13,
           (unsigned long)tf->r14, (unsigned long)tf->r15);
}
