/*
 * page.h - the frame allocator's interface beyond defs.h.
 *
 * defs.h has the everyday calls (page_alloc, page_free, page_ref, ...).
 * This header adds what only a few places need: physically contiguous
 * runs of frames (kmalloc's big objects: kernel stacks, exec buffers),
 * the per-frame record kmalloc keeps its slab bookkeeping in, and a test
 * for "is this kernel address ordinary RAM" (the panic backtrace).
 */
#ifndef GUEST_PAGE_H
#define GUEST_PAGE_H

#include "defs.h"

/*
 * What the allocator records about each frame it manages.  ref is the
 * allocator's own (0 = free); the other fields belong to whoever holds
 * the frame and are zeroed when it is allocated.  Only kmalloc uses them
 * today: they let kfree() find an object's slab from its address alone,
 * without a header inside the page.
 */
struct page_info {
    uint32_t ref;          /* references; 0 = free */
    uint8_t  kind;         /* owner's tag (kmalloc: KM_*), 0 = none */
    uint8_t  class;        /* kmalloc: slab size class */
    uint16_t inuse;        /* kmalloc: objects allocated from this slab */
    uint16_t free_off;     /* kmalloc: offset of the first free object */
    uint16_t unused;
    uint32_t link;         /* kmalloc: next partial slab's pfn, or run length */
};

/*
 * n physically contiguous zeroed frames, each with reference count 1: the
 * first frame's pfn, or PAGE_NONE if no such run is free (or n is 0).
 */
uint64_t page_alloc_run(size_t n);

/* Drop one reference on each of the n frames from pfn (page_free each). */
void page_free_run(uint64_t pfn, size_t n);

/* The record of frame pfn, or NULL if pfn is not one of the allocator's
 * frames.  Callers touch only the owner fields of frames they hold. */
struct page_info *page_info(uint64_t pfn);

/* True if the bytes [va, va+len) are all in the physmap of frames the
 * allocator manages (free or not): kernel memory that can be read
 * without faulting.  For code that must never fault (backtraces). */
bool page_va_is_ram(uint64_t va, size_t len);

#endif
