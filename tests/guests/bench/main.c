/*
 * bench - what the PV paths cost, measured from inside a guest.
 *
 * Not a pass/fail test: `make bench` boots it (as dom0, with a second
 * copy of itself as domain 1) and docs/benchmarks.md records its lines.
 * Each row is the median of RUNS runs of a timed loop, with min and max,
 * in TSC cycles, and the hypervisor entries and CR3 writes per operation
 * from VCPUOP_get_counters (the mechanism's cost, next to the time):
 *   syscall      ring 3 `int $0x80` into the ring-1 kernel and `iretq`
 *                back: no hypervisor entry at all;
 *   null-hcall   HYPERVISOR_version(VERSION_version): one entry;
 *   pf-bounce    a ring-1 read of an unmapped page: #PF into the
 *                hypervisor, bounced to the guest's handler, which skips
 *                the instruction;
 *   mmu-512      one mmu_update of 512 entries (mapping a frame read-only
 *                into all of a pinned L1), per batch;
 *   evtchn-rtt   dom0 sends on an interdomain channel, domain 1 (its vCPU
 *                on the other pCPU, polling) answers on the same channel,
 *                dom0 polls for it: per round trip.
 * Domain 1 runs the echo side: it allocates an unbound port for dom0
 * (port 2: port 1 is its console's) and answers every event until dom0
 * ends it.
 */
#include "lib.h"

const char test_title[] = "bench: the cost of PV operations";

#define RUNS 7

static struct vcpu_counters counters(void)
{
    struct vcpu_counters c;
    memset(&c, 0, sizeof c);
    HYPERVISOR_vcpu_op(VCPUOP_get_counters, 0, &c);
    return c;
}

/*
 * Print one row: per-op cycles of each run, and the counters over all
 * runs (ops in total) divided per op, to one decimal.
 */
static void report(const char *name, uint64_t *cyc, uint64_t ops_per_run, struct vcpu_counters a,
                   struct vcpu_counters b)
{
    sort_u64(cyc, RUNS);
    uint64_t ops = ops_per_run * RUNS;
    uint64_t entries = (b.hypercalls - a.hypercalls) + (b.exceptions - a.exceptions) +
                       (b.interrupts - a.interrupts);
    uint64_t cr3 = b.cr3_writes - a.cr3_writes;
    printk("bench %-10s median %7lu cycles, min %lu, max %lu, %d runs x %lu; "
           "entries/op %lu.%lu cr3/op %lu.%lu\n", name, cyc[RUNS / 2], cyc[0], cyc[RUNS - 1], RUNS,
           ops_per_run, entries / ops, entries * 10 / ops % 10, cr3 / ops, cr3 * 10 / ops % 10);
}

/* ---- syscall: ring 3 -> ring 1 -> ring 3 -------------------------------- */

extern char syscall_ret[], user_loop[], user_loop_end[];
__asm__(".pushsection .text\n"
        "syscall_ret:\n\t"
        "iretq\n"
        /* ring 3: rdi = iterations; returns the cycles in rax at the ud2 */
        "user_loop:\n\t"
        "mov $20000, %rcx\n\t"
        "rdtsc\n\t"
        "shl $32, %rdx\n\t"
        "or %rdx, %rax\n\t"
        "mov %rax, %r8\n"
        "1:\n\t"
        "int $0x80\n\t"
        "dec %rcx\n\t"
        "jnz 1b\n\t"
        "rdtsc\n\t"
        "shl $32, %rdx\n\t"
        "or %rdx, %rax\n\t"
        "sub %r8, %rax\n\t"
        "ud2\n"
        "user_loop_end:\n"
        ".popsection");

static void bench_syscall(void)
{
    if (user_init(user_loop, (size_t)(user_loop_end - user_loop))) {
        xtf_error("no ring-3 mapping for the syscall benchmark");
        return;
    }
    static struct trap_info t[40];
    unsigned n = 0;
    for (; lib_traps[n].address; n++)
        t[n] = lib_traps[n];
    t[n++] = (struct trap_info){ .vector = SYSCALL_VECTOR, .dpl = 3, .cs = PV_KERNEL_CS,
                                 .address = (uint64_t)syscall_ret };
    t[n] = (struct trap_info){ 0 };
    if (HYPERVISOR_set_trap_table(t)) {
        xtf_error("set_trap_table with a syscall gate refused");
        return;
    }
    uint64_t cyc[RUNS];
    struct vcpu_counters a = counters();
    for (int r = 0; r < RUNS; r++) {
        exec_user(USER_CODE_VA);
        cyc[r] = user_last_frame.rax / 20000;
    }
    struct vcpu_counters b = counters();
    /* exec_user's own way in and out (one #UD each run) is not the syscall's. */
    b.exceptions -= RUNS;
    b.cr3_writes -= 2 * RUNS;
    report("syscall", cyc, 20000, a, b);
    install_trap_table();
}

/* ---- null hypercall, page-fault bounce ------------------------------------ */

