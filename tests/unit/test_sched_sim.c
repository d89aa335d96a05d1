/*
 * test_sched_sim.c - the credit scheduler (sched/credit.c,
 * sched/credit_runq.c) against a simulated machine.
 *
 * The simulator plays the part of hyp/arch/x86/pv.c: N pCPUs (1..8) and
 * a nanosecond clock.  Each pCPU calls pick_next at its decision points
 * (its slice ends, its vCPU blocks, it is tickled by the policy, as a
 * wake-up IPI would) and runs the chosen vCPU until the next event.
 * Workloads are CPU hogs and I/O-like vCPUs that run x us and block y us.
 * The simulator measures, on its own, what each vCPU really got (run
 * time, switches, migrations, wake-up latency) and checks at every event:
 *   - no pCPU is idle while a vCPU allowed there waits (work conserving;
 *     a vCPU parked by its domain's cap is not waiting to run);
 *   - a vCPU runs only where its hard affinity allows, never on two pCPUs,
 *     and only when runnable;
 *   - the policy left no lock held and interrupts on.
 * The cases then compare the measurements against bounds: shares by
 * weight and caps within 2%, wake-up latency within the rate limit, no
 * starvation, statistics equal to what the simulator saw.
 *
 * sched/rr.c runs in one case as a control: it ignores weights, and the
 * same share check must fail for it, or the check proves nothing.
 */
#include <stdint.h>
#include <stdbool.h>
#include "unit.h"
#include "domain.h"
#include "spinlock.h"
#include "errno.h"
#include "sched/sched.h"
#include "sched/credit.h"
#include <asm/cpu.h>

#define SIM_MAX_CPUS    8
#define SIM_MAX_VCPUS   96
#define US              1000ull
#define MS              1000000ull
#define SEC             1000000000ull

/* ------------------------------------------------------------------ */
/* What the policy needs from the hypervisor */

struct cpu cpus[MAX_CPUS];              /* sched/rr.c reads cpus[].online */

/*
 * Locks: single-threaded, so a lock is "held" or not.  Checked: no lock
 * taken twice, only held locks released, run-queue locks taken in
 * ascending pCPU order (the policy's lock order), the policy lock never
 * taken under a run-queue lock, and nothing held between calls.
 */
#define MAX_HELD 8
static struct spinlock *held[MAX_HELD];
static int nheld;
static int lock_errors;
static bool irq_on = true;

static bool is_runq(const struct spinlock *l)
{
    return l->name && strcmp(l->name, "credit-runq") == 0;
}

void spin_init(struct spinlock *l, const char *name)
{
    l->next = l->owner = 0;
    l->cpu = -1;
    l->name = name;
}

bool spin_held(const struct spinlock *l)
{
    return l->cpu == 0;
}

void spin_lock(struct spinlock *l)
{
    if (l->cpu == 0 || nheld == MAX_HELD) {
        lock_errors++;
        return;
    }
    for (int i = 0; i < nheld; i++) {
        if (is_runq(l) && is_runq(held[i]) && held[i] > l)
            lock_errors++;              /* run queues: ascending pCPU order only */
        if (!is_runq(l) && is_runq(held[i]))
            lock_errors++;              /* the policy lock comes before any run queue */
    }
    l->cpu = 0;
    held[nheld++] = l;
}

void spin_unlock(struct spinlock *l)
{
    int i;
    for (i = 0; i < nheld && held[i] != l; i++)
        ;
    if (i == nheld || l->cpu != 0) {
        lock_errors++;
        return;
    }
    held[i] = held[--nheld];
    l->cpu = -1;
}

uint64_t spin_lock_irqsave(struct spinlock *l)
{
    uint64_t flags = irq_on;
    irq_on = false;
    spin_lock(l);
    return flags;
}

void spin_unlock_irqrestore(struct spinlock *l, uint64_t flags)
{
    spin_unlock(l);
    irq_on = flags != 0;
}

/* ------------------------------------------------------------------ */
/* The simulated machine */

enum kind { HOG, IO };

struct simv {
    struct vcpu *v;
    enum kind kind;
    uint64_t burst, sleep;      /* IO: runs 'burst' ns of CPU, then blocks 'sleep' ns */
    uint64_t jitter;            /* IO: sleep varies by up to this much (deterministic) */
    uint64_t need;              /* IO: CPU left before it blocks */
    bool blocked;
    uint64_t wake_at;
    int on;                     /* pCPU it runs on, -1 */
    int last;                   /* pCPU it last ran on, -1 */
    uint64_t hard;              /* the hard affinity we set (all ones by default) */

    /* Measured by the simulator. */
    uint64_t ran, switches, migrations;
    uint64_t run_since;         /* this stint began (switched in) */
    uint64_t max_stint;         /* longest uninterrupted run */
    bool wake_pending;          /* woken, has not run since */
    uint64_t woke_at, max_latency, wakes;
    uint64_t ready_since;       /* runnable and not running since; for the longest wait */
    uint64_t max_wait;
    uint64_t ran_outside_soft;  /* run time outside 'soft' */
    uint64_t soft;
};

struct simcpu {
    struct vcpu *curr;
    bool has_deadline;
    uint64_t deadline;
    uint64_t busy;
};

static struct {
    const struct scheduler *s;
    bool credit;                /* s == &sched_credit: its API may be used */
    unsigned ncpus;
    uint64_t now;
    struct simcpu cpu[SIM_MAX_CPUS];
    struct simv v[SIM_MAX_VCPUS];
    unsigned nv;
    struct domain *dom[MAX_DOMAINS];
    uint64_t resched;           /* pCPUs that must call pick_next now */
    uint64_t rng;
    unsigned violations;
    unsigned livelocks;
} sim;

static uint64_t hook_now(void) { return sim.now; }
static void hook_tickle(unsigned cpu) { sim.resched |= 1ull << cpu; }

