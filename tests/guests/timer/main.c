/*
 * timer - set_timer_op, VIRQ_TIMER and the event upcall, end to end.
 *
 * A PV kernel has no timer interrupt: it asks for a one-shot event at an
 * absolute system time (set_timer_op), binds VIRQ_TIMER to a port, and
 * sleeps with SCHEDOP_block until the upcall.  Checked here: the event
 * arrives, not early (more than 1 ms before the deadline, by the guest's
 * own clock from vcpu_time_info) and not absurdly late (1 s: TCG is slow
 * but not that slow); a deadline in the past fires at once; 0 cancels; a
 * new deadline replaces the old one, so only one event comes.
 */
#include "lib.h"

const char test_title[] = "timer: set_timer_op + VIRQ_TIMER + block";

#define EARLY_SLACK  (1 * MS)
#define LATE_LIMIT   (1000 * MS)

static evtchn_port_t timer_port;
static volatile uint64_t fired_at;

static void hook(evtchn_port_t port)
{
    if (port == timer_port)
        fired_at = now_ns();
}

/* Block until the timer port has fired once more; false after 5 s of system time. */
static bool wait_timer(uint32_t old)
{
    uint64_t give_up = now_ns() + 5000 * MS;
    bool fired;
    events_disable();               /* check, then block: block unmasks (no lost wake-up) */
    while (!(fired = evtchn_hits[timer_port] != old) && now_ns() <= give_up) {
        HYPERVISOR_sched_op(SCHEDOP_block, NULL);
        events_disable();
    }
    events_enable();
    return fired;
}

static void one_shot(const char *what, uint64_t delay)
{
    uint32_t old = evtchn_hits[timer_port];
    uint64_t deadline = now_ns() + delay;
    long rc = HYPERVISOR_set_timer_op(deadline);
    if (rc) {
        xtf_failure("%s: set_timer_op: %s", what, errstr(rc));
        return;
    }
    if (!wait_timer(old)) {
        xtf_failure("%s: no timer event 5 s after the deadline", what);
        return;
    }
    if (fired_at + EARLY_SLACK < deadline)
        xtf_failure("%s: fired %lu ns before the deadline", what, deadline - fired_at);
    else if (fired_at > deadline + LATE_LIMIT)
        xtf_failure("%s: fired %lu ms after the deadline", what, (fired_at - deadline) / MS);
    else
        printk("%s: fired %ld us after the deadline\n", what, ((int64_t)fired_at - (int64_t)deadline) / 1000);
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
    rc = evtchn_bind_virq(VIRQ_TIMER, 0, &timer_port);
    if (rc) {
        xtf_failure("EVTCHNOP_bind_virq(VIRQ_TIMER, vcpu 0): %s", errstr(rc));
        return;
    }
    printk("VIRQ_TIMER on port %u\n", timer_port);
    evtchn_unmask_port(timer_port);
    evtchn_hook = hook;

    one_shot("10 ms", 10 * MS);
    for (int i = 0; i < 5; i++)
        one_shot("2 ms", 2 * MS);
    one_shot("50 ms", 50 * MS);

    /* A deadline in the past fires at once. */
    uint32_t old = evtchn_hits[timer_port];
    uint64_t t0 = now_ns();
    rc = HYPERVISOR_set_timer_op(t0 > MS ? t0 - MS : 1);
    if (rc)
        xtf_failure("set_timer_op in the past: %s", errstr(rc));
    else if (!wait_timer(old))
        xtf_failure("a deadline in the past never fired");
    else if (fired_at - t0 > 200 * MS)
        xtf_failure("a deadline in the past fired only after %lu ms", (fired_at - t0) / MS);

    /* 0 cancels. */
    old = evtchn_hits[timer_port];
    rc = HYPERVISOR_set_timer_op(now_ns() + 20 * MS);
    long rc0 = HYPERVISOR_set_timer_op(0);
    if (rc || rc0) {
        xtf_failure("set_timer_op then set_timer_op(0): %s, %s", errstr(rc), errstr(rc0));
    } else {
        wait_for_change(&evtchn_hits[timer_port], old, 100 * MS);
        if (evtchn_hits[timer_port] != old)
            xtf_failure("a cancelled timer fired");
    }

    /* A new deadline replaces the old one: one event, at the new time. */
    old = evtchn_hits[timer_port];
    t0 = now_ns();
    HYPERVISOR_set_timer_op(t0 + 600 * MS);
    rc = HYPERVISOR_set_timer_op(t0 + 20 * MS);
    if (rc) {
        xtf_failure("replacing a deadline: %s", errstr(rc));
    } else if (!wait_timer(old)) {
        xtf_failure("the replacing deadline never fired");
    } else {
        if (fired_at > t0 + 400 * MS)
            xtf_failure("the timer fired at +%lu ms: the old deadline (+600 ms) was kept", (fired_at - t0) / MS);
        wait_for_change(&evtchn_hits[timer_port], old + 1, 800 * MS);
        if (evtchn_hits[timer_port] != old + 1)
            xtf_failure("the replaced deadline fired as well (%u events)", evtchn_hits[timer_port] - old);
    }

    evtchn_hook = NULL;
    if (!xtf_has_failed())
        xtf_success();
}
