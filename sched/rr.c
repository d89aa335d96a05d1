/*
 * rr.c - round-robin: the simple policy beside credit (sched=rr).
 *
 * One FIFO run queue per pCPU; a vCPU stays on the pCPU it was given at
 * creation (spread round-robin over the online CPUs), except that an idle
 * pCPU takes work its hard affinity allows from the longest other queue.
 * Every vCPU runs at most RR_SLICE_NS before the next in line gets its
 * turn.  No weights or caps; statistics are run time, switches and busy
 * and idle time.
 */
#include "sched.h"
#include "spinlock.h"
#include "errno.h"
#include "printk.h"
#include "pv.h"
#include <asm/cpu.h>

#define RR_SLICE_NS 10000000ull         /* 10 ms */

struct runq {
    struct spinlock lock;
    struct vcpu *head, *tail;
    unsigned len;
};

static struct runq runqs[MAX_CPUS];
static unsigned nr_cpus;

/* Per pCPU: what it ran, for the statistics (written by that pCPU only). */
static struct {
    uint64_t last;              /* time of its last pick, 0 before the first */
    bool busy;                  /* it picked a vCPU then */
    uint64_t busy_ns, idle_ns, switches;
} rr_pcpu[MAX_CPUS];

/* Hard affinity, bit n = pCPU n; all ones until pinned. */
static uint64_t rr_hard[MAX_DOMAINS][PV_MAX_VCPUS];

static uint64_t *hard_of(const struct vcpu *v)
{
    return &rr_hard[v->dom->id][v->id];
}

static void rr_init(unsigned ncpus)
{
    nr_cpus = ncpus ? ncpus : 1;
    for (unsigned i = 0; i < MAX_CPUS; i++)
        spin_init(&runqs[i].lock, "runq");
}

/* Called with q->lock held. */
static void enqueue(struct runq *q, struct vcpu *v)
{
    v->sched_next = NULL;
    if (q->tail)
        q->tail->sched_next = v;
    else
        q->head = v;
    q->tail = v;
    q->len++;
}

/* Remove v if queued; called with q->lock held.  Returns whether it was. */
static bool dequeue(struct runq *q, struct vcpu *v)
{
    struct vcpu **pp = &q->head, *prev = NULL;
    while (*pp && *pp != v) {
        prev = *pp;
        pp = &(*pp)->sched_next;
    }
    if (!*pp)
        return false;
    *pp = v->sched_next;
    if (q->tail == v)
        q->tail = prev;
    v->sched_next = NULL;
    q->len--;
    return true;
}

static void rr_insert(struct vcpu *v)
{
    /*
     * Spread the vCPUs of each domain over the CPUs, and start each
     * domain's vCPU 0 on a different CPU: domain d's vCPU i on (d + i).
     */
    unsigned cpu = (v->dom->id + v->id) % nr_cpus;
    while (!cpus[cpu].online)
        cpu = (cpu + 1) % nr_cpus;
    v->processor = (int)cpu;
    *hard_of(v) = ~0ull;
}

static void rr_sleep(struct vcpu *v)
{
    for (unsigned i = 0; i < nr_cpus; i++) {
        struct runq *q = &runqs[i];
        uint64_t f = spin_lock_irqsave(&q->lock);
        bool found = dequeue(q, v);
        spin_unlock_irqrestore(&q->lock, f);
        if (found)
            return;
    }
}

static void rr_remove(struct vcpu *v) { rr_sleep(v); }

static void rr_wake(struct vcpu *v)
{
    struct runq *q = &runqs[v->processor];
    uint64_t f = spin_lock_irqsave(&q->lock);
    dequeue(q, v);
    enqueue(q, v);
    spin_unlock_irqrestore(&q->lock, f);
}

/*
 * The first queued vCPU that is not still loaded on some pCPU (woken
 * before its old pCPU switched it out): that one is left for its pCPU,
 * which will see it when it schedules, rather than spun on.
 */
static struct vcpu *pop(struct runq *q, struct vcpu *self, unsigned cpu)
{
    uint64_t f = spin_lock_irqsave(&q->lock);
    struct vcpu *v = q->head;
    while (v && ((v->on_cpu && v != self) || !(*hard_of(v) & (1ull << cpu))))
        v = v->sched_next;
    if (v)
        dequeue(q, v);
    spin_unlock_irqrestore(&q->lock, f);
    return v;
}