/* rr.c's pinning asks for a reschedule through the hypervisor's softirq. */
void raise_softirq(unsigned cpu, uint32_t which);
void raise_softirq(unsigned cpu, uint32_t which)
{
    if (which)
        sim.resched |= 1ull << cpu;
}
/* The policies' dump operations print through the hypervisor's printk. */
void printk(int level, const char *fmt, ...);
void printk(int level, const char *fmt, ...)
{
    (void)level;
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}
static uint64_t hook_online(void) { return (1ull << sim.ncpus) - 1; }
static const struct credit_hooks hooks = { hook_now, hook_tickle, hook_online };

/* A deterministic pseudo-random number (xorshift): the runs are reproducible. */
static uint64_t rnd(void)
{
    sim.rng ^= sim.rng << 13;
    sim.rng ^= sim.rng >> 7;
    sim.rng ^= sim.rng << 17;
    return sim.rng;
}

/* Record a broken invariant: the first one is the case's failure message. */
#define VIOLATION(...) do { \
        if (sim.violations++ == 0) \
            unit_fail(__FILE__, __LINE__, __VA_ARGS__); \
    } while (0)

static void check_locks(const char *after)
{
    if (nheld || !irq_on || lock_errors) {
        VIOLATION("after %s: %d lock(s) held, interrupts %s, %d lock error(s)", after, nheld,
                  irq_on ? "on" : "off", lock_errors);
        nheld = 0;
        irq_on = true;
        lock_errors = 0;
    }
}

static void sim_free(void)
{
    for (unsigned i = 0; i < MAX_DOMAINS; i++) {
        struct domain *d = sim.dom[i];
        if (!d)
            continue;
        for (unsigned j = 0; j < d->max_vcpus; j++)
            free(d->vcpus[j]);
        free(d);
    }
}

static void sim_reset(const struct scheduler *s, unsigned ncpus)
{
    sim_free();
    memset(&sim, 0, sizeof sim);
    sim.s = s;
    sim.credit = s == &sched_credit;
    sim.ncpus = ncpus;
    sim.rng = 0x9e3779b97f4a7c15ull;
    memset(cpus, 0, sizeof cpus);
    for (unsigned c = 0; c < ncpus; c++)
        cpus[c].online = true;
    nheld = 0;
    lock_errors = 0;
    irq_on = true;
    credit_set_tunables(CREDIT_DEFAULT_SLICE_NS, CREDIT_DEFAULT_RATELIMIT_NS);
    credit_set_hooks(&hooks);
    s->init(ncpus);
    check_locks("init");
}

static struct domain *sim_dom(domid_t id)
{
    if (!sim.dom[id]) {
        struct domain *d = calloc(1, sizeof *d);
        d->id = id;
        d->state = DOM_RUNNING;
        spin_init(&d->lock, "domain");
        sim.dom[id] = d;
    }
    return sim.dom[id];
}

/* A new vCPU of domain 'dom' (inserted, not yet up).  Returns its index. */
static unsigned sim_vcpu(domid_t dom, enum kind kind, uint64_t burst, uint64_t sleep)
{
    struct domain *d = sim_dom(dom);
    struct vcpu *v = calloc(1, sizeof *v);
    unsigned i = sim.nv++;
    v->dom = d;
    v->id = d->max_vcpus;
    v->state = VCPU_DOWN;
    v->processor = -1;
    d->vcpus[d->max_vcpus++] = v;
    sim.v[i] = (struct simv){ .v = v, .kind = kind, .burst = burst, .sleep = sleep, .need = burst,
                              .on = -1, .last = -1, .hard = ~0ull, .soft = ~0ull };
    sim.s->insert(v);
    check_locks("insert");
    return i;
}

static struct simv *simv_of(const struct vcpu *v)
{
    for (unsigned i = 0; i < sim.nv; i++)
        if (sim.v[i].v == v)
            return &sim.v[i];
    return NULL;
}

/* vcpu_wake() of pv.c: blocked -> runnable, then the policy. */
static void sim_wake(struct simv *u)
{
    if (u->v->state != VCPU_BLOCKED)
        return;
    u->v->state = VCPU_RUNNABLE;
    u->blocked = false;
    u->need = u->burst;
    u->wake_pending = true;
    u->woke_at = sim.now;
    u->ready_since = sim.now;
    u->wakes++;
    sim.s->wake(u->v);
    check_locks("wake");
    /*
     * pv.c's vcpu_wake also reschedules v->processor.  Credit tickles the
     * pCPU it chooses itself, so its run goes without, to test that.
     */
    if (!sim.credit)
        sim.resched |= 1ull << u->v->processor;
}

/* VCPUOP_up: down -> blocked -> woken. */
static void sim_up(unsigned i)
{
    sim.v[i].v->state = VCPU_BLOCKED;
    sim_wake(&sim.v[i]);
    sim.v[i].wakes = 0;         /* bringing it up is no wake-up from blocking */
    sim.v[i].wake_pending = false;
}

