/*
 * evtchn-abuse - the event-channel table under hostile use.
 *
 * Port numbers index the hypervisor's table and the guest's bitmaps, so
 * every operation must bounds-check them: ports 0 (reserved), 4096 and
 * 0xffffffff are -EINVAL for close, send, unmask and status.  VIRQ 1000
 * and vCPU 1000 are refused; binding VIRQ_TIMER twice on one vCPU is
 * -EEXIST; alloc_unbound / bind_interdomain naming a domain that does
 * not exist is -ESRCH (or -EINVAL).  An unknown sub-op is -ENOSYS.
 *
 * Then exhaustion: bind_ipi until the table is full.  It must end with
 * -ENOSPC (or -ENOMEM), after at most 4095 ports, all distinct and in
 * 1..4095; closing them all must succeed, and afterwards binding works
 * again - nothing leaked.  Last, a timer fires onto a port that was just
 * closed: the hypervisor must drop the event quietly.
 */
#include "lib.h"

const char test_title[] = "evtchn-abuse: bad ports, bad VIRQs, exhaustion, no leaks";

static evtchn_port_t ports[PV_NR_EVTCHN + 1];
static uint8_t seen[PV_NR_EVTCHN];

static void expect_rc(const char *what, long rc, long want)
{
    if (rc != want)
        xtf_failure("%s: %s, expected %s", what, errstr(rc), errstr(want));
}

static void expect_rc2(const char *what, long rc, long a, long b)
{
    if (rc != a && rc != b)
        xtf_failure("%s: %s, expected %s or %s", what, errstr(rc), errstr(a), errstr(b));
}

void test_main(void)
{
    static const uint32_t bad_ports[] = { 0, PV_NR_EVTCHN, PV_NR_EVTCHN + 1, 0x7fffffff, 0xffffffffu };
    char what[64];
    for (size_t i = 0; i < ARRAY_SIZE(bad_ports); i++) {
        uint32_t p = bad_ports[i];
        struct evtchn_status st;
        snprintf(what, sizeof what, "close of port %#x", p);
        expect_rc(what, evtchn_close(p), -PV_EINVAL);
        snprintf(what, sizeof what, "send on port %#x", p);
        expect_rc(what, evtchn_send(p), -PV_EINVAL);
        snprintf(what, sizeof what, "unmask of port %#x", p);
        expect_rc(what, evtchn_unmask(p), -PV_EINVAL);
        snprintf(what, sizeof what, "status of port %#x", p);
        expect_rc(what, evtchn_status(p, &st), -PV_EINVAL);
    }

    expect_rc("bind_virq VIRQ 1000", evtchn_bind_virq(1000, 0, NULL), -PV_EINVAL);
    expect_rc("bind_virq VIRQ NR_VIRQS", evtchn_bind_virq(NR_VIRQS, 0, NULL), -PV_EINVAL);
    expect_rc("bind_virq VIRQ 0xffffffff", evtchn_bind_virq(0xffffffffu, 0, NULL), -PV_EINVAL);
    expect_rc2("bind_virq on vCPU 1000", evtchn_bind_virq(VIRQ_TIMER, 1000, NULL), -PV_EINVAL, -PV_ENOENT);
    expect_rc2("bind_ipi to vCPU 0xffffffff", evtchn_bind_ipi(0xffffffffu, NULL), -PV_EINVAL, -PV_ENOENT);

    evtchn_port_t tp;
    long rc = evtchn_bind_virq(VIRQ_TIMER, 0, &tp);
    if (rc) {
        xtf_failure("bind_virq VIRQ_TIMER: %s", errstr(rc));
    } else {
        expect_rc("binding VIRQ_TIMER twice on vCPU 0", evtchn_bind_virq(VIRQ_TIMER, 0, NULL), -PV_EEXIST);
        expect_rc("closing the VIRQ port", evtchn_close(tp), 0);
        /* A timer aimed at the closed port: must vanish, not crash anything. */
        HYPERVISOR_set_timer_op(1);
        udelay_ns(20 * MS);
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    }

    struct evtchn_alloc_unbound au = { .dom = 1234, .remote_dom = DOMID_SELF };
    expect_rc2("alloc_unbound in domain 1234", HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &au),
               -PV_ESRCH, -PV_EINVAL);
    struct evtchn_bind_interdomain bi = { .remote_dom = 1234, .remote_port = 1 };
    expect_rc2("bind_interdomain to domain 1234", HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bi),
               -PV_ESRCH, -PV_EINVAL);
    struct evtchn_close c = { 1 };
    expect_rc("event_channel_op 2 (no such op)", HYPERVISOR_event_channel_op(2, &c), -PV_ENOSYS);
    expect_rc("event_channel_op 99", HYPERVISOR_event_channel_op(99, &c), -PV_ENOSYS);

    /* Exhaustion. */
    unsigned n = 0;
    for (; n <= PV_NR_EVTCHN; n++) {
        rc = evtchn_bind_ipi(0, &ports[n]);
        if (rc)
            break;
        evtchn_port_t p = ports[n];
        if (p == 0 || p >= PV_NR_EVTCHN) {
            xtf_failure("bind_ipi #%u returned port %u", n, p);
            break;
        }
        if (seen[p]++) {
            xtf_failure("bind_ipi returned port %u twice", p);
            break;
        }
    }
    printk("bind_ipi: %u ports, then %s\n", n, errstr(rc));
    if (n > PV_NR_EVTCHN - 1)
        xtf_failure("%u ports allocated: more than the table holds", n);
    else if (rc != -PV_ENOSPC && rc != -PV_ENOMEM)
        xtf_failure("bind_ipi on a full table: %s, expected -ENOSPC or -ENOMEM", errstr(rc));
    if (n < 64)
        xtf_failure("only %u ports could be allocated", n);

    unsigned closed = 0;
    for (unsigned i = 0; i < n; i++)
        if (evtchn_close(ports[i]) == 0)
            closed++;
    if (closed != n)
        xtf_failure("closed %u of %u ports", closed, n);

    /* Nothing leaked: as many ports as before. */
    unsigned m = 0;
    for (; m <= PV_NR_EVTCHN; m++)
        if (evtchn_bind_ipi(0, &ports[m]))
            break;
    if (m != n)
        xtf_failure("after closing everything, %u ports could be allocated, before %u", m, n);
    for (unsigned i = 0; i < m; i++)
        evtchn_close(ports[i]);

    if (!xtf_has_failed())
        xtf_success();
}
