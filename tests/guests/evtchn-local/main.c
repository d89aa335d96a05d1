/*
 * evtchn-local - event channels within one domain: bind_ipi, send, the
 * upcall, masking, status, close.
 *
 * A port bound with EVTCHNOP_bind_ipi to our own vCPU 0: sending on it
 * sets its pending bit and the vCPU's upcall_pending while events are
 * masked, and the upcall runs as soon as we unmask.  A port masked in
 * shared_info.evtchn_mask stays pending without an upcall until
 * EVTCHNOP_unmask, which must raise the upcall it held back.  Status
 * reports EVTCHNSTAT_ipi on vCPU 0.  Close works once; afterwards the
 * port is closed and every operation on it is -EINVAL, as are port 0
 * (reserved), 4096 (out of range) and 0xffffffff.
 */
#include "lib.h"

const char test_title[] = "evtchn-local: bind_ipi, send, upcall, mask, close";

static void expect_rc(const char *what, long rc, long want)
{
    if (rc != want)
        xtf_failure("%s: %s, expected %s", what, errstr(rc), errstr(want));
}

void test_main(void)
{
    if (!shared) {
        xtf_error("shared_info is not mapped");
        return;
    }
    long rc = events_init();
    if (rc) {
        xtf_failure("set_callbacks: %s", errstr(rc));
        return;
    }
    struct vcpu_info *vi = vcpu_info0();
    events_disable();

    evtchn_port_t p;
    rc = evtchn_bind_ipi(0, &p);
    if (rc) {
        xtf_failure("EVTCHNOP_bind_ipi(vcpu 0): %s", errstr(rc));
        return;
    }
    printk("IPI port %u\n", p);
    if (p == 0 || p >= PV_NR_EVTCHN) {
        xtf_failure("bind_ipi returned port %u: not in 1..%u", p, PV_NR_EVTCHN - 1);
        return;
    }

    struct evtchn_status st;
    rc = evtchn_status(p, &st);
    if (rc || st.status != EVTCHNSTAT_ipi || st.vcpu != 0)
        xtf_failure("EVTCHNOP_status: %s, status %u vcpu %u, expected EVTCHNSTAT_ipi on vcpu 0",
                    errstr(rc), st.status, st.vcpu);

    /* Masked upcalls: the bits are set, nothing is delivered yet. */
    evtchn_unmask_port(p);
    vi->evtchn_upcall_pending = 0;
    expect_rc("send", evtchn_send(p), 0);
    if (!evtchn_is_pending(p))
        xtf_failure("after send, the port is not pending in shared_info");
    if (!vi->evtchn_upcall_pending)
        xtf_failure("after send, vcpu_info.evtchn_upcall_pending is not set");
    if (!(vi->evtchn_pending_sel & (1ull << (p / 64))))
        xtf_failure("after send, evtchn_pending_sel lacks word %u", p / 64);
    if (evtchn_hits[p] != 0)
        xtf_failure("an upcall arrived with events masked");

    /* Unmask: the upcall runs (on the way back from a hypercall at the latest). */
    events_enable();
    if (evtchn_hits[p] != 1)
        xtf_failure("after unmasking, the upcall ran %u times, expected once", evtchn_hits[p]);
    if (evtchn_is_pending(p))
        xtf_failure("the handler's clear of the pending bit did not stick");

    /* Port masked in evtchn_mask: pending, but no upcall until EVTCHNOP_unmask. */
    evtchn_mask_port(p);
    expect_rc("send on a masked port", evtchn_send(p), 0);
    HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    if (!evtchn_is_pending(p))
        xtf_failure("a send on a masked port did not set its pending bit");
    if (evtchn_hits[p] != 1)
        xtf_failure("a masked port got an upcall");
    rc = evtchn_unmask(p);
    if (rc) {
        xtf_failure("EVTCHNOP_unmask: %s", errstr(rc));
    } else {
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
        if (evtchn_hits[p] != 2)
            xtf_failure("EVTCHNOP_unmask of a pending port did not raise the upcall (%u upcalls)",
                        evtchn_hits[p]);
        if (shared->evtchn_mask[p / 64] & (1ull << (p % 64)))
            xtf_failure("EVTCHNOP_unmask left the mask bit set");
    }

    /* Two ports at once: each gets one upcall. */
    evtchn_port_t q;
    rc = evtchn_bind_ipi(0, &q);
    if (rc || q == p) {
        xtf_failure("a second bind_ipi: %s, port %u (first %u)", errstr(rc), q, p);
    } else {
        evtchn_unmask_port(q);
        events_disable();
        evtchn_send(p);
        evtchn_send(q);
        events_enable();
        if (evtchn_hits[p] != 3 || evtchn_hits[q] != 1)
            xtf_failure("two ports sent together: %u and %u upcalls, expected 1 each",
                        evtchn_hits[p] - 2, evtchn_hits[q]);
        expect_rc("close of the second port", evtchn_close(q), 0);
    }

    expect_rc("close", evtchn_close(p), 0);
    rc = evtchn_status(p, &st);
    if (rc == 0 && st.status != EVTCHNSTAT_closed)
        xtf_failure("status of a closed port: %u, expected EVTCHNSTAT_closed", st.status);
    else if (rc != 0 && rc != -PV_EINVAL)
        xtf_failure("status of a closed port: %s", errstr(rc));
    expect_rc("close twice", evtchn_close(p), -PV_EINVAL);
    expect_rc("send on a closed port", evtchn_send(p), -PV_EINVAL);
    expect_rc("close of port 0", evtchn_close(0), -PV_EINVAL);
    expect_rc("send on port 0", evtchn_send(0), -PV_EINVAL);
    expect_rc("close of port 4096", evtchn_close(PV_NR_EVTCHN), -PV_EINVAL);
    expect_rc("send on port 4096", evtchn_send(PV_NR_EVTCHN), -PV_EINVAL);
    expect_rc("close of port 0xffffffff", evtchn_close(0xffffffffu), -PV_EINVAL);
    expect_rc("send on port 0xffffffff", evtchn_send(0xffffffffu), -PV_EINVAL);
    rc = evtchn_bind_ipi(PV_MAX_VCPUS, NULL);
    if (rc != -PV_EINVAL && rc != -PV_ENOENT)
        xtf_failure("bind_ipi to vcpu %u: %s, expected -EINVAL or -ENOENT", PV_MAX_VCPUS, errstr(rc));

    if (!xtf_has_failed())
        xtf_success();
}