/* The mechanism half of schedule()/context_switch() in pv.c. */
static void sim_schedule(unsigned c)
{
    struct simcpu *pc = &sim.cpu[c];
    struct vcpu *prev = pc->curr;
    uint64_t slice = 0;
    struct vcpu *next = sim.s->pick_next(c, prev, sim.now, &slice);
    check_locks("pick_next");

    if (next) {
        struct simv *n = simv_of(next);
        if (!n) {
            VIOLATION("cpu%u: pick_next returned an unknown vCPU", c);
            next = NULL;
        } else {
            if (next != prev && next->state != VCPU_RUNNABLE)
                VIOLATION("t=%llu cpu%u: picked d%u.v%u in state %d", (unsigned long long)sim.now, c,
                          next->dom->id, next->id, next->state);
            if (next == prev && next->state != VCPU_RUNNING && next->state != VCPU_RUNNABLE)
                VIOLATION("t=%llu cpu%u: kept d%u.v%u in state %d", (unsigned long long)sim.now, c,
                          next->dom->id, next->id, next->state);
            if (next->paused || next->dom->state != DOM_RUNNING)
                VIOLATION("cpu%u: picked paused d%u.v%u", c, next->dom->id, next->id);
            if (n->on >= 0 && n->on != (int)c)
                VIOLATION("t=%llu: d%u.v%u picked on cpu%u while running on cpu%d",
                          (unsigned long long)sim.now, next->dom->id, next->id, c, n->on);
            if (!(n->hard & (1ull << c)))
                VIOLATION("t=%llu: d%u.v%u runs on cpu%u outside its hard affinity %#llx",
                          (unsigned long long)sim.now, next->dom->id, next->id, c,
                          (unsigned long long)n->hard);
            if (!slice)
                VIOLATION("cpu%u: zero slice for a vCPU", c);
        }
    }
    if (next != prev) {
        if (prev) {
            struct simv *p = simv_of(prev);
            uint64_t stint = sim.now - p->run_since;
            if (stint > p->max_stint)
                p->max_stint = stint;
            p->on = -1;
            if (prev->state == VCPU_RUNNING)
                prev->state = VCPU_RUNNABLE;
            if (prev->state == VCPU_RUNNABLE)
                p->ready_since = sim.now;
        }
        if (next) {
            struct simv *n = simv_of(next);
            n->on = (int)c;
            next->state = VCPU_RUNNING;
            next->processor = (int)c;
            n->switches++;
            if (n->last >= 0 && n->last != (int)c)
                n->migrations++;
            n->last = (int)c;
            n->run_since = sim.now;
            if (sim.now - n->ready_since > n->max_wait)
                n->max_wait = sim.now - n->ready_since;
        }
        pc->curr = next;
    } else if (next) {
        next->state = VCPU_RUNNING;     /* woken while still here */
    }
    if (next) {
        struct simv *n = simv_of(next);
        if (n->wake_pending) {
            n->wake_pending = false;
            if (sim.now - n->woke_at > n->max_latency)
                n->max_latency = sim.now - n->woke_at;
        }
    }
    pc->has_deadline = next || slice;
    pc->deadline = sim.now + slice;
}

/* Let every pCPU that must choose do so, at the current time. */
static void sim_settle(void)
{
    unsigned rounds = 0;
    while (sim.resched) {
        unsigned c = (unsigned)__builtin_ctzll(sim.resched);
        sim.resched &= sim.resched - 1;
        sim_schedule(c);
        if (++rounds > 10000) {
            if (sim.livelocks++ == 0)
                VIOLATION("t=%llu: pCPUs keep rescheduling (livelock)", (unsigned long long)sim.now);
            sim.resched = 0;
        }
    }
}

static bool parked(const struct simv *u)
{
    struct credit_vcpu_stats st;
    return sim.credit && credit_get_stats(u->v->dom->id, u->v->id, &st) == 0 && st.parked;
}

/* After every event: no idle pCPU next to a waiting vCPU allowed there. */
static void check_work_conserving(void)
{
    for (unsigned c = 0; c < sim.ncpus; c++) {
        if (sim.cpu[c].curr)
            continue;
        for (unsigned i = 0; i < sim.nv; i++) {
            struct simv *u = &sim.v[i];
            if (u->v->state == VCPU_RUNNABLE && u->on < 0 && (u->hard & (1ull << c)) &&
                !u->v->paused && u->v->dom->state == DOM_RUNNING && !parked(u))
                VIOLATION("t=%llu: cpu%u idle while d%u.v%u waits", (unsigned long long)sim.now, c,
                          u->v->dom->id, u->v->id);
        }
    }
}

/* SIM_VERBOSE=1 in the environment: what each vCPU got, for a failing case. */
static void sim_dump(const char *what)
{
    if (!getenv("SIM_VERBOSE"))
        return;
    printf("# %s at t=%.6f s\n", what, sim.now / 1e9);
    for (unsigned i = 0; i < sim.nv; i++) {
        struct simv *u = &sim.v[i];
        struct credit_vcpu_stats st = { 0 };
        if (sim.credit)
            credit_get_stats(u->v->dom->id, u->v->id, &st);
        printf("#  d%u.v%u %s ran %.6f s, %llu switches, %llu migrations, latency max %llu ns, "
               "longest run %llu ns, longest wait %llu ns, credit %lld pri %u\n", u->v->dom->id, u->v->id,
               u->kind == HOG ? "hog" : "io ", u->ran / 1e9, (unsigned long long)u->switches,
               (unsigned long long)u->migrations, (unsigned long long)u->max_latency,
               (unsigned long long)u->max_stint, (unsigned long long)u->max_wait, (long long)st.credit, st.pri);
    }
}

/* Run until 'until', event by event. */
static void sim_run(uint64_t until)
{
    sim_settle();
    check_work_conserving();
    while (sim.now < until) {
        uint64_t t = until;
        for (unsigned c = 0; c < sim.ncpus; c++) {
            struct simcpu *pc = &sim.cpu[c];
            if (pc->has_deadline && pc->deadline < t)
                t = pc->deadline;
            if (pc->curr) {
                struct simv *u = simv_of(pc->curr);
                if (u->kind == IO && sim.now + u->need < t)
                    t = sim.now + u->need;
            }
        }
        for (unsigned i = 0; i < sim.nv; i++)
            if (sim.v[i].blocked && sim.v[i].wake_at < t)
                t = sim.v[i].wake_at;
        if (t < sim.now)
            t = sim.now;

        /* Time passes. */
        uint64_t dt = t - sim.now;
        for (unsigned c = 0; c < sim.ncpus; c++) {
            struct simcpu *pc = &sim.cpu[c];
            if (!pc->curr)
                continue;
            struct simv *u = simv_of(pc->curr);
            u->ran += dt;
            pc->busy += dt;
            if (!(u->soft & (1ull << c)))
                u->ran_outside_soft += dt;
            if (u->kind == IO)
                u->need -= dt;
        }
        sim.now = t;

        /* Events at t: blocks, wake-ups, slice ends. */
        for (unsigned c = 0; c < sim.ncpus; c++) {
            struct simcpu *pc = &sim.cpu[c];
            if (pc->curr) {
                struct simv *u = simv_of(pc->curr);
                if (u->kind == IO && u->need == 0 && !u->blocked) {
                    pc->curr->state = VCPU_BLOCKED;     /* sched_op block */
                    u->blocked = true;
                    u->wake_at = sim.now + u->sleep + (u->jitter ? rnd() % u->jitter : 0);
                    sim.resched |= 1ull << c;
                }
            }
            if (pc->has_deadline && pc->deadline <= sim.now) {
                pc->has_deadline = false;
                sim.resched |= 1ull << c;
            }
        }
        sim_settle();
        for (unsigned i = 0; i < sim.nv; i++)
            if (sim.v[i].blocked && sim.v[i].wake_at <= sim.now && sim.v[i].on < 0)
                sim_wake(&sim.v[i]);
        sim_settle();
        check_work_conserving();
        if (sim.violations > 20)
            break;              /* the first one is reported; spare the time */
    }
    sim_dump("sim_run");
}

