/*
 * page.c - the frame allocator: every free frame the HAL handed over at
 * boot, with a reference count per frame.
 *
 * The frames of hal_boot.free[] are numbered 0..nframes-1 range after
 * range ("indices"); a bitmap over the indices says which are free, and an
 * array of struct page_info holds each frame's reference count and its
 * owner's bookkeeping.  Both live in the first frames of the first range
 * big enough, which are then no longer part of any range.
 *
 * Single frames come first-fit from the bottom, contiguous runs from the
 * top, so the many single-frame allocations do not fragment the space the
 * few big runs (kernel stacks, exec buffers) need.
 *
 * A frame is handed out only when its bit is set, and the bit is cleared
 * in the same step, so no frame is ever given out twice.  Freeing a free
 * frame or a frame the allocator does not own is a kernel bug: panic.
 */
#include "defs.h"
#include "page.h"

struct page_range {
    uint64_t pfn;          /* first frame */
    uint64_t count;        /* frames */
    uint64_t first;        /* index of its first frame */
};

static struct {
    int nranges;
    struct page_range range[HAL_MAX_RANGES];
    uint64_t nframes;          /* frames managed */
    uint64_t nfree;            /* of which free */
    struct page_info *info;    /* [nframes] */
    uint64_t *freemap;         /* bit i set: frame index i is free */
    uint64_t nwords;           /* words in freemap */
    uint64_t low_word;         /* no free bit below this word */
} pages;

/* The range holding pfn, or NULL. */
static struct page_range *
range_of(uint64_t pfn)
{
    for (int i = 0; i < pages.nranges; i++) {
        struct page_range *r = &pages.range[i];
        if (pfn >= r->pfn && pfn - r->pfn < r->count)
            return r;
    }
    return NULL;
}

/* The index of managed frame pfn; panics (naming who) if it is not one. */
static uint64_t
index_of(uint64_t pfn, const char *who)
{
    struct page_range *r = range_of(pfn);

    if (r == NULL)
        panic("%s: pfn %#lx is not an allocator frame", who, (unsigned long)pfn);
    return r->first + (pfn - r->pfn);
}

/* The pfn of frame index idx (idx < nframes). */
static uint64_t
pfn_of(uint64_t idx)
{
    for (int i = 0; i < pages.nranges; i++) {
        struct page_range *r = &pages.range[i];
        if (idx >= r->first && idx - r->first < r->count)
            return r->pfn + (idx - r->first);
    }
    panic("page: index %lu out of range", (unsigned long)idx);
}

static bool
is_free(uint64_t idx)
{
    return (pages.freemap[idx / 64] >> (idx % 64)) & 1;
}

/* Hand out frame idx: zeroed, reference count 1, owner fields cleared. */
static void
take(uint64_t idx)
{
    pages.freemap[idx / 64] &= ~(1ull << (idx % 64));
    pages.info[idx] = (struct page_info){ .ref = 1 };
    pages.nfree--;
    memset(pfn_to_va(pfn_of(idx)), 0, PAGE_SIZE);
}

/* Take frame idx back (its count just dropped to 0). */
static void
give_back(uint64_t idx)
{
    pages.freemap[idx / 64] |= 1ull << (idx % 64);
    pages.nfree++;
    if (idx / 64 < pages.low_word)
        pages.low_word = idx / 64;
}

/*
 * Take over the free ranges of boot.  Called once, first thing in kmain
 * (before kmalloc or any vm).  Panics if the metadata does not fit.
 */
void
page_init(const struct hal_boot *boot)
{
    uint64_t total = 0, meta_bytes, meta_pages;
    struct page_range *home = NULL;

    pages.nranges = 0;
    for (int i = 0; i < boot->nr_free && i < HAL_MAX_RANGES; i++) {
        if (boot->free[i].count == 0)
            continue;
        pages.range[pages.nranges].pfn = boot->free[i].pfn;
        pages.range[pages.nranges].count = boot->free[i].count;
        pages.nranges++;
        total += boot->free[i].count;
    }

    /* Sized for all frames, metadata frames included: a little slack. */
    meta_bytes = total * sizeof(struct page_info) + (total + 63) / 64 * 8;
    meta_pages = PAGE_ROUND_UP(meta_bytes) / PAGE_SIZE;
    for (int i = 0; i < pages.nranges; i++) {
        if (pages.range[i].count > meta_pages) {
            home = &pages.range[i];
            break;
        }
    }
    if (home == NULL)
        panic("page_init: no room for %lu frames of metadata", (unsigned long)meta_pages);

    pages.info = pfn_to_va(home->pfn);
    pages.freemap = (uint64_t *)((char *)pages.info +
                                 (total - meta_pages) * sizeof(struct page_info));
    home->pfn += meta_pages;
    home->count -= meta_pages;

    pages.nframes = 0;
    for (int i = 0; i < pages.nranges; i++) {
        /* kmalloc links slabs by 32-bit pfn, UINT32_MAX meaning none. */
        if (pages.range[i].pfn + pages.range[i].count >= UINT32_MAX)
            panic("page_init: pfn %#lx too large", (unsigned long)pages.range[i].pfn);
        pages.range[i].first = pages.nframes;
        pages.nframes += pages.range[i].count;
    }
    pages.nwords = (pages.nframes + 63) / 64;
    memset(pages.info, 0, pages.nframes * sizeof(struct page_info));
    memset(pages.freemap, 0, pages.nwords * 8);
    for (uint64_t i = 0; i < pages.nframes; i++)
        pages.freemap[i / 64] |= 1ull << (i % 64);
    pages.nfree = pages.nframes;
    pages.low_word = 0;
}

