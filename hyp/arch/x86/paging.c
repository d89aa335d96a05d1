/*
 * paging.c - the hypervisor's own page tables.
 *
 * One L4 for the hypervisor's slots (asm/layout.h), built from the memory
 * map once RAM is known:
 *   - the image with 4 KiB pages: text read-only+executable, rodata
 *     read-only, data and bss writable, both non-executable; the boot
 *     stack's guard page is left unmapped;
 *   - the direct map of every RAM range (available, ACPI, NVS), with 2 MiB
 *     pages where a range allows, non-executable;
 *   - the vmap area, filled on demand: stacks with guard pages, MMIO.
 * No mapping is global (G): once guests run, the hypervisor must vanish
 * from the TLB when a CPU switches to a guest's view.
 */
#include "mm.h"
#include "printk.h"
#include "panic.h"
#include "spinlock.h"
#include "string.h"
#include "errno.h"
#include <asm/x86.h>

uint64_t pte_nx;
static uint64_t root_pa;
static uint64_t *root;
static struct spinlock map_lock = SPINLOCK_INIT("paging");
static uint64_t vmap_next = VMAP_BASE;

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __image_end[], boot_stack_guard[];

uint64_t paging_root(void) { return root_pa; }

static unsigned index_of(uint64_t va, int level)   /* level 4..1 */
{
    return (va >> (12 + 9 * (level - 1))) & 511;
}

/*
 * The entry for va at 'level' (1 = the 4 KiB PTE, 2 = the 2 MiB PDE),
 * creating missing tables on the way if 'create'.  NULL if a table is
 * missing (and !create), a large page is in the way, or out of memory.
 */
/*
 * The root to change for va: the boot root for the hypervisor's shared
 * slots (257..271, whose L3 tables every CPU's roots share), else the
 * root this CPU has loaded (slot 256 and the low half are per CPU).
 */
static uint64_t *root_for(uint64_t va)
{
    unsigned slot = (va >> 39) & 511;
    if (slot > HYP_L4_FIRST && slot <= HYP_L4_LAST)
        return root;
    return phys_to_virt(read_cr3() & PTE_ADDR);
}

static uint64_t *walk(uint64_t va, int level, bool create, uint64_t user)
{
    uint64_t *table = root_for(va);
    for (int l = 4; l > level; l--) {
        uint64_t *e = &table[index_of(va, l)];
        if (!(*e & PTE_P)) {
            if (!create)
                return NULL;
            uint64_t pa = alloc_frames(0);
            if (!pa)
                return NULL;
            /* Intermediate entries grant everything; leaves restrict. */
            *e = pa | PTE_P | PTE_W | user;
        } else if (*e & PTE_PS) {
            return NULL;
        }
        table = phys_to_virt(*e & PTE_ADDR);
    }
    return &table[index_of(va, level)];
}

int map_page(uint64_t va, uint64_t pa, uint64_t flags)
{
    uint64_t irq = spin_lock_irqsave(&map_lock);
    uint64_t *e = walk(va, 1, true, flags & PTE_U);
    if (e)
        *e = (pa & PTE_ADDR) | flags | PTE_P;
    spin_unlock_irqrestore(&map_lock, irq);
    if (!e)
        return -ENOMEM;
    invlpg(va);
    return 0;
}

static int map_large(uint64_t va, uint64_t pa, uint64_t flags)
{
    uint64_t *e = walk(va, 2, true, 0);
    if (!e)
        return -ENOMEM;
    *e = (pa & PTE_ADDR) | flags | PTE_P | PTE_PS;
    return 0;
}

void unmap_page(uint64_t va)
{
    uint64_t irq = spin_lock_irqsave(&map_lock);
    uint64_t *e = walk(va, 1, false, 0);
    if (e)
        *e = 0;
    spin_unlock_irqrestore(&map_lock, irq);
    invlpg(va);
}

uint64_t lookup_pte(uint64_t va, int *level)
{
    uint64_t *table = root_for(va);
    for (int l = 4; l >= 1; l--) {
        uint64_t e = table[index_of(va, l)];
        if (!(e & PTE_P))
            return 0;
        if (l == 1 || (l <= 3 && (e & PTE_PS))) {
            if (level)
                *level = l;
            return e;
        }
        table = phys_to_virt(e & PTE_ADDR);
    }
    return 0;
}

/* Map [start, end) of physical memory into the direct map. */
static void map_direct(uint64_t start, uint64_t end)
{
    const uint64_t flags = PTE_W | pte_nx;
    uint64_t pa = ALIGN_DOWN(start, PAGE_SIZE);
    end = ALIGN_UP(end, PAGE_SIZE);
    while (pa < end) {
        int rc;
        if ((pa & 0x1fffff) == 0 && pa + 0x200000 <= end) {
            rc = map_large(DIRECTMAP_BASE + pa, pa, flags);
            pa += 0x200000;
        } else {
            uint64_t *e = walk(DIRECTMAP_BASE + pa, 1, true, 0);
            /* A 2 MiB page from a neighbouring range may already cover it. */
            rc = e ? 0 : (lookup_pte(DIRECTMAP_BASE + pa, NULL) ? 0 : -ENOMEM);
            if (e)
                *e = pa | flags | PTE_P;
            pa += PAGE_SIZE;
        }
        if (rc)
            panic("paging: out of memory building the direct map");
    }
}

