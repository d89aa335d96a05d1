/*
 * credit.h - the credit scheduler (sched/credit.c, sched/credit_runq.c):
 * what the hypervisor's hypercalls and boot options call, and the hooks
 * the policy needs from whoever runs it.
 *
 * Each domain has a weight (its share of the machine relative to other
 * busy domains) and optionally a cap (at most that many percent of one
 * pCPU, whatever else is idle).  Every accounting period the policy hands
 * out the period's CPU time as credit, in proportion to weight, and
 * charges every vCPU the nanoseconds it really ran.  A vCPU with credit
 * left is UNDER, one that overdrew is OVER; UNDER runs first, and a vCPU
 * that wakes from blocking while UNDER is BOOSTed ahead of both, so that
 * I/O-bound guests answer quickly next to CPU hogs.
 *
 * The same source runs in the hypervisor and in the host simulator
 * (tests/unit/test_sched_sim.c): everything it needs from outside comes
 * through struct credit_hooks and the spinlock API.
 */
#ifndef SCHED_CREDIT_H
#define SCHED_CREDIT_H

#include <stdint.h>
#include <stdbool.h>
#include "sched.h"

extern const struct scheduler sched_credit;

#define CREDIT_MAX_CPUS         64              /* cpumasks are one uint64_t */
#define CREDIT_DEFAULT_WEIGHT   256
#define CREDIT_MAX_WEIGHT       65535
#define CREDIT_MAX_CAP          (100 * CREDIT_MAX_CPUS)
#define CREDIT_PERIOD_NS        30000000ull     /* accounting period: 30 ms, as Xen */

/* ---- hooks: what the policy needs from the hypervisor (or the simulator) ---- */

struct credit_hooks {
    /* System time in ns, the same clock as pick_next's 'now'. */
    uint64_t (*now)(void);
    /*
     * Ask pCPU 'cpu' to call pick_next soon (SOFTIRQ_SCHEDULE plus an IPI
     * if it is another pCPU).  May be called with run-queue locks held and
     * interrupts off, for any pCPU including the caller's.
     */
    void (*tickle)(unsigned cpu);
    /* The pCPUs that run vCPUs now, bit n = pCPU n. */
    uint64_t (*online)(void);
};

/*
 * Install the hooks; call before sched_credit.init.  Without hooks the
 * policy still works on the pCPUs it was initialised with, but cannot ask
 * another pCPU to reschedule and dates wake-ups by the last pick_next.
 */
void credit_set_hooks(const struct credit_hooks *h);

/* ---- tunables ---- */

#define CREDIT_DEFAULT_SLICE_NS     10000000ull     /* 10 ms, as sched_rr */
#define CREDIT_DEFAULT_RATELIMIT_NS  1000000ull     /* 1 ms */

struct credit_tunables {
    uint64_t slice_ns;          /* longest a vCPU runs before the policy chooses again */
    uint64_t ratelimit_ns;      /* shortest run before another vCPU may preempt it (0 = none) */
};

/* Read freely; change only through credit_set_tunables(). */
extern struct credit_tunables credit_tunables;

/* Slice 100 us .. 1 s; rate limit 0 (off) or 10 us .. slice.  0 or -EINVAL. */
int credit_set_tunables(uint64_t slice_ns, uint64_t ratelimit_ns);

/* ---- per-domain parameters and per-vCPU affinity (hypercalls) ---- */

/*
 * Weight 1..CREDIT_MAX_WEIGHT; cap in percent of one pCPU, 0 = no cap,
 * up to CREDIT_MAX_CAP.  -EINVAL when out of range (or d >= MAX_DOMAINS),
 * -ESRCH when domain d has no vCPU known to the policy.  A new domain
 * starts with CREDIT_DEFAULT_WEIGHT and no cap.
 */
int credit_set_params(domid_t d, unsigned weight, unsigned cap);
int credit_get_params(domid_t d, unsigned *weight, unsigned *cap);

