/*
 * sched-credit - the credit scheduler as dom0 controls it (sysctl).
 *
 * Booted as dom0 with three more copies of itself as domains 1..3, which
 * only burn CPU.  dom0 sleeps on timers between its measurements (it
 * wakes BOOSTed, so it gets to measure) and reads the vCPUs' run time
 * from SYSCTL_vcpu_stats.
 *   One pCPU:  weights 256:512:1024 must give the three burners shares
 *              within 5% of 1:2:4 over a second; then, all at weight
 *              256, domain 3 capped at 25% must stay under its cap.
 *              dom0, blocking and waking every 2 ms, is woken within
 *              a loose 5 ms next to the hogs (BOOST).
 *   N pCPUs, dom0 line "weights", domUs of N vCPUs: 1:2:4 again,
 *              within 5%, over all pCPUs (run with N = 2 and 4).
 *   Two pCPUs: domain 1's vCPU pinned to pCPU 1 (then to pCPU 0) runs
 *              only there; a mask with no online pCPU is -EINVAL.
 * A loose 5% bound: QEMU timing on a loaded host is noisy; the host
 * simulator (tests/unit/test_sched_sim.c) holds the policy to 2%.
 */
#include "lib.h"
#include <paravane/sysctl.h>

const char test_title[] = "sched-credit: weights, caps and pinning, measured";

static uint64_t run_ns(domid_t d)
{
    struct sysctl_vcpu_stats s = { .dom = d, .vcpu = 0 };
    long rc = HYPERVISOR_sysctl(SYSCTL_vcpu_stats, &s);
    if (rc)
        xtf_failure("vcpu_stats of domain %u: %s", d, errstr(rc));
    return s.run_ns;
}

static int cpu_of(domid_t d)
{
    struct sysctl_vcpu_stats s = { .dom = d, .vcpu = 0 };
    return HYPERVISOR_sysctl(SYSCTL_vcpu_stats, &s) ? -1 : s.cpu;
}

static void set_params(domid_t d, unsigned weight, unsigned cap)
{
    struct sysctl_sched s = { .dom = d, .weight = weight, .cap = cap };
    long rc = HYPERVISOR_sysctl(SYSCTL_sched_set, &s);
    if (rc)
        xtf_failure("sched_set(domain %u, weight %u, cap %u): %s", d, weight, cap, errstr(rc));
}

/* Run times of domains 1..3 over 'ms' of wall time. */
static void measure(uint64_t ms, uint64_t out[4], uint64_t *wall)
{
    uint64_t before[4], t0 = now_ns();
    for (domid_t d = 1; d <= 3; d++)
        before[d] = run_ns(d);
    sleep_ms(ms);
    for (domid_t d = 1; d <= 3; d++)
        out[d] = run_ns(d) - before[d];
    *wall = now_ns() - t0;
}

