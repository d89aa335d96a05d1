/*
 * mmu-update - direct paging done right: the legitimate uses of
 * mmu_update and mmuext_op.
 *
 * A PV guest changes its page tables only through the hypervisor, naming
 * entries by machine address.  Here, with a frame from beyond the
 * bootstrap area:
 *   1. map it writable by an mmu_update on the L1 entry of a scratch VA,
 *      write and read it back, unmap it (the VA faults again), map it
 *      read-only (the data is still there, a write faults with P|W);
 *   2. a batch whose second request is bad stops there: the error comes
 *      back, *done says 1, the third request did not happen;
 *   3. build an L1 in a fresh frame, pin it (MMUEXT_PIN_L1_TABLE), see
 *      that a pinned table cannot be mapped writable but can be read-only,
 *      update one of its entries with mmu_update, hook it into an empty
 *      L2 slot and use the new mappings, unhook, unpin; afterwards the
 *      frame is plain memory again and can be mapped writable.
 * TLB flushes go through mmuext_op (INVLPG_LOCAL / TLB_FLUSH_LOCAL):
 * ring 1 cannot invlpg.
 */
#include "lib.h"

const char test_title[] = "mmu-update: map, unmap, batch, pin and hook an L1";

#define PATTERN(i) ((uint64_t)(0x5eed000000000000ull ^ ((uint64_t)(i) * 0x9e3779b97f4a7c15ull)))

static bool rc_ok(const char *what, long rc)
{
    if (rc)
        xtf_failure("%s: %s", what, errstr(rc));
    return rc == 0;
}

static bool rc_refused(const char *what, long rc)
{
    if (rc >= 0)
        xtf_failure("%s was accepted (%s)", what, errstr(rc));
    else
        printk("%s: refused with %s\n", what, errstr(rc));
    return rc < 0;
}