/* Reset the simulator's measurements (e.g. after a warm-up). */
static void sim_clear_measurements(void)
{
    for (unsigned i = 0; i < sim.nv; i++) {
        struct simv *u = &sim.v[i];
        u->ran = u->switches = u->migrations = u->max_latency = u->wakes = 0;
        u->max_stint = u->max_wait = u->ran_outside_soft = 0;
        u->run_since = u->ready_since = sim.now;
    }
    for (unsigned c = 0; c < sim.ncpus; c++)
        sim.cpu[c].busy = 0;
}

static uint64_t dom_ran(domid_t d)
{
    uint64_t t = 0;
    for (unsigned i = 0; i < sim.nv; i++)
        if (sim.v[i].v->dom->id == d)
            t += sim.v[i].ran;
    return t;
}

/*
 * Domain d's measured share of 'total' against 'expected' (fractions):
 * within 'tol' of it, as a fraction of the whole.  Returns the error.
 */
static double share_error(domid_t d, uint64_t total, double expected)
{
    return (double)dom_ran(d) / (double)total - expected;
}

#define CHECK_SHARE(d, total, expected, tol) do { \
        double e_ = share_error((d), (total), (expected)); \
        if (e_ > (tol) || e_ < -(tol)) \
            unit_fail(__FILE__, __LINE__, "t=%.3f s: domain %u got %.4f of the CPU time, expected %.4f +- %.4f", \
                      sim.now / 1e9, (unsigned)(d), (double)dom_ran(d) / (double)(total), (expected), \
                      (double)(tol)); \
    } while (0)

/*
 * Run from 0 and check each domain's share of all pCPU time twice.  At
 * 1 s, within 2 points (0.02 of the machine): up to a slice per vCPU falls
 * one way or the other of the mark, inside the period in progress.  Then
 * at 34 whole accounting periods (1.02 s), within 2% of the share itself.
 */
static void run_and_check_shares(unsigned n, const domid_t *doms, const double *expected)
{
    sim_run(1 * SEC);
    CHECK_EQ(sim.violations, 0);
    for (unsigned i = 0; i < n; i++)
        CHECK_SHARE(doms[i], sim.ncpus * sim.now, expected[i], 0.02);
    sim_run(34 * CREDIT_PERIOD_NS);
    CHECK_EQ(sim.violations, 0);
    for (unsigned i = 0; i < n; i++)
        CHECK_SHARE(doms[i], sim.ncpus * sim.now, expected[i], 0.02 * expected[i]);
}

/* ------------------------------------------------------------------ */
/* Weights */

/* Weights 1:2:4, three hogs, one pCPU: 1/7, 2/7, 4/7 of it. */
static void run_weights_124(const struct scheduler *s)
{
    sim_reset(s, 1);
    for (domid_t d = 1; d <= 3; d++)
        sim_up(sim_vcpu(d, HOG, 0, 0));
    if (sim.credit) {
        CHECK_EQ(credit_set_params(1, 256, 0), 0);
        CHECK_EQ(credit_set_params(2, 512, 0), 0);
        CHECK_EQ(credit_set_params(3, 1024, 0), 0);
    }
}

static const domid_t doms123[] = { 1, 2, 3 };
static const double sevenths[] = { 1.0 / 7, 2.0 / 7, 4.0 / 7 };

static void test_weights_1_2_4_one_cpu(void)
{
    run_weights_124(&sched_credit);
    run_and_check_shares(3, doms123, sevenths);
}

/* The control: round-robin ignores weights, and the same check must see it. */
static void test_rr_fails_the_weight_check(void)
{
    run_weights_124(&sched_rr);
    sim_run(1 * SEC);
    CHECK_EQ(sim.violations, 0);
    double e = share_error(3, 1 * SEC, 4.0 / 7);
    CHECK(e > 0.02 || e < -0.02);
}

/* 256:512, two vCPUs each, two pCPUs: 2/3 and 4/3 of a pCPU. */
static void test_weights_two_cpus(void)
{
    sim_reset(&sched_credit, 2);
    for (unsigned i = 0; i < 2; i++) {
        sim_up(sim_vcpu(1, HOG, 0, 0));
        sim_up(sim_vcpu(2, HOG, 0, 0));
    }
    CHECK_EQ(credit_set_params(1, 256, 0), 0);
    CHECK_EQ(credit_set_params(2, 512, 0), 0);
    static const double thirds[] = { 1.0 / 3, 2.0 / 3 };
    run_and_check_shares(2, doms123, thirds);
    /* Within a domain, its vCPUs share equally. */
    for (unsigned i = 0; i < 4; i++) {
        double want = (sim.v[i].v->dom->id == 1 ? 1.0 / 3 : 2.0 / 3) * sim.now;
        CHECK(sim.v[i].ran > want * 0.98 && sim.v[i].ran < want * 1.02);
    }
}

/*
 * The QEMU case: three domains of two vCPUs at 1:2:4 on two pCPUs, and a
 * dom0 that wakes now and then to measure: 2/7, 4/7 and 8/7 of a pCPU.
 */
