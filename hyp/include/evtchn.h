/*
 * evtchn.h - event channels: each domain's port table and the operations
 * on it (hyp/core/evtchn.c), plus the hypercall that exposes them
 * (hypercalls/event_channel.c).
 *
 * A port is a number 1..PV_NR_EVTCHN-1 local to one domain.  Port 0 is
 * reserved and never handed out (as in Xen): a guest can use 0 as "no
 * port", and every operation rejects it with -EINVAL.  Raising a port sets
 * its bit in the domain's shared_info.evtchn_pending and, unless masked,
 * makes an upcall pending on the port's notify vCPU (evtchn_set_pending).
 *
 * The table is allocated by evtchn_init: one page-sized area holding ports
 * 0..63, the bucket directory and the per-vCPU VIRQ map; further ports come
 * in buckets of 64 (one pending word each), allocated when first needed and
 * freed by evtchn_destroy.  d->evtchn points at that area and is private
 * to evtchn.c: do not index it.  d->nr_evtchn is the number of open ports
 * (state other than closed), kept under d->lock.
 *
 * Locking: d->lock protects the table.  It is always taken with
 * spin_lock_irqsave, because evtchn_send_virq may run in interrupt context
 * (the timer); see evtchn_send_virq for what that asks of other holders of
 * d->lock.  Operations on two domains (interdomain bind, send, close,
 * destroy) lock the lower domain id first.  vcpu_kick() is called with the
 * receiving domain's lock held and interrupts off, so it must not take any
 * domain's lock (scheduler locks are fine: they come after d->lock).
 *
 * Errors are negative errno values (errno.h), the same numbers as PV_E*.
 */
#ifndef HYP_EVTCHN_H
#define HYP_EVTCHN_H

#include <stdint.h>
#include <stdbool.h>
#include <paravane/event_channel.h>
#include <paravane/shared_info.h>
#include "domain.h"

#define EVTCHNS_PER_BUCKET  64                              /* one pending/mask word */
#define EVTCHN_NR_BUCKETS   (PV_NR_EVTCHN / EVTCHNS_PER_BUCKET)

/* One port. */
struct evtchn {
    uint8_t state;              /* EVTCHNSTAT_* */
    uint8_t notify_vcpu;        /* vCPU whose upcall a raise makes pending (< PV_MAX_VCPUS) */
    uint16_t pad;
    union {
        struct {
            domid_t remote_domid;           /* the domain allowed to bind to it */
        } unbound;
        struct {
            struct domain *dom;             /* the peer (may be this domain) */
            evtchn_port_t port;             /* the peer's port */
        } interdomain;
        uint32_t virq;                      /* VIRQ_*, bound on notify_vcpu */
    } u;
};                              /* 24 bytes */

/* Is port a number that may name a channel? (1..PV_NR_EVTCHN-1; 0 is reserved) */
static inline bool evtchn_port_valid(evtchn_port_t port)
{
    return port != 0 && port < PV_NR_EVTCHN;
}

/*
 * Set up d's table: all ports closed, no VIRQ bound.  0, -EINVAL if d
 * already has one, -ENOMEM.  Call once at domain creation, before any
 * other evtchn_* call on d.
 */
int evtchn_init(struct domain *d);

/*
 * Close every port of d and free its table.  Interdomain peers see their
 * port turn unbound (allowing d's id, as after evtchn_close).  From the
 * start of the call, new ports on d fail with -ESRCH.  The hypervisor must
 * call it with d's vCPUs stopped and their timers off, while
 * domain_by_id(d->id) still finds d, and before freeing d.  Safe on a
 * domain without a table.
 */
void evtchn_destroy(struct domain *d);

/*
 * A new port in state unbound that domain remote_domid (DOMID_SELF: d
 * itself) may bind to with evtchn_bind_interdomain; remote_domid need not
 * exist yet.  Returns the port, or -EINVAL (reserved remote id), -ESRCH (d
 * has no table or is dying), -ENOSPC, -ENOMEM.
 */
int evtchn_alloc_unbound(struct domain *d, domid_t remote_domid);

/*
 * Connect a new port of d to remote_domid's (DOMID_SELF: d's own) unbound
 * port remote_port, which must allow d.  Both become interdomain, each
 * naming the other.  As in Xen, the new local port is then raised once,
 * since a send on the remote end while it was unbound was dropped.
 * Returns the local port, or -ESRCH (no such domain, or either side
 * dying), -EINVAL (remote_port invalid or not unbound), -EPERM (it does not
 * allow d), -ENOSPC, -ENOMEM.  On error nothing has changed.
 */
