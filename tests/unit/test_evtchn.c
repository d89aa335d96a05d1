/*
 * test_evtchn.c - hyp/core/evtchn.c (event-channel tables) and
 * hypercalls/event_channel.c (the hypercall that decodes into them).
 *
 * Fake domains get a real struct shared_info each (calloc'd) and vCPUs
 * whose info points into it, so the tests read exactly the bits a guest
 * would.  The hypervisor services evtchn.c needs are stubbed here:
 *   - spin_lock & co. check what they can: no lock taken twice, domain
 *     locks taken in domain-id order, every lock released and interrupts
 *     back on after each operation;
 *   - kzalloc/kfree count live objects (leaks) and can be made to fail;
 *   - vcpu_kick records who was kicked and checks the domain's lock is held;
 *   - copy_from/to_guest treat guest addresses as host pointers, with a
 *     configurable faulting range.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "unit.h"
#include "evtchn.h"
#include "domain.h"
#include "mm.h"
#include "guest_access.h"
#include "spinlock.h"
#include "errno.h"

/* ------------------------------------------------------------------ */
/* Stubs */

struct domain *domains[MAX_DOMAINS];

struct domain *domain_by_id(domid_t id)
{
    return id < MAX_DOMAINS ? domains[id] : NULL;
}

/* Locks.  Every lock evtchn.c takes is some domain's d->lock. */
#define MAX_HELD 8
static struct spinlock *held[MAX_HELD];
static int nheld;
static int lock_errors;             /* double lock, unlock of a free lock, order violation */
static bool irq_enabled = true;

static domid_t lock_domid(const struct spinlock *l)
{
    return ((const struct domain *)((const char *)l - offsetof(struct domain, lock)))->id;
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
    /* Lock order: a lower domain id before a higher one. */
    for (int i = 0; i < nheld; i++)
        if (lock_domid(held[i]) >= lock_domid(l))
            lock_errors++;
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
    uint64_t flags = irq_enabled;

    irq_enabled = false;
    spin_lock(l);
    return flags;
}

void spin_unlock_irqrestore(struct spinlock *l, uint64_t flags)
{
    spin_unlock(l);
    irq_enabled = flags != 0;
}

/* Heap. */
static int live_allocs;
static int kzalloc_fail_in;         /* >0: the n-th next kzalloc fails */

void *kzalloc(size_t size)
{
    if (kzalloc_fail_in > 0 && --kzalloc_fail_in == 0)
        return NULL;
    void *p = calloc(1, size);
    if (p)
        live_allocs++;
    return p;
}

void kfree(void *p)
{
    if (p)
        live_allocs--;
    free(p);
}

/* vcpu_kick: who, how often, and was it called the way evtchn.h promises. */
static int kicks[MAX_DOMAINS][PV_MAX_VCPUS];
static int total_kicks;
static int kick_errors;

void vcpu_kick(struct vcpu *v)
{
    if (!v || !v->dom || v->dom->id >= MAX_DOMAINS || v->id >= PV_MAX_VCPUS) {
        kick_errors++;
        return;
    }
    if (!spin_held(&v->dom->lock) || irq_enabled)
        kick_errors++;
    kicks[v->dom->id][v->id]++;
    total_kicks++;
}

/* Guest memory: addresses are host pointers; [fault_lo, fault_hi) faults (for reads too unless write_only_fault). */
static uint64_t fault_lo, fault_hi;
static bool write_only_fault;

static bool faults(uint64_t va, size_t len)
{
    return va == 0 || (va < fault_hi && va + len > fault_lo);
}

int guest_range_ok(uint64_t va, size_t len)
{
    return !faults(va, len);
}

int copy_from_guest(void *dst, uint64_t guest_va, size_t len)
{
    if (guest_va == 0 || (!write_only_fault && faults(guest_va, len)))
        return -EFAULT;
    memcpy(dst, (const void *)(uintptr_t)guest_va, len);
    return 0;
}

int copy_to_guest(uint64_t guest_va, const void *src, size_t len)
{
    if (faults(guest_va, len))
        return -EFAULT;
    memcpy((void *)(uintptr_t)guest_va, src, len);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Fixtures */

static struct domain *
mkdom(domid_t id, unsigned nvcpus)
{
    struct domain *d = calloc(1, sizeof(*d));

    d->id = id;
    spin_init(&d->lock, "domain");
    d->max_vcpus = nvcpus;
    d->shared_info = calloc(1, sizeof(struct shared_info));
    for (unsigned i = 0; i < nvcpus; i++) {
        struct vcpu *v = calloc(1, sizeof(*v));
        v->dom = d;
        v->id = i;
        v->info = &d->shared_info->vcpu_info[i];
        d->vcpus[i] = v;
    }
    domains[id] = d;
    if (evtchn_init(d) != 0)
        unit_fail(__FILE__, __LINE__, "evtchn_init(dom%u) failed", id);
    return d;
}

/* Destroy d's event channels (if not already) and free it. */
static void
rmdom(struct domain *d)
{
    evtchn_destroy(d);
    domains[d->id] = NULL;
    for (unsigned i = 0; i < d->max_vcpus; i++)
        free(d->vcpus[i]);
    free(d->shared_info);
    free(d);
}

/* Start a case from a clean slate. */
static void
reset(void)
{
    memset(domains, 0, sizeof(domains));
    memset(kicks, 0, sizeof(kicks));
    total_kicks = kick_errors = lock_errors = 0;
    nheld = 0;
    irq_enabled = true;
    live_allocs = 0;
    kzalloc_fail_in = 0;
    fault_lo = fault_hi = 0;
    write_only_fault = false;
}

/* After every operation: all locks released, interrupts on, no misuse seen. */
#define CHECK_CLEAN() do { \
        CHECK_EQ(nheld, 0); \
        CHECK(irq_enabled); \
        CHECK_EQ(lock_errors, 0); \
        CHECK_EQ(kick_errors, 0); \
    } while (0)

/* At the end of a case, with every domain removed: nothing leaked. */
#define CHECK_DONE() do { CHECK_CLEAN(); CHECK_EQ(live_allocs, 0); } while (0)

