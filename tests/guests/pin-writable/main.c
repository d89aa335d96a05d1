/*
 * pin-writable - a frame that is writable somewhere cannot become a page
 * table, and a table whose entries break the rules cannot be pinned.
 *
 * The other half of the invariant checked by map-own-pt-writable: if the
 * guest keeps a writable mapping of a frame and then gets it validated as
 * a page table (by pinning it, or by hooking it into a live table), it can
 * rewrite the validated entries behind the hypervisor's back.  So, with a
 * fresh frame F:
 *   - while F is mapped writable: pinning it at any level, or hooking it
 *     into an L2 slot, is refused;
 *   - F's content maps F itself writable: pinning as L1 is refused;
 *   - F's content maps our L4 writable, or the hypervisor's image: refused;
 *   - a refused validation takes no references: an entry that was valid
 *     before the bad one must not leave its frame typed, so that frame
 *     can still be pinned as a table afterwards (no leak, no stuck type);
 *   - controls: unmapped and clean, F pins (and unpins) fine; a pinned F
 *     cannot be mapped writable.
 */
#include "lib.h"

const char test_title[] = "pin-writable: writable frames cannot become page tables";

static void expect_refused(const char *what, long rc)
{
    if (rc >= 0)
        xtf_failure("%s was ACCEPTED", what);
    else
        printk("%s: refused (%s)\n", what, errstr(rc));
}

static bool expect_ok(const char *what, long rc)
{
    if (rc)
        xtf_failure("%s: %s", what, errstr(rc));
    return rc == 0;
}

/* Fill F with one or two entries (through the map window, which is then removed). */
static bool fill(uint64_t f, int i0, uint64_t v0, int i1, uint64_t v1)
{
    uint64_t e[512] = { 0 };
    if (i0 >= 0)
        e[i0] = v0;
    if (i1 >= 0)
        e[i1] = v1;
    return frame_fill(f, e, sizeof e) == 0;
}

void test_main(void)
{
    if (frames_left() < 3) {
        xtf_skip("need 3 frames beyond the bootstrap area, have %lu", frames_left());
        return;
    }
    uint64_t f = alloc_zeroed_frame(), h = alloc_zeroed_frame();
    if (!f || !h) {
        xtf_error("cannot prepare fresh frames");
        return;
    }

    /* F mapped writable at scratch 0. */
    if (!expect_ok("mapping a fresh frame writable", scratch_map(0, f, PTE_RW)))
        return;
    static const char *const lv[] = { "L1", "L2", "L3", "L4" };
    char what[96];
    for (int l = 0; l < 4; l++) {
        snprintf(what, sizeof what, "pinning a writable-mapped frame as %s", lv[l]);
        long rc = mmuext1(MMUEXT_PIN_L1_TABLE + l, f);
        expect_refused(what, rc);
        if (rc == 0)
            mmuext1(MMUEXT_UNPIN_TABLE, f);
    }

    /* Hooking it into an empty L2 slot of ours. */
    uint64_t l2e = pte_maddr(start_info->virt_base, 2, NULL);
    const uint64_t *l2 = l2e ? mfn_to_virt(l2e >> PAGE_SHIFT) : NULL;
    int slot = -1;
    for (int i = 255; l2 && i >= 0 && slot < 0; i--)
        if (!(l2[i] & PV_PTE_P))
            slot = i;
    if (slot < 0) {
        xtf_error("no empty L2 slot");
    } else {
        uint64_t e = (l2e & ~0xfffull) + slot * 8;
        long rc = mmu_update1(e, pte(f, PTE_TAB));
        expect_refused("hooking a writable-mapped frame into an L2 slot", rc);
        if (rc == 0)
            mmu_update1(e, 0);
    }
    scratch_restore(0);

    /* Unmapped and clean: pins.  Pinned: cannot be mapped writable. */
    if (expect_ok("pinning a clean, unmapped frame as L1", mmuext1(MMUEXT_PIN_L1_TABLE, f))) {
        expect_refused("mapping a pinned L1 writable", scratch_map(0, f, PTE_RW));
        scratch_restore(0);
        expect_ok("unpinning it", mmuext1(MMUEXT_UNPIN_TABLE, f));
    }

    /* Contents that break the rules. */
    struct { const char *name; int level; int i0; uint64_t v0; int i1; uint64_t v1; } bad[] = {
        { "an L1 mapping itself writable", 1, 7, pte(f, PTE_RW), -1, 0 },
        { "an L1 mapping our L4 writable", 1, 3, pte(l4_mfn(), PTE_RW), -1, 0 },
        { "an L1 mapping the hypervisor image", 1, 0, pte(0x200, PTE_RO), -1, 0 },
        { "an L2 whose entry is a writable-typed frame", 2, 0, pte(virt_to_mfn(scratch_va(1)), PTE_TAB), -1, 0 },
        { "an L4 using slot 256", 4, 256, pte(h, PTE_TAB), -1, 0 },
        { "an L1 with a valid entry then a bad one", 1, 0, pte(h, PTE_RW), 1, pte(0x200, PTE_RO) },
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        if (!fill(f, bad[i].i0, bad[i].v0, bad[i].i1, bad[i].v1)) {
            xtf_error("cannot fill the frame for: %s", bad[i].name);
            continue;
        }
        snprintf(what, sizeof what, "pinning %s", bad[i].name);
        long rc = mmuext1(MMUEXT_PIN_L1_TABLE + bad[i].level - 1, f);
        expect_refused(what, rc);
        if (rc == 0)
            mmuext1(MMUEXT_UNPIN_TABLE, f);
    }

    /*
     * The last case took a writable reference on H for entry 0 before
     * failing on entry 1; a correct rollback dropped it, so H (zero) can
     * be pinned as an L1 now.
     */
    long rc = mmuext1(MMUEXT_PIN_L1_TABLE, h);
    if (rc)
        xtf_failure("after a refused validation, its valid entry's frame cannot be pinned (%s): "
                    "a reference leaked", errstr(rc));
    else
        mmuext1(MMUEXT_UNPIN_TABLE, h);

    /* And F itself is usable again: clean, it pins. */
    if (fill(f, -1, 0, -1, 0) && expect_ok("pinning F clean again", mmuext1(MMUEXT_PIN_L1_TABLE, f)))
        expect_ok("unpinning F", mmuext1(MMUEXT_UNPIN_TABLE, f));

    if (!xtf_has_failed())
        xtf_success();
}
