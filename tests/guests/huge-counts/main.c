/*
 * huge-counts - batch counts are bounded before anything is read.
 *
 * mmu_update takes at most 512 requests, multicall 64 entries, console
 * writes 4096 bytes, poll 128 ports, a trap table 256 entries.  A count
 * of 0xffffffff or 1 << 31 must be refused up front (-EINVAL or -E2BIG):
 * a hypervisor that trusts it walks off the end of the guest's array, or
 * spins for hours in one hypercall with no preemption.  The requests used
 * are harmless no-ops (rewriting an L1 entry with its current value, a
 * local TLB flush, VERSION_interface, valid trap entries), so the bounds
 * are the only thing that can fail, and the limits themselves are checked
 * to work: 0 requests is fine, exactly the maximum is fine, one more is
 * refused.
 *
 * mmuext_op's limit is not written down in memory.h; this test assumes
 * mmu_update's 512.
 */
#include "lib.h"

const char test_title[] = "huge-counts: oversized batch counts are refused, not walked";

static uint8_t victim[4096] __page_aligned;
static struct mmu_update reqs[MMU_MAX_BATCH + 1];
static struct mmuext_op ops[MMU_MAX_BATCH + 1];
static struct multicall_entry calls[MULTICALL_MAX + 1];
static struct trap_info traps[300];

static bool too_big(long rc)
{
    return rc == -PV_EINVAL || rc == -PV_E2BIG;
}

static void expect_too_big(const char *what, long rc)
{
    if (!too_big(rc))
        xtf_failure("%s: %s, expected -EINVAL or -E2BIG", what, errstr(rc));
}

void test_main(void)
{
    uint64_t cur, maddr = pte_maddr((uint64_t)victim, 1, &cur);
    if (!maddr) {
        xtf_error("cannot walk to our own L1 entry");
        return;
    }
    for (unsigned i = 0; i <= MMU_MAX_BATCH; i++) {
        reqs[i] = (struct mmu_update){ .ptr = maddr | MMU_NORMAL_PT_UPDATE, .val = cur };
        ops[i] = (struct mmuext_op){ .cmd = MMUEXT_TLB_FLUSH_LOCAL };
    }

    unsigned done = 777;
    long rc = HYPERVISOR_mmu_update(reqs, 0, &done, DOMID_SELF);
    if (rc != 0 || done != 0)
        xtf_failure("mmu_update of 0 requests: %s, done %u", errstr(rc), done);
    done = 777;
    rc = HYPERVISOR_mmu_update(reqs, MMU_MAX_BATCH, &done, DOMID_SELF);
    if (rc != 0 || done != MMU_MAX_BATCH)
        xtf_failure("mmu_update of %u no-op requests: %s, done %u", MMU_MAX_BATCH, errstr(rc), done);

    static const uint32_t huge[] = { MMU_MAX_BATCH + 1, 0x10000, 0x80000000u, 0xffffffffu };
    for (size_t i = 0; i < ARRAY_SIZE(huge); i++) {
        char what[64];
        done = 777;
        rc = HYPERVISOR_mmu_update(reqs, huge[i], &done, DOMID_SELF);
        snprintf(what, sizeof what, "mmu_update count %#x", huge[i]);
        expect_too_big(what, rc);
        if (too_big(rc) && done != 777 && done != 0)
            xtf_failure("%s was refused but done says %u applied", what, done);

        snprintf(what, sizeof what, "mmuext_op count %#x", huge[i]);
        expect_too_big(what, HYPERVISOR_mmuext_op(ops, huge[i], NULL, DOMID_SELF));
    }
    rc = HYPERVISOR_mmuext_op(ops, 0, NULL, DOMID_SELF);
    if (rc)
        xtf_failure("mmuext_op of 0 ops: %s", errstr(rc));
    rc = HYPERVISOR_mmuext_op(ops, MMU_MAX_BATCH, NULL, DOMID_SELF);
    if (rc)
        xtf_failure("mmuext_op of %u TLB flushes: %s", MMU_MAX_BATCH, errstr(rc));

    for (unsigned i = 0; i <= MULTICALL_MAX; i++)
        calls[i] = (struct multicall_entry){ .op = HYPERCALL_version, .args = { VERSION_interface } };
    expect_too_big("multicall count 65", HYPERVISOR_multicall(calls, MULTICALL_MAX + 1));
    expect_too_big("multicall count 1 << 31", HYPERVISOR_multicall(calls, 1u << 31));
    expect_too_big("multicall count 0xffffffff", HYPERVISOR_multicall(calls, 0xffffffffu));

    expect_too_big("console write count 1 << 31", HYPERVISOR_console_io(CONSOLEIO_write, 1u << 31, victim));

    evtchn_port_t ports[4] = { 1, 1, 1, 1 };
    struct sched_poll sp = { .ports = (uint64_t)ports, .nr_ports = 0xffffffffu, .timeout = now_ns() + MS };
    expect_too_big("poll of 0xffffffff ports", HYPERVISOR_sched_op(SCHEDOP_poll, &sp));
    sp.nr_ports = 1u << 31;
    expect_too_big("poll of 1 << 31 ports", HYPERVISOR_sched_op(SCHEDOP_poll, &sp));

    /* 300 valid entries and no terminator in the first 256. */
    for (unsigned i = 0; i < ARRAY_SIZE(traps) - 1; i++)
        traps[i] = lib_traps[i % 4];
    traps[ARRAY_SIZE(traps) - 1] = (struct trap_info){ 0 };
    rc = HYPERVISOR_set_trap_table(traps);
    if (rc >= 0)
        xtf_failure("a trap table of %zu entries was accepted", ARRAY_SIZE(traps) - 1);
    else if (rc != -PV_EINVAL && rc != -PV_E2BIG)
        xtf_failure("a trap table of %zu entries: %s, expected -EINVAL", ARRAY_SIZE(traps) - 1, errstr(rc));
    ex_clear();
    __asm__ volatile("1: ud2\n2:" _ASM_EXTABLE(1b, 2b) ::: "memory");
    if (ex_get() != EXINFO_SYM(UD, 0))
        xtf_failure("after the oversized trap table, ud2 no longer reaches our handler");

    rc = HYPERVISOR_vcpu_op(VCPUOP_is_up, 0xffffffffu, NULL);
    if (rc != -PV_ENOENT)
        xtf_failure("vcpu_op(is_up, vcpu 0xffffffff): %s, expected -ENOENT", errstr(rc));

    if (!xtf_has_failed())
        xtf_success();
}
