/*
 * pv.h - running PV guests on this pCPU: entering and leaving them,
 * bouncing exceptions and events into them, switching between vCPUs.
 * (hyp/arch/x86/pv.c, pv_mm.c)
 */
#ifndef HYP_PV_H
#define HYP_PV_H

#include <stdint.h>
#include "domain.h"
#include "pagetype.h"
#include <asm/traps.h>

/* Is this frame from a guest (ring 1 or 3)? */
static inline bool guest_mode(const struct cpu_regs *r) { return (r->cs & 3) != 0; }

/* The frame of the guest running on this pCPU: the top of the entry stack. */
struct cpu_regs *guest_frame(void);

/* An entry from a guest: hypercall, exception or interrupt.  Returns to it (or another). */
void pv_trap(struct cpu_regs *r);

/*
 * Deliver exception 'vector' to the current guest's handler, as if the
 * CPU had: frame on the guest kernel's stack, rip at the handler.
 * Crashes the domain if it has no handler or the frame cannot be written.
 */
void pv_bounce_exception(struct vcpu *v, struct cpu_regs *r, unsigned vector, bool has_err, uint64_t err);

/* This pCPU starts running guests (never returns). */
void pv_cpu_run(void) __attribute__((noreturn));

/* Ask this pCPU to reschedule before it returns to a guest. */
#define SOFTIRQ_SCHEDULE  (1u << 0)
#define SOFTIRQ_TIMER     (1u << 1)
#define SOFTIRQ_REAPER    (1u << 2)
void raise_softirq(unsigned cpu, uint32_t which);

/* A fresh FPU/SSE state for a new vCPU. */
void fpu_init_state(uint8_t fxsave_area[512]);

/* The page-type environment for guest memory (pv_mm.c). */
struct pt_env *pv_pt_env(void);
/* Flush the TLBs of every pCPU running one of d's vCPUs (and this one). */
void domain_flush_tlbs(struct domain *d);

/* Program this pCPU's timer for its next event (slice end, guest timers). */
void timer_reprogram(void);

#endif
