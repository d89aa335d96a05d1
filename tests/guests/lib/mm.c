/*
 * mm.c - frames and page tables for test guests.
 *
 * The bootstrap mapping (start_info.h) puts pseudo-physical frame i at
 * virt_base + i * 4096 for i < nr_bootstrap, the initial page tables
 * among them, read-only.  So a table's entries can be read by finding its
 * pfn in mfn_list; every change goes through mmu_update or
 * update_va_mapping.  Frames from nr_bootstrap up are ours and unmapped:
 * alloc_frame() hands them out.
 */
#include "lib.h"

/* Page-aligned holes in the bss that tests and the library remap. */
static uint8_t scratch_pages[NR_SCRATCH][4096] __page_aligned;
static uint8_t window_page[4096] __page_aligned;

static uint64_t next_fresh_pfn;

static const uint64_t *mfn_list(void)
{
    return (const uint64_t *)start_info->mfn_list;
}

uint64_t pfn_to_mfn(uint64_t pfn)
{
    return pfn < start_info->nr_pages ? mfn_list()[pfn] : ~0ull;
}

int64_t mfn_to_pfn(uint64_t mfn)
{
    const uint64_t *l = mfn_list();
    for (uint64_t i = 0; i < start_info->nr_pages; i++)
        if (l[i] == mfn)
            return (int64_t)i;
    return -1;
}

void *mfn_to_virt(uint64_t mfn)
{
    const uint64_t *l = mfn_list();
    for (uint64_t i = 0; i < start_info->nr_bootstrap && i < start_info->nr_pages; i++)
        if (l[i] == mfn)
            return (void *)(start_info->virt_base + i * PAGE_SIZE);
    return NULL;
}

uint64_t virt_to_mfn(const void *va)
{
    uint64_t pfn = ((uint64_t)va - start_info->virt_base) >> PAGE_SHIFT;
    return pfn_to_mfn(pfn);
}

uint64_t l4_mfn(void)
{
    return virt_to_mfn((const void *)start_info->pt_base);
}

uint64_t pte_maddr(uint64_t va, int level, uint64_t *entry)
{
    uint64_t mfn = l4_mfn();
    for (int l = 4; l >= level; l--) {
        const uint64_t *table = mfn_to_virt(mfn);
        if (!table)
            return 0;
        unsigned idx = pt_index(va, l);
        uint64_t e = table[idx];
        if (l == level) {
            if (entry)
                *entry = e;
            return (mfn << PAGE_SHIFT) + idx * 8;
        }
        if (!(e & PV_PTE_P) || (e & PV_PTE_PS))
            return 0;
        mfn = pte_mfn(e);
    }
    return 0;
}

uint64_t alloc_frame(void)
{
    if (!next_fresh_pfn)
        next_fresh_pfn = start_info->nr_bootstrap;
    if (next_fresh_pfn >= start_info->nr_pages)
        return 0;
    return mfn_list()[next_fresh_pfn++];
}

uint64_t frames_left(void)
{
    uint64_t next = next_fresh_pfn ? next_fresh_pfn : start_info->nr_bootstrap;
    return next < start_info->nr_pages ? start_info->nr_pages - next : 0;
}

void *map_window(uint64_t mfn)
{
    long rc = HYPERVISOR_update_va_mapping((uint64_t)window_page, pte(mfn, PTE_RW), UVMF_INVLPG);
    if (rc) {
        printk("map_window: mapping mfn %#lx writable: %s\n", mfn, errstr(rc));
        return NULL;
    }
    return window_page;
}

void unmap_window(void)
{
    long rc = HYPERVISOR_update_va_mapping((uint64_t)window_page, 0, UVMF_INVLPG);
    if (rc)
        printk("unmap_window: %s\n", errstr(rc));
}

long frame_fill(uint64_t mfn, const void *data, size_t len)
{
    uint8_t *p = map_window(mfn);
    if (!p)
        return -PV_EINVAL;
    memset(p, 0, PAGE_SIZE);
    if (data)
        memcpy(p, data, len > PAGE_SIZE ? PAGE_SIZE : len);
    unmap_window();
    return 0;
}

uint64_t alloc_zeroed_frame(void)
{
    uint64_t mfn = alloc_frame();
    if (mfn && frame_fill(mfn, NULL, 0))
        return 0;
    return mfn;
}

void *scratch_va(unsigned i)
{
    return scratch_pages[i % NR_SCRATCH];
}

long scratch_map(unsigned i, uint64_t mfn, uint64_t flags)
{
    return HYPERVISOR_update_va_mapping((uint64_t)scratch_va(i), pte(mfn, flags), UVMF_INVLPG);
}

long scratch_unmap(unsigned i)
{
    return HYPERVISOR_update_va_mapping((uint64_t)scratch_va(i), 0, UVMF_INVLPG);
}

long scratch_restore(unsigned i)
{
    return scratch_map(i, virt_to_mfn(scratch_va(i)), PTE_RW);
}

long mmu_update1(uint64_t maddr, uint64_t val)
{
    struct mmu_update req = { .ptr = maddr | MMU_NORMAL_PT_UPDATE, .val = val };
    return HYPERVISOR_mmu_update(&req, 1, NULL, DOMID_SELF);
}

long mmuext1(unsigned cmd, uint64_t arg)
{
    struct mmuext_op op = { .cmd = cmd, .arg1 = arg };
    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

long invlpg(uint64_t va)
{
    return mmuext1(MMUEXT_INVLPG_LOCAL, va);
}

long flush_tlb(void)
{
    return mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0);
}
