/*
 * credit_runq.c - the credit scheduler's run queues: one per pCPU, sorted
 * by priority (BOOST, UNDER, OVER; first come first served within one),
 * and how vCPUs move between them: where a waking vCPU goes, what an idle
 * or OVER-running pCPU steals, and which idle pCPUs are asked to look.
 *
 * Invariants:
 *   - a vCPU is queued on at most one queue, and only on a pCPU in its
 *     hard affinity (credit_pin takes it off one that no longer is);
 *   - every entry stays queued while it cannot run (its domain parked by
 *     its cap) and is skipped, so unparking needs no bookkeeping; entries
 *     that can never run again (paused, going down) are dropped when their
 *     pCPU meets them;
 *   - an idle pCPU that could run a waiting vCPU has been tickled: that
 *     is what makes the policy work-conserving (credit_fill_idlers).
 *
 * Locking: at most two run-queue locks at once, the lower pCPU's first
 * (the spinlock API has no trylock, so stealing cannot take them in the
 * other order and back off as Xen does).  The per-pCPU hints (idle,
 * tickled, pickable, priorities) are read without locks: a stale hint
 * costs a needless reschedule or a choice made again, never a lost vCPU,
 * because the decision is re-checked under the locks.
 */
#define CREDIT_INTERNAL
#include "credit.h"
#include "spinlock.h"

static inline uint64_t bit(unsigned c)
{
    return 1ull << c;
}

/* ---- locks ---- */

/* Lock the queue that guards sv; returns the flags, *cpu the queue's pCPU. */
uint64_t credit_lock_vcpu(struct cvcpu *sv, unsigned *cpu)
{
    for (;;) {
        unsigned c = (unsigned)__atomic_load_n(&sv->cpu, __ATOMIC_ACQUIRE);
        uint64_t f = spin_lock_irqsave(&credit_pcpus[c].lock);
        if ((unsigned)sv->cpu == c) {
            *cpu = c;
            return f;
        }
        spin_unlock_irqrestore(&credit_pcpus[c].lock, f);   /* it moved meanwhile */
    }
}

void credit_unlock_vcpu(unsigned cpu, uint64_t flags)
{
    spin_unlock_irqrestore(&credit_pcpus[cpu].lock, flags);
}

static uint64_t lock_two(unsigned a, unsigned b)
{
    unsigned lo = a < b ? a : b, hi = a < b ? b : a;
    uint64_t f = spin_lock_irqsave(&credit_pcpus[lo].lock);
    if (hi != lo)
        spin_lock(&credit_pcpus[hi].lock);
    return f;
}

static void unlock_two(unsigned a, unsigned b, uint64_t f)
{
    unsigned lo = a < b ? a : b, hi = a < b ? b : a;
    if (hi != lo)
        spin_unlock(&credit_pcpus[hi].lock);
    spin_unlock_irqrestore(&credit_pcpus[lo].lock, f);
}

/* ---- one queue (its lock held) ---- */

/* Could sv run now, on some pCPU it is allowed on? */
static bool can_run(const struct cvcpu *sv)
{
    return credit_vcpu_runnable(sv->v) && !__atomic_load_n(&sv->dom->parked, __ATOMIC_SEQ_CST);
}

/*
 * Does a go before b?  By priority, then by credit: within UNDER (and
 * OVER, see slice_for) the one with the most credit left runs first.
 * First come first served among UNDER vCPUs let a heavy domain sit at
 * the credit ceiling while lighter ones took turns with it; the credit it
 * could not bank then went to them (share_out), a stable state with the
 * shares wrong (on two pCPUs, 1:2:4 came out 18:36:46).  Most credit
 * first drains balances evenly, so each vCPU spends what it is given.
 * BOOST stays first come first served: it is about latency, not shares.
 * A vCPU that yielded goes behind all of its priority, whatever its credit.
 */
static bool before(const struct cvcpu *a, const struct cvcpu *b)
{
    if (a->pri != b->pri)
        return a->pri > b->pri;
    if (a->yielding)
        return false;                   /* SCHEDOP_yield: behind all its peers */
    return (a->pri == CREDIT_PRI_OVER || a->pri == CREDIT_PRI_UNDER) &&
           __atomic_load_n(&a->credit, __ATOMIC_RELAXED) > __atomic_load_n(&b->credit, __ATOMIC_RELAXED);
}

/* Insert sorted; after its equals, so first come first served among them. */
static void rq_insert(struct cpcpu *pc, struct cvcpu *sv)
{
    struct cvcpu **pp = &pc->head;
    while (*pp && !before(sv, *pp))
        pp = &(*pp)->next;
    sv->next = *pp;
    *pp = sv;
}

