/*
 * map-hypervisor - a guest must not map a machine frame it does not own.
 *
 * The simplest escape from a PV guest: write an L1 entry naming someone
 * else's frame - the hypervisor's image (mfn 0x200, at 2 MiB), the first
 * MiB (real-mode IVT, BIOS data, the AP trampoline), the VGA hole, the
 * local APIC's MMIO page, a frame beyond the end of RAM.  Every such
 * update must be refused with -EINVAL (-ENOENT also accepted for a frame
 * that does not exist at all) and change nothing: the entry keeps its old
 * value and the scratch page still shows its own data.  Tried through
 * mmu_update and update_va_mapping, read-only and writable, and as 2 MiB
 * and 1 GiB superpages (PS in an L2 / L3 entry) over the same memory.
 */
#include "lib.h"

const char test_title[] = "map-hypervisor: mapping frames the guest does not own is refused";

static const struct {
    const char *name;
    uint64_t mfn;
    bool may_not_exist;
} targets[] = {
    { "the hypervisor image (mfn 0x200)", 0x200, false },
    { "the hypervisor image + 64 KiB", 0x210, false },
    { "mfn 0 (real-mode IVT)", 0x0, false },
    { "mfn 0x8 (AP trampoline)", 0x8, false },
    { "mfn 0x9f (EBDA)", 0x9f, false },
    { "mfn 0xb8 (VGA text)", 0xb8, true },
    { "mfn 0xfee00 (local APIC)", 0xfee00, true },
    { "mfn 0xfffffffff (beyond RAM)", 0xfffffffffull, true },
};

static uint8_t victim[4096] __page_aligned;

static void expect_refused(const char *how, const char *name, long rc, bool may_not_exist)
{
    if (rc == -PV_EINVAL || (may_not_exist && rc == -PV_ENOENT))
        return;
    if (rc >= 0)
        xtf_failure("%s of %s was ACCEPTED", how, name);
    else
        xtf_failure("%s of %s: %s, expected -EINVAL%s", how, name, errstr(rc),
                    may_not_exist ? " or -ENOENT" : "");
}

void test_main(void)
{
    uint64_t old, maddr = pte_maddr((uint64_t)victim, 1, &old);
    if (!maddr) {
        xtf_error("cannot walk to our own L1 entry");
        return;
    }
    memset(victim, 0x3c, sizeof victim);

    for (size_t i = 0; i < ARRAY_SIZE(targets); i++) {
        const char *name = targets[i].name;
        uint64_t mfn = targets[i].mfn;
        bool mnx = targets[i].may_not_exist;
        if (mfn_to_pfn(mfn) >= 0) {
            xtf_warning("%s belongs to this domain: not a test", name);
            continue;
        }
        expect_refused("mmu_update read-only mapping", name, mmu_update1(maddr, pte(mfn, PTE_RO)), mnx);
        expect_refused("mmu_update writable mapping", name, mmu_update1(maddr, pte(mfn, PTE_RW)), mnx);
        expect_refused("update_va_mapping read-only mapping", name,
                       HYPERVISOR_update_va_mapping((uint64_t)victim, pte(mfn, PTE_RO), UVMF_INVLPG), mnx);
        expect_refused("update_va_mapping writable mapping", name,
                       HYPERVISOR_update_va_mapping((uint64_t)victim, pte(mfn, PTE_RW), UVMF_INVLPG), mnx);

        uint64_t now;
        pte_maddr((uint64_t)victim, 1, &now);
        /* The CPU may set accessed/dirty as we touch the page: compare the rest. */
        if ((now & ~(PV_PTE_A | PV_PTE_D)) != (old & ~(PV_PTE_A | PV_PTE_D))) {
            xtf_failure("after the refused updates for %s our L1 entry is %#lx, was %#lx", name, now, old);
            HYPERVISOR_update_va_mapping((uint64_t)victim, old, UVMF_INVLPG);
            old = now;
        }
        if (victim[100] != 0x3c)
            xtf_failure("after the refused updates for %s our page reads %#x", name, victim[100]);
    }

    /* Superpages over the hypervisor: PS in an empty L2 slot, and in an empty L3 slot. */
    uint64_t l2e = pte_maddr(start_info->virt_base, 2, NULL);
    uint64_t l3e = pte_maddr(start_info->virt_base, 3, NULL);
    const uint64_t *l2 = l2e ? mfn_to_virt(l2e >> PAGE_SHIFT) : NULL;
    const uint64_t *l3 = l3e ? mfn_to_virt(l3e >> PAGE_SHIFT) : NULL;
    if (!l2 || !l3) {
        xtf_error("cannot read our L2/L3 tables");
    } else {
        int s2 = -1, s3 = -1;
        for (int i = 511; i >= 0 && s2 < 0; i--)
            if (!(l2[i] & PV_PTE_P))
                s2 = i;
        for (int i = 511; i >= 0 && s3 < 0; i--)
            if (!(l3[i] & PV_PTE_P))
                s3 = i;
        if (s2 >= 0) {
            uint64_t e = (l2e & ~0xfffull) + s2 * 8;
            long rc = mmu_update1(e, 0x200000 | PTE_RW | PV_PTE_PS);
            expect_refused("a 2 MiB superpage (L2 PS)", "the hypervisor image at 2 MiB", rc, false);
            if (rc >= 0)
                mmu_update1(e, 0);
        }
        if (s3 >= 0) {
            uint64_t e = (l3e & ~0xfffull) + s3 * 8;
            long rc = mmu_update1(e, 0x0 | PTE_RW | PV_PTE_PS);
            expect_refused("a 1 GiB superpage (L3 PS)", "the first GiB of RAM", rc, false);
            if (rc >= 0)
                mmu_update1(e, 0);
        }
        if (s2 < 0 || s3 < 0)
            xtf_warning("no empty L2 or L3 slot for the superpage cases");
    }

    if (!xtf_has_failed())
        xtf_success();
}
