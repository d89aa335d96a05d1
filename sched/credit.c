/*
 * credit.c - the credit scheduler: accounting, and the policy's entry
 * points (sched.h) and hypercall functions (credit.h).  The run queues,
 * their locks, placement and work stealing are in credit_runq.c.
 *
 * Credit is measured in nanoseconds of run time.  Every period
 * (CREDIT_PERIOD_NS) account() hands out the time that passed times the
 * number of online pCPUs: to each active domain in proportion to its
 * weight, within a domain equally to its active vCPUs.  pick_next charges
 * the vCPU that ran exactly (now - when it started), so a vCPU's credit
 * is what it was given minus what it used, to the nanosecond: no tick
 * sampling, which lets a guest that blocks just before each tick run for
 * free (a known weakness of Xen's credit1).
 *
 * Unused credit.  A vCPU can use at most one period of CPU per period, so
 * no balance may exceed CREDIT_PERIOD_NS.  A vCPU that does not use its
 * share (it blocks) reaches that ceiling, and the share it cannot take is
 * handed to the others by weight instead (water-filling).  Without this,
 * the CPU time an I/O-bound domain leaves behind would be run by the hogs
 * on no credit, and their balances would sink until all of them sat at
 * the floor where their weights no longer matter.  A vCPU that is not
 * runnable and full leaves the active set, as in Xen, and rejoins when it
 * wakes.
 *
 * Credit is handed out ahead: account() runs at the first pick_next, and
 * each accounting gives the credit for the period that starts then.
 *
 * Caps.  A capped domain may run cap% of a pCPU per period, counted over
 * all its vCPUs.  When a charge uses the last of it, the domain is parked:
 * its vCPUs stay queued but are not picked until the next period refills
 * the budget.  The slices of a capped domain's vCPUs end where the budget
 * they share does (cap_slice), and what is still overdrawn (a minimum
 * slice, a late timer) is carried into the next period as debt, so caps
 * hold to the nanosecond over time.  Caps are not work-conserving, by
 * design: a pCPU may idle next to a parked vCPU.
 *
 * Slices.  A vCPU runs at most credit_tunables.slice_ns; an UNDER one at
 * most until its credit runs out (not less than the rate limit), so it
 * becomes OVER when it has used its share rather than up to a slice
 * later; OVER ones take turns by credit (slice_for); and every slice ends
 * at the next accounting, so that accounting happens on time on every
 * pCPU without a timer of its own.  A vCPU that has run less than the
 * rate limit is not preempted (Xen's ratelimit), which bounds both the
 * switching cost and how long a BOOSTed vCPU waits.
 *
 * Where the data lives.  The policy's per-vCPU and per-domain state is in
 * fixed tables indexed by domain id and vCPU id (MAX_DOMAINS x
 * PV_MAX_VCPUS x 128 bytes = 256 KiB of bss): no allocation, so insert
 * cannot fail (sched.h gives it no way to), and finding a vCPU's state is
 * an index, not a search or a hash.  struct vcpu is not touched except
 * its 'processor' at insert.
 *
 * Locking (see also credit_runq.c).  credit_prv.lock guards the domain
 * parameters, the active list and accounting; each pCPU's run-queue lock
 * guards that queue and the scheduling fields of the vCPUs homed there
 * (sv->cpu).  Order: credit_prv.lock, then run-queue locks in ascending pCPU
 * order; all of them after any d->lock.  Credit and cap budgets are
 * atomics, charged without credit_prv.lock by whichever pCPU ran the vCPU.
 */
#define CREDIT_INTERNAL
#include "credit.h"
#include "spinlock.h"
#include "errno.h"
#include "printk.h"

struct credit_tunables credit_tunables = {
    .slice_ns = CREDIT_DEFAULT_SLICE_NS,
    .ratelimit_ns = CREDIT_DEFAULT_RATELIMIT_NS,
};

struct credit_priv credit_prv;
struct cdom credit_doms[MAX_DOMAINS];
struct cvcpu credit_vcpus[MAX_DOMAINS][PV_MAX_VCPUS];
struct cpcpu credit_pcpus[CREDIT_MAX_CPUS];

/* ---- small helpers ---- */

uint64_t credit_now(void)
{
    if (credit_prv.hooks && credit_prv.hooks->now)
        return credit_prv.hooks->now();
    return __atomic_load_n(&credit_prv.clock, __ATOMIC_RELAXED);
}

uint64_t credit_online(void)
{
    uint64_t all = credit_prv.ncpus >= 64 ? ~0ull : (1ull << credit_prv.ncpus) - 1;
    if (credit_prv.hooks && credit_prv.hooks->online)
        return credit_prv.hooks->online() & all;
    return all;
}

void credit_tickle(unsigned cpu)
{
    __atomic_store_n(&credit_pcpus[cpu].tickled, true, __ATOMIC_SEQ_CST);
    if (credit_prv.hooks && credit_prv.hooks->tickle)
        credit_prv.hooks->tickle(cpu);
}