/*
 * Hard affinity: v runs only on the pCPUs in hard_mask.  Soft affinity:
 * among those, it prefers soft_mask.  -EINVAL if either mask is empty or
 * hard_mask holds no online pCPU; -ESRCH if the policy does not know v.
 * Takes effect at once: a queued v moves to an allowed pCPU, a running
 * one is rescheduled off a pCPU it may no longer use.
 */
int credit_pin(struct vcpu *v, uint64_t hard_mask, uint64_t soft_mask);

/* ---- statistics ---- */

enum credit_pri {               /* higher runs first */
    CREDIT_PRI_IDLE,            /* nothing: what an idle pCPU "runs" */
    CREDIT_PRI_OVER,            /* used more than its credit */
    CREDIT_PRI_UNDER,           /* has credit left */
    CREDIT_PRI_BOOST,           /* woke from blocking while UNDER: runs before the rest */
};

enum credit_where {             /* where a vCPU is, as the policy sees it */
    CREDIT_OFF,                 /* not runnable: down, paused, or not started */
    CREDIT_BLOCKED,             /* blocked, waiting for an event */
    CREDIT_QUEUED,              /* runnable, in a run queue */
    CREDIT_RUNNING,             /* chosen by its pCPU's last pick_next */
    CREDIT_MOVING,              /* runnable, between two run queues (brief) */
};

struct credit_vcpu_stats {
    uint64_t run_ns;            /* time it ran */
    uint64_t wait_ns;           /* time runnable but not running (parked by its cap included) */
    uint64_t blocked_ns;        /* time blocked */
    uint64_t migrations;        /* starts on a pCPU other than the one it last ran on */
    uint64_t switches;          /* times it was switched in */
    int64_t credit;             /* ns of run time it may still use this period (< 0: overdrawn) */
    unsigned pri;               /* enum credit_pri */
    unsigned where;             /* enum credit_where */
    int cpu;                    /* pCPU it runs on, is queued on, or last ran on */
    bool parked;                /* its domain used its cap: not picked until the next period */
    bool active;                /* takes part in credit accounting */
};

struct credit_pcpu_stats {
    uint64_t busy_ns;           /* time running vCPUs */
    uint64_t idle_ns;           /* time idle, from its first pick_next */
    uint64_t switches;          /* vCPUs switched in */
};

/* Up to now.  -EINVAL for ids out of range, -ESRCH for an unknown vCPU. */
int credit_get_stats(domid_t d, unsigned vcpu_id, struct credit_vcpu_stats *out);
int credit_get_pcpu_stats(unsigned cpu, struct credit_pcpu_stats *out);

/* ---- private to sched/credit.c and sched/credit_runq.c ---- */
#ifdef CREDIT_INTERNAL

#include "spinlock.h"

#define CREDIT_MIN_SLICE_NS    10000ull     /* 10 us: no shorter slice (timer cost) */
#define CREDIT_OVER_QUANTUM_NS 1000000ull   /* OVER vCPUs take turns in at least this */

struct cdom {
    unsigned weight;            /* credit_prv.lock */
    unsigned cap;               /* percent of a pCPU, 0 = none; written under credit_prv.lock, read atomically */
    unsigned nr_vcpus;          /* vCPUs inserted (0: slot free); credit_prv.lock */
    unsigned nr_active;         /* account() scratch */
    int64_t cap_left;           /* atomic: ns the domain may still run this period */
    bool parked;                /* atomic: cap used up; its vCPUs are not picked */
};

struct cvcpu {
    struct vcpu *v;             /* NULL: slot free */
    struct cdom *dom;
    struct cvcpu *next;         /* run-queue link (run-queue lock) */
    struct cvcpu *act_next;     /* active list (credit_prv.lock) */