static void test_weights_124_two_vcpus_two_cpus(void)
{
    sim_reset(&sched_credit, 2);
    for (domid_t d = 1; d <= 3; d++)
        for (unsigned i = 0; i < 2; i++)
            sim_up(sim_vcpu(d, HOG, 0, 0));
    sim_up(sim_vcpu(4, IO, 20 * US, 50 * MS));
    CHECK_EQ(credit_set_params(1, 256, 0), 0);
    CHECK_EQ(credit_set_params(2, 512, 0), 0);
    CHECK_EQ(credit_set_params(3, 1024, 0), 0);
    sim_run(1 * SEC);
    CHECK_EQ(sim.violations, 0);
    uint64_t r[4] = { 0 }, total = 0;
    for (unsigned i = 0; i < 6; i++) {
        r[sim.v[i].v->dom->id] += sim.v[i].ran;
        total += sim.v[i].ran;
    }
    for (domid_t d = 1; d <= 3; d++) {
        double got = (double)r[d] / (double)total, want = (double)(1u << (d - 1)) / 7;
        printf("  domain %u: %.1f%% (want %.1f%%)\n", d, got * 100, want * 100);
        CHECK(got > want * 0.98 && got < want * 1.02);
    }
}

/*
 * Uneven: 1, 3 and 4 hogs with weights 256, 512, 1024 on 4 pCPUs: the
 * domains get 4/7, 8/7 and 16/7 pCPUs whatever their vCPU counts, which
 * needs vCPUs to move between queues (stealing) all the time.
 */
static void test_weights_uneven_four_cpus(void)
{
    sim_reset(&sched_credit, 4);
    sim_up(sim_vcpu(1, HOG, 0, 0));
    for (unsigned i = 0; i < 3; i++)
        sim_up(sim_vcpu(2, HOG, 0, 0));
    for (unsigned i = 0; i < 4; i++)
        sim_up(sim_vcpu(3, HOG, 0, 0));
    CHECK_EQ(credit_set_params(1, 256, 0), 0);
    CHECK_EQ(credit_set_params(2, 512, 0), 0);
    CHECK_EQ(credit_set_params(3, 1024, 0), 0);
    run_and_check_shares(3, doms123, sevenths);
}

/*
 * An I/O-bound domain uses little of its share; the rest goes to the hogs
 * in the proportion of their weights (1:3), not equally.
 */
static void test_weights_with_io_neighbour(void)
{
    sim_reset(&sched_credit, 1);
    unsigned io = sim_vcpu(1, IO, 300 * US, 2700 * US);
    sim.v[io].jitter = 200 * US;
    sim_up(io);
    sim_up(sim_vcpu(2, HOG, 0, 0));
    sim_up(sim_vcpu(3, HOG, 0, 0));
    CHECK_EQ(credit_set_params(2, 256, 0), 0);
    CHECK_EQ(credit_set_params(3, 768, 0), 0);
    sim_run(200 * MS);                  /* warm-up: the I/O domain's balance fills */
    sim_clear_measurements();
    uint64_t t0 = sim.now;
    sim_run(t0 + 2 * SEC);              /* two seconds: the hogs' turns fall unevenly within a period */
    CHECK_EQ(sim.violations, 0);
    uint64_t hogs = dom_ran(2) + dom_ran(3), io_ran = dom_ran(1);
    CHECK(io_ran > 2 * 80 * MS);        /* it got what it asked for: ~10% */
    CHECK(hogs + io_ran == 2 * SEC);
    double r = (double)dom_ran(2) / (double)hogs;
    CHECK(r > 0.25 * 0.98 && r < 0.25 * 1.02);
}

/* ------------------------------------------------------------------ */
/* Caps */

/* A 25% cap hog next to an uncapped hog on one pCPU. */
static void test_cap_25_percent(void)
{
    sim_reset(&sched_credit, 1);
    sim_up(sim_vcpu(1, HOG, 0, 0));
    sim_up(sim_vcpu(2, HOG, 0, 0));
    CHECK_EQ(credit_set_params(1, 256, 25), 0);
    static const double quarters[] = { 0.25, 0.75 };
    run_and_check_shares(2, doms123, quarters);
    /* Parked as soon as it used its cap: never more than one period's budget at once. */
    CHECK(sim.v[0].max_stint <= CREDIT_PERIOD_NS / 4);
}

/* Alone on two pCPUs, a capped domain still gets only its cap: caps are not work-conserving. */
static void test_cap_alone_leaves_cpus_idle(void)
{
    sim_reset(&sched_credit, 2);
    sim_up(sim_vcpu(1, HOG, 0, 0));
    sim_up(sim_vcpu(1, HOG, 0, 0));
    CHECK_EQ(credit_set_params(1, 256, 60), 0);     /* 60% of one pCPU, over both vCPUs */
    static const double cap60[] = { 0.30 };         /* of the two pCPUs */
    run_and_check_shares(1, doms123, cap60);
    /* And the cap comes off: then it uses both pCPUs. */
    CHECK_EQ(credit_set_params(1, 256, 0), 0);
    sim_settle();
    sim_clear_measurements();
    uint64_t t0 = sim.now;
    sim_run(t0 + 300 * MS);
    CHECK_EQ(sim.violations, 0);
    CHECK_EQ(dom_ran(1), 2 * 300 * MS);
}

/* A two-vCPU domain capped at 50% beside two hogs, two pCPUs. */
static void test_cap_two_vcpus(void)
{
    sim_reset(&sched_credit, 2);
    for (unsigned i = 0; i < 2; i++) {
        sim_up(sim_vcpu(1, HOG, 0, 0));
        sim_up(sim_vcpu(2, HOG, 0, 0));
    }
    CHECK_EQ(credit_set_params(1, 256, 50), 0);
    static const double quarters[] = { 0.25, 0.75 };
    run_and_check_shares(2, doms123, quarters);
    /* Both of its vCPUs stop when the budget they share is gone, not at their own slice's end. */
    CHECK(sim.v[0].max_stint <= CREDIT_PERIOD_NS / 4);
    CHECK(sim.v[2].max_stint <= CREDIT_PERIOD_NS / 4);
}

/* ------------------------------------------------------------------ */
/* Latency (BOOST) */