static void one_cpu(void)
{
    uint64_t r[4], wall;
    set_params(1, 256, 0);
    set_params(2, 512, 0);
    set_params(3, 1024, 0);
    sleep_ms(100);                          /* let the new weights settle */
    measure(1000, r, &wall);
    uint64_t total = r[1] + r[2] + r[3];
    const unsigned w[4] = { 0, 1, 2, 4 };
    for (domid_t d = 1; d <= 3; d++) {
        /* share in permille, against weight / 7 */
        uint64_t got = r[d] * 1000 / (total ? total : 1), want = w[d] * 1000 / 7;
        printk("weight %u: %lu.%lu%% of the burners' time (want %lu.%lu%%)\n", w[d] * 256,
               got / 10, got % 10, want / 10, want % 10);
        if (got * 100 < want * 95 || got * 100 > want * 105)
            xtf_failure("domain %u (weight %u) got %lu permille, want %lu +- 5%%", d, w[d] * 256, got, want);
    }

    set_params(1, 256, 0);
    set_params(2, 256, 0);
    set_params(3, 256, 25);
    struct sysctl_sched g = { .dom = 3 };
    if (HYPERVISOR_sysctl(SYSCTL_sched_get, &g) || g.weight != 256 || g.cap != 25)
        xtf_failure("sched_get of domain 3: weight %u cap %u, expected 256 and 25", g.weight, g.cap);
    sleep_ms(100);
    measure(1000, r, &wall);
    uint64_t pct = r[3] * 1000 / wall;       /* permille of the pCPU */
    printk("domain 3 capped at 25%%: %lu.%lu%% of the pCPU\n", pct / 10, pct % 10);
    if (pct > 250 * 105 / 100)
        xtf_failure("domain 3 ran %lu permille of the pCPU with a 25%% cap", pct);
    set_params(3, 256, 0);

    /*
     * An I/O-like vCPU (dom0: block on a 2 ms timer, wake, again) next to
     * three hogs: it wakes BOOSTed and preempts them.  Without BOOST a
     * wake-up would wait for the hogs' 10 ms slices; 5 ms is the loose
     * bound (the benchmark measures about 0.15 ms).
     */
    enum { N = 50 };
    uint64_t lat[N];
    wake_latencies(lat, N);
    printk("wake-up latency next to 3 hogs: median %lu us, max %lu us\n", lat[N / 2] / US, lat[N - 1] / US);
    if (lat[N / 2] > 5 * MS)
        xtf_failure("median wake-up latency %lu us next to hogs: BOOST is not working", lat[N / 2] / US);

    struct sysctl_pcpu_stats ps = { .cpu = 0 };
    if (HYPERVISOR_sysctl(SYSCTL_pcpu_stats, &ps) || ps.busy_ns == 0 || ps.switches == 0)
        xtf_failure("pcpu_stats of pCPU 0: busy %lu ns, %lu switches", ps.busy_ns, ps.switches);
}

/* Run time of all of domain d's vCPUs. */
static uint64_t run_all_ns(domid_t d)
{
    uint64_t sum = 0;
    for (uint32_t v = 0; v < PV_MAX_VCPUS; v++) {
        struct sysctl_vcpu_stats s = { .dom = d, .vcpu = v };
        if (HYPERVISOR_sysctl(SYSCTL_vcpu_stats, &s) != 0)
            break;
        sum += s.run_ns;
    }
    return sum;
}

/* Several pCPUs, three domains with a burning vCPU per pCPU each, weights 1:2:4. */
static void many_cpus_weights(void)
{
    set_params(1, 256, 0);
    set_params(2, 512, 0);
    set_params(3, 1024, 0);
    sleep_ms(200);
    uint64_t before[4], r[4], total = 0;
    for (domid_t d = 1; d <= 3; d++)
        before[d] = run_all_ns(d);
    sleep_ms(1000);
    for (domid_t d = 1; d <= 3; d++) {
        r[d] = run_all_ns(d) - before[d];
        total += r[d];
    }
    const unsigned w[4] = { 0, 1, 2, 4 };
    for (domid_t d = 1; d <= 3; d++) {
        uint64_t got = r[d] * 1000 / (total ? total : 1), want = w[d] * 1000 / 7;
        printk("%u pCPUs, weight %u: %lu.%lu%% of the burners' time (want %lu.%lu%%)\n",
               start_info->nr_vcpus, w[d] * 256, got / 10, got % 10, want / 10, want % 10);
        if (got * 100 < want * 95 || got * 100 > want * 105)
            xtf_failure("domain %u (weight %u) got %lu permille on %u pCPUs, want %lu +- 5%%", d,
                        w[d] * 256, got, start_info->nr_vcpus, want);
    }

    /*
     * A cap over several vCPUs: domain 3's vCPUs together may use 50% of
     * one pCPU, however many pCPUs they could run on.
     */
    set_params(1, 256, 0);
    set_params(2, 256, 0);
    set_params(3, 256, 50);
    sleep_ms(100);
    uint64_t t0 = now_ns(), b3 = run_all_ns(3);
    sleep_ms(1000);
    uint64_t pct = (run_all_ns(3) - b3) * 1000 / (now_ns() - t0);
    printk("%u pCPUs, domain 3 (%u vCPUs) capped at 50%%: %lu.%lu%% of one pCPU\n", start_info->nr_vcpus,
           start_info->nr_vcpus, pct / 10, pct % 10);
    if (pct > 500 * 105 / 100 || pct < 500 * 80 / 100)
        xtf_failure("domain 3 ran %lu permille of a pCPU with a 50%% cap (want at most 500, and near it)", pct);
    set_params(3, 256, 0);
}

