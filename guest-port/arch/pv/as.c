/*
 * as.c - user address spaces on validated page tables.
 *
 * Each address space is an L4 whose kernel half (the physmap slot and the
 * kernel's slot 511) is copied from the boot L4 and shared by all.  Its
 * user tables are frames from page_alloc(), remapped read-only in the
 * physmap before they are linked in (the hypervisor refuses a table that
 * is mapped writable) and remapped writable after they are unlinked.  The
 * L4 is pinned, so it stays validated while it is not loaded.
 *
 * Nothing here enters the hypervisor by itself: hal_map and hal_unmap
 * queue updates (mmu.c), and hal_as_commit / hal_as_switch send them, a
 * switch's new base pointer included, in one entry.  Tables are read
 * through the physmap, with queued entries taking precedence
 * (pv_pte_read), so lookups see queued changes without a flush.
 *
 * A frame that changes type (writable -> table or back) makes the
 * hypervisor flush the TLB, a CR3 write each.  So tables of a destroyed
 * address space are unlinked bottom-up, which leaves them empty, and a
 * few of each level are kept, still read-only and typed, for the next
 * address spaces (pinned L4s with their kernel half included).  At most
 * POOL_FRAMES frames wait there; the rest go back to page_free().
 *
 * Costs in hypervisor entries: create 0 (a fresh L4's pin is queued),
 * map/unmap 0, commit 1 if anything is queued (else 0), switch 1,
 * destroy 1 (2 if it has more tables than fit the free list below).
 */
#include "pv.h"
#include "defs.h"

#define USER_TABLE (PV_PTE_P | PV_PTE_W | PV_PTE_U | PV_PTE_A)   /* non-leaf user entry */
#define NO_TABLE   (~0ull)

struct hal_as {
    uint64_t l4;                    /* pfn of the pinned L4 */
};

static struct hal_as *current;      /* loaded, or NULL for the boot tables */

/* Empty tables kept for reuse, by level (1..4): read-only, still typed, L4s pinned. */
static const unsigned pool_cap[5] = { 0, 12, 6, 6, 3 };
#define POOL_FRAMES (12 + 6 + 6 + 3)
static uint64_t pool[5][12];
static unsigned pool_n[5];

uint64_t hal_cached_frames(void)
{
    return pool_n[1] + pool_n[2] + pool_n[3] + pool_n[4];
}

/* Tables queued to be remapped writable: page_free() them once that is sent. */
#define FREE_LATER_MAX 128
static uint64_t free_later[FREE_LATER_MAX];
static unsigned n_free_later;

/* Snapshots of one table per level while a tree is taken apart. */
static uint64_t snap[5][512];

static unsigned pt_index(uint64_t va, int level)
{
    return (va >> (PAGE_SHIFT + 9 * (level - 1))) & 511;
}

static uint64_t entry_pfn(uint64_t e)
{
    uint64_t pfn = pv_mfn_to_pfn((e & PV_PTE_ADDR) >> PAGE_SHIFT);
    if (pfn == ~0ull)
        panic("pv: page-table entry %#lx names a frame that is not ours", (unsigned long)e);
    return pfn;
}

/*
 * The table below entry idx of table (a table of level > 1).  If there is
 * none: NO_TABLE, or with alloc a new zeroed one, queued to be made
 * read-only and linked (NO_TABLE if out of memory).
 */
static uint64_t next_table(uint64_t table, int level, unsigned idx, bool alloc)
{
    uint64_t e = pv_pte_read(table, idx);
    if (e & PV_PTE_P)
        return entry_pfn(e);
    if (!alloc)
        return NO_TABLE;
    uint64_t t;
    if (pool_n[level - 1]) {
        t = pool[level - 1][--pool_n[level - 1]];   /* empty, read-only, typed */
    } else {
        t = page_alloc();           /* zeroed */
        if (t == PAGE_NONE)
            return NO_TABLE;
        pv_physmap_set(t, false);
    }
    pv_queue_pte(pv_pte_maddr(table, idx), (pv_mfn(t) << PAGE_SHIFT) | USER_TABLE);
    return t;
}

/* The L1 that maps va, or NO_TABLE (with alloc: allocating the missing levels). */
static uint64_t find_l1(struct hal_as *as, uint64_t va, bool alloc)
{
    uint64_t t = as->l4;
    for (int level = 4; level > 1 && t != NO_TABLE; level--)
        t = next_table(t, level, pt_index(va, level), alloc);
    return t;
}

struct hal_as *hal_as_create(void)
{
    struct hal_as *as = kmalloc(sizeof *as);
    if (!as)
        return NULL;
    if (pool_n[4]) {
        as->l4 = pool[4][--pool_n[4]];     /* pinned, kernel half in place */
        return as;
    }
    as->l4 = page_alloc();
    if (as->l4 == PAGE_NONE) {
        kfree(as);
        return NULL;
    }
    /* The kernel half, while the frame is still ours to write. */
    uint64_t *l4 = pfn_to_va(as->l4);
    const uint64_t *boot_l4 = pfn_to_va(pv_boot_l4_pfn);
    for (unsigned i = 272; i < 512; i++)
        l4[i] = boot_l4[i];
    pv_physmap_set(as->l4, false);
    pv_queue_ext(MMUEXT_PIN_L4_TABLE, pv_mfn(as->l4));
    return as;
}