static void rq_unlink(struct cpcpu *pc, struct cvcpu *sv)
{
    for (struct cvcpu **pp = &pc->head; *pp; pp = &(*pp)->next)
        if (*pp == sv) {
            *pp = sv->next;
            sv->next = NULL;
            return;
        }
}

/* Recompute the hints other pCPUs read about this queue. */
void credit_rq_refresh(unsigned cpu)
{
    struct cpcpu *pc = &credit_pcpus[cpu];
    uint64_t mask = 0;
    unsigned n = 0, best = CREDIT_PRI_IDLE;
    for (struct cvcpu *sv = pc->head; sv; sv = sv->next)
        if (can_run(sv)) {
            mask |= sv->hard;
            if (!n++)
                best = sv->pri;         /* sorted: the first is the best */
        }
    __atomic_store_n(&pc->pickable, mask, __ATOMIC_SEQ_CST);
    __atomic_store_n(&pc->npickable, n, __ATOMIC_SEQ_CST);
    __atomic_store_n(&pc->queue_pri, best, __ATOMIC_SEQ_CST);
}

/* Queue sv (runnable, sv->cpu == cpu) on cpu; the caller sets sv->since. */
void credit_enqueue(unsigned cpu, struct cvcpu *sv)
{
    sv->where = CREDIT_QUEUED;
    rq_insert(&credit_pcpus[cpu], sv);
    credit_rq_refresh(cpu);
}

void credit_rq_remove(unsigned cpu, struct cvcpu *sv)
{
    rq_unlink(&credit_pcpus[cpu], sv);
    credit_rq_refresh(cpu);
}

/* Set sv's priority and, if queued, re-sort it (its credit may have changed too).  sv's lock held. */
void credit_requeue(struct cvcpu *sv, unsigned pri)
{
    if (sv->where != CREDIT_QUEUED) {
        sv->pri = (uint8_t)pri;
        if (sv->where == CREDIT_RUNNING)
            __atomic_store_n(&credit_pcpus[sv->cpu].curr_pri, pri, __ATOMIC_RELAXED);
        return;
    }
    struct cpcpu *pc = &credit_pcpus[sv->cpu];
    rq_unlink(pc, sv);
    sv->pri = (uint8_t)pri;
    rq_insert(pc, sv);
    credit_rq_refresh((unsigned)sv->cpu);
}

/*
 * The best entry of queue c that pCPU 'for_cpu' may run now.  On c's own
 * pick ('drop'), entries that can never run again are dropped from the
 * queue on the way (they stop waiting at 'now').
 */
static struct cvcpu *first_for(unsigned c, unsigned for_cpu, bool drop, uint64_t now)
{
    struct cvcpu **pp = &credit_pcpus[c].head;
    while (*pp) {
        struct cvcpu *sv = *pp;
        if (!credit_vcpu_runnable(sv->v)) {
            if (drop) {
                *pp = sv->next;
                sv->next = NULL;
                sv->wait_ns += now > sv->since ? now - sv->since : 0;
                sv->where = CREDIT_OFF;
                sv->since = now;
                continue;
            }
        } else if (!__atomic_load_n(&sv->dom->parked, __ATOMIC_SEQ_CST) && (sv->hard & bit(for_cpu)) &&
                   (for_cpu == c || !__atomic_load_n(&sv->v->on_cpu, __ATOMIC_SEQ_CST))) {
            /* A vCPU still loaded on its pCPU (woken before it was switched out) is not stolen. */
            return sv;
        }
        pp = &sv->next;
    }
    return NULL;
}

/* Priority of the best entry cpu could run from its own queue (IDLE: none). */
unsigned credit_rq_best_pri(unsigned cpu, uint64_t now)
{
    struct cvcpu *sv = first_for(cpu, cpu, true, now);
    credit_rq_refresh(cpu);
    return sv ? sv->pri : CREDIT_PRI_IDLE;
}

/* Take the best entry cpu can run from its own queue, or NULL. */
struct cvcpu *credit_rq_take(unsigned cpu, uint64_t now)
{
    struct cvcpu *sv = first_for(cpu, cpu, true, now);
    if (sv)
        rq_unlink(&credit_pcpus[cpu], sv);
    credit_rq_refresh(cpu);
    return sv;
}

/* What cpu would pick next from its own queue, without taking it. */
struct cvcpu *credit_rq_peek(unsigned cpu)
{
    return first_for(cpu, cpu, false, 0);
}

