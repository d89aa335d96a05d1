/*
 * hypercall.h - the hypercall layer (hypercalls/): one handler per
 * hypercall family.  Each takes the calling vCPU and the raw argument
 * registers, copies what it needs from guest memory once, checks it, and
 * returns 0/a value or a negative errno.  Only these files read guest
 * memory.
 */
#ifndef HYP_HYPERCALL_H
#define HYP_HYPERCALL_H

#include <stdint.h>
#include "domain.h"
#include <asm/traps.h>

/* Dispatch the hypercall in r (rax = number, rdi, rsi, rdx, r10, r8). */
long do_hypercall(struct vcpu *v, const struct cpu_regs *r);

typedef long (*hypercall_fn)(struct vcpu *v, uint64_t a1, uint64_t a2, uint64_t a3,
                             uint64_t a4, uint64_t a5);

long do_set_trap_table(struct vcpu *v, uint64_t table, uint64_t, uint64_t, uint64_t, uint64_t);
long do_mmu_update(struct vcpu *v, uint64_t reqs, uint64_t count, uint64_t done, uint64_t dom, uint64_t);
long do_mmuext_op(struct vcpu *v, uint64_t ops, uint64_t count, uint64_t done, uint64_t dom, uint64_t);
long do_update_va_mapping(struct vcpu *v, uint64_t va, uint64_t val, uint64_t flags, uint64_t, uint64_t);
long do_stack_switch(struct vcpu *v, uint64_t ss, uint64_t sp, uint64_t, uint64_t, uint64_t);
long do_set_callbacks(struct vcpu *v, uint64_t event, uint64_t failsafe, uint64_t flags, uint64_t, uint64_t);
long do_set_segment_base(struct vcpu *v, uint64_t which, uint64_t base, uint64_t, uint64_t, uint64_t);
long do_multicall(struct vcpu *v, uint64_t calls, uint64_t count, uint64_t, uint64_t, uint64_t);
long do_console_io(struct vcpu *v, uint64_t cmd, uint64_t count, uint64_t buf, uint64_t, uint64_t);
long do_sched_op(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t, uint64_t, uint64_t);
long do_set_timer_op(struct vcpu *v, uint64_t deadline, uint64_t, uint64_t, uint64_t, uint64_t);
long do_event_channel_op_hc(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t, uint64_t, uint64_t);
long do_vcpu_op(struct vcpu *v, uint64_t cmd, uint64_t vcpu, uint64_t arg, uint64_t, uint64_t);
long do_version(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t, uint64_t, uint64_t);
long do_sysctl(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t, uint64_t, uint64_t);

/* Is va a canonical guest address outside the hypervisor's slots? */
int guest_va_ok(uint64_t va);

/* pv.c: the current vCPU's syscall gate or kernel stack changed. */
void pv_reload_vcpu_entry(struct vcpu *v);

#endif
