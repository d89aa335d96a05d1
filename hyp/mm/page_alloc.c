/*
 * page_alloc.c - physical memory: the frame table and the buddy allocator
 * over all RAM, set up from the boot memory map.
 *
 * Boot order matters.  Until paging_init() switches to the real tables,
 * only the first 4 GiB are mapped (by boot.S), so the frame table is
 * placed below 4 GiB and only frames below 4 GiB are handed to the buddy
 * allocator at first; the rest are added once the direct map covers them.
 */
#include "mm.h"
#include "buddy.h"
#include "printk.h"
#include "panic.h"
#include "spinlock.h"
#include "string.h"
#include "errno.h"

#define LOW_LIMIT   (1ull << 20)        /* below 1 MiB: firmware, trampoline */
#define EARLY_LIMIT (4ull << 30)        /* what boot.S mapped */

static struct frame_table frame_table;
static struct buddy buddy;
static struct spinlock alloc_lock = SPINLOCK_INIT("page_alloc");
static uint64_t total_frames;

extern char __image_start[], __image_end[];

struct range { uint64_t start, end; };

/* The ranges that must never be handed out: filled by mm_init(). */
static struct range reserved[BOOT_MODULES_MAX + 4];
static unsigned nreserved;

static void reserve(uint64_t start, uint64_t end)
{
    BUG_ON(nreserved >= ARRAY_SIZE(reserved));
    reserved[nreserved].start = ALIGN_DOWN(start, PAGE_SIZE);
    reserved[nreserved].end = ALIGN_UP(end, PAGE_SIZE);
    nreserved++;
}

/*
 * The lowest reserved range overlapping [start, end), or NULL.  Lowest, not
 * first found: callers free everything below the range returned.
 */
static const struct range *overlap(uint64_t start, uint64_t end)
{
    const struct range *low = NULL;
    for (unsigned i = 0; i < nreserved; i++)
        if (start < reserved[i].end && reserved[i].start < end &&
            (!low || reserved[i].start < low->start))
            low = &reserved[i];
    return low;
}

/*
 * Free the available frames of [lo, hi) that no reserved range covers.
 */
static void add_free_ram(const struct boot_info *bi, uint64_t lo, uint64_t hi)
{
    for (unsigned i = 0; i < bi->nmmap; i++) {
        const struct mmap_entry *e = &bi->mmap[i];
        if (e->type != MMAP_AVAILABLE)
            continue;
        uint64_t start = MAX(ALIGN_UP(e->base, PAGE_SIZE), lo);
        uint64_t end = MIN(ALIGN_DOWN(e->base + e->len, PAGE_SIZE), hi);
        while (start < end) {
            const struct range *r = overlap(start, end);
            uint64_t stop = r ? MAX(r->start, start) : end;
            if (stop > start)
                buddy_add_range(&buddy, start >> PAGE_SHIFT, stop >> PAGE_SHIFT);
            start = r ? MAX(r->end, stop) : end;
        }
    }
}

/* Find room for 'size' bytes of available RAM in [lo, hi), avoiding reserved ranges. */
static uint64_t find_room(const struct boot_info *bi, uint64_t size, uint64_t lo, uint64_t hi)
{
    for (unsigned i = 0; i < bi->nmmap; i++) {
        const struct mmap_entry *e = &bi->mmap[i];
        if (e->type != MMAP_AVAILABLE)
            continue;
        uint64_t start = MAX(ALIGN_UP(e->base, PAGE_SIZE), lo);
        uint64_t end = MIN(ALIGN_DOWN(e->base + e->len, PAGE_SIZE), hi);
        while (start + size <= end) {
            const struct range *r = overlap(start, start + size);
            if (!r)
                return start;
            start = r->end;
        }
    }
    return 0;
}