/* May v run at all now (as opposed to: is it allowed here, is its domain parked)? */
bool credit_vcpu_runnable(const struct vcpu *v)
{
    return (v->state == VCPU_RUNNING || v->state == VCPU_RUNNABLE) && !v->paused &&
           !v->going_down && v->dom->state == DOM_RUNNING;
}

/* (No __builtin_popcountll: without -mpopcnt it calls libgcc, which the hypervisor does not link.) */
static uint64_t popcount(uint64_t m)
{
    uint64_t n = 0;
    for (; m; m &= m - 1)
        n++;
    return n;
}

static struct cvcpu *cv(const struct vcpu *v)
{
    return &credit_vcpus[v->dom->id][v->id];
}

static int64_t credit_of(const struct cvcpu *sv)
{
    return __atomic_load_n(&sv->credit, __ATOMIC_RELAXED);
}

/* Priority from credit, for a vCPU that is not (or no longer) boosted. */
static unsigned pri_of(int64_t credit)
{
    return credit > 0 ? CREDIT_PRI_UNDER : CREDIT_PRI_OVER;
}

void credit_set_hooks(const struct credit_hooks *h)
{
    credit_prv.hooks = h;
}

int credit_set_tunables(uint64_t slice_ns, uint64_t ratelimit_ns)
{
    if (slice_ns < 100000 || slice_ns > 1000000000ull)
        return -EINVAL;
    if (ratelimit_ns && (ratelimit_ns < 10000 || ratelimit_ns > slice_ns))
        return -EINVAL;
    __atomic_store_n(&credit_tunables.slice_ns, slice_ns, __ATOMIC_RELAXED);
    __atomic_store_n(&credit_tunables.ratelimit_ns, ratelimit_ns, __ATOMIC_RELAXED);
    return 0;
}

/* ---- charging and accounting ---- */

/* Ask every other pCPU running a vCPU of d to choose again (d was just parked). */
static void preempt_domain(const struct cdom *d, unsigned self)
{
    uint64_t on = credit_online();
    for (unsigned c = 0; c < credit_prv.ncpus; c++) {
        struct cvcpu *cur = __atomic_load_n(&credit_pcpus[c].curr, __ATOMIC_ACQUIRE);
        if (c != self && (on & (1ull << c)) && cur && cur->dom == d)
            credit_tickle(c);
    }
}

/*
 * Charge the vCPU running on pCPU c for its run time up to 'now'.
 * Called with c's run-queue lock held.
 */
void credit_charge(unsigned c, uint64_t now)
{
    struct cpcpu *pc = &credit_pcpus[c];
    struct cvcpu *sv = pc->curr;
    if (!sv || now <= pc->start)
        return;
    uint64_t ran = now - pc->start;
    __atomic_store_n(&pc->start, now, __ATOMIC_RELAXED);
    pc->busy_ns += ran;
    sv->run_ns += ran;
    int64_t credit = __atomic_sub_fetch(&sv->credit, (int64_t)ran, __ATOMIC_RELAXED);
    /* A boost lasts one run; an UNDER vCPU that used its credit is OVER. */
    if (sv->pri == CREDIT_PRI_BOOST || sv->pri == CREDIT_PRI_UNDER)
        sv->pri = pri_of(credit);
    __atomic_store_n(&pc->curr_pri, sv->pri, __ATOMIC_RELAXED);

    struct cdom *d = sv->dom;
    if (__atomic_load_n(&d->cap, __ATOMIC_RELAXED)) {
        int64_t left = __atomic_sub_fetch(&d->cap_left, (int64_t)ran, __ATOMIC_SEQ_CST);
        if (left <= 0 && !__atomic_exchange_n(&d->parked, true, __ATOMIC_SEQ_CST))
            preempt_domain(d, c);
    }
}

/*
 * Water-filling: share 'total' ns among the active vCPUs by weight
 * (domain weight split equally over its active vCPUs), none beyond
 * CREDIT_PERIOD_NS of balance; what a full vCPU cannot take goes to the
 * others.  Fills in sv->give.  Returns what is left only by rounding
 * (carried to the next period); time nobody can use is dropped.
 * Called with credit_prv.lock held.
 */
