/*
 * evtchn.c - event channels: the per-domain port table and its operations.
 *
 * Pure logic over struct domain, its shared_info page and vcpu_kick(); no
 * x86.  evtchn.h gives the contracts, the layout of the table and the
 * locking rules.  The shape follows Xen's 2-level event channels.
 */
#include "evtchn.h"
#include "domain.h"
#include "mm.h"
#include "spinlock.h"
#include "errno.h"

/*
 * The area d->evtchn points to.  bucket0 comes first, so d->evtchn (a
 * struct evtchn *) and the area have the same address.
 */
struct evtchn_domain {
    struct evtchn bucket0[EVTCHNS_PER_BUCKET];          /* ports 0..63 (0 reserved) */
    struct evtchn *bucket[EVTCHN_NR_BUCKETS];           /* [0] = bucket0; NULL = not yet */
    uint16_t virq_port[PV_MAX_VCPUS][NR_VIRQS];         /* port bound to [vcpu][virq], 0 = none */
    bool dying;                                         /* evtchn_destroy has begun */
};

_Static_assert(PV_NR_EVTCHN % EVTCHNS_PER_BUCKET == 0, "buckets must tile the port space");
_Static_assert(EVTCHNS_PER_BUCKET == 64, "a bucket is one 64-bit pending word");
_Static_assert(PV_NR_EVTCHN <= 65536, "virq_port holds ports in 16 bits");
_Static_assert(PV_MAX_VCPUS <= 256, "notify_vcpu is 8 bits");

static struct evtchn_domain *ed_of(struct domain *d)
{
    return (struct evtchn_domain *)d->evtchn;
}

/* The channel for port, or NULL if port is invalid or its bucket was never allocated.  d->lock held. */
static struct evtchn *chan_of(struct domain *d, evtchn_port_t port)
{
    struct evtchn_domain *ed = ed_of(d);
    struct evtchn *b;

    if (!ed || !evtchn_port_valid(port))
        return NULL;
    b = ed->bucket[port / EVTCHNS_PER_BUCKET];
    return b ? &b[port % EVTCHNS_PER_BUCKET] : NULL;
}

/* Does d have a table that takes new ports?  d->lock held. */
static bool table_live(struct domain *d)
{
    return ed_of(d) && !ed_of(d)->dying;
}

/* Is vcpu a vCPU of d that exists? */
static bool vcpu_ok(const struct domain *d, uint32_t vcpu)
{
    return vcpu < d->max_vcpus && vcpu < PV_MAX_VCPUS && d->vcpus[vcpu] != NULL;
}

/*
 * The lowest closed port of d, marked busy (its caller sets state and
 * data), allocating a bucket if every allocated one is full.  The port, or
 * -ENOSPC, -ENOMEM.  d->lock held, table live.
 */
static int port_alloc(struct domain *d)
{
    struct evtchn_domain *ed = ed_of(d);
    unsigned b;

    for (b = 0; b < EVTCHN_NR_BUCKETS && ed->bucket[b]; b++) {
        for (unsigned i = b == 0 ? 1 : 0; i < EVTCHNS_PER_BUCKET; i++) {
            struct evtchn *c = &ed->bucket[b][i];
            if (c->state == EVTCHNSTAT_closed) {
                *c = (struct evtchn){ .state = EVTCHNSTAT_unbound };
                d->nr_evtchn++;
                return (int)(b * EVTCHNS_PER_BUCKET + i);
            }
        }
    }
    if (b == EVTCHN_NR_BUCKETS)
        return -ENOSPC;
    ed->bucket[b] = kzalloc(EVTCHNS_PER_BUCKET * sizeof(struct evtchn));
    if (!ed->bucket[b])
        return -ENOMEM;
    ed->bucket[b][0].state = EVTCHNSTAT_unbound;
    d->nr_evtchn++;
    return (int)(b * EVTCHNS_PER_BUCKET);
}

/* Pending and mask words of port, and its bit. */
#define PORT_WORD(p)    ((p) / 64)
#define PORT_BIT(p)     (1ull << ((p) % 64))

/* Mark port free and not pending.  d->lock held. */
static void port_free(struct domain *d, evtchn_port_t port, struct evtchn *c)
{
    *c = (struct evtchn){ .state = EVTCHNSTAT_closed };
    d->nr_evtchn--;
    if (d->shared_info)
        __atomic_fetch_and(&d->shared_info->evtchn_pending[PORT_WORD(port)], ~PORT_BIT(port),
                           __ATOMIC_SEQ_CST);
}

