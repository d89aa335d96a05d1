/*
 * event_channel.c - HYPERVISOR_event_channel_op: decode, check, act.
 *
 * Each sub-op copies its struct in from the guest once, checks every field
 * on that copy, calls the evtchn_* operation (hyp/core/evtchn.c, which
 * re-checks what concerns ports, vCPUs and domains) and copies only the
 * OUT fields back.  If that last copy faults, a port just created is
 * closed again, so the guest never owns a port it was not told about.
 */
#include <stddef.h>
#include "evtchn.h"
#include "domain.h"
#include "guest_access.h"
#include "errno.h"

_Static_assert(PV_EINVAL == EINVAL && PV_EFAULT == EFAULT && PV_ENOSYS == ENOSYS &&
               PV_ESRCH == ESRCH && PV_EPERM == EPERM && PV_ENOSPC == ENOSPC &&
               PV_EEXIST == EEXIST && PV_ENOMEM == ENOMEM, "PV_E* and E* must agree");
_Static_assert(sizeof(struct evtchn_close) == sizeof(evtchn_port_t) &&
               sizeof(struct evtchn_send) == sizeof(evtchn_port_t) &&
               sizeof(struct evtchn_unmask) == sizeof(evtchn_port_t), "one-port op structs");

/*
 * The domain a struct's dom field names: the caller's own (DOMID_SELF or
 * its id), or for a privileged caller any existing domain.  NULL with *err
 * set to -EPERM or -ESRCH.
 */
static struct domain *target_domain(struct vcpu *v, domid_t dom, long *err)
{
    struct domain *d;

    if (dom == DOMID_SELF || dom == v->dom->id)
        return v->dom;
    if (!v->dom->privileged) {
        *err = -EPERM;
        return NULL;
    }
    d = domain_by_id(dom);
    if (!d)
        *err = -ESRCH;
    return d;
}

/* Is vcpu an existing vCPU of d? */
static bool vcpu_exists(const struct domain *d, uint32_t vcpu)
{
    return vcpu < d->max_vcpus && vcpu < PV_MAX_VCPUS && d->vcpus[vcpu] != NULL;
}

/*
 * Copy a new port out to the guest's field at arg + off.  On a fault close
 * the port in d again and return -EFAULT; otherwise 0.
 */
static long put_port(struct domain *d, uint64_t arg, size_t off, evtchn_port_t port)
{
    if (copy_to_guest(arg + off, &port, sizeof(port))) {
        evtchn_close(d, port);
        return -EFAULT;
    }
    return 0;
}

static long op_alloc_unbound(struct vcpu *v, uint64_t arg)
{
    struct evtchn_alloc_unbound a;
    struct domain *d;
    domid_t remote;
    long rc = 0;
    int port;

    if (copy_from_guest(&a, arg, sizeof(a)))
        return -EFAULT;
    if (!(d = target_domain(v, a.dom, &rc)))
        return rc;
    /* DOMID_SELF in remote_dom means the caller, as in Xen (dom0 preparing a port for itself). */
    remote = a.remote_dom == DOMID_SELF ? v->dom->id : a.remote_dom;
    if (remote >= DOMID_FIRST_RESERVED)
        return -EINVAL;
    port = evtchn_alloc_unbound(d, remote);
    if (port < 0)
        return port;
    return put_port(d, arg, offsetof(struct evtchn_alloc_unbound, port), (evtchn_port_t)port);
}

static long op_bind_interdomain(struct vcpu *v, uint64_t arg)
{
    struct evtchn_bind_interdomain b;
    int port;

    if (copy_from_guest(&b, arg, sizeof(b)))
        return -EFAULT;
    if (b.remote_dom != DOMID_SELF && b.remote_dom >= DOMID_FIRST_RESERVED)
        return -ESRCH;
    if (!evtchn_port_valid(b.remote_port))
        return -EINVAL;
    port = evtchn_bind_interdomain(v->dom, b.remote_dom, b.remote_port);
    if (port < 0)
        return port;
    return put_port(v->dom, arg, offsetof(struct evtchn_bind_interdomain, local_port),
                    (evtchn_port_t)port);
}

static long op_bind_virq(struct vcpu *v, uint64_t arg)
{
    struct evtchn_bind_virq b;
    int port;

    if (copy_from_guest(&b, arg, sizeof(b)))
        return -EFAULT;
    if (b.virq >= NR_VIRQS || !vcpu_exists(v->dom, b.vcpu))
        return -EINVAL;
    port = evtchn_bind_virq(v->dom, b.virq, b.vcpu);
    if (port < 0)
        return port;
    return put_port(v->dom, arg, offsetof(struct evtchn_bind_virq, port), (evtchn_port_t)port);
}

static long op_bind_ipi(struct vcpu *v, uint64_t arg)
{
    struct evtchn_bind_ipi b;
    int port;

    if (copy_from_guest(&b, arg, sizeof(b)))
        return -EFAULT;
    if (!vcpu_exists(v->dom, b.vcpu))
        return -EINVAL;
    port = evtchn_bind_ipi(v->dom, b.vcpu);
    if (port < 0)
        return port;
    return put_port(v->dom, arg, offsetof(struct evtchn_bind_ipi, port), (evtchn_port_t)port);
}

static long op_status(struct vcpu *v, uint64_t arg)
{
    struct evtchn_status st;
    struct domain *d;
    long rc = 0;
    const size_t out = offsetof(struct evtchn_status, status);

    if (copy_from_guest(&st, arg, sizeof(st)))
        return -EFAULT;
    if (!(d = target_domain(v, st.dom, &rc)))
        return rc;
    if (!evtchn_port_valid(st.port))
        return -EINVAL;
    rc = evtchn_status(d, st.port, &st);
    if (rc)
        return rc;
    if (copy_to_guest(arg + out, (const char *)&st + out, sizeof(st) - out))
        return -EFAULT;
    return 0;
}

long do_event_channel_op(struct vcpu *v, unsigned cmd, uint64_t arg)
{
    evtchn_port_t port;

    if (!v || !v->dom)
        return -EINVAL;

    switch (cmd) {
    case EVTCHNOP_alloc_unbound:
        return op_alloc_unbound(v, arg);
    case EVTCHNOP_bind_interdomain:
        return op_bind_interdomain(v, arg);
    case EVTCHNOP_bind_virq:
        return op_bind_virq(v, arg);
    case EVTCHNOP_bind_ipi:
        return op_bind_ipi(v, arg);
    case EVTCHNOP_status:
        return op_status(v, arg);

    /* The three one-port ops: struct evtchn_close/send/unmask are all { port }. */
    case EVTCHNOP_close:
    case EVTCHNOP_send:
    case EVTCHNOP_unmask:
        if (copy_from_guest(&port, arg, sizeof(port)))
            return -EFAULT;
        if (!evtchn_port_valid(port))
            return -EINVAL;
        if (cmd == EVTCHNOP_close)
            return evtchn_close(v->dom, port);
        if (cmd == EVTCHNOP_send)
            return evtchn_send(v->dom, port);
        return evtchn_unmask(v->dom, port);

    default:
        return -ENOSYS;
    }
}