/* A zeroed frame with reference count 1, or PAGE_NONE if none is free. */
uint64_t
page_alloc(void)
{
    for (uint64_t w = pages.low_word; w < pages.nwords; w++) {
        if (pages.freemap[w] == 0)
            continue;
        pages.low_word = w;
        uint64_t idx = w * 64 + (uint64_t)__builtin_ctzll(pages.freemap[w]);
        take(idx);
        return pfn_of(idx);
    }
    pages.low_word = pages.nwords;
    return PAGE_NONE;
}

/*
 * n contiguous zeroed frames with count 1 each, or PAGE_NONE.  Searched
 * from the top down and never across a range boundary, since neighbouring
 * indices in different ranges are not neighbouring frames.
 */
uint64_t
page_alloc_run(size_t n)
{
    if (n == 0 || n > pages.nfree)
        return PAGE_NONE;
    for (int i = pages.nranges - 1; i >= 0; i--) {
        struct page_range *r = &pages.range[i];
        uint64_t run = 0;

        if (r->count < n)
            continue;
        for (uint64_t idx = r->first + r->count; idx-- > r->first;) {
            if (!is_free(idx)) {
                run = 0;
                continue;
            }
            if (++run == n) {
                for (uint64_t k = idx; k < idx + n; k++)
                    take(k);
                return r->pfn + (idx - r->first);
            }
        }
    }
    return PAGE_NONE;
}

/* Drop a reference to pfn; at 0 the frame is free again.  Panics if pfn is
 * not an allocated allocator frame. */
void
page_free(uint64_t pfn)
{
    uint64_t idx = index_of(pfn, "page_free");

    if (pages.info[idx].ref == 0 || is_free(idx))
        panic("page_free: pfn %#lx is already free", (unsigned long)pfn);
    if (--pages.info[idx].ref == 0)
        give_back(idx);
}

void
page_free_run(uint64_t pfn, size_t n)
{
    for (size_t i = 0; i < n; i++)
        page_free(pfn + i);
}

/* One more reference to an allocated frame (a COW share). */
void
page_ref(uint64_t pfn)
{
    uint64_t idx = index_of(pfn, "page_ref");

    if (pages.info[idx].ref == 0)
        panic("page_ref: pfn %#lx is free", (unsigned long)pfn);
    if (pages.info[idx].ref == UINT32_MAX)
        panic("page_ref: pfn %#lx count overflow", (unsigned long)pfn);
    pages.info[idx].ref++;
}

/* References to pfn: 0 if free or not an allocator frame. */
unsigned
page_refcount(uint64_t pfn)
{
    struct page_range *r = range_of(pfn);

    if (r == NULL)
        return 0;
    return pages.info[r->first + (pfn - r->pfn)].ref;
}

struct page_info *
page_info(uint64_t pfn)
{
    struct page_range *r = range_of(pfn);

    return r ? &pages.info[r->first + (pfn - r->pfn)] : NULL;
}

uint64_t
page_free_count(void)
{
    return pages.nfree;
}

uint64_t
page_total_count(void)
{
    return pages.nframes;
}

bool
page_va_is_ram(uint64_t va, size_t len)
{
    uint64_t first, last;

    if (len == 0 || va + len < va)
        return false;
    first = va_to_pfn(va);
    last = va_to_pfn(va + len - 1);
    if (last < first)
        return false;
    /* va_to_pfn is plain arithmetic: make sure it really inverts pfn_to_va
     * for this address before trusting the range check. */
    if ((uint64_t)pfn_to_va(first) > va ||
        va - (uint64_t)pfn_to_va(first) >= PAGE_SIZE)
        return false;
    for (uint64_t pfn = first; pfn <= last; pfn++)
        if (range_of(pfn) == NULL)
            return false;
    return true;
}