static bool
pending(const struct domain *d, evtchn_port_t p)
{
    return (d->shared_info->evtchn_pending[p / 64] >> (p % 64)) & 1;
}

static void
set_mask(struct domain *d, evtchn_port_t p, bool on)
{
    if (on)
        d->shared_info->evtchn_mask[p / 64] |= 1ull << (p % 64);
    else
        d->shared_info->evtchn_mask[p / 64] &= ~(1ull << (p % 64));
}

/* What a guest does after handling its events: everything cleared. */
static void
guest_ack(struct domain *d)
{
    memset(d->shared_info->evtchn_pending, 0, sizeof(d->shared_info->evtchn_pending));
    for (unsigned i = 0; i < PV_MAX_VCPUS; i++) {
        d->shared_info->vcpu_info[i].evtchn_pending_sel = 0;
        d->shared_info->vcpu_info[i].evtchn_upcall_pending = 0;
    }
}

static struct evtchn_status
status_of(struct domain *d, evtchn_port_t p)
{
    struct evtchn_status st;

    memset(&st, 0xa5, sizeof(st));
    if (evtchn_status(d, p, &st) != 0)
        st.status = 0xdead;
    return st;
}

static struct vcpu_info *
vi(struct domain *d, unsigned v)
{
    return &d->shared_info->vcpu_info[v];
}

/* Is any event at all visible in d's shared_info? */
static bool
any_event(const struct domain *d)
{
    for (unsigned i = 0; i < PV_NR_EVTCHN / 64; i++)
        if (d->shared_info->evtchn_pending[i])
            return true;
    for (unsigned i = 0; i < PV_MAX_VCPUS; i++)
        if (d->shared_info->vcpu_info[i].evtchn_pending_sel ||
            d->shared_info->vcpu_info[i].evtchn_upcall_pending)
            return true;
    return false;
}

/* Connect a (allocating) and b (binding): *pa and *pb get the two ports; events cleared. */
static void
connect(struct domain *a, struct domain *b, int *pa, int *pb)
{
    *pa = evtchn_alloc_unbound(a, b->id);
    *pb = *pa > 0 ? evtchn_bind_interdomain(b, a->id, (evtchn_port_t)*pa) : -1;
    if (*pa <= 0 || *pb <= 0)
        unit_fail(__FILE__, __LINE__, "connect dom%u-dom%u: %d %d", a->id, b->id, *pa, *pb);
    guest_ack(a);
    guest_ack(b);
    memset(kicks, 0, sizeof(kicks));
    total_kicks = 0;
}

/* ------------------------------------------------------------------ */
/* Cases */

/* A fresh table: every port closed, nothing pending, and it frees cleanly. */
static void test_init_destroy(void)
{
    reset();
    struct domain *d = mkdom(1, 1);

    CHECK_EQ(status_of(d, 1).status, EVTCHNSTAT_closed);
    CHECK_EQ(status_of(d, 4095).status, EVTCHNSTAT_closed);
    CHECK_EQ(d->nr_evtchn, 0);
    CHECK_EQ(evtchn_init(d), -EINVAL);          /* twice */
    evtchn_destroy(d);
    CHECK(d->evtchn == NULL);
    evtchn_destroy(d);                          /* harmless */
    CHECK_EQ(evtchn_alloc_unbound(d, 0), -ESRCH);
    CHECK_EQ(evtchn_bind_ipi(d, 0), -ESRCH);
    CHECK_EQ(evtchn_close(d, 1), -ESRCH);
    struct evtchn_status st;
    CHECK_EQ(evtchn_status(d, 1, &st), -ESRCH);
    rmdom(d);
    CHECK_DONE();
}

/* Ports 0 (reserved), PV_NR_EVTCHN and ~0 are refused by every operation. */
static void test_port_range(void)
{
    reset();
    struct domain *a = mkdom(1, 1), *b = mkdom(2, 1);
    static const evtchn_port_t bad[] = { 0, PV_NR_EVTCHN, PV_NR_EVTCHN + 1, 0x10000, 0xffffffffu };
    struct evtchn_status st;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CHECK_EQ(evtchn_close(a, bad[i]), -EINVAL);
        CHECK_EQ(evtchn_send(a, bad[i]), -EINVAL);
        CHECK_EQ(evtchn_unmask(a, bad[i]), -EINVAL);
        CHECK_EQ(evtchn_status(a, bad[i], &st), -EINVAL);
        CHECK_EQ(evtchn_bind_interdomain(b, a->id, bad[i]), -EINVAL);
        CHECK_CLEAN();
    }
    /* The first port handed out is 1, never 0. */
    CHECK_EQ(evtchn_alloc_unbound(a, 2), 1);
    CHECK_EQ(evtchn_port_valid(0), 0);
    CHECK_EQ(evtchn_port_valid(PV_NR_EVTCHN - 1), 1);
    CHECK_EQ(b->nr_evtchn, 0);
    CHECK(!any_event(a) && !any_event(b));
    rmdom(a);
    rmdom(b);
    CHECK_DONE();
}

/*
 * The basic interdomain path: a send sets the REMOTE port's pending bit,
 * its word in the notify vCPU's pending_sel and upcall_pending, and kicks
 * that vCPU, in both directions (so both lock orders are exercised).
 */
