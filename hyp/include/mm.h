/*
 * mm.h - the hypervisor's memory: physical frames, the direct map, the
 * heap, and mappings in its own address space.
 */
#ifndef HYP_MM_H
#define HYP_MM_H

#include <stdint.h>
#include <stddef.h>
#include "frame.h"
#include "bootinfo.h"
#include <asm/layout.h>

/* Direct map: every RAM frame at phys + DIRECTMAP_BASE. */
static inline void *phys_to_virt(uint64_t pa) { return (void *)(pa + DIRECTMAP_BASE); }
static inline uint64_t virt_to_phys(const void *va)
{
    uint64_t v = (uint64_t)va;
    return v >= IMAGE_OFFSET && v < IMAGE_OFFSET + 0x8000000000 ? v - IMAGE_OFFSET : v - DIRECTMAP_BASE;
}

/*
 * Set up the frame table and allocator from the memory map, keeping the
 * image, the MBI and the boot modules out of it, then build and load the
 * hypervisor's page tables.  Called once, on the boot CPU.
 */
void mm_init(const struct boot_info *bi);

/* Allocate 2^order contiguous zeroed frames for the hypervisor; 0 if none. */
uint64_t alloc_frames(unsigned order);
void free_frames(uint64_t pa, unsigned order);
/* Allocate one zeroed frame and return it through the direct map, or NULL. */
void *alloc_page(void);
void free_page(void *va);

/* Free frames now, and total RAM frames. */
uint64_t mm_free_frames(void);
uint64_t mm_total_frames(void);
struct frame_table *mm_frame_table(void);

/* The heap: small hypervisor objects.  Zeroed.  NULL if out of memory. */
void *kzalloc(size_t size);
void kfree(void *p);

/* --- page tables (arch/x86/paging.c) --- */
#define PTE_P     (1ull << 0)
#define PTE_W     (1ull << 1)
#define PTE_U     (1ull << 2)
#define PTE_PWT   (1ull << 3)
#define PTE_PCD   (1ull << 4)
#define PTE_A     (1ull << 5)
#define PTE_D     (1ull << 6)
#define PTE_PS    (1ull << 7)
#define PTE_G     (1ull << 8)
#define PTE_NX    (1ull << 63)
#define PTE_ADDR  0x000ffffffffff000ull

/* NX bit if the CPU has it, else 0. */
extern uint64_t pte_nx;

/* Physical address of the hypervisor's L4 (what CR3 holds). */
uint64_t paging_root(void);

/*
 * Map one 4 KiB page in the hypervisor's tables, allocating intermediate
 * tables as needed.  Returns 0, or -ENOMEM.
 */
int map_page(uint64_t va, uint64_t pa, uint64_t flags);
/* Remove a 4 KiB mapping (and flush it on this CPU). */
void unmap_page(uint64_t va);
/* The PTE that maps va (any level), or 0 if unmapped. */
uint64_t lookup_pte(uint64_t va, int *level);

/*
 * Remove L4 entry 'slot' and free the page tables under it (not the frames
 * they map).  For temporary low-half mappings such as the benchmarks'.
 */
void paging_clear_l4_slot(unsigned slot);

/* Build the final tables from the memory map and switch to them. */
void paging_init(const struct boot_info *bi);

/*
 * A stack of STACK_PAGES pages in the vmap area with an unmapped guard
 * page below it, so an overflow faults instead of corrupting memory.
 * Returns the top (initial RSP), or 0.  *bottom gets the lowest address.
 */
uint64_t stack_alloc(uint64_t *bottom);
uint64_t stack_alloc_pages(unsigned pages, uint64_t *bottom);
/* Map device memory uncached; returns its virtual address or NULL. */
void *ioremap(uint64_t pa, size_t len);

#endif
