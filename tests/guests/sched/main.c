/*
 * sched - SCHEDOP_yield, SCHEDOP_poll and SCHEDOP_block's wake-up rule.
 *
 * Yield returns 0 (there may be nobody to yield to).  Poll sleeps until
 * one of its ports is pending or the absolute timeout passes, with events
 * left masked: with nothing pending it must sleep about as long as asked
 * (not return at once, not hang); with a port already pending it must
 * return at once.  Poll's arguments are checked: nr_ports 0 or above 128,
 * an unbound port and an unreadable array are refused.  Block with an
 * event already pending must return at once - the rule that keeps a
 * wake-up racing with the block from being lost (sched.h).  An unknown
 * command is -ENOSYS.
 *
 * Poll's return value on a timeout is not written down: 0 or -ETIMEDOUT
 * are accepted.
 */
#include "lib.h"

const char test_title[] = "sched: yield, poll with timeout, block with a pending event";

static long poll(evtchn_port_t *ports, uint32_t n, uint64_t timeout)
{
    struct sched_poll sp = { .ports = (uint64_t)ports, .nr_ports = n, .timeout = timeout };
    return HYPERVISOR_sched_op(SCHEDOP_poll, &sp);
}

static void expect_rc(const char *what, long rc, long want)
{
    if (rc != want)
        xtf_failure("%s: %s, expected %s", what, errstr(rc), errstr(want));
}

void test_main(void)
{
    for (int i = 0; i < 100; i++) {
        long rc = HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
        if (rc) {
            xtf_failure("yield #%d: %s", i, errstr(rc));
            break;
        }
    }
    expect_rc("sched_op 99", HYPERVISOR_sched_op(99, NULL), -PV_ENOSYS);

    if (!shared) {
        xtf_error("shared_info is not mapped: no clock");
        return;
    }
    long rc = events_init();
    if (rc) {
        xtf_failure("set_callbacks: %s", errstr(rc));
        return;
    }
    events_disable();
    evtchn_port_t p[2];
    if ((rc = evtchn_bind_ipi(0, &p[0])) || (rc = evtchn_bind_ipi(0, &p[1]))) {
        xtf_failure("bind_ipi: %s", errstr(rc));
        return;
    }
    evtchn_unmask_port(p[0]);
    evtchn_unmask_port(p[1]);

    /* Nothing pending: sleeps until the timeout. */
    uint64_t t0 = now_ns();
    rc = poll(p, 2, t0 + 30 * MS);
    uint64_t t1 = now_ns();
    if (rc != 0 && rc != -PV_ETIMEDOUT)
        xtf_failure("poll with a 30 ms timeout: %s", errstr(rc));
    else if (t1 < t0 + 29 * MS)
        xtf_failure("poll with a 30 ms timeout returned after %lu us", (t1 - t0) / 1000);
    else if (t1 > t0 + 2000 * MS)
        xtf_failure("poll with a 30 ms timeout returned after %lu ms", (t1 - t0) / MS);
    else
        printk("poll timed out after %lu us\n", (t1 - t0) / 1000);

    /* A port pending: returns at once, events still masked. */
    evtchn_send(p[1]);
    t0 = now_ns();
    rc = poll(p, 2, t0 + 3000 * MS);
    t1 = now_ns();
    if (rc != 0)
        xtf_failure("poll with a pending port: %s", errstr(rc));
    else if (t1 - t0 > 1000 * MS)
        xtf_failure("poll with a pending port slept %lu ms", (t1 - t0) / MS);
    if (vcpu_info0()->evtchn_upcall_mask != 1)
        xtf_failure("poll unmasked events");
    if (evtchn_hits[p[1]] != 0)
        xtf_failure("an upcall arrived during poll with events masked");

    expect_rc("poll of 0 ports", poll(p, 0, now_ns() + MS), -PV_EINVAL);
    expect_rc("poll of 129 ports", poll(p, 129, now_ns() + MS), -PV_EINVAL);
    expect_rc("poll with the ports in the hypervisor", poll((void *)0xffff808000000000ull, 1, now_ns() + MS),
              -PV_EFAULT);
    evtchn_port_t bad = PV_NR_EVTCHN + 5;
    expect_rc("poll of port 4101", poll(&bad, 1, now_ns() + MS), -PV_EINVAL);
    expect_rc("poll with the struct in the hypervisor",
              HYPERVISOR_sched_op(SCHEDOP_poll, (void *)0xffff830000000000ull), -PV_EFAULT);

    /* Block with an event already pending: must not sleep. */
    uint32_t before = evtchn_hits[p[1]];
    if (!vcpu_info0()->evtchn_upcall_pending)
        xtf_error("upcall_pending is not set with port %u pending", p[1]);
    t0 = now_ns();
    rc = HYPERVISOR_sched_op(SCHEDOP_block, NULL);
    t1 = now_ns();
    if (rc != 0)
        xtf_failure("block: %s", errstr(rc));
    if (evtchn_hits[p[1]] != before + 1)
        xtf_failure("block returned but the pending event's upcall did not run");
    if (t1 - t0 > 1000 * MS)
        xtf_failure("block with an event pending slept %lu ms", (t1 - t0) / MS);

    /* Block woken by an event sent while asleep: a timer does it. */
    evtchn_port_t tp;
    if (evtchn_bind_virq(VIRQ_TIMER, 0, &tp) == 0) {
        evtchn_unmask_port(tp);
        uint32_t h = evtchn_hits[tp];
        HYPERVISOR_set_timer_op(now_ns() + 5 * MS);
        uint64_t give_up = now_ns() + 5000 * MS;
        events_disable();           /* check, then block: block unmasks (no lost wake-up) */
        while (evtchn_hits[tp] == h && now_ns() < give_up) {
            HYPERVISOR_sched_op(SCHEDOP_block, NULL);
            events_disable();
        }
        events_enable();
        if (evtchn_hits[tp] == h)
            xtf_failure("block was not woken by a timer event");
    }

    if (!xtf_has_failed())
        xtf_success();
}