void test_main(void)
{
    if (frames_left() < 4) {
        xtf_skip("need 4 frames beyond the bootstrap area, have %lu", frames_left());
        return;
    }
    uint64_t *va0 = scratch_va(0), *va1 = scratch_va(1), *va2 = scratch_va(2);
    uint64_t e0 = pte_maddr((uint64_t)va0, 1, NULL), e1 = pte_maddr((uint64_t)va1, 1, NULL);
    uint64_t e2_old, e2 = pte_maddr((uint64_t)va2, 1, &e2_old);
    if (!e0 || !e1 || !e2) {
        xtf_error("cannot walk to the scratch pages' L1 entries");
        return;
    }

    /* 1. Map, use, unmap, map read-only. */
    uint64_t d = alloc_frame();
    if (!rc_ok("mmu_update mapping a fresh frame writable", mmu_update1(e0, pte(d, PTE_RW))) ||
        !rc_ok("MMUEXT_INVLPG_LOCAL", invlpg((uint64_t)va0)))
        return;
    for (unsigned i = 0; i < 512; i++)
        va0[i] = PATTERN(i);
    for (unsigned i = 0; i < 512; i++)
        if (va0[i] != PATTERN(i)) {
            xtf_failure("word %u reads %#lx after writing %#lx", i, va0[i], PATTERN(i));
            break;
        }
    rc_ok("mmu_update unmapping it", mmu_update1(e0, 0));
    rc_ok("MMUEXT_INVLPG_LOCAL", invlpg((uint64_t)va0));
    if (probe_read(va0) != EXINFO_SYM(PF, 0))
        xtf_failure("the unmapped VA does not fault");
    if (rc_ok("mmu_update mapping it read-only", mmu_update1(e0, pte(d, PTE_RO)))) {
        invlpg((uint64_t)va0);
        if (va0[7] != PATTERN(7))
            xtf_failure("the frame lost its data across unmap/remap");
        if (probe_write(va0, 0) != EXINFO_SYM(PF, PFEC_PRESENT | PFEC_WRITE))
            xtf_failure("a write through the read-only mapping did not fault with P|W");
    }

    /* 2. A batch stops at its first bad request. */
    struct mmu_update batch[3] = {
        { .ptr = e1, .val = pte(d, PTE_RO) },
        { .ptr = 0x200000 + 8, .val = pte(d, PTE_RO) },     /* not one of our page tables */
        { .ptr = e2, .val = 0 },
    };
    unsigned done = 12345;
    long rc = HYPERVISOR_mmu_update(batch, 3, &done, DOMID_SELF);
    invlpg((uint64_t)va1);
    uint64_t e2_now;
    pte_maddr((uint64_t)va2, 1, &e2_now);
    if (rc >= 0)
        xtf_failure("a batch with a request on mfn 0x200 was accepted");
    else if (done != 1)
        xtf_failure("batch failed with %s but *done = %u, expected 1", errstr(rc), done);
    if (e2_now != e2_old)
        xtf_failure("the request after the failing one was applied (entry %#lx -> %#lx)", e2_old, e2_now);
    if (va1[7] != PATTERN(7))
        xtf_failure("the first request of the batch was not applied");

    /* Back to plain memory: drop both read-only mappings. */
    rc_ok("unmapping va0", mmu_update1(e0, 0));
    rc_ok("unmapping va1", mmu_update1(e1, 0));
    flush_tlb();

    /* 3. An L1 of our own: entries 0 and 2 map d writable / read-only. */
    uint64_t t = alloc_frame(), u = alloc_zeroed_frame();
    uint64_t l1[512] = { 0 };
    l1[0] = pte(d, PTE_RW);
    l1[1] = pte(u, PTE_RO);
    if (frame_fill(t, l1, sizeof l1)) {
        xtf_error("cannot fill the new L1");
        return;
    }
    if (!rc_ok("MMUEXT_PIN_L1_TABLE on a fresh, well-formed frame", mmuext1(MMUEXT_PIN_L1_TABLE, t)))
        return;
    rc_refused("pinning it again", mmuext1(MMUEXT_PIN_L1_TABLE, t));
    rc_refused("mapping the pinned L1 writable", mmu_update1(e0, pte(t, PTE_RW)));
    if (rc_ok("mapping the pinned L1 read-only", mmu_update1(e0, pte(t, PTE_RO)))) {
        invlpg((uint64_t)va0);
        if (va0[0] != l1[0] || va0[1] != l1[1])
            xtf_failure("the pinned L1 reads %#lx %#lx, expected %#lx %#lx", va0[0], va0[1], l1[0], l1[1]);
        mmu_update1(e0, 0);
        invlpg((uint64_t)va0);
    }
    rc_ok("mmu_update on an entry of the pinned L1", mmu_update1((t << PAGE_SHIFT) + 2 * 8, pte(d, PTE_RO)));

    /* An empty L2 slot above the bootstrap mapping, in the L2 that maps virt_base. */
    uint64_t l2e = pte_maddr(start_info->virt_base, 2, NULL);
    const uint64_t *l2 = l2e ? mfn_to_virt(l2e >> PAGE_SHIFT) : NULL;
    unsigned first = pt_index(start_info->virt_base, 2);
    unsigned last_used = pt_index(start_info->virt_base + start_info->nr_bootstrap * PAGE_SIZE - 1, 2);
    unsigned slot = 0;
    if (l2 && pt_index(start_info->virt_base, 3) == pt_index(start_info->virt_base + start_info->nr_bootstrap * PAGE_SIZE - 1, 3))
        for (unsigned i = 511; i > last_used && i > first; i--)
            if (!(l2[i] & PV_PTE_P)) {
                slot = i;
                break;
            }
    if (!slot) {
        xtf_error("no empty L2 slot after the bootstrap mapping");
    } else {
        uint64_t base = (start_info->virt_base & ~((1ull << 30) - 1)) + ((uint64_t)slot << 21);
        volatile uint64_t *w = (volatile uint64_t *)base;
        if (rc_ok("hooking the pinned L1 into an empty L2 slot", mmu_update1((l2e & ~0xfffull) + slot * 8, pte(t, PTE_TAB)))) {
            if (w[5] != PATTERN(5))
                xtf_failure("through the new L1: word 5 reads %#lx", w[5]);
            w[6] = 0x600d;
            if (w[512 + 3] != 0)
                xtf_failure("the zeroed frame mapped at entry 1 is not zero");
            if (w[1024 + 6] != 0x600d)
                xtf_failure("entry 2 (updated by mmu_update) does not show frame d");
            if (probe_write((void *)(base + 2 * PAGE_SIZE), 0) != EXINFO_SYM(PF, PFEC_PRESENT | PFEC_WRITE))
                xtf_failure("entry 2 is read-only, but a write did not fault with P|W");
            if (probe_read((void *)(base + 3 * PAGE_SIZE)) != EXINFO_SYM(PF, 0))
                xtf_failure("entry 3 is empty, but a read did not fault");
            rc_ok("unhooking the L1", mmu_update1((l2e & ~0xfffull) + slot * 8, 0));
            flush_tlb();
            if (probe_read((void *)base) != EXINFO_SYM(PF, 0))
                xtf_failure("after unhooking, the range still reads");
        }
    }

    rc_ok("MMUEXT_UNPIN_TABLE", mmuext1(MMUEXT_UNPIN_TABLE, t));
    rc_refused("unpinning it again", mmuext1(MMUEXT_UNPIN_TABLE, t));
    if (rc_ok("mapping the former L1 writable", mmu_update1(e0, pte(t, PTE_RW)))) {
        invlpg((uint64_t)va0);
        va0[0] = 0;                 /* it is plain memory now */
    }

    for (unsigned i = 0; i < 3; i++)
        scratch_restore(i);
    if (!xtf_has_failed())
        xtf_success();
}
