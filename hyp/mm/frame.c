/*
 * frame.c - the frame table (see frame.h).
 *
 * The table covers [base_pfn, base_pfn + nframes).  Frames start as
 * DOMID_IO so that nothing is handed out until the boot code has said,
 * from the memory map, which frames are RAM.
 */
#include <stddef.h>
#include "frame.h"

static void
frame_reset(struct frame *f, uint16_t owner, enum frame_type type)
{
    f->owner = owner;
    f->type = (uint8_t)type;
    f->order = FRAME_NO_ORDER;
    f->flags = 0;
    f->u.use.type_count = 0;
    f->u.use.ref_count = 0;
}

void
frame_table_init(struct frame_table *ft, struct frame *storage,
                 pfn_t base_pfn, pfn_t nframes)
{
    ft->frames = storage;
    ft->base_pfn = base_pfn;
    ft->nframes = nframes;
    for (pfn_t i = 0; i < nframes; i++)
        frame_reset(&storage[i], DOMID_IO, FT_NONE);
}

struct frame *
frame_of(struct frame_table *ft, pfn_t pfn)
{
    /* One unsigned compare covers pfn below the base too (it wraps). */
    if (pfn - ft->base_pfn >= ft->nframes)
        return NULL;
    return &ft->frames[pfn - ft->base_pfn];
}

void
frame_set_range(struct frame_table *ft, pfn_t start, pfn_t end,
                uint16_t owner, enum frame_type type)
{
    pfn_t lo = ft->base_pfn, hi = ft->base_pfn + ft->nframes;

    /* Clip to the table rather than walking frames it does not have. */
    if (start < lo)
        start = lo;
    if (end > hi)
        end = hi;
    for (pfn_t pfn = start; pfn < end; pfn++)
        frame_reset(&ft->frames[pfn - lo], owner, type);
}

pfn_t
frame_count_owned(const struct frame_table *ft, uint16_t owner)
{
    pfn_t n = 0;

    for (pfn_t i = 0; i < ft->nframes; i++)
        if (ft->frames[i].owner == owner)
            n++;
    return n;
}
