/*
 * pmap.c - page tables: the physmap built at boot, and the per-process
 * address spaces behind hal_as_*.
 *
 * An address space is its L4 table; struct hal_as * is simply the L4's
 * address in the physmap.  The kernel half (L4 slots 272, the physmap,
 * and 511, the image and the APIC window) points at the master tables
 * of boot_l4, so it is the same everywhere and never changes after boot.
 * Updates are written directly and flushed at once with invlpg when the
 * address space is the loaded one, so hal_as_commit() has nothing to do.
 */
#include "defs.h"
#include "native.h"
#include "x86.h"

struct hal_as {
    uint64_t l4[512];
};

/* The physmap's L3: one entry per GiB of physical memory. */
static uint64_t physmap_pdpt[512] __attribute__((aligned(4096)));

/* Physical address of the L4 in CR3. */
static uint64_t loaded_l4;

/* A zeroed frame from take_frame(), reachable by the provisional physmap. */
static uint64_t *boot_table(uint64_t (*take_frame)(void), uint64_t *pfn)
{
    *pfn = take_frame();
    uint64_t *t = pfn_to_va(*pfn);
    memset(t, 0, PAGE_SIZE);
    return t;
}

/* Map every 2 MiB page that holds RAM at PHYSMAP_BASE + its physical
 * address, writable, never executable. */
static void physmap_build(const struct hal_range *ram, int nr_ram,
                          uint64_t (*take_frame)(void))
{
    for (int i = 0; i < nr_ram; i++) {
        uint64_t start = (ram[i].pfn << PAGE_SHIFT) & ~(HUGE_PAGE_SIZE - 1);
        uint64_t end = (ram[i].pfn + ram[i].count) << PAGE_SHIFT;
        for (uint64_t pa = start; pa < end; pa += HUGE_PAGE_SIZE) {
            uint64_t *l3e = &physmap_pdpt[L3_SLOT(pa)];
            if (!(*l3e & PTE_P)) {
                uint64_t pfn;
                boot_table(take_frame, &pfn);
                *l3e = (pfn << PAGE_SHIFT) | PTE_P | PTE_W;
            }
            uint64_t *pd = pfn_to_va((*l3e & PTE_ADDR) >> PAGE_SHIFT);
            pd[L2_SLOT(pa)] = pa | PTE_P | PTE_W | PTE_PS | PTE_NX;
        }
    }
}

/*
 * Remap the image with 4 KiB pages: text read-only, rodata read-only and
 * not executable, data and bss writable and not executable, nothing else
 * (start.S's 2 MiB pages also covered the first MiB and the slack after
 * the image) and not the boot stack's guard page.  Each new table maps
 * the same frames as the 2 MiB page it replaces, so running on it while
 * switching is safe.
 */
static void kernel_remap(uint64_t (*take_frame)(void))
{
    uint64_t first = (uint64_t)__image_start, last = (uint64_t)__image_end;
    for (uint64_t chunk = first & ~(HUGE_PAGE_SIZE - 1); chunk < last; chunk += HUGE_PAGE_SIZE) {
        uint64_t pfn;
        uint64_t *pt = boot_table(take_frame, &pfn);
        for (uint64_t va = chunk; va < chunk + HUGE_PAGE_SIZE; va += PAGE_SIZE) {
            if (va < first || va >= last || va == (uint64_t)boot_stack_guard)
                continue;
            uint64_t e = KVA_TO_PHYS(va) | PTE_P;
            if (va >= (uint64_t)__rodata_end)
                e |= PTE_W | PTE_NX;
            else if (va >= (uint64_t)__text_end)
                e |= PTE_NX;
            pt[L1_SLOT(va)] = e;
        }
        kernel_pd[L2_SLOT(chunk)] = (pfn << PAGE_SHIFT) | PTE_P | PTE_W;
    }
}

/*
 * The kernel's final page tables: the physmap of all RAM, the image page
 * by page, and no more identity map or provisional physmap.  take_frame()
 * gives frames the provisional physmap reaches; they stay the HAL's.
 */
void paging_init(const struct hal_range *ram, int nr_ram, uint64_t (*take_frame)(void))
{
    physmap_build(ram, nr_ram, take_frame);
    kernel_remap(take_frame);
    boot_l4[PHYSMAP_L4_SLOT] = KVA_TO_PHYS(physmap_pdpt) | PTE_P | PTE_W;
    boot_l4[0] = 0;
    loaded_l4 = KVA_TO_PHYS(boot_l4);
    lcr3(loaded_l4);
}

static uint64_t as_phys(const struct hal_as *as)
{
    return va_to_pfn(as) << PAGE_SHIFT;
}

static uint64_t *table_of(uint64_t entry)
{
    return pfn_to_va((entry & PTE_ADDR) >> PAGE_SHIFT);
}

