/*
 * sched.h - the scheduler interface.
 *
 * A policy decides which runnable vCPU each pCPU runs next and for how
 * long; the mechanism around it (hyp/arch/x86/pv.c: switching register
 * state, page tables, FPU) is the same for every policy.  Policies are
 * chosen with the sched= boot option.  The interim policy is round-robin
 * (sched/rr.c); the credit scheduler arrives with the scheduler issue.
 *
 * Locking: each policy protects its own run queues; callers hold no
 * domain lock when they call in (wake may be called from any pCPU).
 */
#ifndef SCHED_SCHED_H
#define SCHED_SCHED_H

#include <stdint.h>
#include <stddef.h>
#include "domain.h"

struct scheduler {
    const char *name;
    void (*init)(unsigned ncpus);
    /* A new vCPU: choose its pCPU (v->processor).  It starts not runnable. */
    void (*insert)(struct vcpu *v);
    /* v is gone for good (its domain is being destroyed); it is not queued. */
    void (*remove)(struct vcpu *v);
    /* v became runnable: queue it. */
    void (*wake)(struct vcpu *v);
    /* v stopped being runnable while queued (paused, crashed): unqueue it. */
    void (*sleep)(struct vcpu *v);
    /*
     * Pick what pCPU 'cpu' runs next.  'prev' (may be NULL: idle) is the
     * vCPU that ran until now; if still runnable it competes like the
     * others.  Returns NULL for idle; *slice_ns gets how long the choice
     * may run before the policy wants to choose again.
     */
    struct vcpu *(*pick_next)(unsigned cpu, struct vcpu *prev, uint64_t now, uint64_t *slice_ns);
};

extern const struct scheduler sched_rr;

/* The policy in use. */
extern const struct scheduler *sched;

/* Choose the policy by name ("credit", "rr") and start it. */
void sched_setup(const char *name, unsigned ncpus);

/* Set v runnable and queue it (no-op unless it was blocked or new). */
void vcpu_wake(struct vcpu *v);

#endif