int evtchn_bind_interdomain(struct domain *d, domid_t remote_domid, evtchn_port_t remote_port);

/*
 * A new port raised by evtchn_send_virq(d->vcpus[vcpu], virq).  Returns
 * the port, -EINVAL (virq >= NR_VIRQS, no such vCPU), -EEXIST (virq already
 * bound on that vCPU), -ESRCH, -ENOSPC, -ENOMEM.
 */
int evtchn_bind_virq(struct domain *d, uint32_t virq, uint32_t vcpu);

/* A new port that d sends to itself, notifying vCPU vcpu.  Port, or -EINVAL, -ESRCH, -ENOSPC, -ENOMEM. */
int evtchn_bind_ipi(struct domain *d, uint32_t vcpu);

/*
 * Close port: it becomes free and its pending bit is cleared (its mask
 * bit is the guest's and is left alone).  An interdomain peer's port turns
 * unbound, allowing d.  0, or -EINVAL (invalid or already closed), -ESRCH.
 */
int evtchn_close(struct domain *d, evtchn_port_t port);

/*
 * Send on port: interdomain raises the peer's port, ipi raises this one,
 * unbound does nothing (the send is dropped, as in Xen).  0, or -EINVAL
 * (invalid, closed, or a VIRQ port, which only the hypervisor raises),
 * -ESRCH.
 */
int evtchn_send(struct domain *d, evtchn_port_t port);

/*
 * Fill out->status, out->vcpu and out->u for port (out->dom and out->port
 * are left as they are).  A closed port reports EVTCHNSTAT_closed.
 * 0, or -EINVAL (port 0 or >= PV_NR_EVTCHN), -ESRCH.
 */
int evtchn_status(struct domain *d, evtchn_port_t port, struct evtchn_status *out);

/*
 * Clear port's mask bit; if it was masked and is pending, make the upcall
 * pending on its notify vCPU and kick it.  0, or -EINVAL (invalid or
 * closed), -ESRCH.
 */
int evtchn_unmask(struct domain *d, evtchn_port_t port);

/*
 * For the hypervisor (timer, console, debug): raise the port bound to
 * virq on vCPU v, if any; nothing happens if none is bound.  0, or
 * -EINVAL (virq >= NR_VIRQS, bad v).  Takes v->dom->lock with interrupts
 * disabled, so it may be called from an interrupt handler only if no code
 * ever holds a domain's lock with interrupts enabled; otherwise call it
 * from a deferred (non-interrupt) context.
 */
int evtchn_send_virq(struct vcpu *v, uint32_t virq);

/*
 * Raise port on v's domain, notifying v, with the shared_info protocol:
 *   1. atomically set the port's bit in evtchn_pending; if it was already
 *      set, stop (the guest has not handled the last one yet);
 *   2. wake any vCPU of the domain polling this port (sched_op poll:
 *      poll_nr > 0 and the port in poll_ports[]), masked or not;
 *   3. if the port's evtchn_mask bit is set, stop;
 *   4. set the port's word bit in v->info->evtchn_pending_sel, then set
 *      v->info->evtchn_upcall_pending, then vcpu_kick(v).
 * Shared words are updated with __atomic operations (the guest writes them
 * concurrently).  The caller holds v->dom->lock; the poll side must
 * publish poll_ports then poll_nr, then re-check the pending bits before
 * blocking, so that either it sees the bit or this sees it polling.
 */
void evtchn_set_pending(struct vcpu *v, evtchn_port_t port);

/* --- hypercall layer (hypercalls/event_channel.c) --- */

/*
 * HYPERVISOR_event_channel_op(cmd, arg) for vCPU v: copy the EVTCHNOP_*
 * struct at guest address arg in once, check it, act, and copy the OUT
 * fields back.  A struct's dom must be DOMID_SELF or the caller's id
 * unless the caller is privileged.  If the OUT copy fails, a port just
 * made is closed again and the result is -EFAULT.  0, or a negative
 * PV_E*; unknown cmd: -ENOSYS.
 */
long do_event_channel_op(struct vcpu *v, unsigned cmd, uint64_t arg);

#endif