static uint64_t share_out(uint64_t total)
{
    const int64_t ceiling = (int64_t)CREDIT_PERIOD_NS;
    struct cvcpu *sv;

    for (sv = credit_prv.active; sv; sv = sv->act_next) {
        sv->give = 0;
        sv->full = false;
    }
    /*
     * Each round gives every vCPU that is not full its weighted part of
     * what is left, and stops when nobody became full (only rounding is
     * left then).  Each round fills at least one vCPU, so a few suffice in
     * practice; the bound keeps accounting time bounded regardless.
     */
    for (unsigned round = 0; round < 8 && total; round++) {
        uint64_t sum = 0, given = 0;
        bool filled = false;
        for (sv = credit_prv.active; sv; sv = sv->act_next)
            if (!sv->full)
                sum += sv->wv;
        if (!sum)
            return 0;
        for (sv = credit_prv.active; sv; sv = sv->act_next) {
            if (sv->full)
                continue;
            /* total <= 2 periods x 64 pCPUs < 2^34, wv < 2^26: no overflow. */
            uint64_t g = total * sv->wv / sum;
            int64_t room = ceiling - credit_of(sv) - sv->give;
            if (room <= 0 || g >= (uint64_t)room) {
                g = room > 0 ? (uint64_t)room : 0;
                sv->full = true;
                filled = true;
            }
            sv->give += (int64_t)g;
            given += g;
        }
        total -= given;
        if (!filled)
            return total;
    }
    return 0;
}

/* Add what share_out gave, clamp, reprioritise, and drop vCPUs that want nothing. */
static void apply_credit(void)
{
    const int64_t ceiling = (int64_t)CREDIT_PERIOD_NS, floor = -ceiling;
    struct cvcpu **pp = &credit_prv.active;
    while (*pp) {
        struct cvcpu *sv = *pp;
        int64_t cr = __atomic_add_fetch(&sv->credit, sv->give, __ATOMIC_RELAXED);
        /*
         * The floor bounds how long a vCPU that overdrew in a transient
         * (it ran on no credit while the others caught up) then waits.
         */
        while (cr < floor && !__atomic_compare_exchange_n(&sv->credit, &cr, floor, false,
                                                          __ATOMIC_RELAXED, __ATOMIC_RELAXED))
            ;
        unsigned c;
        uint64_t f = credit_lock_vcpu(sv, &c);
        cr = credit_of(sv);
        /* Re-sorts it if queued: its credit changed even if its priority did not. */
        credit_requeue(sv, sv->pri == CREDIT_PRI_BOOST && cr > 0 ? CREDIT_PRI_BOOST : pri_of(cr));
        /*
         * Leave the active set when not runnable and full (it gets nothing
         * more, and counts for nothing in the weights), or when off.  Done
         * under the run-queue lock so that a concurrent wake, which moves
         * it out of BLOCKED under that lock, either is seen here or sees
         * 'active' cleared and rejoins.
         */
        bool leave = sv->where == CREDIT_OFF || (sv->where == CREDIT_BLOCKED && cr >= ceiling);
        if (leave)
            __atomic_store_n(&sv->active, false, __ATOMIC_SEQ_CST);
        credit_unlock_vcpu(c, f);
        if (leave)
            *pp = sv->act_next;
        else
            pp = &sv->act_next;
    }
}

/* Refill cap budgets: a period's worth, less any overshoot of the last. */
static void refill_caps(uint64_t elapsed)
{
    if (elapsed > CREDIT_PERIOD_NS)
        elapsed = CREDIT_PERIOD_NS;         /* budgets do not bank idle periods */
    for (unsigned i = 0; i < MAX_DOMAINS; i++) {
        struct cdom *d = &credit_doms[i];
        unsigned cap = d->cap;
        if (!d->nr_vcpus)
            continue;
        if (!cap) {
            __atomic_store_n(&d->parked, false, __ATOMIC_SEQ_CST);
            continue;
        }
        int64_t left = __atomic_load_n(&d->cap_left, __ATOMIC_SEQ_CST);
        left = (left < 0 ? left : 0) + (int64_t)(cap * elapsed / 100);
        __atomic_store_n(&d->cap_left, left, __ATOMIC_SEQ_CST);
        __atomic_store_n(&d->parked, left <= 0, __ATOMIC_SEQ_CST);
    }
}

/*
 * The periodic accounting, done by whichever pCPU first calls pick_next
 * at or after credit_prv.next_acct.  Called with no lock held.
 */
static void account(uint64_t now)
{
    uint64_t f = spin_lock_irqsave(&credit_prv.lock);
    if (now < credit_prv.next_acct) {
        spin_unlock_irqrestore(&credit_prv.lock, f);
        return;
    }
    uint64_t elapsed = now - credit_prv.last_acct, on = credit_online();
    if (elapsed > 2 * CREDIT_PERIOD_NS)
        elapsed = 2 * CREDIT_PERIOD_NS;     /* after a long idle spell: all full anyway */

    /* Balances first: charge what is running up to now, on every pCPU. */
    for (unsigned c = 0; c < credit_prv.ncpus; c++) {
        if (!(on & (1ull << c)))
            continue;
        uint64_t g = spin_lock_irqsave(&credit_pcpus[c].lock);
        credit_charge(c, now);
        spin_unlock_irqrestore(&credit_pcpus[c].lock, g);
    }

    /* Active vCPUs per domain, and each one's weight. */
    for (struct cvcpu *sv = credit_prv.active; sv; sv = sv->act_next)
        sv->dom->nr_active = 0;
    for (struct cvcpu *sv = credit_prv.active; sv; sv = sv->act_next)
        sv->dom->nr_active++;
    for (struct cvcpu *sv = credit_prv.active; sv; sv = sv->act_next)
        sv->wv = ((uint64_t)sv->dom->weight << 10) / sv->dom->nr_active;

    uint64_t total = elapsed * popcount(on) + credit_prv.carry;
    credit_prv.carry = share_out(total);
    apply_credit();
    refill_caps(elapsed);

    credit_prv.last_acct = now;
    __atomic_store_n(&credit_prv.next_acct, now + CREDIT_PERIOD_NS, __ATOMIC_SEQ_CST);
    spin_unlock_irqrestore(&credit_prv.lock, f);

    /* Priorities changed and parked domains came back: let pCPUs choose again. */
    credit_nudge_all();
}

