/*
 * vcpu-race - a second vCPU, and the L4 it runs on changing under it.
 *
 * Part 1, vcpu_op: vCPU 1 (dom0 has one vCPU per pCPU) is down; it is
 * initialised with its own entry point and stacks on our L4, brought up,
 * and must run: it installs its own trap table, makes a hypercall and
 * reports in.  Initialising it twice is -EEXIST, vCPU numbers past
 * nr_vcpus are -ENOENT, is_up follows.
 *
 * Part 2, the race: while vCPU 1 (on the other pCPU) reads through L4
 * slot 200 in a loop, with its faults fixed up, vCPU 0 hooks and unhooks
 * a pinned L3/L2/L1 tree there 2000 times.  vCPU 1 must only ever see the
 * data page's marker or a fault, never anything else; afterwards the
 * tables unpin cleanly, and the hypervisor's health check at shutdown
 * (every frame back, no reference left) passes.  This is the case where
 * a stale per-pCPU copy of the L4 would let vCPU 1 keep walking a tree
 * that vCPU 0 has already released.
 */
#include "lib.h"

const char test_title[] = "vcpu-race: a second vCPU, and L4 updates racing its reads";

#define RACE_SLOT   200
#define RACE_VA     ((uint64_t)RACE_SLOT << 39)
#define MARKER      0x5ca1ab1e

static uint8_t v1_stack[8192] __attribute__((aligned(16)));
static uint8_t v1_kstack[8192] __attribute__((aligned(16)));
static volatile uint32_t v1_alive, v1_reads, v1_faults, v1_bad, v1_stop;
static volatile long v1_version;
static volatile uint64_t v1_bad_value;
static volatile uint64_t v1_ticks;          /* counts while vCPU 1 runs, after the race */

void __attribute__((noreturn, used)) vcpu1_main(void);
void __attribute__((noreturn, used)) vcpu1_main(void)
{
    install_trap_table();               /* trap tables are per vCPU */
    v1_version = HYPERVISOR_version(VERSION_interface, NULL);
    v1_alive = 1;
    while (!v1_stop) {
        uint32_t val = 0;
        exinfo_t e;
        __asm__ volatile("movl $0, %%eax\n"
                         "1: movl (%2), %%eax\n"
                         "2:" _ASM_EXTABLE(1b, 2b)
                         : "=a"(val), "=m"(e) : "r"(RACE_VA) : "memory");
        if (val == MARKER)
            v1_reads++;
        else if (val == 0)
            v1_faults++;
        else {
            v1_bad++;
            v1_bad_value = val;
        }
    }
    v1_alive = 2;
    for (;;) {
        v1_ticks++;
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    }
}

/* vCPU 1's first code: a stack is set; enter C. */
extern char vcpu1_entry[];
__asm__(".pushsection .text\n"
        "vcpu1_entry:\n\t"
        "and $-16, %rsp\n\t"
        "call vcpu1_main\n\t"
        "ud2\n"
        ".popsection");

static bool part1(void)
{
    if (start_info->nr_vcpus < 2) {
        xtf_skip("only %u vCPU: boot with SMP >= 2", start_info->nr_vcpus);
        return false;
    }
    if (HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, NULL) != 0)
        xtf_failure("vCPU 1 is up before we brought it up");
    if (HYPERVISOR_vcpu_op(VCPUOP_is_up, start_info->nr_vcpus, NULL) != -PV_ENOENT)
        xtf_failure("is_up of vCPU %u (past nr_vcpus) is not -ENOENT", start_info->nr_vcpus);
    long rc = HYPERVISOR_vcpu_op(VCPUOP_up, 1, NULL);
    if (rc != -PV_EINVAL)
        xtf_failure("up of an uninitialised vCPU: %s, expected -EINVAL", errstr(rc));

    struct vcpu_guest_context ctx = {
        .rip = (uint64_t)vcpu1_entry,
        .rsp = (uint64_t)(v1_stack + sizeof v1_stack),
        .rflags = 0x202,
        .cr3 = l4_mfn() << PAGE_SHIFT,
        .kernel_sp = (uint64_t)(v1_kstack + sizeof v1_kstack),
    };
    rc = HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &ctx);
    if (rc) {
        xtf_failure("initialise vCPU 1: %s", errstr(rc));
        return false;
    }
    if (HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &ctx) != -PV_EEXIST)
        xtf_failure("initialising vCPU 1 twice is not -EEXIST");
    rc = HYPERVISOR_vcpu_op(VCPUOP_up, 1, NULL);
    if (rc) {
        xtf_failure("up vCPU 1: %s", errstr(rc));
        return false;
    }
    uint64_t until = now_ns() + 2000 * MS;
    while (!v1_alive && now_ns() < until)
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    if (!v1_alive) {
        xtf_failure("vCPU 1 did not run within 2 s of VCPUOP_up");
        return false;
    }
    if (v1_version != PARAVANE_INTERFACE_VERSION)
        xtf_failure("vCPU 1's hypercall returned %ld", v1_version);
    if (HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, NULL) != 1)
        xtf_failure("vCPU 1 runs but is_up does not say so");
    return true;
}

