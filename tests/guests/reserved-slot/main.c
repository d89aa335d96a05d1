/*
 * reserved-slot - L4 slots 256..271 are the hypervisor's, in every guest.
 *
 * The guest's view of the hypervisor is one reserved slot (256) with the
 * read-only IDT/GDT/TSS, entry stubs and per-pCPU entry stacks; slots
 * 257..271 (image, vmap, direct map) are not mapped at all.  A guest that
 * could put its own L3 into one of these slots would replace the
 * hypervisor's mappings on the per-pCPU copy of its L4; one that could
 * write what is mapped there would own the entry path.  So:
 *   - mmu_update of our L4's slots 256, 257, 262 and 271 is refused;
 *     slots 255 and 272, just outside, are accepted (control);
 *   - pinning an L4 (a copy of ours) that uses slot 256 is refused, the
 *     same copy without it pins (control), and NEW_BASEPTR to the bad
 *     copy is refused;
 *   - in slot 256, reads may succeed or fault, but every write must
 *     fault (probed a byte per page over the first 1 MiB, and at each
 *     2 MiB / 1 GiB step beyond), except on the entry and IST stacks
 *     (PV_SLOT256_STACKS_START..END: the CPU writes them, and paging
 *     cannot tell ring 1 from ring 0; paravane.h says so); reading and
 *     writing the other slots must fault.  The writes write back the byte just read, so a
 *     hypervisor that wrongly allows them is not corrupted by the probe.
 */
#include "lib.h"

const char test_title[] = "reserved-slot: L4 slots 256..271 stay the hypervisor's";

#define SLOT_VA(s) (0xffff000000000000ull | ((uint64_t)(s) << 39))

static unsigned writes_ok, reads_ok, probes;

static unsigned stack_writes;

static void probe(uint64_t va, bool read_may_succeed)
{
    char b[24];
    probes++;
    if (va >= PV_SLOT256_STACKS_START && va < PV_SLOT256_STACKS_END) {
        /* Documented as writable: count, do not blame. */
        if (probe_read((void *)va) == 0 && probe_rewrite((void *)va) == 0)
            stack_writes++;
        return;
    }
    exinfo_t r = probe_read((void *)va);
    if (r == 0) {
        reads_ok++;
        if (!read_may_succeed && reads_ok < 10)
            xtf_failure("ring 1 can read hypervisor address %#lx", va);
        exinfo_t w = probe_rewrite((void *)va);
        if (w == 0) {
            if (writes_ok++ < 10)
                xtf_failure("ring 1 can WRITE hypervisor address %#lx", va);
        } else if (exinfo_vec(w) != X86_EXC_PF) {
            xtf_failure("a write to %#lx took %s, expected #PF", va, exinfo_str(w, b));
        }
    } else if (exinfo_vec(r) != X86_EXC_PF) {
        xtf_failure("a read of %#lx took %s, expected #PF", va, exinfo_str(r, b));
    } else if (ex_last_cr2 != va) {
        xtf_failure("a read of %#lx faulted with cr2 %#lx", va, ex_last_cr2);
    }
}

void test_main(void)
{
    uint64_t l4 = l4_mfn();
    const uint64_t *l4v = mfn_to_virt(l4);
    if (!l4v) {
        xtf_error("cannot read our L4");
        return;
    }
    if (frames_left() < 3) {
        xtf_skip("need 3 frames beyond the bootstrap area");
        return;
    }
    uint64_t z = alloc_zeroed_frame();             /* an empty L3 */

    static const unsigned refused_slots[] = { 256, 257, 262, 271 };
    for (size_t i = 0; i < ARRAY_SIZE(refused_slots); i++) {
        unsigned s = refused_slots[i];
        long rc = mmu_update1((l4 << PAGE_SHIFT) + s * 8, pte(z, PTE_TAB));
        if (rc >= 0) {
            xtf_failure("an L3 in our L4's slot %u was ACCEPTED", s);
            mmu_update1((l4 << PAGE_SHIFT) + s * 8, 0);
            flush_tlb();
        } else {
            printk("slot %u: refused (%s)\n", s, errstr(rc));
        }
    }
    static const unsigned allowed_slots[] = { 255, 272 };
    for (size_t i = 0; i < ARRAY_SIZE(allowed_slots); i++) {
        unsigned s = allowed_slots[i];
        if (l4v[s] & PV_PTE_P)
            continue;
        long rc = mmu_update1((l4 << PAGE_SHIFT) + s * 8, pte(z, PTE_TAB));
        if (rc)
            xtf_failure("an empty L3 in guest slot %u: %s (control)", s, errstr(rc));
        else
            mmu_update1((l4 << PAGE_SHIFT) + s * 8, 0);
    }

    /* A copy of our L4 (slots 256..271 cleared), then with slot 256 used. */
    uint64_t copy = alloc_frame();
    uint64_t e[512];
    memcpy(e, l4v, sizeof e);
    for (int s = 256; s <= 271; s++)
        e[s] = 0;
    if (frame_fill(copy, e, sizeof e)) {
        xtf_error("cannot fill the L4 copy");
    } else {
        long rc = mmuext1(MMUEXT_PIN_L4_TABLE, copy);
        if (rc)
            xtf_failure("pinning a clean copy of our own L4: %s (control)", errstr(rc));
        else
            mmuext1(MMUEXT_UNPIN_TABLE, copy);

        e[256] = pte(z, PTE_TAB);
        if (frame_fill(copy, e, sizeof e)) {
            xtf_error("cannot fill the L4 copy");
        } else {
            rc = mmuext1(MMUEXT_PIN_L4_TABLE, copy);
            if (rc >= 0) {
                xtf_failure("pinning an L4 that uses slot 256 was ACCEPTED");
                mmuext1(MMUEXT_UNPIN_TABLE, copy);
            }
            /* If this were accepted we would run on the copy, which maps us too. */
            rc = mmuext1(MMUEXT_NEW_BASEPTR, copy);
            if (rc >= 0) {
                xtf_failure("NEW_BASEPTR to an L4 that uses slot 256 was ACCEPTED");
                mmuext1(MMUEXT_NEW_BASEPTR, l4);
            }
        }
    }

    /* Probe the slots. */
    for (uint64_t off = 0; off < (1ull << 20); off += PAGE_SIZE)
        probe(SLOT_VA(256) + off, true);
    for (uint64_t off = 1ull << 20; off < (1ull << 30); off += 2ull << 20)
        probe(SLOT_VA(256) + off, true);
    for (uint64_t off = 1ull << 30; off < (1ull << 39); off += 1ull << 30)
        probe(SLOT_VA(256) + off, true);
    for (unsigned s = 257; s <= 271; s++) {
        probe(SLOT_VA(s), false);
        probe(SLOT_VA(s) + 0x200000, false);        /* image: IMAGE_OFFSET + 2 MiB */
        probe(SLOT_VA(s) + 0x1000000, false);
    }
    printk("%u probes: %u reads succeeded, %u writes succeeded, %u stack pages writable\n",
           probes, reads_ok, writes_ok, stack_writes);

    if (!xtf_has_failed())
        xtf_success();
}