/* Put sv in the active set (it wants CPU).  Takes credit_prv.lock. */
static void activate(struct cvcpu *sv)
{
    if (__atomic_load_n(&sv->active, __ATOMIC_SEQ_CST))
        return;
    uint64_t f = spin_lock_irqsave(&credit_prv.lock);
    if (!sv->active && sv->v) {
        sv->act_next = credit_prv.active;
        credit_prv.active = sv;
        __atomic_store_n(&sv->active, true, __ATOMIC_SEQ_CST);
    }
    spin_unlock_irqrestore(&credit_prv.lock, f);
}

/* ---- the policy (sched.h) ---- */

static void credit_init(unsigned ncpus)
{
    if (ncpus < 1)
        ncpus = 1;
    if (ncpus > CREDIT_MAX_CPUS)
        ncpus = CREDIT_MAX_CPUS;
    spin_init(&credit_prv.lock, "credit");
    credit_prv.ncpus = ncpus;
    credit_prv.active = NULL;
    credit_prv.carry = 0;
    credit_prv.clock = 0;
    /*
     * Credit is handed out ahead, for the period to come: the first
     * pick_next accounts at once, as if a period had passed.  Handing it
     * out only after a period would leave every balance a period's share
     * behind, which the leveling of OVER vCPUs (slice_for) would then
     * mistake for equal standing.
     */
    uint64_t now = credit_now();
    credit_prv.next_acct = now;
    credit_prv.last_acct = now - CREDIT_PERIOD_NS;     /* (modular if now < a period) */
    for (unsigned i = 0; i < MAX_DOMAINS; i++) {
        credit_doms[i] = (struct cdom){ .weight = CREDIT_DEFAULT_WEIGHT };
        for (unsigned j = 0; j < PV_MAX_VCPUS; j++)
            credit_vcpus[i][j] = (struct cvcpu){ .cpu = 0 };
    }
    for (unsigned c = 0; c < CREDIT_MAX_CPUS; c++) {
        credit_pcpus[c] = (struct cpcpu){ .curr_pri = CREDIT_PRI_IDLE, .queue_pri = CREDIT_PRI_IDLE };
        spin_init(&credit_pcpus[c].lock, "credit-runq");
    }
}

static void credit_insert(struct vcpu *v)
{
    struct cvcpu *sv = cv(v);
    struct cdom *d = &credit_doms[v->dom->id];
    uint64_t f = spin_lock_irqsave(&credit_prv.lock);
    if (d->nr_vcpus++ == 0)             /* a new domain (ids are reused): defaults */
        *d = (struct cdom){ .weight = CREDIT_DEFAULT_WEIGHT, .nr_vcpus = 1 };
    /* Spread like sched_rr: domain d's vCPU i starts on pCPU (d + i). */
    uint64_t on = credit_online();
    unsigned cpu = (v->dom->id + v->id) % credit_prv.ncpus;
    for (unsigned i = 0; i < credit_prv.ncpus && !(on & (1ull << cpu)); i++)
        cpu = (cpu + 1) % credit_prv.ncpus;
    *sv = (struct cvcpu){
        .v = v, .dom = d, .cpu = (int)cpu, .last_cpu = -1,
        .pri = CREDIT_PRI_UNDER, .where = CREDIT_OFF,   /* as Xen: UNDER until it first runs */
        .hard = ~0ull, .soft = ~0ull,
    };
    v->processor = (int)cpu;
    spin_unlock_irqrestore(&credit_prv.lock, f);
}

static void credit_sleep(struct vcpu *v)
{
    struct cvcpu *sv = cv(v);
    uint64_t now = credit_now();
    unsigned c;
    uint64_t f = credit_lock_vcpu(sv, &c);
    switch (sv->where) {
    case CREDIT_QUEUED:
        credit_rq_remove(c, sv);
        /* fall through */
    case CREDIT_MOVING:
        sv->wait_ns += now > sv->since ? now - sv->since : 0;
        sv->where = CREDIT_OFF;
        sv->since = now;
        break;
    case CREDIT_BLOCKED:
        sv->blocked_ns += now > sv->since ? now - sv->since : 0;
        sv->where = CREDIT_OFF;
        sv->since = now;
        break;
    case CREDIT_RUNNING:                /* its pCPU reschedules; pick_next drops it */
    case CREDIT_OFF:
        break;
    }
    credit_unlock_vcpu(c, f);
}

