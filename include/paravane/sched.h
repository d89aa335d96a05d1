/*
 * sched.h - HYPERVISOR_sched_op(unsigned cmd, void *arg): giving up the
 * CPU, waiting for events, ending the domain.
 *
 *   SCHEDOP_yield     arg unused: let another vCPU run if one is waiting.
 *   SCHEDOP_block     arg unused: sleep until an event is pending for this
 *                     vCPU.  Unmasks events (evtchn_upcall_mask = 0) and
 *                     re-checks for pending events after going to sleep,
 *                     so a wake-up that raced with the call is not lost.
 *   SCHEDOP_shutdown  struct sched_shutdown: stop the whole domain.
 *   SCHEDOP_poll      struct sched_poll: sleep until one of the ports is
 *                     pending or the timeout passes (events stay masked).
 */
#ifndef PARAVANE_SCHED_H
#define PARAVANE_SCHED_H

#include "paravane.h"
#include "event_channel.h"

#define SCHEDOP_yield     0
#define SCHEDOP_block     1
#define SCHEDOP_shutdown  2
#define SCHEDOP_poll      3

#define SHUTDOWN_poweroff 0   /* the domain is done */
#define SHUTDOWN_reboot   1   /* the domain asks to be restarted */
#define SHUTDOWN_crash    3   /* the domain declares itself broken */

struct sched_shutdown {
    uint32_t reason;          /* IN: SHUTDOWN_* */
};

struct sched_poll {
    uint64_t ports;           /* IN: guest address of evtchn_port_t[nr_ports] */
    uint32_t nr_ports;        /* IN: 1..128 */
    uint32_t pad;
    uint64_t timeout;         /* IN: absolute system time (ns), 0 = none */
};

/*
 * HYPERVISOR_set_timer_op(uint64_t deadline)
 *   One-shot timer for the calling vCPU: at system time `deadline` (ns,
 *   see shared_info.h) VIRQ_TIMER is sent to it.  0 cancels.  A deadline
 *   in the past fires at once.  Setting a new deadline replaces the old.
 */

#endif
