/*
 * map-own-pt-writable - a page table must never be writable by its guest.
 *
 * Direct paging rests on one invariant: a frame in use as a page table
 * has no writable mapping.  Break it once and the guest writes any entry
 * it likes, pointing at any machine frame (Xen XSA-148/182 were holes of
 * this kind).  The attempts, each to be refused and to change nothing:
 *   - a writable L1 entry for our own L4, L3, L2 and for the very L1 that
 *     holds the entry (mmu_update and update_va_mapping);
 *   - upgrading the existing read-only bootstrap mapping of the L4 to
 *     writable in place;
 *   - "linear" page tables: an L4 slot pointing at the L4 itself, an L3
 *     slot at our L3, an L2 slot pointing at an L1 frame (a table used at
 *     the wrong level would give a writable view of page tables);
 * and a plain write through the read-only mapping must fault with P|W.
 * A read-only mapping of a page table is allowed (that is how a guest
 * reads its tables) and is checked as a control.
 */
#include "lib.h"

const char test_title[] = "map-own-pt-writable: no writable mapping of a page table";

static uint8_t victim[4096] __page_aligned;
static uint64_t victim_maddr, victim_old;

static void expect_refused(const char *what, long rc)
{
    if (rc >= 0)
        xtf_failure("%s was ACCEPTED", what);
    else
        printk("%s: refused (%s)\n", what, errstr(rc));
}

static void check_victim_unchanged(const char *after)
{
    uint64_t now;
    pte_maddr((uint64_t)victim, 1, &now);
    if (now != victim_old) {
        xtf_failure("after %s our L1 entry is %#lx, was %#lx", after, now, victim_old);
        HYPERVISOR_update_va_mapping((uint64_t)victim, victim_old, UVMF_INVLPG);
    }
}

static int free_slot(const uint64_t *table)
{
    for (int i = 255; i >= 0; i--)          /* the low half is empty in our tables */
        if (!(table[i] & PV_PTE_P))
            return i;
    return -1;
}