static void test_interdomain_send(void)
{
    reset();
    struct domain *a = mkdom(1, 2), *b = mkdom(2, 2);
    int pa, pb;

    pa = evtchn_alloc_unbound(a, 2);
    REQUIRE(pa > 0);
    CHECK_EQ(status_of(a, pa).status, EVTCHNSTAT_unbound);
    CHECK_EQ(status_of(a, pa).u.unbound.dom, 2);
    pb = evtchn_bind_interdomain(b, 1, (evtchn_port_t)pa);
    REQUIRE(pb > 0);
    CHECK_CLEAN();
    /* Xen's conservative notification of the binder's new port. */
    CHECK(pending(b, pb));
    CHECK_EQ(kicks[2][0], 1);
    CHECK(!any_event(a));

    struct evtchn_status sa = status_of(a, pa), sb = status_of(b, pb);
    CHECK_EQ(sa.status, EVTCHNSTAT_interdomain);
    CHECK_EQ(sa.u.interdomain.dom, 2);
    CHECK_EQ(sa.u.interdomain.port, pb);
    CHECK_EQ(sa.vcpu, 0);
    CHECK_EQ(sb.status, EVTCHNSTAT_interdomain);
    CHECK_EQ(sb.u.interdomain.dom, 1);
    CHECK_EQ(sb.u.interdomain.port, pa);

    guest_ack(b);
    memset(kicks, 0, sizeof(kicks));
    total_kicks = 0;

    /* a (lower id) -> b */
    CHECK_EQ(evtchn_send(a, (evtchn_port_t)pa), 0);
    CHECK_CLEAN();
    CHECK(pending(b, pb));
    CHECK_EQ_U(vi(b, 0)->evtchn_pending_sel, 1ull << (pb / 64));
    CHECK_EQ(vi(b, 0)->evtchn_upcall_pending, 1);
    CHECK_EQ(vi(b, 1)->evtchn_upcall_pending, 0);
    CHECK_EQ(kicks[2][0], 1);
    CHECK_EQ(total_kicks, 1);
    CHECK(!any_event(a));

    /* b (higher id) -> a: evtchn.c must drop b's lock to take a's first. */
    CHECK_EQ(evtchn_send(b, (evtchn_port_t)pb), 0);
    CHECK_CLEAN();
    CHECK(pending(a, pa));
    CHECK_EQ_U(vi(a, 0)->evtchn_pending_sel, 1ull << (pa / 64));
    CHECK_EQ(vi(a, 0)->evtchn_upcall_pending, 1);
    CHECK_EQ(kicks[1][0], 1);
    CHECK_EQ(total_kicks, 2);

    rmdom(a);
    rmdom(b);
    CHECK_DONE();
}

/* A port in the second pending word sets bit 1 of pending_sel. */
static void test_pending_sel_word(void)
{
    reset();
    struct domain *a = mkdom(1, 1), *b = mkdom(2, 1);
    int pa, pb;

    for (int i = 0; i < 70; i++)
        REQUIRE(evtchn_bind_ipi(b, 0) > 0);
    connect(a, b, &pa, &pb);
    CHECK_EQ(pb, 71);
    CHECK_EQ(evtchn_send(a, (evtchn_port_t)pa), 0);
    CHECK(pending(b, 71));
    CHECK_EQ_U(vi(b, 0)->evtchn_pending_sel, 2);
    CHECK_EQ(vi(b, 0)->evtchn_upcall_pending, 1);
    CHECK_EQ(kicks[2][0], 1);
    rmdom(a);
    rmdom(b);
    CHECK_DONE();
}

/* A masked port gets its pending bit but no upcall and no kick; unmask raises it. */
static void test_masked(void)
{
    reset();
    struct domain *a = mkdom(1, 1), *b = mkdom(2, 1);
    int pa, pb;

    connect(a, b, &pa, &pb);
    set_mask(b, pb, true);
    CHECK_EQ(evtchn_send(a, (evtchn_port_t)pa), 0);
    CHECK(pending(b, pb));
    CHECK_EQ_U(vi(b, 0)->evtchn_pending_sel, 0);
    CHECK_EQ(vi(b, 0)->evtchn_upcall_pending, 0);
    CHECK_EQ(total_kicks, 0);

    CHECK_EQ(evtchn_unmask(b, (evtchn_port_t)pb), 0);
    CHECK_CLEAN();
    CHECK_EQ_U(b->shared_info->evtchn_mask[pb / 64], 0);
    CHECK(pending(b, pb));
    CHECK_EQ_U(vi(b, 0)->evtchn_pending_sel, 1ull << (pb / 64));
    CHECK_EQ(vi(b, 0)->evtchn_upcall_pending, 1);
    CHECK_EQ(kicks[2][0], 1);

    /* Unmasking a port that is not masked raises nothing more. */
    CHECK_EQ(evtchn_unmask(b, (evtchn_port_t)pb), 0);
    CHECK_EQ(total_kicks, 1);

    /* Masked and not pending: unmask only clears the mask. */
    guest_ack(b);
    set_mask(b, pb, true);
    CHECK_EQ(evtchn_unmask(b, (evtchn_port_t)pb), 0);
    CHECK(!any_event(b));
    CHECK_EQ(total_kicks, 1);

    /* Unmask of a closed port. */
    CHECK_EQ(evtchn_unmask(b, 200), -EINVAL);
    CHECK_EQ(evtchn_unmask(b, 2), -EINVAL);
    rmdom(a);
    rmdom(b);
    CHECK_DONE();
}

/* A send to a port already pending changes nothing and kicks no one. */
static void test_already_pending(void)
{
    reset();
    struct domain *a = mkdom(1, 1), *b = mkdom(2, 1);
    int pa, pb;

    connect(a, b, &pa, &pb);
    CHECK_EQ(evtchn_send(a, (evtchn_port_t)pa), 0);
    CHECK_EQ(total_kicks, 1);
    /* The guest took the upcall (cleared upcall_pending and sel) but not yet the port. */
    vi(b, 0)->evtchn_upcall_pending = 0;
    vi(b, 0)->evtchn_pending_sel = 0;
    CHECK_EQ(evtchn_send(a, (evtchn_port_t)pa), 0);
    CHECK_EQ(total_kicks, 1);
    CHECK_EQ(vi(b, 0)->evtchn_upcall_pending, 0);
    CHECK_EQ_U(vi(b, 0)->evtchn_pending_sel, 0);
    /* Once the guest clears the bit, the next send is delivered again. */
    guest_ack(b);
    CHECK_EQ(evtchn_send(a, (evtchn_port_t)pa), 0);
    CHECK_EQ(total_kicks, 2);
    rmdom(a);
    rmdom(b);
    CHECK_DONE();
}

