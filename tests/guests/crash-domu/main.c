/*
 * crash-domu - a misbehaving domain is crashed alone; the others carry on.
 *
 * Booted as dom0 with two more copies of itself as domains 1 and 2.  Each
 * domU leaves an unbound port for dom0 (after its console's: port 2),
 * waits until dom0 has bound it, then misbehaves:
 *   domain 1 clears its trap table and executes ud2: an exception with no
 *            handler;
 *   domain 2 keeps its handlers but points its stack at an unmapped page
 *            and executes ud2: the hypervisor cannot push the exception
 *            frame (what a double fault would be on hardware).
 * The hypervisor must crash each one (logged, frames returned) and leave
 * dom0 running: dom0 sees each channel's far end go away (the port turns
 * unbound) and still makes hypercalls afterwards.  The system test also
 * checks the "crashed" lines and the health check at the end.
 */
#include "lib.h"

const char test_title[] = "crash-domu: misbehaving domains are crashed alone";

static void misbehave(void)
{
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = 0 };
    if (HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a) || a.port != 2) {
        xtf_error("domain %u: alloc_unbound", start_info->domid);
        return;
    }
    struct evtchn_status st;
    do {                                /* wait for dom0 to bind */
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
        evtchn_status(a.port, &st);
    } while (st.status != EVTCHNSTAT_interdomain);
    udelay_ns(20 * MS);
    if (start_info->domid == 1) {
        HYPERVISOR_set_trap_table(NULL);
        __asm__ volatile("ud2");
    } else {
        __asm__ volatile("movabs $0x00007f0000000000, %%rsp\n\tud2" ::: "memory");
    }
    for (;;)
        ;
}

void test_main(void)
{
    if (start_info->domid != 0) {
        misbehave();
        return;
    }
    evtchn_port_t port[3];
    for (domid_t d = 1; d <= 2; d++) {
        struct evtchn_bind_interdomain b = { .remote_dom = d, .remote_port = 2 };
        long rc;
        uint64_t give_up = now_ns() + 3000 * MS;
        while ((rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &b)) != 0 &&
               now_ns() < give_up)
            HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
        if (rc) {
            xtf_error("cannot bind to domain %u: %s", d, errstr(rc));
            return;
        }
        port[d] = b.local_port;
    }
    for (domid_t d = 1; d <= 2; d++) {
        struct evtchn_status st;
        uint64_t until = now_ns() + 3000 * MS;
        do {
            HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
            evtchn_status(port[d], &st);
        } while (st.status == EVTCHNSTAT_interdomain && now_ns() < until);
        if (st.status != EVTCHNSTAT_unbound)
            xtf_failure("domain %u's end of the channel is still there 3 s after it misbehaved", d);
        else
            printk("domain %u is gone; dom0 carries on\n", d);
    }
    if (HYPERVISOR_version(VERSION_interface, NULL) != PARAVANE_INTERFACE_VERSION)
        xtf_failure("the hypervisor stopped answering dom0");
    if (!xtf_has_failed())
        xtf_success();
}
