/*
 * map-foreign - a domain cannot map another domain's memory.
 *
 * Booted with a second copy of this guest as domain 1.  Domain 1 fills
 * its free frames with a marker and idles.  dom0 then tries to map, read-
 * only through update_va_mapping, every machine frame from 1 MiB to past
 * its own highest one that is not its own - all of the machine's RAM
 * under test (256 MiB), so domain 1's frames among them: each attempt
 * must be refused, so the marker is never seen.
 * Then it checks its scratch page is back to its own frame.
 */
#include "lib.h"

const char test_title[] = "map-foreign: another domain's frames cannot be mapped";

#define MARKER 0xd0d0d0d0feedf00dull

static void domain1(void)
{
    uint64_t mfn, filled = 0;
    while ((mfn = alloc_frame()) != 0) {
        uint64_t words[512];
        for (int i = 0; i < 512; i++)
            words[i] = MARKER;
        if (frame_fill(mfn, words, sizeof words) == 0)
            filled++;
    }
    printk("domain 1: %lu frames marked\n", filled);
    for (;;)
        HYPERVISOR_sched_op(SCHEDOP_block, NULL);
}

void test_main(void)
{
    if (start_info->domid != 0) {
        domain1();
        return;
    }
    udelay_ns(200 * MS);                /* let domain 1 mark its frames */
    uint64_t top = 0;
    const uint64_t *list = (const uint64_t *)start_info->mfn_list;
    for (uint64_t i = 0; i < start_info->nr_pages; i++)
        if (list[i] > top)
            top = list[i];
    unsigned tried = 0, accepted = 0;
    uint64_t end = top + 8192 > 0x10000 ? top + 8192 : 0x10000;
    for (uint64_t mfn = 0x100; mfn < end; mfn++) {
        if (mfn_to_pfn(mfn) >= 0 || mfn == start_info->shared_info >> PAGE_SHIFT)
            continue;                   /* ours: the frame list, and our shared_info page */
        tried++;
        long rc = scratch_map(0, mfn, PTE_RO);
        if (rc == 0) {
            accepted++;
            volatile uint64_t *p = scratch_va(0);
            if (accepted < 5)
                xtf_failure("mapping foreign mfn %#lx was ACCEPTED (reads %#lx)", mfn, p[0]);
        }
    }
    scratch_restore(0);
    printk("tried %u frames not ours: %u accepted\n", tried, accepted);
    if (tried == 0)
        xtf_error("no foreign frames to try");
    if (!xtf_has_failed())
        xtf_success();
}
