/*
 * heap.c - kzalloc/kfree for hypervisor objects.
 *
 * Small objects come from pages carved into equal slots of a power-of-two
 * size class (32 B .. 2 KiB), each class with a free list; larger ones get
 * whole buddy blocks.  A slab page counts its live objects in its frame
 * record (type FT_HEAP, ref_count); when the last one is freed the page
 * goes back to the buddy allocator, so the heap does not hoard memory
 * and the frame accounting after a domain's death comes out exact.  Every allocation carries a 16-byte header with a
 * magic number, so a bad or double free panics at once instead of
 * corrupting the heap silently.
 */
#include "mm.h"
#include "panic.h"
#include "spinlock.h"
#include "string.h"
#include "frame.h"

#define HEAP_MAGIC      0x48454150u     /* "HEAP" */
#define HEAP_FREE_MAGIC 0x46524545u     /* "FREE" */
#define MIN_SHIFT       5               /* 32 bytes */
#define MAX_SHIFT       11              /* 2048 bytes */
#define NCLASSES        (MAX_SHIFT - MIN_SHIFT + 1)

struct header {
    uint32_t magic;
    uint16_t shift;                     /* size class or, for big ones, 12 + order */
    uint16_t big;
    uint64_t pad;
};                                       /* 16 bytes: keeps payloads 16-aligned */

struct free_slot {
    struct header h;
    struct free_slot *next;
};

static struct free_slot *free_list[NCLASSES];
static struct spinlock heap_lock = SPINLOCK_INIT("heap");

static unsigned shift_for(size_t total)
{
    unsigned s = MIN_SHIFT;
    while (((size_t)1 << s) < total)
        s++;
    return s;
}

/* Carve a fresh page into slots of class 'shift'.  Called with the lock held. */
static struct frame *page_frame(const void *p)
{
    return frame_of(mm_frame_table(), virt_to_phys(p) >> PAGE_SHIFT);
}

static int refill(unsigned shift)
{
    uint8_t *page = alloc_page();
    if (!page)
        return -1;
    struct frame *pf = page_frame(page);
    pf->type = FT_HEAP;
    pf->u.use.ref_count = 0;
    size_t slot = (size_t)1 << shift;
    for (size_t off = 0; off + slot <= PAGE_SIZE; off += slot) {
        struct free_slot *f = (struct free_slot *)(page + off);
        f->h.magic = HEAP_FREE_MAGIC;
        f->h.shift = (uint16_t)shift;
        f->next = free_list[shift - MIN_SHIFT];
        free_list[shift - MIN_SHIFT] = f;
    }
    return 0;
}

void *kzalloc(size_t size)
{
    size_t total = size + sizeof(struct header);
    if (size > (1ul << 30))
        return NULL;
    unsigned shift = shift_for(total);
    struct header *h;

    if (shift > MAX_SHIFT) {
        unsigned order = shift > 12 ? shift - 12 : 0;
        uint64_t pa = alloc_frames(order);
        if (!pa)
            return NULL;
        h = phys_to_virt(pa);
        h->shift = (uint16_t)(12 + order);
        h->big = 1;
    } else {
        uint64_t irq = spin_lock_irqsave(&heap_lock);
        struct free_slot **list = &free_list[shift - MIN_SHIFT];
        if (!*list && refill(shift)) {
            spin_unlock_irqrestore(&heap_lock, irq);
            return NULL;
        }
        struct free_slot *f = *list;
        *list = f->next;
        page_frame(f)->u.use.ref_count++;
        spin_unlock_irqrestore(&heap_lock, irq);
        h = &f->h;
        memset(h, 0, (size_t)1 << shift);
        h->shift = (uint16_t)shift;
        h->big = 0;
    }
    h->magic = HEAP_MAGIC;
    return h + 1;
}

void kfree(void *p)
{
    if (!p)
        return;
    struct header *h = (struct header *)p - 1;
    if (h->magic != HEAP_MAGIC)
        panic("kfree(%p): not a live heap object (magic %#x)", p, h->magic);
    if (h->big) {
        h->magic = 0;
        free_frames(virt_to_phys(h), h->shift - 12);
        return;
    }
    unsigned shift = h->shift;
    struct free_slot *f = (struct free_slot *)h;
    uint64_t irq = spin_lock_irqsave(&heap_lock);
    f->h.magic = HEAP_FREE_MAGIC;
    f->next = free_list[shift - MIN_SHIFT];
    free_list[shift - MIN_SHIFT] = f;
    struct frame *pf = page_frame(f);
    uint8_t *page = (uint8_t *)ALIGN_DOWN((uint64_t)f, PAGE_SIZE);
    bool empty = --pf->u.use.ref_count == 0;
    if (empty) {
        /* Unthread the page's slots from the free list, then give it back. */
        for (struct free_slot **pp = &free_list[shift - MIN_SHIFT]; *pp; ) {
            if ((uint8_t *)*pp >= page && (uint8_t *)*pp < page + PAGE_SIZE)
                *pp = (*pp)->next;
            else
                pp = &(*pp)->next;
        }
        pf->type = FT_NONE;
    }
    spin_unlock_irqrestore(&heap_lock, irq);
    if (empty)
        free_page(page);
}