static void credit_remove(struct vcpu *v)
{
    struct cvcpu *sv = cv(v);
    if (sv->v != v)
        return;
    credit_sleep(v);
    uint64_t f = spin_lock_irqsave(&credit_prv.lock);
    for (struct cvcpu **pp = &credit_prv.active; *pp; pp = &(*pp)->act_next)
        if (*pp == sv) {
            *pp = sv->act_next;
            break;
        }
    sv->active = false;
    /* It is on no pCPU (sched.h); forget it if a pCPU still names it. */
    for (unsigned c = 0; c < credit_prv.ncpus; c++) {
        uint64_t g = spin_lock_irqsave(&credit_pcpus[c].lock);
        if (credit_pcpus[c].curr == sv) {
            __atomic_store_n(&credit_pcpus[c].curr, NULL, __ATOMIC_RELEASE);
            credit_pcpus[c].curr_pri = CREDIT_PRI_IDLE;
        }
        spin_unlock_irqrestore(&credit_pcpus[c].lock, g);
    }
    sv->dom->nr_vcpus--;
    sv->v = NULL;
    spin_unlock_irqrestore(&credit_prv.lock, f);
}

static void credit_wake(struct vcpu *v)
{
    struct cvcpu *sv = cv(v);
    uint64_t now = credit_now();
    unsigned c;
    uint64_t f = credit_lock_vcpu(sv, &c);
    bool place = true;
    switch (sv->where) {
    case CREDIT_BLOCKED:
        sv->blocked_ns += now > sv->since ? now - sv->since : 0;
        /* Woken from blocking while UNDER: ahead of the hogs. */
        if (sv->pri == CREDIT_PRI_UNDER)
            sv->pri = CREDIT_PRI_BOOST;
        break;
    case CREDIT_OFF:                    /* coming up: its priority stands */
        break;
    default:
        /*
         * Woken while still on its pCPU (it blocked and the event came
         * before the switch): pick_next sees it runnable and keeps it.
         */
        place = false;
        break;
    }
    if (place) {
        sv->where = CREDIT_MOVING;
        sv->since = now;
    }
    credit_unlock_vcpu(c, f);
    if (place)
        credit_place(sv, now);
    activate(sv);
}

/*
 * What is left of a capped domain's budget for sv, about to run on cpu:
 * the budget not yet charged, shared among the domain's vCPUs running now.
 * A sibling given a longer slice (fewer of them ran when it started) is
 * asked to choose again, so that all of them stop when the budget ends.
 */
static uint64_t cap_slice(const struct cvcpu *sv, unsigned cpu, uint64_t now)
{
    const struct cdom *d = sv->dom;
    int64_t left = __atomic_load_n(&d->cap_left, __ATOMIC_SEQ_CST);
    uint64_t on = credit_online(), siblings = 0;
    unsigned k = 1;
    for (unsigned c = 0; c < credit_prv.ncpus; c++) {
        struct cvcpu *cur = __atomic_load_n(&credit_pcpus[c].curr, __ATOMIC_ACQUIRE);
        if (c == cpu || !(on & (1ull << c)) || !cur || cur->dom != d)
            continue;
        uint64_t start = __atomic_load_n(&credit_pcpus[c].start, __ATOMIC_RELAXED);
        left -= now > start ? (int64_t)(now - start) : 0;
        siblings |= 1ull << c;
        k++;
    }
    uint64_t s = left > 0 ? (uint64_t)left / k : 0;
    for (unsigned c = 0; c < credit_prv.ncpus; c++)
        if ((siblings & (1ull << c)) &&
            __atomic_load_n(&credit_pcpus[c].slice_end, __ATOMIC_RELAXED) > now + s + CREDIT_MIN_SLICE_NS)
            credit_tickle(c);
    return s;
}

/*
 * How long sv, just chosen on a pCPU where 'rival' (or NULL) waits next,
 * may run.  UNDER: until its credit is used (at least the rate limit), so
 * it turns OVER on time.  OVER while another OVER vCPU waits: until it has
 * a quantum less credit than that one, so the time nobody had credit for
 * goes to whoever has overdrawn least, and balances level out instead of
 * drifting apart under round-robin.
 */
