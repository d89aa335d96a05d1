/*
 * buddy.h - a binary buddy allocator of physical frames.
 *
 * Blocks are 2^order frames, naturally aligned (pfn % 2^order == 0).  The
 * free lists are threaded through the frame table, so the allocator never
 * touches free memory and the same code runs in host unit tests.  Not
 * locked: page_alloc.c wraps it with the heap lock.
 */
#ifndef HYP_BUDDY_H
#define HYP_BUDDY_H

#include "frame.h"

#define BUDDY_MAX_ORDER 18        /* blocks up to 2^18 frames = 1 GiB */

struct buddy {
    struct frame_table *ft;
    uint32_t head[BUDDY_MAX_ORDER + 1];  /* first free block (pfn offset) or FRAME_NIL */
    pfn_t    nfree;                      /* free frames in all lists */
};

void buddy_init(struct buddy *b, struct frame_table *ft);

/*
 * Free frames [start, end) into the allocator, in the largest aligned
 * blocks that fit.  The frames must be in the table and not already free.
 * Their owner becomes DOMID_FREE.
 */
void buddy_add_range(struct buddy *b, pfn_t start, pfn_t end);

/*
 * Allocate 2^order contiguous frames for 'owner'.  Returns the first pfn,
 * or BUDDY_NONE if no block is large enough.
 */
#define BUDDY_NONE ((pfn_t)-1)
pfn_t buddy_alloc(struct buddy *b, unsigned order, uint16_t owner);

/*
 * Return a block from buddy_alloc() (same pfn and order).  Merges with
 * free buddies.  Freeing a frame that is already free is a bug the caller
 * must not make; buddy_free() returns -EINVAL for it (and for a
 * misaligned pfn or a block outside the table) and changes nothing.
 */
int buddy_free(struct buddy *b, pfn_t pfn, unsigned order);

/* Number of free frames. */
static inline pfn_t buddy_free_frames(const struct buddy *b) { return b->nfree; }

#endif