static struct vcpu *rr_pick_next(unsigned cpu, struct vcpu *prev, uint64_t now, uint64_t *slice_ns)
{
    struct runq *q = &runqs[cpu];
    if (prev && prev->state == VCPU_RUNNING && !prev->paused) {
        uint64_t f = spin_lock_irqsave(&q->lock);
        enqueue(q, prev);                   /* back of the line */
        spin_unlock_irqrestore(&q->lock, f);
    }
    struct vcpu *v = pop(q, prev, cpu);
    if (!v) {
        /* Idle: take the head of the longest other queue. */
        unsigned best = cpu, best_len = 0;
        for (unsigned i = 0; i < nr_cpus; i++)
            if (i != cpu && runqs[i].len > best_len) {
                best = i;
                best_len = runqs[i].len;
            }
        if (best != cpu)
            v = pop(&runqs[best], NULL, cpu);
    }
    if (rr_pcpu[cpu].last && now > rr_pcpu[cpu].last) {
        if (rr_pcpu[cpu].busy)
            rr_pcpu[cpu].busy_ns += now - rr_pcpu[cpu].last;
        else
            rr_pcpu[cpu].idle_ns += now - rr_pcpu[cpu].last;
    }
    rr_pcpu[cpu].last = now;
    rr_pcpu[cpu].busy = v != NULL;
    if (v && v != prev)
        rr_pcpu[cpu].switches++;
    *slice_ns = v ? RR_SLICE_NS : 0;      /* idle: nothing to come back for */
    return v;
}

/* Migrate: the vCPU's home pCPU becomes the first online one in 'hard'. */
static int rr_set_affinity(struct vcpu *v, uint64_t hard, uint64_t soft)
{
    (void)soft;                         /* round-robin has no preference to weigh */
    unsigned cpu = 0;
    while (cpu < nr_cpus && !((hard >> cpu) & 1 && cpus[cpu].online))
        cpu++;
    if (cpu == nr_cpus)
        return -EINVAL;
    *hard_of(v) = hard;
    /* Requeue it at home if queued; a running vCPU moves at its next switch. */
    bool queued = false;
    for (unsigned i = 0; i < nr_cpus; i++) {
        uint64_t f = spin_lock_irqsave(&runqs[i].lock);
        queued |= dequeue(&runqs[i], v);
        spin_unlock_irqrestore(&runqs[i].lock, f);
    }
    int old = v->processor;
    v->processor = (int)cpu;
    if (queued)
        rr_wake(v);
    else if (v->state == VCPU_RUNNING && old != (int)cpu && old >= 0)
        raise_softirq((unsigned)old, SOFTIRQ_SCHEDULE);
    return 0;
}

static int rr_vcpu_stats(struct vcpu *v, struct sched_vcpu_stats *out)
{
    *out = (struct sched_vcpu_stats){ .run_ns = v->runtime_ns };    /* pv.c keeps it */
    return 0;
}

static int rr_pcpu_stats(unsigned cpu, struct sched_pcpu_stats *out)
{
    if (cpu >= nr_cpus)
        return -EINVAL;
    *out = (struct sched_pcpu_stats){
        .busy_ns = rr_pcpu[cpu].busy_ns, .idle_ns = rr_pcpu[cpu].idle_ns,
        .switches = rr_pcpu[cpu].switches,
    };
    return 0;
}

static void rr_dump(unsigned cpu)
{
    if (cpu >= nr_cpus)
        return;
    struct runq *q = &runqs[cpu];
    uint64_t f = spin_lock_irqsave(&q->lock);
    printk(LOG_NOTICE, "  rr: %u queued:", q->len);
    unsigned n = 0;
    for (struct vcpu *v = q->head; v && n < 16; v = v->sched_next, n++)
        printk(LOG_NOTICE, " d%u.%u", v->dom->id, v->id);
    printk(LOG_NOTICE, "\n");
    spin_unlock_irqrestore(&q->lock, f);
}

const struct scheduler sched_rr = {
    .name = "rr",
    .init = rr_init,
    .insert = rr_insert,
    .remove = rr_remove,
    .wake = rr_wake,
    .sleep = rr_sleep,
    .pick_next = rr_pick_next,
    .yield = NULL,                      /* the yielder goes to the back of the line anyway */
    .set_affinity = rr_set_affinity,
    .vcpu_stats = rr_vcpu_stats,
    .pcpu_stats = rr_pcpu_stats,
    .dump = rr_dump,
};
