/*
 * hypercall.h - guest-side hypercall wrappers (ring 1 only).
 * See paravane.h for the calling convention and docs/abi.md for each call.
 */
#ifndef PARAVANE_HYPERCALL_H
#define PARAVANE_HYPERCALL_H

#include "paravane.h"

static inline long pv_hypercall5(unsigned long nr, unsigned long a1, unsigned long a2,
                                 unsigned long a3, unsigned long a4, unsigned long a5)
{
    long ret;
    register unsigned long r10 __asm__("r10") = a4;
    register unsigned long r8 __asm__("r8") = a5;
    __asm__ volatile("int $0x82"
                     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     : "a"(nr)
                     : "memory");
    return ret;
}

#define pv_hypercall0(n)             pv_hypercall5((n), 0, 0, 0, 0, 0)
#define pv_hypercall1(n, a)          pv_hypercall5((n), (unsigned long)(a), 0, 0, 0, 0)
#define pv_hypercall2(n, a, b)       pv_hypercall5((n), (unsigned long)(a), (unsigned long)(b), 0, 0, 0)
#define pv_hypercall3(n, a, b, c)    pv_hypercall5((n), (unsigned long)(a), (unsigned long)(b), (unsigned long)(c), 0, 0)
#define pv_hypercall4(n, a, b, c, d) pv_hypercall5((n), (unsigned long)(a), (unsigned long)(b), (unsigned long)(c), (unsigned long)(d), 0)

static inline long HYPERVISOR_set_trap_table(const void *table)
{ return pv_hypercall1(HYPERCALL_set_trap_table, table); }
static inline long HYPERVISOR_mmu_update(const void *reqs, unsigned count, unsigned *done, unsigned dom)
{ return pv_hypercall4(HYPERCALL_mmu_update, reqs, count, done, dom); }
static inline long HYPERVISOR_mmuext_op(const void *ops, unsigned count, unsigned *done, unsigned dom)
{ return pv_hypercall4(HYPERCALL_mmuext_op, ops, count, done, dom); }
static inline long HYPERVISOR_update_va_mapping(unsigned long va, uint64_t val, unsigned long flags)
{ return pv_hypercall3(HYPERCALL_update_va_mapping, va, val, flags); }
static inline long HYPERVISOR_stack_switch(unsigned long ss, unsigned long sp)
{ return pv_hypercall2(HYPERCALL_stack_switch, ss, sp); }
static inline long HYPERVISOR_set_callbacks(unsigned long event, unsigned long failsafe, unsigned long flags)
{ return pv_hypercall3(HYPERCALL_set_callbacks, event, failsafe, flags); }
static inline long HYPERVISOR_set_segment_base(unsigned which, unsigned long base)
{ return pv_hypercall2(HYPERCALL_set_segment_base, which, base); }
static inline long HYPERVISOR_multicall(void *calls, unsigned count)
{ return pv_hypercall2(HYPERCALL_multicall, calls, count); }
static inline long HYPERVISOR_console_io(unsigned cmd, unsigned count, void *buf)
{ return pv_hypercall3(HYPERCALL_console_io, cmd, count, buf); }
static inline long HYPERVISOR_sched_op(unsigned cmd, void *arg)
{ return pv_hypercall2(HYPERCALL_sched_op, cmd, arg); }
static inline long HYPERVISOR_set_timer_op(uint64_t deadline_ns)
{ return pv_hypercall1(HYPERCALL_set_timer_op, deadline_ns); }
static inline long HYPERVISOR_event_channel_op(unsigned cmd, void *arg)
{ return pv_hypercall2(HYPERCALL_event_channel_op, cmd, arg); }
static inline long HYPERVISOR_vcpu_op(unsigned cmd, unsigned vcpu, void *arg)
{ return pv_hypercall3(HYPERCALL_vcpu_op, cmd, vcpu, arg); }
static inline long HYPERVISOR_version(unsigned cmd, void *arg)
{ return pv_hypercall2(HYPERCALL_version, cmd, arg); }

#endif
