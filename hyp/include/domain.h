/*
 * domain.h - domains and their virtual CPUs.
 *
 * A domain owns a fixed set of frames (p2m[pfn] = mfn, given at creation),
 * a shared_info page, an event-channel table and up to PV_MAX_VCPUS vCPUs.
 * A vCPU's guest registers live in struct vcpu whenever it is not running;
 * while it runs they are on its pCPU's entry stack (asm/pv.h).
 *
 * Locking: d->lock protects the domain's state and event channels; it is
 * taken with interrupts off and never held while waiting for another CPU.
 * d->mm_lock serialises page-table operations (pagetype.c); it is taken
 * with interrupts on, because those operations may wait for other CPUs to
 * flush their TLBs.  Lock order: mm_lock before lock; a lower domain id's
 * lock before a higher one's; the scheduler's locks after d->lock.
 */
#ifndef HYP_DOMAIN_H
#define HYP_DOMAIN_H

#include <stdint.h>
#include <stdbool.h>
#include "spinlock.h"
#include "frame.h"
#include <asm/traps.h>
#include <paravane/paravane.h>
#include <paravane/shared_info.h>
#include <paravane/trap.h>
#include <paravane/event_channel.h>
#include <paravane/vcpu.h>

#define MAX_DOMAINS     64
#define DOM0_ID         0

enum vcpu_state {
    VCPU_DOWN,          /* not initialised, or brought down */
    VCPU_RUNNABLE,      /* waiting for a pCPU */
    VCPU_RUNNING,       /* on a pCPU now */
    VCPU_BLOCKED,       /* sched_op block/poll: waiting for an event or timeout */
};

struct domain;

struct vcpu {
    struct domain *dom;
    unsigned id;
    volatile enum vcpu_state state;
    volatile int processor;             /* pCPU it runs on, or last ran on */
    bool paused;                        /* domain paused / shut down: do not run */
    volatile bool going_down;           /* VCPUOP_down: becomes VCPU_DOWN when next switched out */

    /* Guest state, saved here while the vCPU is not running. */
    struct cpu_regs regs;
    uint8_t fpu[512] __attribute__((aligned(16)));   /* fxsave image */
    uint64_t cr3;                       /* machine address of the loaded L4 (0 = none) */
    uint64_t kernel_sp;                 /* stack_switch: TSS.RSP1 */
    uint64_t fs_base, gs_base;
    uint16_t ds, es, fs, gs;            /* data selectors (not in the trap frame) */

    /* Registered entry points (set_trap_table, set_callbacks). */
    struct trap_info traps[32];         /* by vector; address 0 = none */
    uint64_t syscall_handler;           /* int $0x80 gate target, 0 = none */
    uint8_t  syscall_dpl;
    uint64_t event_callback, failsafe_callback;

    struct vcpu_info *info;             /* this vCPU's slot in the shared_info page */

    /* Timer (set_timer_op) and polling (sched_op poll). */
    uint64_t timer_deadline;            /* system time in ns, 0 = off */
    evtchn_port_t poll_ports[128];
    unsigned poll_nr;                   /* >0 while polling */
    uint64_t poll_deadline;

    struct vcpu_counters counters;      /* VCPUOP_get_counters */

    /* Scheduler's fields (sched/). */
    volatile bool on_cpu;               /* its state is loaded on a pCPU (not saved yet) */
    struct vcpu *sched_next;
    uint64_t runtime_ns, last_start_ns;
};

enum domain_state {
    DOM_RUNNING,
    DOM_PAUSED,
    DOM_SHUTDOWN,       /* the guest asked: see shutdown_reason */
    DOM_CRASHED,        /* the hypervisor stopped it for misbehaving */
    DOM_DYING,          /* being destroyed */
};

struct evtchn;          /* hyp/core/evtchn.c */

struct domain {
    domid_t id;
    volatile enum domain_state state;
    unsigned shutdown_reason;           /* SHUTDOWN_* when state == DOM_SHUTDOWN */
    bool crashed;                       /* it crashed (kept once the state is DYING) */
    bool privileged;                    /* dom0: may use privileged hypercalls */
    struct spinlock lock;
    struct spinlock mm_lock;

    struct vcpu *vcpus[PV_MAX_VCPUS];
    unsigned max_vcpus;

    uint64_t nr_pages;                  /* frames owned */
    uint64_t *p2m;                      /* p2m[pfn] = mfn, nr_pages entries */
    struct shared_info *shared_info;    /* hypervisor's mapping of it */
    uint64_t shared_info_mfn;

    uint64_t console_mfn;               /* domU: console ring frame (0 for dom0) */
    evtchn_port_t console_port;         /* domU: its end of the console channel, for dom0 */

    struct evtchn *evtchn;              /* port table */
    unsigned nr_evtchn;                 /* ports allocated in it */

    volatile uint64_t dirty_cpus;       /* pCPUs that may hold its TLB entries */
    char name[32];
};

extern struct domain *domains[MAX_DOMAINS];

/* The domain with this id, or NULL.  (No reference counting yet: domains are only freed by domain_destroy with every vCPU stopped.) */
struct domain *domain_by_id(domid_t id);

/* The vCPU running on this pCPU, or NULL in the idle loop. */
struct vcpu *current_vcpu(void);

/*
 * Crash a misbehaving domain: log why with the vCPU's registers, mark it
 * crashed, stop its vCPUs.  The hypervisor and other domains carry on.
 * Called on the crashing vCPU's pCPU, does not return to the guest.
 */
void domain_crash(struct domain *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Create domain 'id' with nr_pages frames and max_vcpus vCPUs (all down), paused. */
struct domain *domain_create(domid_t id, uint64_t nr_pages, unsigned max_vcpus, bool privileged);
/* The guest asked to stop (sched_op shutdown). */
void domain_shutdown(struct domain *d, unsigned reason);
/* Softirq: free the domains that have stopped and left every pCPU. */
void domain_reap(void);
/*
 * Free the struct domain / struct vcpu pages of destroyed domains once
 * every pCPU has passed a quiescent point since (pv_return's loop, or
 * idle): another pCPU may still hold a pointer it found before.
 */
void domain_free_deferred(void);

/* Mark an event pending on vCPU v and make sure it will see it (IPI if it runs elsewhere). */
void vcpu_kick(struct vcpu *v);

#endif