/* --- locking --- */

/* Lock a and b (may be equal) in domain-id order with interrupts off. */
static uint64_t lock_two(struct domain *a, struct domain *b)
{
    uint64_t flags;

    if (a == b)
        return spin_lock_irqsave(&a->lock);
    if (a->id > b->id) {
        struct domain *t = a;
        a = b;
        b = t;
    }
    flags = spin_lock_irqsave(&a->lock);
    spin_lock(&b->lock);
    return flags;
}

/* Undo lock_two (or lock_chan); b may be NULL or equal to a. */
static void unlock_two(struct domain *a, struct domain *b, uint64_t flags)
{
    if (b && b != a)
        spin_unlock(&b->lock);
    spin_unlock_irqrestore(&a->lock, flags);
}

/*
 * Lock d and, if port is an interdomain channel, its peer as well, in
 * domain-id order.  Returns the peer (d itself for a loopback channel),
 * locked, or NULL if port is not interdomain.  *flags is for unlock_two.
 *
 * While d is locked an interdomain channel keeps its peer alive: the
 * peer's evtchn_destroy must take d's lock to unbind it.  When the peer
 * has the lower id, d is unlocked to take them in order; the peer is then
 * looked up again by id and the channel re-checked, retrying if it changed.
 */
static struct domain *lock_chan(struct domain *d, evtchn_port_t port, uint64_t *flags)
{
    for (;;) {
        struct evtchn *c;
        struct domain *rd, *now;
        domid_t rid;

        *flags = spin_lock_irqsave(&d->lock);
        c = chan_of(d, port);
        if (!c || c->state != EVTCHNSTAT_interdomain)
            return NULL;
        rd = c->u.interdomain.dom;
        if (rd == d)
            return d;
        if (d->id < rd->id) {
            spin_lock(&rd->lock);
            return rd;
        }
        rid = rd->id;
        spin_unlock(&d->lock);                  /* interrupts stay off */
        now = domain_by_id(rid);
        if (now)
            spin_lock(&now->lock);
        spin_lock(&d->lock);
        c = chan_of(d, port);
        if (!c || c->state != EVTCHNSTAT_interdomain) {
            if (now)
                spin_unlock(&now->lock);
            return NULL;
        }
        if (now && c->u.interdomain.dom == now)
            return now;
        if (c->u.interdomain.dom == rd) {
            /*
             * The peer vanished without evtchn_destroy unbinding us (a
             * hypervisor bug): drop the dangling reference as if the peer
             * had closed its end.
             */
            *c = (struct evtchn){ .state = EVTCHNSTAT_unbound, .notify_vcpu = c->notify_vcpu,
                                  .u.unbound.remote_domid = rid };
            if (now)
                spin_unlock(&now->lock);
            return NULL;
        }
        /* Rebound elsewhere meanwhile: start again. */
        unlock_two(d, now, *flags);
    }
}

/* --- raising a port --- */