static uint8_t burner_stack[8192] __attribute__((aligned(16)));
void burn(void);
void burn(void)
{
    for (;;)
        cpu_relax();
}

/* A burner with several vCPUs brings up the others, burning too (one stack: they only spin). */
static void start_other_burners(void)
{
    struct vcpu_guest_context ctx = {
        .rip = (uint64_t)burn, .rsp = (uint64_t)(burner_stack + sizeof burner_stack - 8),
        .rflags = 0x202, .cr3 = l4_mfn() << PAGE_SHIFT,
        .kernel_sp = (uint64_t)(burner_stack + sizeof burner_stack - 8),
    };
    for (unsigned v = 1; v < start_info->nr_vcpus; v++)
        if (HYPERVISOR_vcpu_op(VCPUOP_initialise, v, &ctx) || HYPERVISOR_vcpu_op(VCPUOP_up, v, NULL))
            xtf_failure("domain %u: cannot start its vCPU %u", start_info->domid, v);
}

static void two_cpus(void)
{
    for (int target = 1; target >= 0; target--) {
        struct sysctl_vcpu_pin p = { .dom = 1, .vcpu = 0, .hard = 1ull << target };
        long rc = HYPERVISOR_sysctl(SYSCTL_vcpu_pin, &p);
        if (rc) {
            xtf_failure("pin domain 1 to pCPU %d: %s", target, errstr(rc));
            return;
        }
        sleep_ms(50);                       /* "promptly" */
        for (int i = 0; i < 10; i++) {
            int cpu = cpu_of(1);
            if (cpu != target) {
                xtf_failure("domain 1, pinned to pCPU %d, is on pCPU %d (%d ms after)", target, cpu,
                            50 + 20 * i);
                return;
            }
            sleep_ms(20);
        }
        printk("domain 1 pinned to pCPU %d stayed there\n", target);
    }
    struct sysctl_vcpu_pin bad = { .dom = 1, .vcpu = 0, .hard = 1ull << 40 };
    if (HYPERVISOR_sysctl(SYSCTL_vcpu_pin, &bad) != -PV_EINVAL)
        xtf_failure("a hard mask with no online pCPU was not -EINVAL");
    struct sysctl_sched zero = { .dom = 1, .weight = 0 };
    if (HYPERVISOR_sysctl(SYSCTL_sched_set, &zero) != -PV_EINVAL)
        xtf_failure("weight 0 was not -EINVAL");
    struct sysctl_sched none = { .dom = 42, .weight = 256 };
    if (HYPERVISOR_sysctl(SYSCTL_sched_set, &none) != -PV_ESRCH)
        xtf_failure("an unknown domain was not -ESRCH");
}

void test_main(void)
{
    if (start_info->domid != 0) {
        /* A burner: privileged controls are refused to it, then it spins. */
        struct sysctl_sched s = { .dom = 0, .weight = 65535 };
        if (HYPERVISOR_sysctl(SYSCTL_sched_set, &s) != -PV_EPERM)
            xtf_failure("domain %u could change dom0's weight", start_info->domid);
        if (start_info->nr_vcpus >= 2)
            start_other_burners();
        burn();
    }
    evtchn_port_t timer;
    if (events_init() || evtchn_bind_virq(VIRQ_TIMER, 0, &timer)) {
        xtf_error("cannot bind VIRQ_TIMER");
        return;
    }
    if (start_info->nr_vcpus == 1)
        one_cpu();
    else if (strcmp(start_info->cmd_line, "weights") == 0)
        many_cpus_weights();
    else
        two_cpus();
    if (!xtf_has_failed())
        xtf_success();
}