/* A vCPU that wakes while hogs run is running within one rate-limit period. */
static void run_boost(unsigned ncpus, unsigned hogs, unsigned ios)
{
    sim_reset(&sched_credit, ncpus);
    for (unsigned i = 0; i < hogs; i++)
        sim_up(sim_vcpu((domid_t)(1 + i % 4), HOG, 0, 0));
    unsigned first = sim.nv;
    for (unsigned i = 0; i < ios; i++) {
        unsigned k = sim_vcpu((domid_t)(10 + i), IO, 200 * US, 4 * MS);
        sim.v[k].jitter = 3 * MS;
        sim_up(k);
    }
    sim_run(1 * SEC);
    CHECK_EQ(sim.violations, 0);
    for (unsigned i = first; i < sim.nv; i++) {
        struct simv *u = &sim.v[i];
        CHECK(u->wakes > 100);
        if (u->max_latency > CREDIT_DEFAULT_RATELIMIT_NS)
            unit_fail(__FILE__, __LINE__, "d%u woke %llu times, waited up to %llu ns to run",
                      u->v->dom->id, (unsigned long long)u->wakes, (unsigned long long)u->max_latency);
    }
}

static void test_boost_one_cpu(void) { run_boost(1, 2, 1); }
static void test_boost_four_cpus(void) { run_boost(4, 8, 3); }

/*
 * The tunables: no hog runs longer than the slice at once, and the rate
 * limit (2 ms here) lets a hog finish its minimum run before a waking
 * vCPU preempts it, so the waking one waits up to, but not beyond, it.
 */
static void test_ratelimit_and_slice(void)
{
    sim_reset(&sched_credit, 1);
    CHECK_EQ(credit_set_tunables(5 * MS, 2 * MS), 0);
    unsigned a = sim_vcpu(1, HOG, 0, 0), b = sim_vcpu(2, HOG, 0, 0);
    sim_up(a);
    sim_up(b);
    /* It wakes 0.3..0.8 ms into a hog's run: the 2 ms limit holds it back. */
    unsigned io = sim_vcpu(3, IO, 50 * US, 300 * US);
    sim.v[io].jitter = 500 * US;
    sim_up(io);
    sim_run(1 * SEC);
    CHECK_EQ(sim.violations, 0);
    /* Never more than a slice at once... */
    CHECK(sim.v[a].max_stint <= 5 * MS);
    CHECK(sim.v[b].max_stint <= 5 * MS);
    /* ...and the I/O vCPU waits at most the rate limit (2 ms here), usually less. */
    CHECK(sim.v[io].max_latency <= 2 * MS);
    CHECK(sim.v[io].max_latency > CREDIT_DEFAULT_RATELIMIT_NS);    /* so the limit did hold it back */
}

/* ------------------------------------------------------------------ */
/* Affinity */

static void pin(unsigned i, uint64_t hard, uint64_t soft)
{
    CHECK_EQ(credit_pin(sim.v[i].v, hard, soft), 0);
    check_locks("credit_pin");
    sim.v[i].hard = hard;
    sim.v[i].soft = soft;
}

/* Pinned vCPUs run only where pinned (checked at every switch), still work-conserving. */
static void test_pinning(void)
{
    sim_reset(&sched_credit, 4);
    unsigned p0 = sim_vcpu(1, HOG, 0, 0), p01 = sim_vcpu(1, HOG, 0, 0);
    unsigned p23a = sim_vcpu(2, HOG, 0, 0), p23b = sim_vcpu(2, HOG, 0, 0), p23c = sim_vcpu(2, HOG, 0, 0);
    unsigned io3 = sim_vcpu(3, IO, 500 * US, 1500 * US);
    unsigned free1 = sim_vcpu(4, HOG, 0, 0);
    pin(p0, 0x1, 0x1);
    pin(p01, 0x3, 0x3);
    pin(p23a, 0xc, 0xc);
    pin(p23b, 0xc, 0xc);
    pin(p23c, 0xc, 0x4);
    pin(io3, 0x8, 0x8);
    for (unsigned i = 0; i < sim.nv; i++)
        sim_up(i);
    sim_run(500 * MS);
    CHECK_EQ(sim.violations, 0);

    /* Move a running vCPU: it is off its old pCPU at once, and runs only on the new one. */
    int was = sim.v[free1].on;
    REQUIRE(was >= 0);
    uint64_t to = 1ull << ((unsigned)(was + 1) % 4);
    pin(free1, to, to);
    sim_settle();
    CHECK(sim.v[free1].on != was);
    sim_run(1 * SEC);
    CHECK_EQ(sim.violations, 0);
    CHECK(sim.v[free1].ran > 0);
    CHECK(sim.v[p0].ran > 0 && sim.v[p01].ran > 0 && sim.v[p23c].ran > 0 && sim.v[io3].ran > 0);
}

/* Soft affinity: with room to spare, a vCPU stays on the pCPU it prefers. */
static void test_soft_affinity(void)
{
    sim_reset(&sched_credit, 4);
    unsigned a = sim_vcpu(1, IO, 300 * US, 700 * US);
    sim_vcpu(2, HOG, 0, 0);
    sim.v[a].jitter = 500 * US;
    pin(a, ~0ull, 0x4);
    for (unsigned i = 0; i < sim.nv; i++)
        sim_up(i);
    sim_run(1 * SEC);
    CHECK_EQ(sim.violations, 0);
    CHECK(sim.v[a].ran > 200 * MS);
    CHECK(sim.v[a].ran_outside_soft < sim.v[a].ran / 20);
}

static void test_pin_errors(void)
{
    sim_reset(&sched_credit, 4);
    unsigned a = sim_vcpu(1, HOG, 0, 0);
    struct vcpu *v = sim.v[a].v;
    CHECK_EQ(credit_pin(v, 0, ~0ull), -EINVAL);             /* empty hard mask */
    CHECK_EQ(credit_pin(v, 0x1, 0), -EINVAL);               /* empty soft mask */
    CHECK_EQ(credit_pin(v, 0xf0, 0xf0), -EINVAL);           /* no online pCPU in it */
    CHECK_EQ(credit_pin(v, 0x18, 0x10), 0);                 /* one online pCPU in it is enough */
    sim.v[a].hard = 0x18;
    sim_up(a);
    sim_run(10 * MS);
    CHECK_EQ(sim.violations, 0);
    CHECK_EQ(sim.v[a].on, 3);
    CHECK_EQ(sim.v[a].ran, 10 * MS);
    check_locks("pin errors");
}