/* Step 4 of the protocol: make the upcall pending on v for pending word w and kick v. */
static void upcall(struct vcpu *v, unsigned w)
{
    if (v->info) {
        __atomic_fetch_or(&v->info->evtchn_pending_sel, 1ull << w, __ATOMIC_SEQ_CST);
        __atomic_store_n(&v->info->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
    }
    vcpu_kick(v);
}

/* Kick every vCPU of d polling port, except 'done' (already kicked). */
static void kick_pollers(struct domain *d, evtchn_port_t port, struct vcpu *done)
{
    for (unsigned i = 0; i < d->max_vcpus && i < PV_MAX_VCPUS; i++) {
        struct vcpu *p = d->vcpus[i];
        unsigned n;

        if (!p || p == done)
            continue;
        n = __atomic_load_n(&p->poll_nr, __ATOMIC_SEQ_CST);
        if (n > sizeof(p->poll_ports) / sizeof(p->poll_ports[0]))
            n = sizeof(p->poll_ports) / sizeof(p->poll_ports[0]);
        for (unsigned j = 0; j < n; j++) {
            if (p->poll_ports[j] == port) {
                vcpu_kick(p);
                break;
            }
        }
    }
}

void evtchn_set_pending(struct vcpu *v, evtchn_port_t port)
{
    struct domain *d;
    struct shared_info *s;
    unsigned w;
    uint64_t bit;

    if (!v || !(d = v->dom) || !(s = d->shared_info) || port >= PV_NR_EVTCHN)
        return;
    w = PORT_WORD(port);
    bit = PORT_BIT(port);
    if (__atomic_fetch_or(&s->evtchn_pending[w], bit, __ATOMIC_SEQ_CST) & bit)
        return;
    if (__atomic_load_n(&s->evtchn_mask[w], __ATOMIC_SEQ_CST) & bit) {
        kick_pollers(d, port, NULL);
        return;
    }
    upcall(v, w);
    kick_pollers(d, port, v);
}

/* Raise port c of d on its notify vCPU (just the pending bit if that vCPU does not exist).  d->lock held. */
static void raise(struct domain *d, evtchn_port_t port, const struct evtchn *c)
{
    if (vcpu_ok(d, c->notify_vcpu)) {
        evtchn_set_pending(d->vcpus[c->notify_vcpu], port);
    } else if (d->shared_info) {
        __atomic_fetch_or(&d->shared_info->evtchn_pending[PORT_WORD(port)], PORT_BIT(port),
                          __ATOMIC_SEQ_CST);
    }
}

/* --- the table --- */

int evtchn_init(struct domain *d)
{
    struct evtchn_domain *ed;
    uint64_t flags;
    int rc = 0;

    ed = kzalloc(sizeof(*ed));
    if (!ed)
        return -ENOMEM;
    ed->bucket[0] = ed->bucket0;
    flags = spin_lock_irqsave(&d->lock);
    if (d->evtchn) {
        rc = -EINVAL;
    } else {
        d->evtchn = ed->bucket0;
        d->nr_evtchn = 0;
    }
    spin_unlock_irqrestore(&d->lock, flags);
    if (rc)
        kfree(ed);
    return rc;
}

/* Close port of d, whatever its state.  0, or -EINVAL if invalid or closed. */
static int close_port(struct domain *d, evtchn_port_t port)
{
    uint64_t flags;
    struct domain *rd = lock_chan(d, port, &flags);
    struct evtchn *c = chan_of(d, port);
    int rc = 0;

    if (!c || c->state == EVTCHNSTAT_closed) {
        rc = -EINVAL;
        goto out;
    }
    switch (c->state) {
    case EVTCHNSTAT_virq:
        if (c->notify_vcpu < PV_MAX_VCPUS && c->u.virq < NR_VIRQS &&
            ed_of(d)->virq_port[c->notify_vcpu][c->u.virq] == port)
            ed_of(d)->virq_port[c->notify_vcpu][c->u.virq] = 0;
        break;
    case EVTCHNSTAT_interdomain: {
        struct evtchn *rc_ = chan_of(rd, c->u.interdomain.port);
        /* The peer's end waits for us to bind again, like a fresh alloc_unbound. */
        if (rc_ && rc_->state == EVTCHNSTAT_interdomain && rc_->u.interdomain.dom == d &&
            rc_->u.interdomain.port == port)
            *rc_ = (struct evtchn){ .state = EVTCHNSTAT_unbound, .notify_vcpu = rc_->notify_vcpu,
                                    .u.unbound.remote_domid = d->id };
        break;
    }
    default:
        break;
    }
    port_free(d, port, c);
out:
    unlock_two(d, rd, flags);
    return rc;
}

void evtchn_destroy(struct domain *d)
{
    struct evtchn_domain *ed;
    uint64_t flags;

    flags = spin_lock_irqsave(&d->lock);
    ed = ed_of(d);
    if (ed)
        ed->dying = true;
    spin_unlock_irqrestore(&d->lock, flags);
    if (!ed)
        return;

    /*
     * Buckets are only added to a live table, so the directory is fixed
     * now.  Close every port under the locks (close_port skips closed ones):
     * peers may still be unbinding from theirs concurrently.
     */
    for (unsigned b = 0; b < EVTCHN_NR_BUCKETS && ed->bucket[b]; b++)
        for (unsigned i = b == 0 ? 1 : 0; i < EVTCHNS_PER_BUCKET; i++)
            close_port(d, (evtchn_port_t)(b * EVTCHNS_PER_BUCKET + i));

    flags = spin_lock_irqsave(&d->lock);
    d->evtchn = NULL;
    d->nr_evtchn = 0;
    spin_unlock_irqrestore(&d->lock, flags);

    for (unsigned b = 1; b < EVTCHN_NR_BUCKETS; b++)
        kfree(ed->bucket[b]);
    kfree(ed);
}

/* --- operations --- */

int evtchn_alloc_unbound(struct domain *d, domid_t remote_domid)
{
    uint64_t flags;
    int port;

    if (remote_domid == DOMID_SELF)
        remote_domid = d->id;
    if (remote_domid >= DOMID_FIRST_RESERVED)
        return -EINVAL;
    flags = spin_lock_irqsave(&d->lock);
    if (!table_live(d)) {
        port = -ESRCH;
    } else if ((port = port_alloc(d)) > 0) {
        struct evtchn *c = chan_of(d, (evtchn_port_t)port);
        c->state = EVTCHNSTAT_unbound;
        c->notify_vcpu = 0;
        c->u.unbound.remote_domid = remote_domid;
    }
    spin_unlock_irqrestore(&d->lock, flags);
    return port;
}

int evtchn_bind_interdomain(struct domain *d, domid_t remote_domid, evtchn_port_t remote_port)
{
    struct domain *rd;
    struct evtchn *lc, *rc_;
    uint64_t flags;
    int port;

    if (remote_domid == DOMID_SELF || remote_domid == d->id)
        rd = d;
    else if (!(rd = domain_by_id(remote_domid)))
        return -ESRCH;
    if (!evtchn_port_valid(remote_port))
        return -EINVAL;

    flags = lock_two(d, rd);
    if (!table_live(d) || !table_live(rd)) {
        port = -ESRCH;
        goto out;
    }
    rc_ = chan_of(rd, remote_port);
    if (!rc_ || rc_->state != EVTCHNSTAT_unbound) {
        port = -EINVAL;
        goto out;
    }
    if (rc_->u.unbound.remote_domid != d->id) {
        port = -EPERM;
        goto out;
    }
    port = port_alloc(d);
    if (port < 0)
        goto out;
    lc = chan_of(d, (evtchn_port_t)port);
    lc->state = EVTCHNSTAT_interdomain;
    lc->notify_vcpu = 0;
    lc->u.interdomain.dom = rd;
    lc->u.interdomain.port = remote_port;
    rc_->state = EVTCHNSTAT_interdomain;
    rc_->u.interdomain.dom = d;
    rc_->u.interdomain.port = (evtchn_port_t)port;
    /* A send on the remote end while it was unbound was dropped: raise ours once. */
    raise(d, (evtchn_port_t)port, lc);
out:
    unlock_two(d, rd, flags);
    return port;
}

/* A new port of d in state 'state' notifying vcpu: common part of bind_virq and bind_ipi.  d->lock held. */
static int alloc_local(struct domain *d, uint8_t state, uint32_t vcpu)
{
    int port = port_alloc(d);

    if (port > 0) {
        struct evtchn *c = chan_of(d, (evtchn_port_t)port);
        c->state = state;
        c->notify_vcpu = (uint8_t)vcpu;
    }
    return port;
}

int evtchn_bind_virq(struct domain *d, uint32_t virq, uint32_t vcpu)
{
    uint64_t flags;
    int port;

    if (virq >= NR_VIRQS || !vcpu_ok(d, vcpu))
        return -EINVAL;
    flags = spin_lock_irqsave(&d->lock);
    if (!table_live(d)) {
        port = -ESRCH;
    } else if (ed_of(d)->virq_port[vcpu][virq]) {
        port = -EEXIST;
    } else if ((port = alloc_local(d, EVTCHNSTAT_virq, vcpu)) > 0) {
        chan_of(d, (evtchn_port_t)port)->u.virq = virq;
        ed_of(d)->virq_port[vcpu][virq] = (uint16_t)port;
    }
    spin_unlock_irqrestore(&d->lock, flags);
    return port;
}

int evtchn_bind_ipi(struct domain *d, uint32_t vcpu)
{
    uint64_t flags;
    int port;

    if (!vcpu_ok(d, vcpu))
        return -EINVAL;
    flags = spin_lock_irqsave(&d->lock);
    port = table_live(d) ? alloc_local(d, EVTCHNSTAT_ipi, vcpu) : -ESRCH;
    spin_unlock_irqrestore(&d->lock, flags);
    return port;
}

int evtchn_close(struct domain *d, evtchn_port_t port)
{
    if (!evtchn_port_valid(port))
        return -EINVAL;
    if (!d->evtchn)
        return -ESRCH;
    return close_port(d, port);
}

int evtchn_send(struct domain *d, evtchn_port_t port)
{
    uint64_t flags;
    struct domain *rd;
    struct evtchn *c;
    int rc = 0;

    if (!evtchn_port_valid(port))
        return -EINVAL;
    rd = lock_chan(d, port, &flags);
    c = chan_of(d, port);
    if (!ed_of(d)) {
        rc = -ESRCH;
    } else if (!c) {
        rc = -EINVAL;
    } else {
        switch (c->state) {
        case EVTCHNSTAT_interdomain: {
            evtchn_port_t rport = c->u.interdomain.port;
            struct evtchn *r = chan_of(rd, rport);
            if (r && r->state == EVTCHNSTAT_interdomain)
                raise(rd, rport, r);
            break;
        }
        case EVTCHNSTAT_ipi:
            raise(d, port, c);
            break;
        case EVTCHNSTAT_unbound:
            break;              /* nobody listens yet: dropped */
        default:                /* closed, or a VIRQ port */
            rc = -EINVAL;
            break;
        }
    }
    unlock_two(d, rd, flags);
    return rc;
}

int evtchn_status(struct domain *d, evtchn_port_t port, struct evtchn_status *out)
{
    uint64_t flags;
    struct evtchn *c;
    int rc = 0;

    if (!evtchn_port_valid(port))
        return -EINVAL;
    flags = spin_lock_irqsave(&d->lock);
    if (!ed_of(d)) {
        rc = -ESRCH;
        goto out;
    }
    c = chan_of(d, port);
    out->status = c ? c->state : EVTCHNSTAT_closed;
    out->vcpu = c && c->state != EVTCHNSTAT_closed ? c->notify_vcpu : 0;
    out->u.interdomain.dom = 0;
    out->u.interdomain.pad = 0;
    out->u.interdomain.port = 0;
    switch (out->status) {
    case EVTCHNSTAT_unbound:
        out->u.unbound.dom = c->u.unbound.remote_domid;
        break;
    case EVTCHNSTAT_interdomain:
        /* The peer cannot change or vanish while we hold our lock: it needs ours to unbind. */
        out->u.interdomain.dom = c->u.interdomain.dom->id;
        out->u.interdomain.port = c->u.interdomain.port;
        break;
    case EVTCHNSTAT_virq:
        out->u.virq = c->u.virq;
        break;
    default:
        break;
    }
out:
    spin_unlock_irqrestore(&d->lock, flags);
    return rc;
}

int evtchn_unmask(struct domain *d, evtchn_port_t port)
{
    uint64_t flags;
    struct evtchn *c;
    int rc = 0;

    if (!evtchn_port_valid(port))
        return -EINVAL;
    flags = spin_lock_irqsave(&d->lock);
    c = chan_of(d, port);
    if (!ed_of(d)) {
        rc = -ESRCH;
    } else if (!c || c->state == EVTCHNSTAT_closed) {
        rc = -EINVAL;
    } else if (d->shared_info) {
        struct shared_info *s = d->shared_info;
        unsigned w = PORT_WORD(port);
        uint64_t bit = PORT_BIT(port);
        bool was_masked = __atomic_fetch_and(&s->evtchn_mask[w], ~bit, __ATOMIC_SEQ_CST) & bit;

        if (was_masked && (__atomic_load_n(&s->evtchn_pending[w], __ATOMIC_SEQ_CST) & bit) &&
            vcpu_ok(d, c->notify_vcpu))
            upcall(d->vcpus[c->notify_vcpu], w);
    }
    spin_unlock_irqrestore(&d->lock, flags);
    return rc;
}

int evtchn_send_virq(struct vcpu *v, uint32_t virq)
{
    struct domain *d;
    uint64_t flags;
    unsigned port;

    if (!v || !(d = v->dom) || virq >= NR_VIRQS || !vcpu_ok(d, v->id) || d->vcpus[v->id] != v)
        return -EINVAL;
    flags = spin_lock_irqsave(&d->lock);
    if (ed_of(d) && (port = ed_of(d)->virq_port[v->id][virq]) != 0) {
        struct evtchn *c = chan_of(d, port);
        if (c && c->state == EVTCHNSTAT_virq && c->notify_vcpu == v->id)
            evtchn_set_pending(v, port);
    }
    spin_unlock_irqrestore(&d->lock, flags);
    return 0;
}