/* VIRQs are bound once per (vCPU, virq) and raised by the hypervisor on that vCPU. */
static void test_virq(void)
{
    reset();
    struct domain *d = mkdom(1, 2);
    int p0, p1;

    p0 = evtchn_bind_virq(d, VIRQ_TIMER, 0);
    REQUIRE(p0 > 0);
    CHECK_EQ(evtchn_bind_virq(d, VIRQ_TIMER, 0), -EEXIST);
    p1 = evtchn_bind_virq(d, VIRQ_TIMER, 1);
    REQUIRE(p1 > 0);
    CHECK(p1 != p0);
    CHECK_EQ(evtchn_bind_virq(d, VIRQ_TIMER, 2), -EINVAL);          /* no vCPU 2 */
    CHECK_EQ(evtchn_bind_virq(d, VIRQ_TIMER, PV_MAX_VCPUS), -EINVAL);
    CHECK_EQ(evtchn_bind_virq(d, VIRQ_TIMER, 0xffffffffu), -EINVAL);
    CHECK_EQ(evtchn_bind_virq(d, NR_VIRQS, 0), -EINVAL);
    CHECK_EQ(evtchn_bind_virq(d, 0xffffffffu, 0), -EINVAL);
    CHECK_EQ(d->nr_evtchn, 2);
    CHECK_CLEAN();

    struct evtchn_status st = status_of(d, p1);
    CHECK_EQ(st.status, EVTCHNSTAT_virq);
    CHECK_EQ(st.u.virq, VIRQ_TIMER);
    CHECK_EQ(st.vcpu, 1);

    /* A guest cannot send on a VIRQ port. */
    CHECK_EQ(evtchn_send(d, (evtchn_port_t)p0), -EINVAL);
    CHECK(!any_event(d));

    /* Unbound VIRQ: nothing at all. */
    CHECK_EQ(evtchn_send_virq(d->vcpus[0], VIRQ_CONSOLE), 0);
    CHECK(!any_event(d));
    CHECK_EQ(total_kicks, 0);
    CHECK_EQ(evtchn_send_virq(d->vcpus[0], NR_VIRQS), -EINVAL);

    CHECK_EQ(evtchn_send_virq(d->vcpus[1], VIRQ_TIMER), 0);
    CHECK_CLEAN();
    CHECK(pending(d, p1));
    CHECK(!pending(d, p0));
    CHECK_EQ(vi(d, 1)->evtchn_upcall_pending, 1);
    CHECK_EQ(vi(d, 0)->evtchn_upcall_pending, 0);
    CHECK_EQ(kicks[1][1], 1);
    CHECK_EQ(total_kicks, 1);

    /* Closing frees the (vcpu, virq) slot; the VIRQ is then unbound again. */
    guest_ack(d);
    CHECK_EQ(evtchn_close(d, (evtchn_port_t)p0), 0);
    CHECK_EQ(evtchn_send_virq(d->vcpus[0], VIRQ_TIMER), 0);
    CHECK(!any_event(d));
    CHECK_EQ(evtchn_bind_virq(d, VIRQ_TIMER, 0), p0);               /* lowest free port again */
    CHECK_EQ(evtchn_send_virq(d->vcpus[0], VIRQ_TIMER), 0);
    CHECK(pending(d, p0));
    CHECK_EQ(kicks[1][0], 1);
    rmdom(d);
    CHECK_DONE();
}

/* An IPI port is sent to by its own domain and notifies the vCPU it was bound for. */
static void test_ipi(void)
{
    reset();
    struct domain *d = mkdom(1, 3);
    int p;

    CHECK_EQ(evtchn_bind_ipi(d, 3), -EINVAL);
    CHECK_EQ(evtchn_bind_ipi(d, 0x80000000u), -EINVAL);
    p = evtchn_bind_ipi(d, 2);
    REQUIRE(p > 0);
    struct evtchn_status st = status_of(d, p);
    CHECK_EQ(st.status, EVTCHNSTAT_ipi);
    CHECK_EQ(st.vcpu, 2);
    CHECK_EQ(evtchn_send(d, (evtchn_port_t)p), 0);
    CHECK_CLEAN();
    CHECK(pending(d, p));
    CHECK_EQ_U(vi(d, 2)->evtchn_pending_sel, 1ull << (p / 64));
    CHECK_EQ(vi(d, 2)->evtchn_upcall_pending, 1);
    CHECK_EQ(vi(d, 0)->evtchn_upcall_pending, 0);
    CHECK_EQ(kicks[1][2], 1);
    CHECK_EQ(total_kicks, 1);
    rmdom(d);
    CHECK_DONE();
}

/* Close: twice is -EINVAL; the port's pending bit goes; the peer turns unbound. */
static void test_close(void)
{
    reset();
    struct domain *a = mkdom(1, 1), *b = mkdom(2, 1);
    int pa, pb, p;

    p = evtchn_alloc_unbound(a, 7);
    REQUIRE(p > 0);
    CHECK_EQ(a->nr_evtchn, 1);
    CHECK_EQ(evtchn_close(a, (evtchn_port_t)p), 0);
    CHECK_EQ(evtchn_close(a, (evtchn_port_t)p), -EINVAL);
    CHECK_EQ(evtchn_close(a, 300), -EINVAL);                        /* never allocated bucket */
    CHECK_EQ(status_of(a, p).status, EVTCHNSTAT_closed);
    CHECK_EQ(a->nr_evtchn, 0);
    CHECK_EQ(evtchn_send(a, (evtchn_port_t)p), -EINVAL);            /* closed */

    connect(a, b, &pa, &pb);
    CHECK_EQ(evtchn_send(a, (evtchn_port_t)pa), 0);
    CHECK(pending(b, pb));
    /* b (higher id) closes: a's port becomes unbound, allowing b again. */
    CHECK_EQ(evtchn_close(b, (evtchn_port_t)pb), 0);
    CHECK_CLEAN();
    CHECK(!pending(b, pb));
    CHECK_EQ(status_of(b, pb).status, EVTCHNSTAT_closed);
    struct evtchn_status st = status_of(a, pa);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    CHECK_EQ(st.u.unbound.dom, 2);
    /* Sending on it is now dropped silently. */
    guest_ack(b);
    CHECK_EQ(evtchn_send(a, (evtchn_port_t)pa), 0);
    CHECK(!any_event(a) && !any_event(b));
    CHECK_EQ(total_kicks, 1);
    /* And b can bind to it again. */
    pb = evtchn_bind_interdomain(b, 1, (evtchn_port_t)pa);
    CHECK(pb > 0);
    CHECK_EQ(status_of(a, pa).status, EVTCHNSTAT_interdomain);
    /* a (lower id) closes this time. */
    CHECK_EQ(evtchn_close(a, (evtchn_port_t)pa), 0);
    CHECK_CLEAN();
    CHECK_EQ(status_of(b, pb).status, EVTCHNSTAT_unbound);
    CHECK_EQ(status_of(b, pb).u.unbound.dom, 1);
    rmdom(a);
    rmdom(b);
    CHECK_DONE();
}