static uint64_t slice_for(const struct cvcpu *sv, const struct cvcpu *rival, unsigned cpu, uint64_t now)
{
    uint64_t s = credit_tunables.slice_ns, rl = credit_tunables.ratelimit_ns;
    uint64_t quantum = rl > CREDIT_OVER_QUANTUM_NS ? rl : CREDIT_OVER_QUANTUM_NS;
    int64_t credit = credit_of(sv);
    if (sv->pri >= CREDIT_PRI_UNDER && credit >= 0 && (uint64_t)credit < s)
        s = (uint64_t)credit > rl ? (uint64_t)credit : rl;
    if (sv->pri == CREDIT_PRI_OVER && rival && rival->pri == CREDIT_PRI_OVER) {
        int64_t lead = credit - credit_of(rival);
        uint64_t run = lead > 0 ? (uint64_t)lead + quantum : quantum;
        if (run < s)
            s = run;
    }
    if (__atomic_load_n(&sv->dom->cap, __ATOMIC_RELAXED)) {
        uint64_t left = cap_slice(sv, cpu, now);
        if (left < s)
            s = left;
    }
    uint64_t acct = __atomic_load_n(&credit_prv.next_acct, __ATOMIC_RELAXED);
    if (acct > now && acct - now < s)
        s = acct - now;
    return s > CREDIT_MIN_SLICE_NS ? s : CREDIT_MIN_SLICE_NS;
}

/* An idle pCPU's deadline: the next accounting if a parked domain waits for it, else none. */
static uint64_t idle_slice(uint64_t now)
{
    for (unsigned i = 0; i < MAX_DOMAINS; i++)
        if (__atomic_load_n(&credit_doms[i].parked, __ATOMIC_RELAXED)) {
            uint64_t acct = __atomic_load_n(&credit_prv.next_acct, __ATOMIC_RELAXED);
            return acct > now + CREDIT_MIN_SLICE_NS ? acct - now : CREDIT_MIN_SLICE_NS;
        }
    return 0;
}

/*
 * Charge what ran, put prev back if it is still runnable, and choose.
 * For NULL (idle), *slice_ns is 0 when the policy needs no call until a
 * wake-up or tickle, else when it wants to be asked again.
 */
static struct vcpu *credit_pick_next(unsigned cpu, struct vcpu *prev, uint64_t now, uint64_t *slice_ns)
{
    struct cpcpu *pc = &credit_pcpus[cpu];
    struct cvcpu *moving = NULL, *kept = NULL;

