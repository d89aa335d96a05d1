/*
 * pte-bits - entry bits the hypervisor must refuse even for the guest's
 * own frames (memory.h, pagetype.h).
 *
 *   G (global) in an L1: a global mapping would survive the hypervisor's
 *     CR3 switches and stay visible in the next domain's address space;
 *   PAT (bit 7) in an L1: the guest would choose memory types;
 *   reserved bits 52..62, and address bits above the physical width:
 *     these make the entry a #PF(RSVD) trap at best;
 *   PS in L2 / L3 entries: superpages of our own frames (not supported).
 * Allowed, as a control: the AVAIL bits 9..11, NX, PCD/PWT on our own
 * frame.  Each refused update must leave the entry unchanged.
 */
#include "lib.h"

const char test_title[] = "pte-bits: G, PAT, reserved bits and superpages are refused";

static uint8_t victim[4096] __page_aligned;

void test_main(void)
{
    uint64_t old, maddr = pte_maddr((uint64_t)victim, 1, &old);
    uint64_t mfn = virt_to_mfn(victim);
    if (!maddr) {
        xtf_error("cannot walk to our own L1 entry");
        return;
    }

    static const struct { const char *name; uint64_t bits; } refused[] = {
        { "G (bit 8)", PV_PTE_G },
        { "PAT (bit 7)", PV_PTE_PS },
        { "bit 52", 1ull << 52 },
        { "bit 58", 1ull << 58 },
        { "bit 62", 1ull << 62 },
        { "address bit 51", 1ull << 51 },
    };
    for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
        long rc = mmu_update1(maddr, pte(mfn, PTE_RW) | refused[i].bits);
        if (rc >= 0)
            xtf_failure("an L1 entry with %s was accepted", refused[i].name);
        else if (rc != -PV_EINVAL && rc != -PV_ENOENT)
            xtf_failure("an L1 entry with %s: %s, expected -EINVAL", refused[i].name, errstr(rc));
        uint64_t now;
        pte_maddr((uint64_t)victim, 1, &now);
        if (now != old) {
            xtf_failure("after refusing %s the entry is %#lx, was %#lx", refused[i].name, now, old);
            mmu_update1(maddr, old);
        }
    }

    static const struct { const char *name; uint64_t bits; } allowed[] = {
        { "the AVAIL bits", PV_PTE_AVAIL },
        { "NX", PV_PTE_NX },
        { "PCD|PWT", PV_PTE_PCD | PV_PTE_PWT },
    };
    for (size_t i = 0; i < ARRAY_SIZE(allowed); i++) {
        long rc = mmu_update1(maddr, pte(mfn, PTE_RW) | allowed[i].bits);
        if (rc)
            xtf_failure("an L1 entry with %s on our own frame: %s, expected 0", allowed[i].name, errstr(rc));
        invlpg((uint64_t)victim);
        victim[5] = (uint8_t)i;
    }
    if (mmu_update1(maddr, pte(mfn, PTE_RW)) != 0)
        xtf_error("cannot restore our own entry");
    invlpg((uint64_t)victim);

    /* PS in L2 and L3: our own first frame as a 2 MiB / 1 GiB page. */
    uint64_t l2e = pte_maddr(start_info->virt_base, 2, NULL);
    uint64_t l3e = pte_maddr(start_info->virt_base, 3, NULL);
    const uint64_t *l2 = l2e ? mfn_to_virt(l2e >> PAGE_SHIFT) : NULL;
    const uint64_t *l3 = l3e ? mfn_to_virt(l3e >> PAGE_SHIFT) : NULL;
    int s2 = -1, s3 = -1;
    for (int i = 511; l2 && i >= 0 && s2 < 0; i--)
        if (!(l2[i] & PV_PTE_P))
            s2 = i;
    for (int i = 511; l3 && i >= 0 && s3 < 0; i--)
        if (!(l3[i] & PV_PTE_P))
            s3 = i;
    uint64_t own = pfn_to_mfn(0);
    if (s2 < 0 || s3 < 0) {
        xtf_error("no empty L2/L3 slot for the superpage cases");
    } else {
        uint64_t e2 = (l2e & ~0xfffull) + s2 * 8, e3 = (l3e & ~0xfffull) + s3 * 8;
        if (mmu_update1(e2, pte(own & ~511ull, PTE_RW | PV_PTE_PS)) >= 0) {
            xtf_failure("an L2 superpage entry (PS) was accepted");
            mmu_update1(e2, 0);
        }
        if (mmu_update1(e3, pte(own & ~(512ull * 512 - 1), PTE_RW | PV_PTE_PS)) >= 0) {
            xtf_failure("an L3 superpage entry (PS) was accepted");
            mmu_update1(e3, 0);
        }
    }

    if (!xtf_has_failed())
        xtf_success();
}