static void map_image(void)
{
    for (uint64_t va = (uint64_t)__text_start; va < (uint64_t)__image_end; va += PAGE_SIZE) {
        uint64_t flags;
        if (va == (uint64_t)boot_stack_guard)
            continue;                                   /* the guard page */
        if (va < (uint64_t)__text_end)
            flags = 0;                                  /* read-only, executable */
        else if (va < (uint64_t)__rodata_end)
            flags = pte_nx;                             /* read-only */
        else
            flags = PTE_W | pte_nx;                     /* data, bss */
        uint64_t *e = walk(va, 1, true, 0);
        if (!e)
            panic("paging: out of memory mapping the image");
        *e = (va - IMAGE_OFFSET) | flags | PTE_P;
    }
}

void paging_init(const struct boot_info *bi)
{
    uint32_t a, b, c, d;
    cpuid(0x80000001, 0, &a, &b, &c, &d);
    pte_nx = (d & (1u << 20)) ? PTE_NX : 0;

    root_pa = alloc_frames(0);
    if (!root_pa)
        panic("paging: no memory for the root table");
    root = phys_to_virt(root_pa);

    map_image();
    for (unsigned i = 0; i < bi->nmmap; i++) {
        const struct mmap_entry *e = &bi->mmap[i];
        if (e->type == MMAP_AVAILABLE || e->type == MMAP_ACPI || e->type == MMAP_NVS)
            if (e->base < DIRECTMAP_MAX_PHYS)
                map_direct(e->base, MIN(e->base + e->len, DIRECTMAP_MAX_PHYS));
    }
    /*
     * Every shared slot (257..271) gets its L3 now: per-CPU roots copy
     * these L4 entries once, so a slot created later would be invisible.
     */
    for (unsigned slot = HYP_L4_FIRST + 1; slot <= HYP_L4_LAST; slot++)
        if (!walk(0xffff000000000000ull | ((uint64_t)slot << 39), 3, true, 0))
            panic("paging: no memory for the hypervisor's L3 tables");

    write_cr3(root_pa);
    pr_info("paging: hypervisor tables at %#lx (NX %s), image text %#lx-%#lx\n",
            (unsigned long)root_pa, pte_nx ? "on" : "not available",
            (unsigned long)__text_start, (unsigned long)__text_end);
}

/* Reserve 'pages' of vmap address space (never reused: stacks live forever). */
static uint64_t vmap_reserve(uint64_t pages)
{
    static struct spinlock vmap_lock = SPINLOCK_INIT("vmap");
    uint64_t irq = spin_lock_irqsave(&vmap_lock);
    uint64_t va = vmap_next;
    vmap_next += pages * PAGE_SIZE;
    spin_unlock_irqrestore(&vmap_lock, irq);
    return va;
}

uint64_t stack_alloc_pages(unsigned pages, uint64_t *bottom)
{
    uint64_t va = vmap_reserve(1 + pages);            /* guard page first */
    for (unsigned i = 0; i < pages; i++) {
        uint64_t pa = alloc_frames(0);
        if (!pa || map_page(va + (1 + i) * PAGE_SIZE, pa, PTE_W | pte_nx))
            return 0;
    }
    if (bottom)
        *bottom = va + PAGE_SIZE;
    return va + (1 + pages) * PAGE_SIZE;
}

uint64_t stack_alloc(uint64_t *bottom)
{
    return stack_alloc_pages(STACK_PAGES, bottom);
}

void *ioremap(uint64_t pa, size_t len)
{
    uint64_t first = ALIGN_DOWN(pa, PAGE_SIZE);
    uint64_t pages = (ALIGN_UP(pa + len, PAGE_SIZE) - first) >> PAGE_SHIFT;
    uint64_t va = vmap_reserve(pages + 1);            /* a gap after each mapping */
    for (uint64_t i = 0; i < pages; i++)
        if (map_page(va + i * PAGE_SIZE, first + i * PAGE_SIZE, PTE_W | PTE_PCD | PTE_PWT | pte_nx))
            return NULL;
    return (void *)(va + (pa - first));
}

/* Free the page-table pages under one L4 entry (not the frames mapped). */
static void free_tables(uint64_t table_pa, int level)
{
    uint64_t *t = phys_to_virt(table_pa);
    if (level > 1)
        for (int i = 0; i < 512; i++)
            if ((t[i] & PTE_P) && !(t[i] & PTE_PS))
                free_tables(t[i] & PTE_ADDR, level - 1);
    free_frames(table_pa, 0);
}

void paging_clear_l4_slot(unsigned slot)
{
    uint64_t va = (uint64_t)(slot & 511) << 39;
    if (va & (1ull << 47))
        va |= 0xffff000000000000ull;            /* canonical */
    uint64_t *r = root_for(va);
    uint64_t irq = spin_lock_irqsave(&map_lock);
    uint64_t e = r[slot & 511];
    r[slot & 511] = 0;
    spin_unlock_irqrestore(&map_lock, irq);
    write_cr3(read_cr3());
    if (e & PTE_P)
        free_tables(e & PTE_ADDR, 3);
}
