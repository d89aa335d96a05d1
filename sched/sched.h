/*
 * sched.h - the scheduler interface.
 *
 * A policy decides which runnable vCPU each pCPU runs next and for how
 * long; the mechanism around it (hyp/arch/x86/pv.c: switching register
 * state, page tables, FPU) is the same for every policy.  Policies are
 * chosen with the sched= boot option: credit (sched/credit.c, the
 * default) or round-robin (sched/rr.c).
 *
 * Locking: each policy protects its own run queues; callers hold no
 * domain lock when they call in (wake may be called from any pCPU).
 */
#ifndef SCHED_SCHED_H
#define SCHED_SCHED_H

#include <stdint.h>
#include <stddef.h>
#include "domain.h"

struct sched_vcpu_stats {
    uint64_t run_ns, wait_ns, blocked_ns, migrations, switches;
};
struct sched_pcpu_stats {
    uint64_t busy_ns, idle_ns, switches;
};

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
    /*
     * v, running on this pCPU, gives way (SCHEDOP_yield): at the next
     * pick, others of its priority go first and no minimum run time keeps
     * it.  The caller then asks this pCPU to reschedule.
     */
    void (*yield)(struct vcpu *v);
    /*
     * Migrate: v may run only on the pCPUs in 'hard' and prefers 'soft'
     * (a subset; 0 means the hard set).  A queued or running vCPU moves
     * promptly.  -EINVAL if no pCPU in 'hard' is online.
     */
    int (*set_affinity)(struct vcpu *v, uint64_t hard, uint64_t soft);
    /* Adjust: a domain's weight (1..65535) and cap (percent of one pCPU,
     * 0 = none).  NULL if the policy has no such parameters (-ENOSYS). */
    int (*set_params)(domid_t d, unsigned weight, unsigned cap);
    int (*get_params)(domid_t d, unsigned *weight, unsigned *cap);
    /* Statistics the policy keeps; NULL: none (-ENOSYS). */
    int (*vcpu_stats)(struct vcpu *v, struct sched_vcpu_stats *out);
    int (*pcpu_stats)(unsigned cpu, struct sched_pcpu_stats *out);
    /* Print the policy's view of pCPU 'cpu' (the serial debug key). */
    void (*dump)(unsigned cpu);
};

extern const struct scheduler sched_rr;

/*
 * Controls (dom0's sysctl), for whichever policy runs: each calls the
 * policy's operation, or answers -ENOSYS where it has none.
 */
int sched_set_params(domid_t d, unsigned weight, unsigned cap);
int sched_get_params(domid_t d, unsigned *weight, unsigned *cap);
int sched_pin(struct vcpu *v, uint64_t hard, uint64_t soft);
int sched_vcpu_stats(struct vcpu *v, struct sched_vcpu_stats *out);
int sched_pcpu_stats(unsigned cpu, struct sched_pcpu_stats *out);

/* The policy in use. */
extern const struct scheduler *sched;

/* Choose the policy by name ("credit", "rr") and start it. */
void sched_setup(const char *name, unsigned ncpus);

/* Set v runnable and queue it (no-op unless it was blocked or new). */
void vcpu_wake(struct vcpu *v);

#endif