/* Snapshot of everything a failed bind must leave alone. */
struct snap {
    unsigned nr[3];
    struct evtchn_status st[3][8];
    struct shared_info si[3];
    int kicks;
};

static void take(struct snap *s, struct domain **d, int n)
{
    memset(s, 0, sizeof(*s));
    for (int i = 0; i < n; i++) {
        s->nr[i] = d[i]->nr_evtchn;
        for (evtchn_port_t p = 1; p < 8; p++)
            s->st[i][p] = status_of(d[i], p);
        memcpy(&s->si[i], d[i]->shared_info, sizeof(struct shared_info));
    }
    s->kicks = total_kicks;
}

/* bind_interdomain errors: wrong state, wrong domain, no domain; nothing changes. */
static void test_bind_errors(void)
{
    reset();
    struct domain *a = mkdom(1, 1), *b = mkdom(2, 1), *c = mkdom(3, 1);
    struct domain *all[3] = { a, b, c };
    struct snap before, after;
    int for_c, ipi, pa, pb;

    for_c = evtchn_alloc_unbound(a, 3);              /* allows c only */
    ipi = evtchn_bind_ipi(a, 0);
    connect(a, c, &pa, &pb);                         /* a.pa <-> c.pb */
    REQUIRE(for_c > 0 && ipi > 0);

    take(&before, all, 3);
    CHECK_EQ(evtchn_bind_interdomain(b, 1, (evtchn_port_t)for_c), -EPERM);
    CHECK_EQ(evtchn_bind_interdomain(b, 1, (evtchn_port_t)ipi), -EINVAL);
    CHECK_EQ(evtchn_bind_interdomain(b, 1, (evtchn_port_t)pa), -EINVAL);    /* already bound */
    CHECK_EQ(evtchn_bind_interdomain(b, 1, 7), -EINVAL);                    /* closed */
    CHECK_EQ(evtchn_bind_interdomain(b, 1, 1000), -EINVAL);                 /* no bucket */
    CHECK_EQ(evtchn_bind_interdomain(b, 9, 1), -ESRCH);                     /* no dom9 */
    CHECK_EQ(evtchn_bind_interdomain(b, MAX_DOMAINS + 5, 1), -ESRCH);
    CHECK_EQ(evtchn_bind_interdomain(b, DOMID_SELF, 1), -EINVAL);           /* b has none */
    CHECK_EQ(evtchn_alloc_unbound(b, DOMID_FIRST_RESERVED + 1), -EINVAL);
    CHECK_CLEAN();
    take(&after, all, 3);
    CHECK_MEM(&before, &after, sizeof(before));

    /* c may bind for_c, and only once. */
    CHECK(evtchn_bind_interdomain(c, 1, (evtchn_port_t)for_c) > 0);
    CHECK_EQ(evtchn_bind_interdomain(c, 1, (evtchn_port_t)for_c), -EINVAL);
    rmdom(a);
    rmdom(b);
    rmdom(c);
    CHECK_DONE();
}

/* A domain may connect two of its own ports (loopback). */
static void test_loopback(void)
{
    reset();
    struct domain *d = mkdom(4, 1);
    int p, q;

    p = evtchn_alloc_unbound(d, DOMID_SELF);
    REQUIRE(p > 0);
    CHECK_EQ(status_of(d, p).u.unbound.dom, 4);
    q = evtchn_bind_interdomain(d, DOMID_SELF, (evtchn_port_t)p);
    REQUIRE(q > 0);
    CHECK(q != p);
    CHECK_CLEAN();
    guest_ack(d);
    CHECK_EQ(evtchn_send(d, (evtchn_port_t)q), 0);
    CHECK(pending(d, p) && !pending(d, q));
    CHECK_EQ(evtchn_send(d, (evtchn_port_t)p), 0);
    CHECK(pending(d, q));
    CHECK_EQ(evtchn_close(d, (evtchn_port_t)p), 0);
    CHECK_CLEAN();
    CHECK_EQ(status_of(d, q).status, EVTCHNSTAT_unbound);
    CHECK_EQ(status_of(d, q).u.unbound.dom, 4);
    rmdom(d);
    CHECK_DONE();
}

/* Destroying one side leaves the peer's port unbound; sending on it is dropped. */
static void test_destroy_peer(void)
{
    reset();
    struct domain *a = mkdom(1, 1), *b = mkdom(2, 1), *c = mkdom(3, 1);
    int pa, pb, pc, pb2;

    connect(a, b, &pa, &pb);            /* b has the higher id than a */
    connect(c, b, &pc, &pb2);           /* ... and the lower than c */
    REQUIRE(evtchn_bind_virq(b, VIRQ_TIMER, 0) > 0);
    REQUIRE(evtchn_bind_ipi(b, 0) > 0);
    REQUIRE(evtchn_alloc_unbound(b, 1) > 0);

    evtchn_destroy(b);
    CHECK_CLEAN();
    CHECK(b->evtchn == NULL);
    struct evtchn_status st = status_of(a, pa);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    CHECK_EQ(st.u.unbound.dom, 2);
    st = status_of(c, pc);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    CHECK_EQ(st.u.unbound.dom, 2);

    CHECK_EQ(evtchn_send(a, (evtchn_port_t)pa), 0);
    CHECK_EQ(evtchn_send(c, (evtchn_port_t)pc), 0);
    CHECK(!any_event(a) && !any_event(b) && !any_event(c));
    CHECK_EQ(total_kicks, 0);
    /* The destroyed domain takes no new ports or binds. */
    CHECK_EQ(evtchn_alloc_unbound(b, 1), -ESRCH);
    CHECK_EQ(evtchn_bind_interdomain(b, 1, (evtchn_port_t)pa), -ESRCH);
    CHECK_EQ(evtchn_bind_interdomain(a, 2, (evtchn_port_t)pb), -ESRCH);
    CHECK_EQ(evtchn_send_virq(b->vcpus[0], VIRQ_TIMER), 0);
    CHECK_EQ(total_kicks, 0);

    rmdom(b);
    rmdom(a);
    rmdom(c);
    CHECK_DONE();
}