    /*
     * Guarded by the run-queue lock of pCPU 'cpu', where it is queued,
     * running, or was last.  'cpu' changes only with both queues' locks
     * held, so holding either one pins it (credit_lock_vcpu).
     */
    int cpu;
    int last_cpu;               /* where it last ran, -1 never */
    uint8_t pri;                /* enum credit_pri */
    uint8_t where;              /* enum credit_where */
    bool full;                  /* account() scratch: balance at the ceiling */
    bool active;                /* atomic; set under credit_prv.lock, cleared under it and the run-queue lock */
    bool yielding;              /* SCHEDOP_yield: no rate limit, behind its peers at the next pick */
    uint32_t wv;                /* account() scratch: weight share, weight << 10 / active vCPUs */
    uint64_t since;             /* when 'where' last changed (its wait started, for MOVING) */
    uint64_t hard, soft;        /* affinity masks; written under the run-queue lock */
    uint64_t run_ns, wait_ns, blocked_ns, migrations, switches;

    int64_t credit;             /* atomic: ns of run time it may still use */
    int64_t give;               /* account() scratch */
};

struct cpcpu {
    struct spinlock lock;       /* "credit-runq" */
    /* Guarded by lock: */
    struct cvcpu *head;         /* run queue, highest priority first, FIFO within one */
    struct cvcpu *curr;         /* chosen by the last pick_next (also read as a hint) */
    uint64_t start;             /* curr's run time is charged from here (also read as a hint) */
    uint64_t slice_end;         /* curr's slice ends here (a hint) */
    uint64_t stint;             /* curr was switched in here: the rate limit counts from it */
    uint64_t last;              /* time of the last pick_next */
    bool seen;                  /* pick_next has run here */
    uint64_t busy_ns, idle_ns, switches;
    /* Hints for other pCPUs, written under lock, read without it: */
    uint64_t pickable;          /* OR of the hard masks of the entries that can run now */
    unsigned npickable;         /* how many entries can run now */
    unsigned queue_pri;         /* priority of the best such entry, IDLE if none */
    unsigned curr_pri;          /* priority of curr, IDLE if none */
    bool idle;                  /* last pick_next chose nothing */
    bool tickled;               /* asked to reschedule and has not yet: no need to ask again */
};

struct credit_priv {
    struct spinlock lock;       /* "credit": parameters, active list, accounting */
    const struct credit_hooks *hooks;
    unsigned ncpus;             /* pCPUs the policy was set up for */
    uint64_t last_acct;         /* the last accounting */
    uint64_t next_acct;         /* the next one is due (read atomically) */
    uint64_t carry;             /* credit left over by rounding, for the next period */
    struct cvcpu *active;       /* vCPUs that take part in accounting */
    uint64_t clock;             /* latest 'now' seen, for want of a now() hook */
};

extern struct credit_priv credit_prv;
extern struct cdom credit_doms[MAX_DOMAINS];
extern struct cvcpu credit_vcpus[MAX_DOMAINS][PV_MAX_VCPUS];
extern struct cpcpu credit_pcpus[CREDIT_MAX_CPUS];

/* credit.c */
uint64_t credit_now(void);
uint64_t credit_online(void);
void credit_tickle(unsigned cpu);
bool credit_vcpu_runnable(const struct vcpu *v);
void credit_charge(unsigned cpu, uint64_t now);

/* credit_runq.c: run queues, placement and stealing */
uint64_t credit_lock_vcpu(struct cvcpu *sv, unsigned *cpu);
void credit_unlock_vcpu(unsigned cpu, uint64_t flags);
void credit_enqueue(unsigned cpu, struct cvcpu *sv);
void credit_rq_remove(unsigned cpu, struct cvcpu *sv);
void credit_rq_refresh(unsigned cpu);
void credit_requeue(struct cvcpu *sv, unsigned pri);
unsigned credit_rq_best_pri(unsigned cpu, uint64_t now);
struct cvcpu *credit_rq_take(unsigned cpu, uint64_t now);
struct cvcpu *credit_rq_peek(unsigned cpu);
void credit_steal(unsigned cpu, unsigned local_pri);
void credit_place(struct cvcpu *sv, uint64_t now);
void credit_fill_idlers(int self);
void credit_nudge_all(void);

#endif /* CREDIT_INTERNAL */

#endif