/* ---- between queues ---- */

/*
 * Move one vCPU that pCPU 'cpu' may run, of priority above local_pri,
 * from another queue into cpu's.  The best such entry wins: by priority,
 * then soft affinity for cpu, then from the busiest queue, then by credit.
 * Called with no lock held.
 */
void credit_steal(unsigned cpu, unsigned local_pri)
{
    uint64_t on = credit_online();
    unsigned n = credit_prv.ncpus;
    int from = -1;
    unsigned best_pri = local_pri, best_soft = 0, best_len = 0;
    int64_t best_credit = 0;

    for (unsigned i = 1; i < n; i++) {
        unsigned c = (cpu + i) % n;
        if (!(on & bit(c)) || !(__atomic_load_n(&credit_pcpus[c].pickable, __ATOMIC_SEQ_CST) & bit(cpu)))
            continue;
        uint64_t f = spin_lock_irqsave(&credit_pcpus[c].lock);
        struct cvcpu *sv = first_for(c, cpu, false, 0);
        credit_rq_refresh(c);           /* mends a hint left stale by parking */
        if (sv && sv->pri >= best_pri) {
            unsigned soft = (sv->soft & bit(cpu)) != 0, len = credit_pcpus[c].npickable;
            int64_t credit = __atomic_load_n(&sv->credit, __ATOMIC_RELAXED);
            bool better = from < 0 ? sv->pri > local_pri :
                          sv->pri != best_pri ? sv->pri > best_pri :
                          soft != best_soft ? soft > best_soft :
                          len != best_len ? len > best_len : credit > best_credit;
            if (better) {
                from = (int)c;
                best_pri = sv->pri;
                best_soft = soft;
                best_len = len;
                best_credit = credit;
            }
        }
        spin_unlock_irqrestore(&credit_pcpus[c].lock, f);
    }
    if (from < 0)
        return;

    /* Both locks now; the queues may have changed, so choose again. */
    unsigned c = (unsigned)from;
    uint64_t f = lock_two(cpu, c);
    struct cvcpu *sv = first_for(c, cpu, false, 0);
    struct cvcpu *mine = first_for(cpu, cpu, false, 0);
    if (sv && sv->pri > (mine ? mine->pri : CREDIT_PRI_IDLE)) {
        credit_rq_remove(c, sv);
        __atomic_store_n(&sv->cpu, (int)cpu, __ATOMIC_RELEASE);
        credit_enqueue(cpu, sv);        /* still waiting: 'since' stays */
    }
    unlock_two(cpu, c, f);
}

/* The next pCPU in mask after 'after', round the ring (spreads choices). */
static unsigned next_in(uint64_t mask, unsigned after)
{
    unsigned n = credit_prv.ncpus;
    for (unsigned i = 1; i <= n; i++) {
        unsigned c = (after + i) % n;
        if (mask & bit(c))
            return c;
    }
    return after;
}

/*
 * Where sv (waking, or moved by a pin) should wait.  An idle pCPU nobody
 * has claimed yet, preferring the one it last ran on (cache) and its soft
 * affinity; else the pCPU whose work is least important, where it may
 * preempt at once.  Reads hints only; credit_place re-checks.
 */
static unsigned choose_cpu(const struct cvcpu *sv)
{
    uint64_t on = credit_online();
    uint64_t hard = __atomic_load_n(&sv->hard, __ATOMIC_RELAXED) & on;
    if (!hard)
        hard = on;                      /* its pCPUs went offline: anywhere beats nowhere */
    uint64_t soft = __atomic_load_n(&sv->soft, __ATOMIC_RELAXED) & hard;
    if (!soft)
        soft = hard;
    int l = __atomic_load_n(&sv->last_cpu, __ATOMIC_RELAXED);
    unsigned last = l >= 0 ? (unsigned)l : (unsigned)__atomic_load_n(&sv->cpu, __ATOMIC_RELAXED);

    uint64_t free = 0;
    for (unsigned c = 0; c < credit_prv.ncpus; c++)
        if ((hard & bit(c)) && __atomic_load_n(&credit_pcpus[c].idle, __ATOMIC_SEQ_CST) &&
            !__atomic_load_n(&credit_pcpus[c].tickled, __ATOMIC_SEQ_CST))
            free |= bit(c);
    if (free & soft)
        return (free & soft & bit(last)) ? last : next_in(free & soft, last);
    if (free)
        return (free & bit(last)) ? last : next_in(free, last);

    int best = -1;
    unsigned best_eff = 0, best_soft = 0, best_last = 0;
    for (unsigned i = 0; i < credit_prv.ncpus; i++) {
        unsigned c = (last + i) % credit_prv.ncpus;    /* ties go to 'last', then onwards */
        if (!(hard & bit(c)))
            continue;
        unsigned cp = __atomic_load_n(&credit_pcpus[c].curr_pri, __ATOMIC_RELAXED);
        unsigned qp = __atomic_load_n(&credit_pcpus[c].queue_pri, __ATOMIC_RELAXED);
        unsigned eff = cp > qp ? cp : qp, sf = (soft & bit(c)) != 0, lt = c == last;
        if (best < 0 || eff < best_eff || (eff == best_eff && (sf > best_soft ||
                                           (sf == best_soft && lt > best_last)))) {
            best = (int)c;
            best_eff = eff;
            best_soft = sf;
            best_last = lt;
        }
    }
    return best >= 0 ? (unsigned)best : last;
}