/*
 * Hypervisor bug tolerated: the peer vanished from domains[] without
 * evtchn_destroy.  Sending on a channel to it must not touch it, and the
 * channel is turned unbound.
 */
static void test_vanished_peer(void)
{
    reset();
    struct domain *a = mkdom(1, 1), *b = mkdom(2, 1);
    int pa, pb;

    connect(a, b, &pa, &pb);
    domains[1] = NULL;                  /* a "disappears"; b must lock it by id */
    CHECK_EQ(evtchn_send(b, (evtchn_port_t)pb), 0);
    CHECK_CLEAN();
    CHECK(!any_event(a));
    CHECK_EQ(status_of(b, pb).status, EVTCHNSTAT_unbound);
    CHECK_EQ(status_of(b, pb).u.unbound.dom, 1);
    domains[1] = a;
    rmdom(a);
    rmdom(b);
    CHECK_DONE();
}

/* All 4095 ports, then -ENOSPC; a closed port is handed out again first. */
static void test_exhaust(void)
{
    reset();
    struct domain *d = mkdom(5, 1);

    for (int i = 1; i < PV_NR_EVTCHN; i++) {
        int p = evtchn_alloc_unbound(d, 0);
        if (p != i) {
            CHECK_EQ(p, i);
            break;
        }
    }
    CHECK_EQ(d->nr_evtchn, PV_NR_EVTCHN - 1);
    CHECK_EQ(evtchn_alloc_unbound(d, 0), -ENOSPC);
    CHECK_EQ(evtchn_bind_ipi(d, 0), -ENOSPC);
    CHECK_EQ(evtchn_bind_virq(d, VIRQ_DEBUG, 0), -ENOSPC);
    CHECK_EQ(status_of(d, 4095).status, EVTCHNSTAT_unbound);
    CHECK_EQ(evtchn_close(d, 1000), 0);
    CHECK_EQ(evtchn_bind_ipi(d, 0), 1000);
    CHECK_EQ(evtchn_alloc_unbound(d, 0), -ENOSPC);
    CHECK_CLEAN();
    CHECK_EQ(live_allocs, 1 + EVTCHN_NR_BUCKETS - 1);
    rmdom(d);
    CHECK_DONE();
}

/* Out of memory for a new bucket or a table: -ENOMEM, nothing changed. */
static void test_enomem(void)
{
    reset();
    struct domain *d = mkdom(1, 1);

    for (int i = 1; i < EVTCHNS_PER_BUCKET; i++)
        REQUIRE(evtchn_bind_ipi(d, 0) == i);
    kzalloc_fail_in = 1;
    CHECK_EQ(evtchn_bind_ipi(d, 0), -ENOMEM);
    CHECK_EQ(d->nr_evtchn, EVTCHNS_PER_BUCKET - 1);
    CHECK_EQ(status_of(d, 64).status, EVTCHNSTAT_closed);
    CHECK_EQ(evtchn_bind_ipi(d, 0), 64);
    CHECK_CLEAN();
    rmdom(d);

    struct domain *e = calloc(1, sizeof(*e));
    spin_init(&e->lock, "e");
    kzalloc_fail_in = 1;
    CHECK_EQ(evtchn_init(e), -ENOMEM);
    CHECK(e->evtchn == NULL);
    free(e);
    CHECK_DONE();
}

/* evtchn_status for every state, including a closed port beyond the allocated buckets. */
static void test_status(void)
{
    reset();
    struct domain *a = mkdom(1, 2), *b = mkdom(2, 1);
    int unb, pa, pb, vq, ip;
    struct evtchn_status st;

    unb = evtchn_alloc_unbound(a, 9);
    connect(a, b, &pa, &pb);
    vq = evtchn_bind_virq(a, VIRQ_CONSOLE, 1);
    ip = evtchn_bind_ipi(a, 1);
    REQUIRE(unb > 0 && vq > 0 && ip > 0);

    memset(&st, 0xff, sizeof(st));
    st.dom = DOMID_SELF;
    st.port = (evtchn_port_t)unb;
    CHECK_EQ(evtchn_status(a, (evtchn_port_t)unb, &st), 0);
    CHECK_EQ(st.dom, DOMID_SELF);                       /* IN fields untouched */
    CHECK_EQ(st.port, unb);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    CHECK_EQ(st.vcpu, 0);
    CHECK_EQ(st.u.unbound.dom, 9);

    st = status_of(a, pa);
    CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
    CHECK_EQ(st.u.interdomain.dom, 2);
    CHECK_EQ(st.u.interdomain.port, pb);
    st = status_of(a, vq);
    CHECK_EQ(st.status, EVTCHNSTAT_virq);
    CHECK_EQ(st.vcpu, 1);
    CHECK_EQ(st.u.virq, VIRQ_CONSOLE);
    st = status_of(a, ip);
    CHECK_EQ(st.status, EVTCHNSTAT_ipi);
    CHECK_EQ(st.vcpu, 1);
    st = status_of(a, 63);
    CHECK_EQ(st.status, EVTCHNSTAT_closed);
    CHECK_EQ(st.vcpu, 0);
    CHECK_EQ(st.u.virq, 0);
    CHECK_EQ(status_of(a, 4000).status, EVTCHNSTAT_closed);
    CHECK_CLEAN();
    rmdom(a);
    rmdom(b);
    CHECK_DONE();
}

