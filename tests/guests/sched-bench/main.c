/*
 * sched-bench - scheduler measurements for `make bench` (not a test).
 *
 * dom0's command line picks the measurement; domUs' lines pick their role:
 *   domU "hog"    burn CPU forever;
 *   domU "yield"  yield in a loop forever.
 *   dom0 "latency"  200 times: a timer 2 ms ahead, block, and measure how
 *                   late the wake-up came (with 0, 1 or 4 hogs on the pCPU);
 *   dom0 "switch"   yield 20,000 times against a yielding domU on one
 *                   pCPU: each yield is a switch to the other domain and
 *                   back, so cycles / (2 x yields) is one switch;
 *   dom0 "util"     with hogs on all pCPUs, the hogs' run time over 1 s
 *                   against pCPUs x wall time.
 * Each prints one "sched-bench ..." line.
 */
#include "lib.h"
#include <paravane/sysctl.h>

const char test_title[] = "sched-bench: scheduler measurements";

static bool has(const char *word)
{
    const char *s = start_info->cmd_line;
    size_t n = strlen(word);
    for (; *s; s++)
        if (strncmp(s, word, n) == 0 && (s[n] == 0 || s[n] == ' ') && (s == start_info->cmd_line || s[-1] == ' '))
            return true;
    return false;
}

static void latency(void)
{
    enum { N = 200 };
    static uint64_t lat[N];
    wake_latencies(lat, N);
    printk("sched-bench latency median %lu ns p90 %lu ns max %lu ns (%d wake-ups)\n", lat[N / 2],
           lat[N * 9 / 10], lat[N - 1], N);
}

static void switch_cost(void)
{
    enum { N = 20000, RUNS = 5 };
    uint64_t c[RUNS];
    for (int r = 0; r < RUNS; r++) {
        uint64_t t0 = rdtsc();
        for (int i = 0; i < N; i++)
            HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
        c[r] = (rdtsc() - t0) / (2 * N);
    }
    sort_u64(c, RUNS);
    printk("sched-bench switch median %lu cycles min %lu max %lu (per switch, yield included)\n",
           c[RUNS / 2], c[0], c[RUNS - 1]);
}

static uint64_t run_ns(domid_t d)
{
    struct sysctl_vcpu_stats s = { .dom = d, .vcpu = 0 };
    return HYPERVISOR_sysctl(SYSCTL_vcpu_stats, &s) ? 0 : s.run_ns;
}

static void util(void)
{
    unsigned ndom = 0;
    uint64_t before[16];
    for (domid_t d = 1; d < 16; d++) {
        struct sysctl_vcpu_stats s = { .dom = d, .vcpu = 0 };
        if (HYPERVISOR_sysctl(SYSCTL_vcpu_stats, &s))
            break;
        before[d] = s.run_ns;
        ndom = d;
    }
    uint64_t t0 = now_ns();
    sleep_ms(1000);
    uint64_t wall = now_ns() - t0, busy = 0;
    for (domid_t d = 1; d <= ndom; d++)
        busy += run_ns(d) - before[d];
    unsigned ncpu = start_info->nr_vcpus;
    printk("sched-bench util %lu permille of %u pCPUs busy with %u hogs over %lu ms\n",
           busy * 1000 / (wall * ncpu), ncpu, ndom, wall / MS);
}

void test_main(void)
{
    if (start_info->domid != 0) {
        if (has("yield"))
            for (;;)
                HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
        for (;;)
            cpu_relax();
    }
    evtchn_port_t timer;
    if (events_init() || evtchn_bind_virq(VIRQ_TIMER, 0, &timer)) {
        xtf_error("cannot bind VIRQ_TIMER");
        return;
    }
    udelay_ns(50 * MS);                  /* let the domUs start */
    if (has("latency"))
        latency();
    if (has("switch"))
        switch_cost();
    if (has("util"))
        util();
    xtf_success();
}