static void free_later_flush(void)
{
    pv_flush();
    for (unsigned i = 0; i < n_free_later; i++)
        page_free(free_later[i]);
    n_free_later = 0;
}

/*
 * Table t of level, just unlinked (queued): keep it if it is empty and
 * there is room, else have it remapped writable and freed.  An L1 with
 * mappings left (the kernel should have unmapped them) is never kept:
 * unlinking it dropped them, but its entries still say otherwise.
 */
static void retire_table(uint64_t t, int level, bool empty)
{
    if (empty && pool_n[level] < pool_cap[level]) {
        pool[level][pool_n[level]++] = t;
        return;
    }
    if (level == 4)
        pv_queue_ext(MMUEXT_UNPIN_TABLE, pv_mfn(t));
    if (n_free_later == FREE_LATER_MAX)
        free_later_flush();
    pv_physmap_set(t, true);
    free_later[n_free_later++] = t;
}

static bool all_zero(const uint64_t *e, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (e[i])
            return false;
    return true;
}

/*
 * Unlink every table under table (of level >= 2), children before their
 * parent's entry, so each is still validated, and so writable through
 * mmu_update, when its own entries are cleared.  Leaves table's user
 * entries empty.
 */
static void unlink_tree(uint64_t table, int level)
{
    uint64_t *e = snap[level];
    unsigned n = level == 4 ? 256 : 512;
    pv_table_read(table, e);
    for (unsigned i = 0; i < n; i++) {
        if (!(e[i] & PV_PTE_P))
            continue;
        uint64_t child = entry_pfn(e[i]);
        bool empty = true;
        if (level - 1 >= 2) {
            unlink_tree(child, level - 1);
        } else {
            pv_table_read(child, snap[1]);
            empty = all_zero(snap[1], 512);
        }
        pv_queue_pte(pv_pte_maddr(table, i), 0);
        retire_table(child, level - 1, empty);
    }
}

/*
 * Take the tree apart and send it in one entry (plus one per
 * FREE_LATER_MAX tables beyond the pool); then free what is not kept.
 */
void hal_as_destroy(struct hal_as *as)
{
    if (as == current) {
        pv_queue_ext(MMUEXT_NEW_BASEPTR, pv_mfn(pv_boot_l4_pfn));
        current = NULL;
    }
    unlink_tree(as->l4, 4);
    retire_table(as->l4, 4, true);
    free_later_flush();
    kfree(as);
}

static uint64_t user_pte(uint64_t pfn, unsigned prot)
{
    uint64_t e = (pv_mfn(pfn) << PAGE_SHIFT) | PV_PTE_P | PV_PTE_A;
    if (prot & HAL_PROT_WRITE)
        e |= PV_PTE_W | PV_PTE_D;
    if (prot & HAL_PROT_USER)
        e |= PV_PTE_U;
    if (!(prot & HAL_PROT_EXEC))
        e |= pv_pte_nx;
    return e;
}

/* Queue the L1 entry's change; a present entry of the loaded tables needs an invlpg. */
static void set_pte(struct hal_as *as, uint64_t l1, uint64_t va, uint64_t e)
{
    unsigned idx = pt_index(va, 1);
    uint64_t old = pv_pte_read(l1, idx);
    if (old == e)
        return;
    pv_queue_pte(pv_pte_maddr(l1, idx), e);
    if ((old & PV_PTE_P) && as == current)
        pv_queue_invlpg(va);
}

int hal_map(struct hal_as *as, uint64_t va, uint64_t pfn, unsigned prot)
{
    if (va >= USER_TOP || (va & (PAGE_SIZE - 1)) || pfn >= pv_nr_pages)
        panic("hal_map: bad va %#lx or pfn %#lx", (unsigned long)va, (unsigned long)pfn);
    uint64_t l1 = find_l1(as, va, true);
    if (l1 == NO_TABLE)
        return -ENOMEM;
    set_pte(as, l1, va, user_pte(pfn, prot));
    return 0;
}

void hal_unmap(struct hal_as *as, uint64_t va)
{
    if (va >= USER_TOP)
        return;
    uint64_t l1 = find_l1(as, va, false);
    if (l1 != NO_TABLE)
        set_pte(as, l1, va, 0);
}

bool hal_lookup(struct hal_as *as, uint64_t va, uint64_t *pfn, unsigned *prot)
{
    if (va >= USER_TOP)
        return false;
    uint64_t l1 = find_l1(as, va, false);
    if (l1 == NO_TABLE)
        return false;
    uint64_t e = pv_pte_read(l1, pt_index(va, 1));
    if (!(e & PV_PTE_P))
        return false;
    *pfn = entry_pfn(e);
    *prot = HAL_PROT_READ;
    if (e & PV_PTE_W)
        *prot |= HAL_PROT_WRITE;
    if (!(e & PV_PTE_NX))
        *prot |= HAL_PROT_EXEC;
    if (e & PV_PTE_U)
        *prot |= HAL_PROT_USER;
    return true;
}

void hal_as_commit(struct hal_as *as)
{
    (void)as;                       /* one queue for all address spaces */
    pv_flush();
}

void hal_as_switch(struct hal_as *as)
{
    if (as != current) {
        pv_queue_ext(MMUEXT_NEW_BASEPTR, pv_mfn(as->l4));
        current = as;
    }
    pv_flush();
}
