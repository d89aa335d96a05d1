/*
 * event_channel.h - event channels: the only interrupts a PV guest sees.
 *
 * A port is a small number local to a domain.  Sending on a port sets its
 * bit in the receiving domain's shared_info.evtchn_pending and raises an
 * upcall on the vCPU the port is bound to (see struct vcpu_info).
 *
 * HYPERVISOR_event_channel_op(unsigned cmd, void *arg)
 *   cmd is one of EVTCHNOP_*; arg points to the matching struct.
 *   Errors: -EINVAL bad port or field, -ESRCH no such domain,
 *   -ENOSPC no free port, -EEXIST a VIRQ already bound on that vCPU,
 *   -EPERM not allowed, -EFAULT unreadable arg.
 */
#ifndef PARAVANE_EVENT_CHANNEL_H
#define PARAVANE_EVENT_CHANNEL_H

#include "paravane.h"

typedef uint32_t evtchn_port_t;

#define EVTCHNOP_bind_interdomain  0
#define EVTCHNOP_bind_virq         1
#define EVTCHNOP_close             3
#define EVTCHNOP_send              4
#define EVTCHNOP_status            5
#define EVTCHNOP_alloc_unbound     6
#define EVTCHNOP_bind_ipi          7
#define EVTCHNOP_unmask            9

/* Virtual IRQs, bound per vCPU. */
#define VIRQ_TIMER     0   /* set_timer_op expired */
#define VIRQ_DEBUG     1   /* the hypervisor asks for a debug dump */
#define VIRQ_CONSOLE   2   /* dom0: input on the hypervisor console */
#define NR_VIRQS       8

/* Allocate a port that domain remote_dom may bind to. */
struct evtchn_alloc_unbound {
    domid_t dom, remote_dom;      /* IN: dom must be DOMID_SELF (or any, for dom0) */
    uint32_t pad;
    evtchn_port_t port;           /* OUT */
};

/* Connect a new local port to remote_dom's unbound port remote_port. */
struct evtchn_bind_interdomain {
    domid_t remote_dom;           /* IN */
    uint16_t pad;
    evtchn_port_t remote_port;    /* IN */
    evtchn_port_t local_port;     /* OUT */
};

struct evtchn_bind_virq {
    uint32_t virq;                /* IN: VIRQ_* */
    uint32_t vcpu;                /* IN */
    evtchn_port_t port;           /* OUT */
};

/* A port for signalling this domain's own vcpu (inter-processor events). */
struct evtchn_bind_ipi {
    uint32_t vcpu;                /* IN: the vCPU to notify */
    evtchn_port_t port;           /* OUT */
};

struct evtchn_close  { evtchn_port_t port; };   /* IN */
struct evtchn_send   { evtchn_port_t port; };   /* IN */
struct evtchn_unmask { evtchn_port_t port; };   /* IN */

#define EVTCHNSTAT_closed       0   /* not in use */
#define EVTCHNSTAT_unbound      1   /* waiting for a remote domain to bind */
#define EVTCHNSTAT_interdomain  2
#define EVTCHNSTAT_virq         4
#define EVTCHNSTAT_ipi          5

struct evtchn_status {
    domid_t dom;                  /* IN: DOMID_SELF */
    uint16_t pad;
    evtchn_port_t port;           /* IN */
    uint32_t status;              /* OUT: EVTCHNSTAT_* */
    uint32_t vcpu;                /* OUT: vCPU notified */
    union {
        struct { domid_t dom; } unbound;                               /* remote allowed */
        struct { domid_t dom; uint16_t pad; evtchn_port_t port; } interdomain;
        uint32_t virq;
    } u;                          /* OUT */
};

#endif