/* A new address space sharing the kernel half; NULL if out of memory. */
struct hal_as *hal_as_create(void)
{
    uint64_t pfn = page_alloc();
    if (pfn == PAGE_NONE)
        return NULL;
    struct hal_as *as = pfn_to_va(pfn);     /* page_alloc() zeroes it */
    as->l4[PHYSMAP_L4_SLOT] = boot_l4[PHYSMAP_L4_SLOT];
    as->l4[KERNEL_L4_SLOT] = boot_l4[KERNEL_L4_SLOT];
    return as;
}

/* Free the user-half tables and the L4.  Leaf frames are the kernel's.
 * If as is loaded, the kernel's own tables are loaded instead first. */
void hal_as_destroy(struct hal_as *as)
{
    if (loaded_l4 == as_phys(as)) {
        loaded_l4 = KVA_TO_PHYS(boot_l4);
        lcr3(loaded_l4);
    }
    for (int i = 0; i < 256; i++) {
        if (!(as->l4[i] & PTE_P))
            continue;
        uint64_t *l3 = table_of(as->l4[i]);
        for (int j = 0; j < 512; j++) {
            if (!(l3[j] & PTE_P))
                continue;
            uint64_t *l2 = table_of(l3[j]);
            for (int k = 0; k < 512; k++)
                if (l2[k] & PTE_P)
                    page_free((l2[k] & PTE_ADDR) >> PAGE_SHIFT);
            page_free((l3[j] & PTE_ADDR) >> PAGE_SHIFT);
        }
        page_free((as->l4[i] & PTE_ADDR) >> PAGE_SHIFT);
    }
    page_free(va_to_pfn(as));
}

/*
 * The L1 entry for user address va, or NULL.  With create, missing tables
 * are allocated (NULL then means out of memory).  Intermediate entries
 * allow everything; the leaf decides.
 */
static uint64_t *walk(struct hal_as *as, uint64_t va, bool create)
{
    uint64_t *table = as->l4;
    for (int shift = 39; shift > PAGE_SHIFT; shift -= 9) {
        uint64_t *e = &table[(va >> shift) & 511];
        if (!(*e & PTE_P)) {
            if (!create)
                return NULL;
            uint64_t pfn = page_alloc();
            if (pfn == PAGE_NONE)
                return NULL;
            *e = (pfn << PAGE_SHIFT) | PTE_P | PTE_W | PTE_U;
        }
        table = table_of(*e);
    }
    return &table[L1_SLOT(va)];
}

/* A present entry changed: drop its stale TLB entry if as is loaded. */
static void flush(struct hal_as *as, uint64_t va)
{
    if (loaded_l4 == as_phys(as))
        invlpg(va);
}

static void check_user_va(uint64_t va, const char *who)
{
    if (va >= USER_TOP || (va & (PAGE_SIZE - 1)))
        panic("%s: bad user address %#lx", who, va);
}

int hal_map(struct hal_as *as, uint64_t va, uint64_t pfn, unsigned prot)
{
    check_user_va(va, "hal_map");
    uint64_t *pte = walk(as, va, true);
    if (!pte)
        return -ENOMEM;
    uint64_t e = (pfn << PAGE_SHIFT) | PTE_P;
    if (prot & HAL_PROT_WRITE)
        e |= PTE_W;
    if (prot & HAL_PROT_USER)
        e |= PTE_U;
    if (!(prot & HAL_PROT_EXEC))
        e |= PTE_NX;
    uint64_t old = *pte;
    *pte = e;
    if (old & PTE_P)
        flush(as, va);
    return 0;
}

void hal_unmap(struct hal_as *as, uint64_t va)
{
    check_user_va(va, "hal_unmap");
    uint64_t *pte = walk(as, va, false);
    if (pte && (*pte & PTE_P)) {
        *pte = 0;
        flush(as, va);
    }
}

bool hal_lookup(struct hal_as *as, uint64_t va, uint64_t *pfn, unsigned *prot)
{
    if (va >= USER_TOP)
        return false;
    uint64_t *pte = walk(as, va & ~(PAGE_SIZE - 1), false);
    if (!pte || !(*pte & PTE_P))
        return false;
    *pfn = (*pte & PTE_ADDR) >> PAGE_SHIFT;
    *prot = HAL_PROT_READ;
    if (*pte & PTE_W)
        *prot |= HAL_PROT_WRITE;
    if (*pte & PTE_U)
        *prot |= HAL_PROT_USER;
    if (!(*pte & PTE_NX))
        *prot |= HAL_PROT_EXEC;
    return true;
}

/* Nothing is queued natively: hal_map and hal_unmap flushed already. */
void hal_as_commit(struct hal_as *as)
{
    (void)as;
}

void hal_as_switch(struct hal_as *as)
{
    uint64_t pa = as_phys(as);
    if (pa != loaded_l4) {
        loaded_l4 = pa;
        lcr3(pa);
    }
}

/* Natively emptied tables go straight back to page_free(): no cache. */
uint64_t hal_cached_frames(void)
{
    return 0;
}