/* ------------------------------------------------------------------ */
/* Starvation and bookkeeping */

/*
 * 64 vCPUs on 4 pCPUs for 10 s: 16 domains of 4 with weights 128..1024,
 * hogs and I/O vCPUs, some pinned.  Nobody starves: every hog gets its
 * weighted share within 5%, every I/O vCPU at least 90% of what it asks
 * for or of its share (whichever is less: beyond its share it is OVER and
 * waits like a hog), and no runnable vCPU waits 200 ms.
 */
static void test_no_starvation_64_vcpus(void)
{
    static const unsigned weights[4] = { 128, 256, 512, 1024 };
    const uint64_t span = 10 * SEC;
    sim_reset(&sched_credit, 4);
    for (domid_t d = 1; d <= 16; d++)
        for (unsigned i = 0; i < 4; i++) {
            if (d % 4 == 0 && i == 3) {
                unsigned k = sim_vcpu(d, IO, 200 * US, 5 * MS);
                sim.v[k].jitter = 2 * MS;
            } else {
                sim_vcpu(d, HOG, 0, 0);
            }
        }
    for (domid_t d = 1; d <= 16; d++)
        CHECK_EQ(credit_set_params(d, weights[d % 4], 0), 0);
    for (unsigned i = 0; i < sim.nv; i += 9)
        pin(i, 1ull << (i % 4), 1ull << (i % 4));
    for (unsigned i = 0; i < sim.nv; i++)
        sim_up(i);
    sim_run(span);
    CHECK_EQ(sim.violations, 0);
    unsigned wsum = 0;
    for (domid_t d = 1; d <= 16; d++)
        wsum += weights[d % 4];
    for (unsigned i = 0; i < sim.nv; i++) {
        struct simv *u = &sim.v[i];
        unsigned w = weights[u->v->dom->id % 4];
        double fair = 4.0 * span * w / wsum / 4;        /* all hogs: the I/O vCPUs take less */
        if (u->kind == IO) {
            double asks = (double)span * u->burst / (u->burst + u->sleep + u->jitter / 2);
            double floor = 0.9 * (asks < fair ? asks : fair);
            if (u->ran < floor)
                unit_fail(__FILE__, __LINE__, "d%u.v%u (I/O, weight %u) ran %.3f s, expected at least %.3f s",
                          u->v->dom->id, u->v->id, w, u->ran / 1e9, floor / 1e9);
        } else if (u->ran < fair * 0.95 || u->ran > fair * 1.05) {
            unit_fail(__FILE__, __LINE__, "d%u.v%u (weight %u) ran %.3f s, fair share %.3f s",
                      u->v->dom->id, u->v->id, w, u->ran / 1e9, fair / 1e9);
        }
        if (u->max_wait > 200 * MS)
            unit_fail(__FILE__, __LINE__, "d%u.v%u waited %.3f s to run", u->v->dom->id, u->v->id,
                      u->max_wait / 1e9);
    }
}

/* The policy's statistics say what the simulator saw, to the nanosecond. */
static void test_stats_consistent(void)
{
    sim_reset(&sched_credit, 3);
    for (domid_t d = 1; d <= 3; d++) {
        sim_up(sim_vcpu(d, HOG, 0, 0));
        sim_up(sim_vcpu(d, HOG, 0, 0));
        unsigned k = sim_vcpu(d, IO, 150 * US * d, 1 * MS);
        sim.v[k].jitter = 1 * MS;
        sim_up(k);
    }
    pin(0, 0x1, 0x1);
    sim_run(1 * SEC + 123457);
    CHECK_EQ(sim.violations, 0);
    uint64_t run_total = 0, busy_total = 0;
    for (unsigned i = 0; i < sim.nv; i++) {
        struct simv *u = &sim.v[i];
        struct credit_vcpu_stats st;
        REQUIRE(credit_get_stats(u->v->dom->id, u->v->id, &st) == 0);
        CHECK_EQ(st.run_ns, u->ran);
        CHECK_EQ(st.switches, u->switches);
        CHECK_EQ(st.migrations, u->migrations);
        CHECK_EQ(st.run_ns + st.wait_ns + st.blocked_ns, sim.now);     /* all up at 0 */
        CHECK(u->kind == HOG ? st.blocked_ns == 0 : st.blocked_ns > 0);
        CHECK_EQ(st.where, u->on >= 0 ? CREDIT_RUNNING : u->blocked ? CREDIT_BLOCKED : CREDIT_QUEUED);
        run_total += st.run_ns;
    }
    CHECK_EQ(sim.v[0].migrations, 0);  /* pinned to one pCPU */
    for (unsigned c = 0; c < sim.ncpus; c++) {
        struct credit_pcpu_stats ps;
        REQUIRE(credit_get_pcpu_stats(c, &ps) == 0);
        CHECK_EQ(ps.busy_ns + ps.idle_ns, sim.now);
        CHECK_EQ(ps.busy_ns, sim.cpu[c].busy);
        busy_total += ps.busy_ns;
    }
    CHECK_EQ(busy_total, run_total);
    struct credit_vcpu_stats st;
    CHECK_EQ(credit_get_stats(1, PV_MAX_VCPUS, &st), -EINVAL);
    CHECK_EQ(credit_get_stats(MAX_DOMAINS, 0, &st), -EINVAL);
    CHECK_EQ(credit_get_stats(1, 7, &st), -ESRCH);
    struct credit_pcpu_stats ps;
    CHECK_EQ(credit_get_pcpu_stats(3, &ps), -EINVAL);
}