static void bench_null_hypercall(void)
{
    enum { N = 20000 };
    uint64_t cyc[RUNS];
    struct vcpu_counters a = counters();
    for (int r = 0; r < RUNS; r++) {
        uint64_t t0 = rdtsc();
        for (int i = 0; i < N; i++)
            HYPERVISOR_version(VERSION_version, NULL);
        cyc[r] = (rdtsc() - t0) / N;
    }
    struct vcpu_counters b = counters();
    b.hypercalls -= 1;              /* the counters() call itself */
    b.cr3_writes -= 2;
    report("null-hcall", cyc, N, a, b);
}

static void bench_pf_bounce(void)
{
    enum { N = 5000 };
    uint64_t cyc[RUNS];
    /* A scratch page, unmapped: every read faults. */
    if (scratch_unmap(0)) {
        xtf_error("cannot unmap a scratch page");
        return;
    }
    volatile uint8_t *p = scratch_va(0);
    struct vcpu_counters a = counters();
    for (int r = 0; r < RUNS; r++) {
        uint64_t t0 = rdtsc();
        for (int i = 0; i < N; i++)
            probe_read(p);
        cyc[r] = (rdtsc() - t0) / N;
    }
    struct vcpu_counters b = counters();
    b.hypercalls -= 1;
    b.cr3_writes -= 2;
    report("pf-bounce", cyc, N, a, b);
    scratch_restore(0);
}

/* ---- a 512-entry mmu_update ---------------------------------------------- */

static void bench_mmu_512(void)
{
    static struct mmu_update map[512], unmap[512];
    uint64_t l1 = alloc_zeroed_frame(), data = alloc_frame();
    if (!l1 || !data || mmuext1(MMUEXT_PIN_L1_TABLE, l1)) {
        xtf_error("cannot set up an L1 for the mmu_update benchmark");
        return;
    }
    for (unsigned i = 0; i < 512; i++) {
        map[i] = (struct mmu_update){ (l1 << PAGE_SHIFT) + i * 8, pte(data, PTE_RO) };
        unmap[i] = (struct mmu_update){ (l1 << PAGE_SHIFT) + i * 8, 0 };
    }
    uint64_t cyc[RUNS];
    struct vcpu_counters a = counters();
    for (int r = 0; r < RUNS; r++) {
        unsigned done = 0;
        uint64_t t0 = rdtsc();
        long rc = HYPERVISOR_mmu_update(map, 512, &done, DOMID_SELF);
        cyc[r] = rdtsc() - t0;
        if (rc || done != 512) {
            xtf_failure("mmu_update of 512 entries: %s, %u done", errstr(rc), done);
            return;
        }
        HYPERVISOR_mmu_update(unmap, 512, NULL, DOMID_SELF);
    }
    struct vcpu_counters b = counters();
    /* Count the map batches only: the unmaps cost the same again. */
    b.hypercalls -= 1 + RUNS;
    b.cr3_writes -= 2 + 2 * RUNS;
    report("mmu-512", cyc, 1, a, b);
    mmuext1(MMUEXT_UNPIN_TABLE, l1);
}

/* ---- event-channel round trip with domain 1 --------------------------------- */

static void poll_port(evtchn_port_t port)
{
    struct sched_poll p = { .ports = (uint64_t)&port, .nr_ports = 1, .timeout = 0 };
    while (!evtchn_is_pending(port))
        HYPERVISOR_sched_op(SCHEDOP_poll, &p);
    evtchn_clear_pending(port);
}

static void echo_forever(void)
{
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = 0 };
    if (HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a)) {
        xtf_error("domain 1: alloc_unbound failed");
        return;
    }
    printk("echo: port %u for domain 0\n", a.port);
    for (;;) {
        poll_port(a.port);
        evtchn_send(a.port);
    }
}

static void bench_evtchn(void)
{
    enum { N = 500 };
    /* Port 1 of a domU is its console's; the echo port is the next. */
    struct evtchn_bind_interdomain b = { .remote_dom = 1, .remote_port = 2 };
    long rc;
    uint64_t give_up = now_ns() + 2000 * MS;
    /* Domain 1 may not have allocated its port yet. */
    while ((rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &b)) != 0 && now_ns() < give_up)
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    if (rc) {
        xtf_skip("no echo domain (boot a second copy as 'domU'): %s", errstr(rc));
        return;
    }
    evtchn_port_t port = b.local_port;
    evtchn_clear_pending(port);         /* binding raises the port once */
    uint64_t cyc[RUNS];
    struct vcpu_counters a = counters();
    for (int r = 0; r < RUNS; r++) {
        uint64_t t0 = rdtsc();
        for (int i = 0; i < N; i++) {
            evtchn_send(port);
            poll_port(port);
        }
        cyc[r] = (rdtsc() - t0) / N;
    }
    struct vcpu_counters c = counters();
    c.hypercalls -= 1;
    c.cr3_writes -= 2;
    report("evtchn-rtt", cyc, N, a, c);
}

void test_main(void)
{
    if (start_info->domid != 0) {
        echo_forever();
        return;
    }
    printk("bench: TSC cycles per operation (the hypervisor's bench lines give the floor)\n");
    bench_syscall();
    bench_null_hypercall();
    bench_pf_bounce();
    bench_mmu_512();
    bench_evtchn();
    if (!xtf_has_failed())
        xtf_success();
}
