/*
 * kmalloc.c - kernel objects of any size.
 *
 * Up to 2 KiB: power-of-two slabs (16, 32, ... 2048 bytes), each slab one
 * frame cut into equal objects.  Larger: a run of contiguous frames.
 *
 * A slab's bookkeeping is kept in its frame's struct page_info (page.h),
 * not inside the page, so a page holds a whole number of objects (two
 * 2 KiB objects, not one) and kfree() finds everything from the address.
 * Free objects of a slab are chained through their first two bytes
 * (offsets within the page).  Each size class keeps a list of its slabs
 * that have free objects; a slab whose last object is freed goes straight
 * back to the page allocator, so kernel objects never hold frames that a
 * "no frame leaked" check would miss.
 */
#include "defs.h"
#include "page.h"

#define KM_SLAB     1          /* page_info.kind: a slab page */
#define KM_BIG      2          /* page_info.kind: first frame of a big object */

#define NCLASS      8          /* 16 << 0 .. 16 << 7 = 2048 */
#define MIN_SHIFT   4
#define MAX_SMALL   2048
#define END_OF_LIST 0xffff     /* free_off: no free object */
#define NO_SLAB     UINT32_MAX /* link: no next slab */

/* Per class, the first slab (pfn) with a free object, or NO_SLAB. */
static uint32_t partial[NCLASS] = {
    NO_SLAB, NO_SLAB, NO_SLAB, NO_SLAB, NO_SLAB, NO_SLAB, NO_SLAB, NO_SLAB,
};

static size_t
class_size(unsigned c)
{
    return (size_t)1 << (c + MIN_SHIFT);
}

/* The smallest class that holds size bytes (size <= MAX_SMALL). */
static unsigned
class_for(size_t size)
{
    unsigned c = 0;

    while (class_size(c) < size)
        c++;
    return c;
}

/* Where the free-list link of the object at off in slab pfn lives. */
static uint16_t *
link_at(uint64_t pfn, unsigned off)
{
    return (uint16_t *)((char *)pfn_to_va(pfn) + off);
}

/* A new empty slab for class c, put on its partial list: 0 or -ENOMEM. */
static int
slab_grow(unsigned c)
{
    uint64_t pfn = page_alloc();
    struct page_info *pi;
    size_t size = class_size(c);

    if (pfn == PAGE_NONE)
        return -ENOMEM;
    pi = page_info(pfn);
    pi->kind = KM_SLAB;
    pi->class = (uint8_t)c;
    pi->inuse = 0;
    /* Chain the objects in address order: object k links to k+1. */
    for (size_t off = 0; off < PAGE_SIZE; off += size)
        *link_at(pfn, (unsigned)off) =
            off + size < PAGE_SIZE ? (uint16_t)(off + size) : END_OF_LIST;
    pi->free_off = 0;
    pi->link = partial[c];
    partial[c] = (uint32_t)pfn;
    return 0;
}

/* Take slab pfn of class c off the partial list (it is on it). */
static void
partial_remove(unsigned c, uint64_t pfn)
{
    uint32_t *pp = &partial[c];

    while (*pp != NO_SLAB) {
        if (*pp == pfn) {
            *pp = page_info(pfn)->link;
            return;
        }
        pp = &page_info(*pp)->link;
    }
    panic("kmalloc: slab %#lx missing from its list", (unsigned long)pfn);
}

static void *
big_alloc(size_t size)
{
    size_t n = PAGE_ROUND_UP(size) / PAGE_SIZE;
    uint64_t pfn;
    struct page_info *pi;

    if (n > UINT32_MAX)
        return NULL;
    pfn = page_alloc_run(n);
    if (pfn == PAGE_NONE)
        return NULL;
    pi = page_info(pfn);
    pi->kind = KM_BIG;
    pi->link = (uint32_t)n;
    return pfn_to_va(pfn);          /* page_alloc_run zeroed it */
}

/*
 * size bytes of zeroed kernel memory, aligned to the size's power of two
 * (page aligned above 2 KiB), or NULL when out of memory.  kmalloc(0)
 * returns a distinct 16-byte object.
 */
void *
kmalloc(size_t size)
{
    unsigned c;
    uint64_t pfn;
    struct page_info *pi;
    unsigned off;
    void *obj;

    if (size > MAX_SMALL)
        return big_alloc(size);
    c = class_for(size);
    if (partial[c] == NO_SLAB && slab_grow(c) < 0)
        return NULL;
    pfn = partial[c];
    pi = page_info(pfn);
    off = pi->free_off;
    pi->free_off = *link_at(pfn, off);
    pi->inuse++;
    if (pi->free_off == END_OF_LIST)      /* now full: it is the list head */
        partial[c] = pi->link;
    obj = (char *)pfn_to_va(pfn) + off;
    memset(obj, 0, class_size(c));
    return obj;
}

/* Free an object from kmalloc.  NULL is ignored; anything else that is
 * not a live kmalloc object is a kernel bug and panics. */
void
kfree(void *p)
{
    uint64_t pfn, off;
    struct page_info *pi;
    bool was_full;

    if (p == NULL)
        return;
    pfn = va_to_pfn(p);
    pi = page_info(pfn);
    off = (uint64_t)p - (uint64_t)pfn_to_va(pfn);
    if (pi == NULL || pi->ref == 0)
        panic("kfree: %p is not kernel heap", p);

    if (pi->kind == KM_BIG) {
        uint32_t n = pi->link;
        if (off != 0)
            panic("kfree: %p is inside a big object", p);
        pi->kind = 0;
        page_free_run(pfn, n);
        return;
    }
    if (pi->kind != KM_SLAB || off % class_size(pi->class) != 0 || pi->inuse == 0)
        panic("kfree: %p is not a kmalloc object", p);

    was_full = pi->free_off == END_OF_LIST;
    *link_at(pfn, (unsigned)off) = pi->free_off;
    pi->free_off = (uint16_t)off;
    pi->inuse--;
    if (pi->inuse == 0) {
        if (!was_full)
            partial_remove(pi->class, pfn);
        pi->kind = 0;
        page_free(pfn);
    } else if (was_full) {
        pi->link = partial[pi->class];
        partial[pi->class] = (uint32_t)pfn;
    }
}
