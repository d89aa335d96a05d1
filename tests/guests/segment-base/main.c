/*
 * segment-base - set_segment_base: the vCPU's FS and GS bases.
 *
 * Ring 1 cannot write the base MSRs (wrmsr is privileged, wrfsbase is
 * off), so the hypervisor does it and keeps the bases per vCPU across
 * context switches.  Checked: %fs:/%gs:-relative loads see the buffers we
 * set, still after 50 yields (with a second copy of this guest as a domU
 * on the same pCPU, setting its own bases); a non-canonical base and an
 * unknown selector are -EINVAL and change nothing.
 */
#include "lib.h"

const char test_title[] = "segment-base: FS/GS bases set by hypercall, kept per vCPU";

static uint64_t fs_buf[4], gs_buf[4];

static uint64_t read_fs(void) { uint64_t v; __asm__ volatile("mov %%fs:8, %0" : "=r"(v)); return v; }
static uint64_t read_gs(void) { uint64_t v; __asm__ volatile("mov %%gs:8, %0" : "=r"(v)); return v; }

void test_main(void)
{
    uint64_t tag = 0x1111000000000000ull * (start_info->domid + 1);
    fs_buf[1] = tag | 0xf5;
    gs_buf[1] = tag | 0x95;
    long rc = HYPERVISOR_set_segment_base(SEGBASE_FS, (uint64_t)fs_buf);
    if (!rc)
        rc = HYPERVISOR_set_segment_base(SEGBASE_GS, (uint64_t)gs_buf);
    if (rc) {
        xtf_failure("set_segment_base: %s", errstr(rc));
        return;
    }
    for (int i = 0; i < 50; i++) {
        if (read_fs() != fs_buf[1] || read_gs() != gs_buf[1]) {
            xtf_failure("after %d yields: fs:8 = %#lx, gs:8 = %#lx, expected %#lx, %#lx", i,
                        read_fs(), read_gs(), fs_buf[1], gs_buf[1]);
            return;
        }
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    }
    if (HYPERVISOR_set_segment_base(SEGBASE_FS, 0x0000800000000000ull) != -PV_EINVAL)
        xtf_failure("a non-canonical FS base was not -EINVAL");
    if (HYPERVISOR_set_segment_base(7, (uint64_t)fs_buf) != -PV_EINVAL)
        xtf_failure("an unknown selector was not -EINVAL");
    if (read_fs() != fs_buf[1])
        xtf_failure("a refused set_segment_base changed the FS base");
    if (!xtf_has_failed())
        xtf_success();
}