/* A vCPU polling a masked port is woken, though no upcall is made. */
static void test_poll_wakes(void)
{
    reset();
    struct domain *d = mkdom(1, 2);
    int p = evtchn_bind_ipi(d, 0);
    int other = evtchn_bind_ipi(d, 0);

    REQUIRE(p > 0 && other > 0);
    set_mask(d, p, true);
    set_mask(d, other, true);
    d->vcpus[1]->poll_ports[0] = (evtchn_port_t)other;
    d->vcpus[1]->poll_ports[1] = (evtchn_port_t)p;
    d->vcpus[1]->poll_nr = 2;
    CHECK_EQ(evtchn_send(d, (evtchn_port_t)p), 0);
    CHECK_CLEAN();
    CHECK(pending(d, p));
    CHECK_EQ(vi(d, 0)->evtchn_upcall_pending, 0);
    CHECK_EQ(vi(d, 1)->evtchn_upcall_pending, 0);
    CHECK_EQ(kicks[1][1], 1);
    CHECK_EQ(kicks[1][0], 0);
    /* Already pending: no second wake. */
    CHECK_EQ(evtchn_send(d, (evtchn_port_t)p), 0);
    CHECK_EQ(total_kicks, 1);
    /* Unmasked and polled by the notify vCPU itself: one kick, not two. */
    guest_ack(d);
    set_mask(d, p, false);
    d->vcpus[0]->poll_ports[0] = (evtchn_port_t)p;
    d->vcpus[0]->poll_nr = 1;
    d->vcpus[1]->poll_nr = 0;
    CHECK_EQ(evtchn_send(d, (evtchn_port_t)p), 0);
    CHECK_EQ(kicks[1][0], 1);
    CHECK_EQ(total_kicks, 2);
    rmdom(d);
    CHECK_DONE();
}

/* ------------------------------------------------------------------ */
/* The hypercall layer */

#define GVA(p) ((uint64_t)(uintptr_t)(p))

static void test_hc_alloc_bind_send(void)
{
    reset();
    struct domain *a = mkdom(1, 1), *b = mkdom(2, 2);
    struct vcpu *va = a->vcpus[0], *vb = b->vcpus[1];

    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = 2, .port = 0xdead };
    CHECK_EQ(do_event_channel_op(va, EVTCHNOP_alloc_unbound, GVA(&au)), 0);
    CHECK_EQ(au.port, 1);
    CHECK_EQ(au.dom, DOMID_SELF);
    au.dom = 1;                                          /* own id works too */
    CHECK_EQ(do_event_channel_op(va, EVTCHNOP_alloc_unbound, GVA(&au)), 0);
    CHECK_EQ(au.port, 2);

    struct evtchn_bind_interdomain bi = { .remote_dom = 1, .remote_port = 1 };
    CHECK_EQ(do_event_channel_op(vb, EVTCHNOP_bind_interdomain, GVA(&bi)), 0);
    CHECK_EQ(bi.local_port, 1);
    CHECK_EQ(bi.remote_port, 1);
    guest_ack(b);

    struct evtchn_send se = { .port = 1 };
    CHECK_EQ(do_event_channel_op(va, EVTCHNOP_send, GVA(&se)), 0);
    CHECK(pending(b, 1));
    CHECK_EQ(vi(b, 0)->evtchn_upcall_pending, 1);

    struct evtchn_status st = { .dom = DOMID_SELF, .port = 1 };
    CHECK_EQ(do_event_channel_op(vb, EVTCHNOP_status, GVA(&st)), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
    CHECK_EQ(st.u.interdomain.dom, 1);
    CHECK_EQ(st.u.interdomain.port, 1);

    struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 1 };
    CHECK_EQ(do_event_channel_op(vb, EVTCHNOP_bind_virq, GVA(&bv)), 0);
    CHECK_EQ(bv.port, 2);
    CHECK_EQ(do_event_channel_op(vb, EVTCHNOP_bind_virq, GVA(&bv)), -EEXIST);
    bv.vcpu = 2;
    CHECK_EQ(do_event_channel_op(vb, EVTCHNOP_bind_virq, GVA(&bv)), -EINVAL);
    bv.vcpu = 0;
    bv.virq = NR_VIRQS;
    CHECK_EQ(do_event_channel_op(vb, EVTCHNOP_bind_virq, GVA(&bv)), -EINVAL);

    struct evtchn_bind_ipi ip = { .vcpu = 1 };
    CHECK_EQ(do_event_channel_op(vb, EVTCHNOP_bind_ipi, GVA(&ip)), 0);
    CHECK_EQ(ip.port, 3);
    ip.vcpu = 7;
    CHECK_EQ(do_event_channel_op(vb, EVTCHNOP_bind_ipi, GVA(&ip)), -EINVAL);

    struct evtchn_unmask um = { .port = 3 };
    set_mask(b, 3, true);
    se.port = 3;
    CHECK_EQ(do_event_channel_op(vb, EVTCHNOP_send, GVA(&se)), 0);
    CHECK_EQ(vi(b, 1)->evtchn_upcall_pending, 0);
    CHECK_EQ(do_event_channel_op(vb, EVTCHNOP_unmask, GVA(&um)), 0);
    CHECK_EQ(vi(b, 1)->evtchn_upcall_pending, 1);

    struct evtchn_close cl = { .port = 3 };
    CHECK_EQ(do_event_channel_op(vb, EVTCHNOP_close, GVA(&cl)), 0);
    CHECK_EQ(do_event_channel_op(vb, EVTCHNOP_close, GVA(&cl)), -EINVAL);
    cl.port = 0;
    CHECK_EQ(do_event_channel_op(vb, EVTCHNOP_close, GVA(&cl)), -EINVAL);
    se.port = 0xffffffffu;
    CHECK_EQ(do_event_channel_op(vb, EVTCHNOP_send, GVA(&se)), -EINVAL);
    CHECK_CLEAN();
    rmdom(a);
    rmdom(b);
    CHECK_DONE();
}