void mm_init(const struct boot_info *bi)
{
    uint64_t ram_end = bootinfo_ram_end(bi);
    if (ram_end > DIRECTMAP_MAX_PHYS) {
        pr_warn("mm: RAM above %lu GiB is not used\n", (unsigned long)(DIRECTMAP_MAX_PHYS >> 30));
        ram_end = DIRECTMAP_MAX_PHYS;
    }
    pfn_t nframes = ram_end >> PAGE_SHIFT;

    reserve(0, LOW_LIMIT);
    reserve(virt_to_phys(__image_start), virt_to_phys(__image_end));
    reserve(bi->mbi_start, bi->mbi_end);
    for (unsigned i = 0; i < bi->nmodules; i++)
        reserve(bi->modules[i].start, bi->modules[i].end);

    uint64_t ft_bytes = ALIGN_UP(nframes * sizeof(struct frame), PAGE_SIZE);
    uint64_t ft_pa = find_room(bi, ft_bytes, LOW_LIMIT, EARLY_LIMIT);
    if (!ft_pa)
        panic("mm: no room below 4 GiB for the frame table (%lu KiB)", (unsigned long)(ft_bytes >> 10));
    reserve(ft_pa, ft_pa + ft_bytes);
    struct frame *ft = phys_to_virt(ft_pa);
    memset(ft, 0, ft_bytes);
    frame_table_init(&frame_table, ft, 0, nframes);
    buddy_init(&buddy, &frame_table);

    /* Ownership of what is in use from the start. */
    frame_set_range(&frame_table, virt_to_phys(__image_start) >> PAGE_SHIFT,
                    ALIGN_UP(virt_to_phys(__image_end), PAGE_SIZE) >> PAGE_SHIFT, DOMID_HYP, FT_NONE);
    frame_set_range(&frame_table, ft_pa >> PAGE_SHIFT, (ft_pa + ft_bytes) >> PAGE_SHIFT, DOMID_HYP, FT_NONE);
    for (unsigned i = 0; i < bi->nmodules; i++)
        frame_set_range(&frame_table, bi->modules[i].start >> PAGE_SHIFT,
                        ALIGN_UP(bi->modules[i].end, PAGE_SIZE) >> PAGE_SHIFT, DOMID_BOOT, FT_NONE);

    for (unsigned i = 0; i < bi->nmmap; i++)
        if (bi->mmap[i].type == MMAP_AVAILABLE)
            total_frames += (ALIGN_DOWN(bi->mmap[i].base + bi->mmap[i].len, PAGE_SIZE) -
                             ALIGN_UP(bi->mmap[i].base, PAGE_SIZE)) >> PAGE_SHIFT;

    add_free_ram(bi, 0, EARLY_LIMIT);
    paging_init(bi);
    add_free_ram(bi, EARLY_LIMIT, ram_end);

    pr_info("mm: %lu MiB RAM, %lu MiB free; frame table %lu KiB at %#lx\n",
            (unsigned long)(total_frames >> 8), (unsigned long)(buddy_free_frames(&buddy) >> 8),
            (unsigned long)(ft_bytes >> 10), (unsigned long)ft_pa);
}

uint64_t alloc_frames(unsigned order)
{
    uint64_t flags = spin_lock_irqsave(&alloc_lock);
    pfn_t pfn = buddy_alloc(&buddy, order, DOMID_HYP);
    spin_unlock_irqrestore(&alloc_lock, flags);
    if (pfn == BUDDY_NONE)
        return 0;
    memset(phys_to_virt(pfn << PAGE_SHIFT), 0, PAGE_SIZE << order);
    return pfn << PAGE_SHIFT;
}

void free_frames(uint64_t pa, unsigned order)
{
    struct frame *f = frame_of(&frame_table, pa >> PAGE_SHIFT);
    /* Only what alloc_frames handed out: never firmware, module or image frames. */
    if (!f || f->owner != DOMID_HYP || f->u.use.ref_count != 0)
        panic("free_frames: %#lx is not a free-able hypervisor frame (owner %#x)",
              (unsigned long)pa, f ? f->owner : 0);
    uint64_t flags = spin_lock_irqsave(&alloc_lock);
    int rc = buddy_free(&buddy, pa >> PAGE_SHIFT, order);
    spin_unlock_irqrestore(&alloc_lock, flags);
    if (rc)
        panic("free_frames: bad free of %#lx order %u", (unsigned long)pa, order);
}

void *alloc_page(void)
{
    uint64_t pa = alloc_frames(0);
    return pa ? phys_to_virt(pa) : NULL;
}

void free_page(void *va) { free_frames(virt_to_phys(va), 0); }

uint64_t mm_free_frames(void) { return buddy_free_frames(&buddy); }
uint64_t mm_total_frames(void) { return total_frames; }
struct frame_table *mm_frame_table(void) { return &frame_table; }