static void test_params(void)
{
    unsigned w = 0, cap = 99;
    sim_reset(&sched_credit, 2);
    CHECK_EQ(credit_set_params(5, 256, 0), -ESRCH);         /* no such domain yet */
    CHECK_EQ(credit_get_params(5, &w, &cap), -ESRCH);
    sim_vcpu(5, HOG, 0, 0);
    CHECK_EQ(credit_get_params(5, &w, &cap), 0);
    CHECK_EQ(w, CREDIT_DEFAULT_WEIGHT);
    CHECK_EQ(cap, 0);
    CHECK_EQ(credit_set_params(5, 0, 0), -EINVAL);
    CHECK_EQ(credit_set_params(5, 65536, 0), -EINVAL);
    CHECK_EQ(credit_set_params(5, 1, CREDIT_MAX_CAP + 1), -EINVAL);
    CHECK_EQ(credit_set_params(MAX_DOMAINS, 256, 0), -EINVAL);
    CHECK_EQ(credit_get_params(MAX_DOMAINS, &w, &cap), -EINVAL);
    CHECK_EQ(credit_set_params(5, 65535, 150), 0);
    CHECK_EQ(credit_get_params(5, &w, &cap), 0);
    CHECK_EQ(w, 65535);
    CHECK_EQ(cap, 150);
    CHECK_EQ(credit_set_tunables(50 * US, 0), -EINVAL);
    CHECK_EQ(credit_set_tunables(10 * MS, 11 * MS), -EINVAL);
    CHECK_EQ(credit_set_tunables(10 * MS, 0), 0);
    CHECK_EQ(credit_tunables.ratelimit_ns, 0);
    /* The domain goes away; its id, reused, starts from the defaults. */
    sim.s->remove(sim.dom[5]->vcpus[0]);
    check_locks("remove");
    CHECK_EQ(credit_get_params(5, &w, &cap), -ESRCH);
    sim_vcpu(5, HOG, 0, 0);
    CHECK_EQ(credit_get_params(5, &w, &cap), 0);
    CHECK_EQ(w, CREDIT_DEFAULT_WEIGHT);
    CHECK_EQ(cap, 0);
}

/*
 * A vCPU that blocks and is woken before its pCPU switched it out keeps
 * running (the wake must not queue it a second time); one paused is
 * never picked again, and the rest share the pCPU.
 */
static void test_wake_while_running_and_pause(void)
{
    sim_reset(&sched_credit, 1);
    unsigned a = sim_vcpu(1, HOG, 0, 0), b = sim_vcpu(2, HOG, 0, 0);
    sim_up(a);
    sim_up(b);
    sim_run(5 * MS);
    struct vcpu *cur = sim.cpu[0].curr;
    REQUIRE(cur);
    cur->state = VCPU_BLOCKED;          /* sched_op block... */
    cur->state = VCPU_RUNNABLE;         /* ...and an event before schedule() ran */
    sim.s->wake(cur);
    check_locks("wake");
    struct credit_vcpu_stats st;
    REQUIRE(credit_get_stats(cur->dom->id, cur->id, &st) == 0);
    CHECK_EQ(st.where, CREDIT_RUNNING);
    sim.resched |= 1;
    sim_run(200 * MS);
    CHECK_EQ(sim.violations, 0);
    CHECK(sim.v[a].ran > 90 * MS && sim.v[b].ran > 90 * MS);

    /* Pause domain 2 (as domain_stop_vcpus does): domain 1 gets everything after. */
    struct vcpu *vb = sim.v[b].v;
    vb->paused = true;
    sim.s->sleep(vb);
    check_locks("sleep");
    if (sim.cpu[0].curr == vb)
        sim.resched |= 1;
    sim_clear_measurements();
    uint64_t t0 = sim.now;
    sim_run(t0 + 100 * MS);
    CHECK_EQ(sim.violations, 0);
    CHECK_EQ(sim.v[b].ran, 0);
    CHECK_EQ(sim.v[a].ran, 100 * MS);
    REQUIRE(credit_get_stats(2, 0, &st) == 0);
    CHECK_EQ(st.where, CREDIT_OFF);
}

/*
 * SCHEDOP_yield: a reschedule inside the rate limit keeps the running
 * vCPU, but one that yielded gives way to its peer at once.
 */
static void test_yield_skips_ratelimit(void)
{
    sim_reset(&sched_credit, 1);
    CHECK_EQ(credit_set_tunables(10 * MS, 10 * MS), 0);     /* the limit covers the whole slice */
    unsigned a = sim_vcpu(1, HOG, 0, 0), b = sim_vcpu(2, HOG, 0, 0);
    sim_up(a);
    sim_up(b);
    sim_run(25 * MS);
    struct vcpu *cur = sim.cpu[0].curr;
    REQUIRE(cur);
    sim.resched |= 1;                   /* a plain reschedule: the rate limit keeps it */
    sim_settle();
    CHECK(sim.cpu[0].curr == cur);
    sim.s->yield(cur);
    check_locks("yield");
    sim.resched |= 1;
    sim_settle();
    CHECK(sim.cpu[0].curr != NULL && sim.cpu[0].curr != cur);
    sim.s->dump(0);                     /* prints the queue; must not trip the sanitizers */
    sim_run(sim.now + 100 * MS);
    CHECK_EQ(sim.violations, 0);
}

static const struct unit_case cases[] = {
    UNIT_CASE(test_weights_1_2_4_one_cpu),
    UNIT_CASE(test_rr_fails_the_weight_check),
    UNIT_CASE(test_weights_two_cpus),
    UNIT_CASE(test_weights_124_two_vcpus_two_cpus),
    UNIT_CASE(test_weights_uneven_four_cpus),
    UNIT_CASE(test_weights_with_io_neighbour),
    UNIT_CASE(test_cap_25_percent),
    UNIT_CASE(test_cap_alone_leaves_cpus_idle),
    UNIT_CASE(test_cap_two_vcpus),
    UNIT_CASE(test_boost_one_cpu),
    UNIT_CASE(test_boost_four_cpus),
    UNIT_CASE(test_ratelimit_and_slice),
    UNIT_CASE(test_pinning),
    UNIT_CASE(test_soft_affinity),
    UNIT_CASE(test_pin_errors),
    UNIT_CASE(test_no_starvation_64_vcpus),
    UNIT_CASE(test_stats_consistent),
    UNIT_CASE(test_params),
    UNIT_CASE(test_wake_while_running_and_pause),
    UNIT_CASE(test_yield_skips_ratelimit),
};

int main(void)
{
    int rc = unit_run(cases, UNIT_COUNT(cases));
    sim_free();
    return rc;
}