/* Only a privileged domain may name another domain in dom. */
static void test_hc_dom_checks(void)
{
    reset();
    struct domain *d0 = mkdom(0, 1), *a = mkdom(1, 1);
    d0->privileged = true;

    struct evtchn_alloc_unbound au = { .dom = 0, .remote_dom = 1 };
    CHECK_EQ(do_event_channel_op(a->vcpus[0], EVTCHNOP_alloc_unbound, GVA(&au)), -EPERM);
    CHECK_EQ(d0->nr_evtchn, 0);
    struct evtchn_status st = { .dom = 0, .port = 1 };
    CHECK_EQ(do_event_channel_op(a->vcpus[0], EVTCHNOP_status, GVA(&st)), -EPERM);

    /* dom0 makes a port in dom1 for itself (remote_dom DOMID_SELF = the caller). */
    au.dom = 1;
    au.remote_dom = DOMID_SELF;
    CHECK_EQ(do_event_channel_op(d0->vcpus[0], EVTCHNOP_alloc_unbound, GVA(&au)), 0);
    CHECK_EQ(au.port, 1);
    st.dom = 1;
    CHECK_EQ(do_event_channel_op(d0->vcpus[0], EVTCHNOP_status, GVA(&st)), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    CHECK_EQ(st.u.unbound.dom, 0);
    CHECK_EQ(a->nr_evtchn, 1);
    CHECK_EQ(d0->nr_evtchn, 0);

    au.dom = 33;
    CHECK_EQ(do_event_channel_op(d0->vcpus[0], EVTCHNOP_alloc_unbound, GVA(&au)), -ESRCH);
    st.dom = 0x7FF5;
    CHECK_EQ(do_event_channel_op(d0->vcpus[0], EVTCHNOP_status, GVA(&st)), -ESRCH);
    au.dom = DOMID_SELF;
    au.remote_dom = 0x7FF2;
    CHECK_EQ(do_event_channel_op(a->vcpus[0], EVTCHNOP_alloc_unbound, GVA(&au)), -EINVAL);
    struct evtchn_bind_interdomain bi = { .remote_dom = 0x7FF3, .remote_port = 1 };
    CHECK_EQ(do_event_channel_op(a->vcpus[0], EVTCHNOP_bind_interdomain, GVA(&bi)), -ESRCH);
    CHECK_CLEAN();
    rmdom(d0);
    rmdom(a);
    CHECK_DONE();
}

/* Unknown sub-ops, unreadable arguments, and an unwritable OUT field (the port is undone). */
static void test_hc_faults(void)
{
    reset();
    struct domain *a = mkdom(1, 1);
    struct vcpu *v = a->vcpus[0];
    struct evtchn_bind_ipi ip = { .vcpu = 0 };

    CHECK_EQ(do_event_channel_op(v, 2, GVA(&ip)), -ENOSYS);
    CHECK_EQ(do_event_channel_op(v, 8, GVA(&ip)), -ENOSYS);
    CHECK_EQ(do_event_channel_op(v, 100, GVA(&ip)), -ENOSYS);
    CHECK_EQ(do_event_channel_op(v, 0xffffffffu, GVA(&ip)), -ENOSYS);
    CHECK_EQ(do_event_channel_op(v, EVTCHNOP_bind_ipi, 0), -EFAULT);
    CHECK_EQ(do_event_channel_op(v, EVTCHNOP_send, 0), -EFAULT);
    CHECK_EQ(do_event_channel_op(NULL, EVTCHNOP_send, GVA(&ip)), -EINVAL);
    CHECK_EQ(a->nr_evtchn, 0);

    /* The port field alone is unwritable: the new port must be closed again. */
    write_only_fault = true;
    fault_lo = GVA(&ip.port);
    fault_hi = fault_lo + sizeof(ip.port);
    CHECK_EQ(do_event_channel_op(v, EVTCHNOP_bind_ipi, GVA(&ip)), -EFAULT);
    CHECK_EQ(a->nr_evtchn, 0);
    CHECK_EQ(status_of(a, 1).status, EVTCHNSTAT_closed);

    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = 0 };
    fault_lo = GVA(&au.port);
    fault_hi = fault_lo + 4;
    CHECK_EQ(do_event_channel_op(v, EVTCHNOP_alloc_unbound, GVA(&au)), -EFAULT);
    CHECK_EQ(a->nr_evtchn, 0);

    struct evtchn_bind_virq bv = { .virq = VIRQ_DEBUG, .vcpu = 0 };
    fault_lo = GVA(&bv.port);
    fault_hi = fault_lo + 4;
    CHECK_EQ(do_event_channel_op(v, EVTCHNOP_bind_virq, GVA(&bv)), -EFAULT);
    CHECK_EQ(a->nr_evtchn, 0);
    fault_lo = fault_hi = 0;
    CHECK_EQ(do_event_channel_op(v, EVTCHNOP_bind_virq, GVA(&bv)), 0);   /* slot was freed */
    CHECK_EQ(bv.port, 1);

    /* Status: an unwritable OUT part is -EFAULT; so is an unreadable IN part. */
    struct evtchn_status st = { .dom = DOMID_SELF, .port = 1 };
    fault_lo = GVA(&st.u);
    fault_hi = fault_lo + 1;
    CHECK_EQ(do_event_channel_op(v, EVTCHNOP_status, GVA(&st)), -EFAULT);
    CHECK_EQ(st.status, 0);
    write_only_fault = false;
    CHECK_EQ(do_event_channel_op(v, EVTCHNOP_status, GVA(&st)), -EFAULT);
    fault_lo = fault_hi = 0;
    CHECK_EQ(do_event_channel_op(v, EVTCHNOP_status, GVA(&st)), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_virq);
    CHECK_EQ(st.u.virq, VIRQ_DEBUG);
    CHECK_CLEAN();
    rmdom(a);
    CHECK_DONE();
}

static const struct unit_case cases[] = {
    UNIT_CASE(test_init_destroy),
    UNIT_CASE(test_port_range),
    UNIT_CASE(test_interdomain_send),
    UNIT_CASE(test_pending_sel_word),
    UNIT_CASE(test_masked),
    UNIT_CASE(test_already_pending),
    UNIT_CASE(test_virq),
    UNIT_CASE(test_ipi),
    UNIT_CASE(test_close),
    UNIT_CASE(test_bind_errors),
    UNIT_CASE(test_loopback),
    UNIT_CASE(test_destroy_peer),
    UNIT_CASE(test_vanished_peer),
    UNIT_CASE(test_exhaust),
    UNIT_CASE(test_enomem),
    UNIT_CASE(test_status),
    UNIT_CASE(test_poll_wakes),
    UNIT_CASE(test_hc_alloc_bind_send),
    UNIT_CASE(test_hc_dom_checks),
    UNIT_CASE(test_hc_faults),
};

int main(void)
{
    return unit_run(cases, UNIT_COUNT(cases));
}
