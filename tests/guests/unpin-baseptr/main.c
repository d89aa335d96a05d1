/*
 * unpin-baseptr - unpinning the page table the vCPU is running on.
 *
 * The builder pins our initial L4, and it is also our base pointer.
 * Unpinning it drops the pin's reference, but the base pointer keeps its
 * own: the frame must stay a validated L4.  So after the unpin: we keep
 * running on it; it still cannot be mapped writable; updates to it still
 * go through validation (a bad entry is still refused); and it pins again.
 * (XSA-style bug: a table whose only pin was dropped while loaded, then
 * retyped writable, gives the guest write access to a live page table.)
 */
#include "lib.h"

const char test_title[] = "unpin-baseptr: unpinning the loaded L4 keeps it a page table";

void test_main(void)
{
    uint64_t l4 = l4_mfn();
    long rc = mmuext1(MMUEXT_UNPIN_TABLE, l4);
    if (rc) {
        xtf_failure("unpin of our (pinned, loaded) L4: %s", errstr(rc));
        return;
    }
    printk("unpinned our L4 (mfn %#lx); still running on it\n", l4);

    rc = scratch_map(0, l4, PTE_RW);
    if (rc == 0) {
        xtf_failure("our loaded (unpinned) L4 was mapped WRITABLE");
        scratch_restore(0);
    }
    rc = mmu_update1((l4 << PAGE_SHIFT) + 256 * 8, pte(l4, PTE_TAB));
    if (rc == 0)
        xtf_failure("an entry in the hypervisor's slot 256 was ACCEPTED after the unpin");
    rc = mmu_update1((l4 << PAGE_SHIFT) + 100 * 8, pte(l4, PTE_TAB));
    if (rc == 0)
        xtf_failure("an L4 entry pointing at an L4 (self-map) was ACCEPTED after the unpin");

    rc = mmuext1(MMUEXT_PIN_L4_TABLE, l4);
    if (rc)
        xtf_failure("pinning our L4 again: %s", errstr(rc));
    rc = mmuext1(MMUEXT_PIN_L4_TABLE, l4);
    if (rc == 0)
        xtf_failure("pinning our L4 twice was ACCEPTED");
    if (!xtf_has_failed())
        xtf_success();
}