/*
 * Queue sv, which is CREDIT_MOVING (runnable, on no queue), where it
 * should wait, and tickle that pCPU if it is idle or runs something less
 * important.  Called with no lock held.
 */
void credit_place(struct cvcpu *sv, uint64_t now)
{
    for (;;) {
        unsigned t = choose_cpu(sv);
        unsigned c = (unsigned)__atomic_load_n(&sv->cpu, __ATOMIC_ACQUIRE);
        uint64_t f = lock_two(c, t);
        if ((unsigned)sv->cpu != c) {
            unlock_two(c, t, f);
            continue;
        }
        if (sv->where != CREDIT_MOVING) {               /* put to sleep meanwhile */
            unlock_two(c, t, f);
            return;
        }
        if (!(sv->hard & bit(t)) && (sv->hard & credit_online())) {
            unlock_two(c, t, f);                        /* pinned meanwhile */
            continue;
        }
        if (!credit_vcpu_runnable(sv->v)) {
            sv->wait_ns += now > sv->since ? now - sv->since : 0;
            sv->where = CREDIT_OFF;
            sv->since = now;
            unlock_two(c, t, f);
            return;
        }
        __atomic_store_n(&sv->cpu, (int)t, __ATOMIC_RELEASE);
        credit_enqueue(t, sv);
        struct cpcpu *pt = &credit_pcpus[t];
        bool kick = __atomic_load_n(&pt->idle, __ATOMIC_SEQ_CST) ||
                    sv->pri > __atomic_load_n(&pt->curr_pri, __ATOMIC_RELAXED);
        unlock_two(c, t, f);
        if (kick)
            credit_tickle(t);
        return;
    }
}

/*
 * Tickle idle pCPUs (other than 'self', which has just looked) that could
 * run something waiting in some queue, no more of them than there are
 * such entries.  This keeps the policy work-conserving when the pCPU a
 * vCPU was queued on is busy, or when one idle pCPU was asked for two.
 */
void credit_fill_idlers(int self)
{
    uint64_t on = credit_online(), wanted = 0, idle = 0;
    unsigned waiting = 0;
    for (unsigned c = 0; c < credit_prv.ncpus; c++) {
        struct cpcpu *pc = &credit_pcpus[c];
        if (!(on & bit(c)))
            continue;
        wanted |= __atomic_load_n(&pc->pickable, __ATOMIC_SEQ_CST);
        waiting += __atomic_load_n(&pc->npickable, __ATOMIC_SEQ_CST);
        if ((int)c != self && __atomic_load_n(&pc->idle, __ATOMIC_SEQ_CST) &&
            !__atomic_load_n(&pc->tickled, __ATOMIC_SEQ_CST))
            idle |= bit(c);
    }
    idle &= wanted;
    for (unsigned c = 0; c < credit_prv.ncpus && waiting; c++)
        if (idle & bit(c)) {
            credit_tickle(c);
            waiting--;
        }
}

/*
 * After accounting or a cap change: refresh every queue's hints, and
 * tickle each pCPU that now has better work waiting than what it runs.
 */
void credit_nudge_all(void)
{
    uint64_t on = credit_online();
    for (unsigned c = 0; c < credit_prv.ncpus; c++) {
        struct cpcpu *pc = &credit_pcpus[c];
        if (!(on & bit(c)))
            continue;
        uint64_t f = spin_lock_irqsave(&pc->lock);
        credit_rq_refresh(c);
        bool kick = pc->queue_pri > pc->curr_pri;
        spin_unlock_irqrestore(&pc->lock, f);
        if (kick)
            credit_tickle(c);
    }
    credit_fill_idlers(-1);
}
