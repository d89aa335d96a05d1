/*
 * buddy.c - binary buddy allocator over the frame table (see buddy.h).
 *
 * Invariants, which the unit tests check:
 *  - every frame of a free block is owned by DOMID_FREE;
 *  - the first frame of a free block of order k has order == k and is on
 *    list head[k]; every other frame has order == FRAME_NO_ORDER;
 *  - a block of order k starts at a pfn that is a multiple of 2^k and lies
 *    wholly inside the table.
 * So "frame X is the head of a free block of order k" is simply
 * owner == DOMID_FREE && order == k, which is what merging tests.
 *
 * List links are pfn offsets from ft->base_pfn (32 bits fit 16 TiB).
 */
#include "buddy.h"
#include "errno.h"

static struct frame *
frame_at(struct buddy *b, uint32_t off)
{
    return &b->ft->frames[off];
}

static void
list_push(struct buddy *b, uint32_t off, unsigned order)
{
    struct frame *f = frame_at(b, off);

    f->order = (uint8_t)order;
    f->u.free.prev = FRAME_NIL;
    f->u.free.next = b->head[order];
    if (b->head[order] != FRAME_NIL)
        frame_at(b, b->head[order])->u.free.prev = off;
    b->head[order] = off;
}

static void
list_remove(struct buddy *b, uint32_t off, unsigned order)
{
    struct frame *f = frame_at(b, off);

    if (f->u.free.prev != FRAME_NIL)
        frame_at(b, f->u.free.prev)->u.free.next = f->u.free.next;
    else
        b->head[order] = f->u.free.next;
    if (f->u.free.next != FRAME_NIL)
        frame_at(b, f->u.free.next)->u.free.prev = f->u.free.prev;
    f->order = FRAME_NO_ORDER;
    f->u.free.next = f->u.free.prev = FRAME_NIL;
}

/* Is [pfn, pfn + 2^order) inside the table? */
static int
block_in_table(const struct buddy *b, pfn_t pfn, unsigned order)
{
    const struct frame_table *ft = b->ft;
    pfn_t n = (pfn_t)1 << order;

    return pfn >= ft->base_pfn && n <= ft->nframes &&
           pfn - ft->base_pfn <= ft->nframes - n;
}

void
buddy_init(struct buddy *b, struct frame_table *ft)
{
    b->ft = ft;
    for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++)
        b->head[k] = FRAME_NIL;
    b->nfree = 0;
}

pfn_t
buddy_alloc(struct buddy *b, unsigned order, uint16_t owner)
{
    unsigned k;
    uint32_t off;
    pfn_t n;

    if (order > BUDDY_MAX_ORDER)
        return BUDDY_NONE;
    for (k = order; k <= BUDDY_MAX_ORDER && b->head[k] == FRAME_NIL; k++)
        ;
    if (k > BUDDY_MAX_ORDER)
        return BUDDY_NONE;

    off = b->head[k];
    list_remove(b, off, k);
    /* Split: keep the lower half, free the upper half, until the size is right. */
    while (k > order) {
        k--;
        list_push(b, off + ((uint32_t)1 << k), k);
    }

    n = (pfn_t)1 << order;
    for (pfn_t i = 0; i < n; i++) {
        struct frame *f = frame_at(b, off + (uint32_t)i);
        f->owner = owner;
        f->type = FT_NONE;
        f->order = FRAME_NO_ORDER;
        f->flags = 0;
        f->u.use.type_count = 0;
        f->u.use.ref_count = 0;
    }
    b->nfree -= n;
    return b->ft->base_pfn + off;
}

int
buddy_free(struct buddy *b, pfn_t pfn, unsigned order)
{
    pfn_t n, base = b->ft->base_pfn;

    if (order > BUDDY_MAX_ORDER)
        return -EINVAL;
    n = (pfn_t)1 << order;
    if ((pfn & (n - 1)) != 0 || !block_in_table(b, pfn, order))
        return -EINVAL;
    /* Check all frames before changing any, so a bad call changes nothing. */
    for (pfn_t i = 0; i < n; i++)
        if (frame_at(b, (uint32_t)(pfn - base + i))->owner == DOMID_FREE)
            return -EINVAL;

    for (pfn_t i = 0; i < n; i++) {
        struct frame *f = frame_at(b, (uint32_t)(pfn - base + i));
        f->owner = DOMID_FREE;
        f->type = FT_NONE;
        f->order = FRAME_NO_ORDER;
        f->flags = 0;
        f->u.free.next = f->u.free.prev = FRAME_NIL;
    }
    b->nfree += n;

    /* Merge while the buddy is a whole free block of the same order. */
    while (order < BUDDY_MAX_ORDER) {
        pfn_t buddy = pfn ^ ((pfn_t)1 << order);
        struct frame *bf;

        if (!block_in_table(b, buddy, order))
            break;
        bf = frame_at(b, (uint32_t)(buddy - base));
        if (bf->owner != DOMID_FREE || bf->order != order)
            break;
        list_remove(b, (uint32_t)(buddy - base), order);
        if (buddy < pfn)
            pfn = buddy;
        order++;
    }
    list_push(b, (uint32_t)(pfn - base), order);
    return 0;
}

void
buddy_add_range(struct buddy *b, pfn_t start, pfn_t end)
{
    const struct frame_table *ft = b->ft;
    pfn_t pfn;

    /* Clip to the table. */
    if (start < ft->base_pfn)
        start = ft->base_pfn;
    if (end > ft->base_pfn + ft->nframes)
        end = ft->base_pfn + ft->nframes;

    for (pfn = start; pfn < end; ) {
        unsigned k = 0;
        pfn_t n;

        /* The largest block that is aligned at pfn and ends by 'end'. */
        while (k < BUDDY_MAX_ORDER &&
               (pfn & (((pfn_t)2 << k) - 1)) == 0 &&
               ((pfn_t)2 << k) <= end - pfn)
            k++;
        n = (pfn_t)1 << k;
        /*
         * buddy_free() refuses a block holding an already-free frame; then
         * add its frames one by one so only the free ones are skipped.
         */
        if (buddy_free(b, pfn, k) != 0)
            for (pfn_t i = 0; i < n; i++)
                (void)buddy_free(b, pfn + i, 0);
        pfn += n;
    }
}