void test_main(void)
{
    victim_maddr = pte_maddr((uint64_t)victim, 1, &victim_old);
    uint64_t l4 = l4_mfn();
    uint64_t l3e = pte_maddr((uint64_t)victim, 3, NULL), l2e = pte_maddr((uint64_t)victim, 2, NULL);
    if (!victim_maddr || !l3e || !l2e) {
        xtf_error("cannot walk our page tables");
        return;
    }
    const struct { const char *name; uint64_t mfn; } tables[] = {
        { "L4", l4 },
        { "L3", l3e >> PAGE_SHIFT },
        { "L2", l2e >> PAGE_SHIFT },
        { "L1 (the one holding the entry)", victim_maddr >> PAGE_SHIFT },
    };
    char what[96];

    for (size_t i = 0; i < ARRAY_SIZE(tables); i++) {
        uint64_t mfn = tables[i].mfn;
        snprintf(what, sizeof what, "mmu_update: writable mapping of our %s", tables[i].name);
        expect_refused(what, mmu_update1(victim_maddr, pte(mfn, PTE_RW)));
        check_victim_unchanged(what);
        snprintf(what, sizeof what, "update_va_mapping: writable mapping of our %s", tables[i].name);
        expect_refused(what, HYPERVISOR_update_va_mapping((uint64_t)victim, pte(mfn, PTE_RW), UVMF_INVLPG));
        check_victim_unchanged(what);

        /* Control: read-only is fine, and shows the table. */
        long rc = HYPERVISOR_update_va_mapping((uint64_t)victim, pte(mfn, PTE_RO), UVMF_INVLPG);
        if (rc) {
            xtf_failure("a read-only mapping of our %s: %s", tables[i].name, errstr(rc));
        } else {
            const uint64_t *ro = mfn_to_virt(mfn);
            if (ro && memcmp(ro, victim, PAGE_SIZE) != 0 && i != 3)
                xtf_failure("the read-only mapping of our %s shows other data", tables[i].name);
            if (probe_rewrite(victim + 8 * 300) != EXINFO_SYM(PF, PFEC_PRESENT | PFEC_WRITE))
                xtf_failure("a write through the read-only mapping of our %s did not fault with P|W",
                            tables[i].name);
        }
        HYPERVISOR_update_va_mapping((uint64_t)victim, victim_old, UVMF_INVLPG);
    }

    /* Upgrade the bootstrap mapping of the L4 in place. */
    uint64_t pt_old;
    uint64_t pt_maddr = pte_maddr(start_info->pt_base, 1, &pt_old);
    expect_refused("update_va_mapping: making the L4's own mapping writable",
                   HYPERVISOR_update_va_mapping(start_info->pt_base, pt_old | PV_PTE_W, UVMF_INVLPG));
    if (pt_maddr)
        expect_refused("mmu_update: making the L4's own mapping writable", mmu_update1(pt_maddr, pt_old | PV_PTE_W));
    if (probe_rewrite((void *)(start_info->pt_base + 8 * 200)) != EXINFO_SYM(PF, PFEC_PRESENT | PFEC_WRITE))
        xtf_failure("a write to our L4 through its bootstrap mapping did not fault with P|W");

    /* Linear page tables: a table used at a level other than its own. */
    const uint64_t *l4v = mfn_to_virt(l4), *l3v = mfn_to_virt(l3e >> PAGE_SHIFT);
    const uint64_t *l2v = mfn_to_virt(l2e >> PAGE_SHIFT);
    int s4 = l4v ? free_slot(l4v) : -1, s3 = l3v ? free_slot(l3v) : -1, s2 = l2v ? free_slot(l2v) : -1;
    if (s4 < 0 || s3 < 0 || s2 < 0) {
        xtf_error("no free slots for the linear page-table cases");
    } else {
        uint64_t e4 = (l4 << PAGE_SHIFT) + s4 * 8, e3 = (l3e & ~0xfffull) + s3 * 8, e2 = (l2e & ~0xfffull) + s2 * 8;
        long rc;
        if ((rc = mmu_update1(e4, pte(l4, PTE_TAB))) >= 0) {
            xtf_failure("an L4 slot pointing at the L4 itself (writable) was ACCEPTED");
            mmu_update1(e4, 0);
        }
        if ((rc = mmu_update1(e4, pte(l4, PTE_RO))) >= 0) {
            xtf_failure("an L4 slot pointing at the L4 itself (read-only) was ACCEPTED");
            mmu_update1(e4, 0);
        }
        if ((rc = mmu_update1(e3, pte(l3e >> PAGE_SHIFT, PTE_TAB))) >= 0) {
            xtf_failure("an L3 slot pointing at its own L3 was ACCEPTED");
            mmu_update1(e3, 0);
        }
        if ((rc = mmu_update1(e2, pte(victim_maddr >> PAGE_SHIFT, PTE_TAB))) < 0) {
            /* An L1 used as an L1 from a second L2 slot is fine; this is the control. */
            xtf_failure("an L2 slot pointing at one of our L1s (a second use at its own level): %s", errstr(rc));
        } else {
            mmu_update1(e2, 0);
        }
        if ((rc = mmu_update1(e3, pte(victim_maddr >> PAGE_SHIFT, PTE_TAB))) >= 0) {
            xtf_failure("an L3 slot pointing at an L1 (used as an L2) was ACCEPTED");
            mmu_update1(e3, 0);
        }
        if ((rc = mmu_update1(e2, pte(l2e >> PAGE_SHIFT, PTE_TAB))) >= 0) {
            xtf_failure("an L2 slot pointing at its own L2 (used as an L1) was ACCEPTED");
            mmu_update1(e2, 0);
        }
        flush_tlb();
    }

    check_victim_unchanged("all attempts");
    if (!xtf_has_failed())
        xtf_success();
}