/* A pinned tree (L3 -> L2 -> L1 -> data) mapping RACE_VA read-only. */
static uint64_t build_tree(uint64_t *l1, uint64_t *l2, uint64_t *l3)
{
    uint64_t data = alloc_frame();
    *l1 = alloc_frame();
    *l2 = alloc_frame();
    *l3 = alloc_frame();
    if (!data || !*l1 || !*l2 || !*l3)
        return 0;
    uint32_t marker = MARKER;
    uint64_t e;
    if (frame_fill(data, &marker, sizeof marker))
        return 0;
    e = pte(data, PTE_RO);
    if (frame_fill(*l1, &e, sizeof e) || mmuext1(MMUEXT_PIN_L1_TABLE, *l1))
        return 0;
    e = pte(*l1, PTE_TAB);
    if (frame_fill(*l2, &e, sizeof e) || mmuext1(MMUEXT_PIN_L2_TABLE, *l2))
        return 0;
    e = pte(*l2, PTE_TAB);
    if (frame_fill(*l3, &e, sizeof e) || mmuext1(MMUEXT_PIN_L3_TABLE, *l3))
        return 0;
    return data;
}

static void part2(void)
{
    uint64_t l1, l2, l3;
    if (frames_left() < 4 || !build_tree(&l1, &l2, &l3)) {
        xtf_error("could not build the L3/L2/L1 tree");
        return;
    }
    uint64_t slot = (l4_mfn() << PAGE_SHIFT) + RACE_SLOT * 8;
    for (int i = 0; i < 2000; i++) {
        long rc = mmu_update1(slot, pte(l3, PTE_TAB));
        if (!rc)
            rc = mmu_update1(slot, 0);
        if (rc) {
            xtf_failure("iteration %d: hooking/unhooking L4 slot %u: %s", i, RACE_SLOT, errstr(rc));
            break;
        }
    }
    v1_stop = 1;
    uint64_t until = now_ns() + 2000 * MS;
    while (v1_alive != 2 && now_ns() < until)
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    printk("vCPU 1: %u reads saw the marker, %u faulted, %u saw garbage\n", v1_reads, v1_faults, v1_bad);
    if (v1_bad)
        xtf_failure("vCPU 1 read %#lx through the racing slot: neither the data nor a fault", v1_bad_value);
    if (v1_reads == 0 && v1_faults == 0)
        xtf_failure("vCPU 1 made no reads during the race");
    /* Everything unpins: no reference left behind by the race. */
    long rc = mmuext1(MMUEXT_UNPIN_TABLE, l3);
    if (!rc)
        rc = mmuext1(MMUEXT_UNPIN_TABLE, l2);
    if (!rc)
        rc = mmuext1(MMUEXT_UNPIN_TABLE, l1);
    if (rc)
        xtf_failure("unpinning the tree after the race: %s", errstr(rc));
}

/* Part 3: VCPUOP_down stops vCPU 1 where it is; VCPUOP_up resumes it. */
static void part3(void)
{
    long rc = HYPERVISOR_vcpu_op(VCPUOP_down, 1, NULL);
    if (rc) {
        xtf_failure("down vCPU 1: %s", errstr(rc));
        return;
    }
    if (HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, NULL) != 0)
        xtf_failure("vCPU 1 is down but is_up says 1");
    udelay_ns(20 * MS);                 /* let it leave its pCPU */
    uint64_t t1 = v1_ticks;
    udelay_ns(50 * MS);
    uint64_t t2 = v1_ticks;
    if (t2 != t1)
        xtf_failure("vCPU 1 still ran after VCPUOP_down (%lu -> %lu)", t1, t2);
    rc = HYPERVISOR_vcpu_op(VCPUOP_up, 1, NULL);
    if (rc)
        xtf_failure("up vCPU 1 again: %s", errstr(rc));
    uint64_t until = now_ns() + 2000 * MS;
    while (v1_ticks == t2 && now_ns() < until)
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    if (v1_ticks == t2)
        xtf_failure("vCPU 1 did not resume after VCPUOP_up");
    if (HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, NULL) != 1)
        xtf_failure("vCPU 1 is up again but is_up says 0");
}

void test_main(void)
{
    if (!part1())
        return;
    part2();
    part3();
    if (!xtf_has_failed())
        xtf_success();
}
