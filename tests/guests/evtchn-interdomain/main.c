/*
 * evtchn-interdomain - an event channel between two domains.
 *
 * Booted as dom0 with a second copy of itself as domain 1.  Domain 1
 * first checks its console ring and console port (port 1, unbound for
 * dom0), then allocates an unbound port that only dom0 may bind (port 2),
 * then echoes every event it gets, through an upcall (events enabled,
 * blocking in SCHEDOP_block), and after the third one closes its port.
 * dom0 checks:
 *   - binding before domain 1 allocated fails, and binding another domain
 *     than the one allowed is refused (-EINVAL from the allow check is
 *     not testable with two domains; we check a wrong port instead);
 *   - status shows the channel interdomain with domain 1, port 1;
 *   - three round trips arrive as upcalls on dom0 (evtchn_hits);
 *   - after domain 1 closes its end, dom0's port reads back unbound and
 *     sending on it is accepted and goes nowhere.
 */
#include "lib.h"

const char test_title[] = "evtchn-interdomain: events between two domains";

static volatile uint32_t echoed;

static void echo_hook(evtchn_port_t port)
{
    evtchn_send(port);
    echoed++;
}

/* A domU gets a console ring page it can map and a port left unbound for dom0. */
static bool console_ok(void)
{
    struct evtchn_status st;
    if (!start_info->console_mfn || !start_info->console_evtchn) {
        xtf_failure("domain 1: no console ring (mfn %#lx, port %u)", start_info->console_mfn,
                    start_info->console_evtchn);
        return false;
    }
    long rc = scratch_map(1, start_info->console_mfn, PTE_RW);
    if (rc) {
        xtf_failure("domain 1: cannot map its console ring writable: %s", errstr(rc));
        return false;
    }
    struct console_ring *ring = scratch_va(1);
    ring->out_prod = 0;
    scratch_restore(1);
    rc = evtchn_status(start_info->console_evtchn, &st);
    if (rc || st.status != EVTCHNSTAT_unbound || st.u.unbound.dom != 0) {
        xtf_failure("domain 1: console port %u: rc %ld status %u, expected unbound for dom0",
                    start_info->console_evtchn, rc, st.status);
        return false;
    }
    return true;
}

static void domain1(void)
{
    if (!console_ok())
        return;
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = 0 };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a);
    if (rc || a.port != 2) {
        xtf_error("domain 1: alloc_unbound: %s, port %u", errstr(rc), a.port);
        return;
    }
    if (events_init()) {
        xtf_error("domain 1: events_init failed");
        return;
    }
    evtchn_hook = echo_hook;
    /*
     * Check and block with events masked: SCHEDOP_block unmasks them as
     * it blocks.  Checking with events on loses a wake-up when the upcall
     * comes between the check and the block (this test's old flake).
     */
    events_disable();
    while (echoed < 3) {
        HYPERVISOR_sched_op(SCHEDOP_block, NULL);     /* the upcall echoes on the way out */
        events_disable();
    }
    events_enable();
    evtchn_hook = NULL;
    evtchn_close(a.port);
    printk("domain 1: echoed %u events, closed port %u\n", echoed, a.port);
    for (;;)
        HYPERVISOR_sched_op(SCHEDOP_block, NULL);     /* until dom0 ends us */
}

void test_main(void)
{
    if (start_info->domid != 0) {
        domain1();
        return;
    }
    if (events_init()) {
        xtf_error("events_init failed");
        return;
    }

    struct evtchn_bind_interdomain wrong = { .remote_dom = 1, .remote_port = 3 };
    struct evtchn_bind_interdomain b = { .remote_dom = 1, .remote_port = 2 };
    long rc;
    uint64_t give_up = now_ns() + 2000 * MS;
    while ((rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &b)) != 0 && now_ns() < give_up)
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    if (rc) {
        xtf_failure("bind_interdomain to domain 1 port 2: %s (is domain 1 running?)", errstr(rc));
        return;
    }
    rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &wrong);
    if (rc == 0)
        xtf_failure("binding domain 1's port 3 (never allocated) was ACCEPTED");
    rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &b);
    if (rc == 0)
        xtf_failure("binding domain 1's port 2 a second time was ACCEPTED");

    evtchn_port_t port = b.local_port;
    struct evtchn_status st;
    rc = evtchn_status(port, &st);
    if (rc || st.status != EVTCHNSTAT_interdomain || st.u.interdomain.dom != 1 ||
        st.u.interdomain.port != 2)
        xtf_failure("status of port %u: rc %ld status %u dom %u port %u, expected interdomain 1:2",
                    port, rc, st.status, st.u.interdomain.dom, st.u.interdomain.port);

    evtchn_clear_pending(port);             /* binding raises the port once */
    events_enable();
    for (int i = 0; i < 3; i++) {
        uint32_t before = evtchn_hits[port];
        rc = evtchn_send(port);
        if (rc)
            xtf_failure("send %d: %s", i, errstr(rc));
        if (!wait_for_change(&evtchn_hits[port], before, 2000 * MS)) {
            xtf_failure("round trip %d: no event back from domain 1 within 2 s", i);
            return;
        }
    }

    /* Domain 1 closes its end after the third: ours becomes unbound. */
    uint64_t until = now_ns() + 2000 * MS;
    do {
        rc = evtchn_status(port, &st);
        if (!rc && st.status == EVTCHNSTAT_unbound)
            break;
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    } while (now_ns() < until);
    if (rc || st.status != EVTCHNSTAT_unbound)
        xtf_failure("after domain 1 closed its end, our port reads status %u (rc %ld), expected unbound",
                    st.status, rc);
    rc = evtchn_send(port);
    if (rc)
        xtf_failure("send on a port whose peer closed: %s, expected 0 (goes nowhere)", errstr(rc));

    if (!xtf_has_failed())
        xtf_success();
}