    /* The clock for callers without hooks: the latest 'now' seen. */
    uint64_t seen = __atomic_load_n(&credit_prv.clock, __ATOMIC_RELAXED);
    while (now > seen && !__atomic_compare_exchange_n(&credit_prv.clock, &seen, now, false,
                                                      __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        ;
    if (now >= __atomic_load_n(&credit_prv.next_acct, __ATOMIC_SEQ_CST))
        account(now);

    uint64_t f = spin_lock_irqsave(&pc->lock);
    __atomic_store_n(&pc->tickled, false, __ATOMIC_SEQ_CST);
    if (!pc->seen) {
        pc->seen = true;
        pc->last = now;
    }
    struct cvcpu *old = pc->curr;
    if (old)
        credit_charge(cpu, now);
    else if (now > pc->last)
        pc->idle_ns += now - pc->last;
    pc->last = now;

    if (old) {
        __atomic_store_n(&pc->curr, NULL, __ATOMIC_RELEASE);
        if (prev == old->v && credit_vcpu_runnable(prev)) {
            bool here = old->hard & (1ull << cpu);
            bool parked = __atomic_load_n(&old->dom->parked, __ATOMIC_SEQ_CST);
            if (here && !parked && !old->yielding && now - pc->stint < credit_tunables.ratelimit_ns) {
                /* Rate limit: it has not run its minimum yet; keep it, briefly. */
                __atomic_store_n(&pc->curr, old, __ATOMIC_RELEASE);
                uint64_t s = slice_for(old, NULL, cpu, now), rest = pc->stint + credit_tunables.ratelimit_ns - now;
                *slice_ns = s < rest ? s : rest;
                __atomic_store_n(&pc->slice_end, now + *slice_ns, __ATOMIC_RELAXED);
                spin_unlock_irqrestore(&pc->lock, f);
                return prev;
            }
            old->since = now;
            if (here) {
                credit_enqueue(cpu, old);       /* a yielder goes behind its peers (before()) */
                kept = old;
            } else {
                old->where = CREDIT_MOVING;     /* pinned away: placed after unlocking */
                moving = old;
            }
        } else {
            old->where = prev == old->v && prev->state == VCPU_BLOCKED ? CREDIT_BLOCKED : CREDIT_OFF;
            old->since = now;
        }
        old->yielding = false;
    }

    /* Nothing here better than OVER: look for UNDER work elsewhere (Xen's load balance). */
    unsigned best = credit_rq_best_pri(cpu, now);
    if (best < CREDIT_PRI_UNDER) {
        spin_unlock_irqrestore(&pc->lock, f);
        credit_steal(cpu, best);
        f = spin_lock_irqsave(&pc->lock);
    }

    struct cvcpu *next = credit_rq_take(cpu, now);
    if (next) {
        next->where = CREDIT_RUNNING;
        next->wait_ns += now > next->since ? now - next->since : 0;
        next->since = now;
        __atomic_store_n(&pc->start, now, __ATOMIC_RELAXED);
        if (next != kept) {
            pc->stint = now;
            pc->switches++;
            next->switches++;
            if (next->last_cpu >= 0 && next->last_cpu != (int)cpu)
                next->migrations++;
        }
        __atomic_store_n(&next->last_cpu, (int)cpu, __ATOMIC_RELAXED);
        __atomic_store_n(&pc->curr, next, __ATOMIC_RELEASE);
        __atomic_store_n(&pc->curr_pri, next->pri, __ATOMIC_RELAXED);
        *slice_ns = slice_for(next, credit_rq_peek(cpu), cpu, now);
        __atomic_store_n(&pc->slice_end, now + *slice_ns, __ATOMIC_RELAXED);
    } else {
        __atomic_store_n(&pc->curr_pri, CREDIT_PRI_IDLE, __ATOMIC_RELAXED);
        *slice_ns = idle_slice(now);
    }
    __atomic_store_n(&pc->idle, next == NULL, __ATOMIC_SEQ_CST);
    spin_unlock_irqrestore(&pc->lock, f);

    if (moving)
        credit_place(moving, now);
    /* Whatever still waits here (prev, a second wake-up) may have an idle pCPU to go to. */
    credit_fill_idlers((int)cpu);
    return next ? next->v : NULL;
}

/*
 * v gives way: at its pCPU's next pick it goes behind the vCPUs of its
 * priority (run queues are FIFO within one) and the rate limit does not
 * keep it.  A boosted vCPU that yields has had its turn: back to UNDER.
 */
static void credit_yield(struct vcpu *v)
{
    struct cvcpu *sv = cv(v);
    if (sv->v != v)
        return;
    unsigned c;
    uint64_t f = credit_lock_vcpu(sv, &c);
    sv->yielding = true;
    if (sv->pri == CREDIT_PRI_BOOST)
        credit_requeue(sv, CREDIT_PRI_UNDER);
    credit_unlock_vcpu(c, f);
}

static int credit_vcpu_stats(struct vcpu *v, struct sched_vcpu_stats *out)
{
    struct credit_vcpu_stats cs;
    int rc = credit_get_stats(v->dom->id, v->id, &cs);
    if (!rc)
        *out = (struct sched_vcpu_stats){ cs.run_ns, cs.wait_ns, cs.blocked_ns, cs.migrations, cs.switches };
    return rc;
}

static int credit_pcpu_stats(unsigned cpu, struct sched_pcpu_stats *out)
{
    struct credit_pcpu_stats cs;
    int rc = credit_get_pcpu_stats(cpu, &cs);
    if (!rc)
        *out = (struct sched_pcpu_stats){ cs.busy_ns, cs.idle_ns, cs.switches };
    return rc;
}

/* The debug key: what pCPU 'cpu' runs and what waits in its queue, with credit. */
static void credit_dump(unsigned cpu)
{
    static const char pri_name[][6] = { "idle", "over", "under", "boost" };
    if (cpu >= credit_prv.ncpus)
        return;
    struct cpcpu *pc = &credit_pcpus[cpu];
    uint64_t f = spin_lock_irqsave(&pc->lock);
    struct cvcpu *cur = pc->curr;
    if (cur)
        printk(LOG_NOTICE, "  credit: runs d%u.%u (%s, credit %ld us), queue:", cur->v->dom->id, cur->v->id,
               pri_name[cur->pri & 3], (long)(credit_of(cur) / 1000));
    else
        printk(LOG_NOTICE, "  credit: idle, queue:");
    unsigned n = 0;
    for (struct cvcpu *q = pc->head; q && n < 16; q = q->next, n++)
        printk(LOG_NOTICE, " d%u.%u/%s/%ldus", q->v->dom->id, q->v->id, pri_name[q->pri & 3],
               (long)(credit_of(q) / 1000));
    printk(LOG_NOTICE, "%s\n", n ? "" : " empty");
    spin_unlock_irqrestore(&pc->lock, f);
}

const struct scheduler sched_credit = {
    .name = "credit",
    .init = credit_init,
    .insert = credit_insert,
    .remove = credit_remove,
    .wake = credit_wake,
    .sleep = credit_sleep,
    .pick_next = credit_pick_next,
    .yield = credit_yield,
    .set_affinity = credit_pin,
    .set_params = credit_set_params,
    .get_params = credit_get_params,
    .vcpu_stats = credit_vcpu_stats,
    .pcpu_stats = credit_pcpu_stats,
    .dump = credit_dump,
};

/* ---- hypercall functions (credit.h) ---- */

int credit_set_params(domid_t d, unsigned weight, unsigned cap)
{
    if (d >= MAX_DOMAINS || weight < 1 || weight > CREDIT_MAX_WEIGHT || cap > CREDIT_MAX_CAP)
        return -EINVAL;
    struct cdom *sd = &credit_doms[d];
    bool unparked = false;
    uint64_t f = spin_lock_irqsave(&credit_prv.lock);
    if (!sd->nr_vcpus) {
        spin_unlock_irqrestore(&credit_prv.lock, f);
        return -ESRCH;
    }
    sd->weight = weight;                /* used from the next accounting on */
    if (cap != sd->cap) {
        /* A new cap starts with a full period's budget. */
        __atomic_store_n(&sd->cap_left, (int64_t)(cap * CREDIT_PERIOD_NS / 100), __ATOMIC_SEQ_CST);
        __atomic_store_n(&sd->cap, cap, __ATOMIC_SEQ_CST);
        unparked = __atomic_exchange_n(&sd->parked, false, __ATOMIC_SEQ_CST);
    }
    spin_unlock_irqrestore(&credit_prv.lock, f);
    if (unparked)
        credit_nudge_all();
    return 0;
}

int credit_get_params(domid_t d, unsigned *weight, unsigned *cap)
{
    if (d >= MAX_DOMAINS)
        return -EINVAL;
    uint64_t f = spin_lock_irqsave(&credit_prv.lock);
    int rc = credit_doms[d].nr_vcpus ? 0 : -ESRCH;
    if (!rc) {
        *weight = credit_doms[d].weight;
        *cap = credit_doms[d].cap;
    }
    spin_unlock_irqrestore(&credit_prv.lock, f);
    return rc;
}

int credit_pin(struct vcpu *v, uint64_t hard_mask, uint64_t soft_mask)
{
    if (!hard_mask || !soft_mask || !(hard_mask & credit_online()))
        return -EINVAL;
    struct cvcpu *sv = cv(v);
    if (sv->v != v)
        return -ESRCH;
    uint64_t now = credit_now();
    unsigned c;
    bool move = false;
    uint64_t f = credit_lock_vcpu(sv, &c);
    __atomic_store_n(&sv->hard, hard_mask, __ATOMIC_RELAXED);   /* choose_cpu reads them unlocked */
    __atomic_store_n(&sv->soft, soft_mask, __ATOMIC_RELAXED);
    if (!(hard_mask & (1ull << c))) {
        if (sv->where == CREDIT_QUEUED) {
            credit_rq_remove(c, sv);
            sv->where = CREDIT_MOVING;  /* still waiting: 'since' stays */
            move = true;
        } else if (sv->where == CREDIT_RUNNING) {
            credit_tickle(c);           /* its pCPU's pick_next moves it */
        }
    }
    credit_rq_refresh(c);               /* the masks of what waits here changed */
    credit_unlock_vcpu(c, f);
    if (move)
        credit_place(sv, now);
    credit_fill_idlers(-1);
    return 0;
}

int credit_get_stats(domid_t d, unsigned vcpu_id, struct credit_vcpu_stats *out)
{
    if (d >= MAX_DOMAINS || vcpu_id >= PV_MAX_VCPUS)
        return -EINVAL;
    struct cvcpu *sv = &credit_vcpus[d][vcpu_id];
    if (!sv->v)
        return -ESRCH;
    uint64_t now = credit_now();
    unsigned c;
    uint64_t f = credit_lock_vcpu(sv, &c);
    *out = (struct credit_vcpu_stats){
        .run_ns = sv->run_ns, .wait_ns = sv->wait_ns, .blocked_ns = sv->blocked_ns,
        .migrations = sv->migrations, .switches = sv->switches,
        .credit = credit_of(sv), .pri = sv->pri, .where = sv->where, .cpu = sv->cpu,
        .parked = __atomic_load_n(&sv->dom->parked, __ATOMIC_SEQ_CST),
        .active = __atomic_load_n(&sv->active, __ATOMIC_SEQ_CST),
    };
    /* The interval in progress. */
    uint64_t since = sv->where == CREDIT_RUNNING ? credit_pcpus[c].start : sv->since;
    uint64_t more = now > since ? now - since : 0;
    if (sv->where == CREDIT_RUNNING)
        out->run_ns += more;
    else if (sv->where == CREDIT_QUEUED || sv->where == CREDIT_MOVING)
        out->wait_ns += more;
    else if (sv->where == CREDIT_BLOCKED)
        out->blocked_ns += more;
    credit_unlock_vcpu(c, f);
    return 0;
}

int credit_get_pcpu_stats(unsigned cpu, struct credit_pcpu_stats *out)
{
    if (cpu >= credit_prv.ncpus)
        return -EINVAL;
    struct cpcpu *pc = &credit_pcpus[cpu];
    uint64_t now = credit_now();
    uint64_t f = spin_lock_irqsave(&pc->lock);
    *out = (struct credit_pcpu_stats){
        .busy_ns = pc->busy_ns, .idle_ns = pc->idle_ns, .switches = pc->switches,
    };
    if (pc->curr && now > pc->start)
        out->busy_ns += now - pc->start;
    else if (!pc->curr && pc->seen && now > pc->last)
        out->idle_ns += now - pc->last;
    spin_unlock_irqrestore(&pc->lock, f);
    return 0;
}
