/* test_buddy.c - hyp/mm/buddy.c: the buddy allocator, over hyp/mm/frame.c. */
#include <stdint.h>
#include "unit.h"
#include "buddy.h"
#include "errno.h"

/* A frame table on the heap, exactly nframes long, so ASan sees any access past it. */
struct pool {
    struct frame_table ft;
    struct buddy b;
};

static void
pool_init(struct pool *p, pfn_t base, pfn_t n)
{
    struct frame *store = malloc((n ? n : 1) * sizeof(struct frame));

    frame_table_init(&p->ft, store, base, n);
    buddy_init(&p->b, &p->ft);
}

static void
pool_fini(struct pool *p)
{
    free(p->ft.frames);
}

/*
 * Check every invariant in buddy.c's header comment, plus "fully merged"
 * (no free block has a free buddy of the same order).  Returns 0 if all
 * hold, otherwise reports the first problem and returns -1.
 */
static int
check_invariants(struct pool *p, const char *file, int line)
{
    struct frame_table *ft = &p->ft;
    unsigned char *seen = calloc(ft->nframes ? ft->nframes : 1, 1);
    pfn_t listed = 0, owned_free = 0;
    int bad = 0;

#define INV(cond, ...) do { if (!bad && !(cond)) { \
            unit_fail(file, line, __VA_ARGS__); bad = 1; } } while (0)

    for (unsigned k = 0; k <= BUDDY_MAX_ORDER && !bad; k++) {
        uint32_t prev = FRAME_NIL;
        pfn_t n = (pfn_t)1 << k;

        for (uint32_t off = p->b.head[k]; off != FRAME_NIL && !bad;
             off = ft->frames[off].u.free.next) {
            struct frame *f = &ft->frames[off];
            pfn_t pfn = ft->base_pfn + off;

            INV(off < ft->nframes, "order %u list has offset %u outside the table", k, off);
            if (bad)
                break;
            INV(f->u.free.prev == prev, "order %u block at pfn %llu: bad prev link", k,
                (unsigned long long)pfn);
            INV(f->order == k, "block at pfn %llu on list %u has order %u", (unsigned long long)pfn,
                k, f->order);
            INV(pfn % n == 0, "block at pfn %llu not aligned to order %u", (unsigned long long)pfn, k);
            INV(off + n <= ft->nframes, "block at pfn %llu order %u runs off the table",
                (unsigned long long)pfn, k);
            if (bad)
                break;
            for (pfn_t i = 0; i < n; i++) {
                INV(!seen[off + i], "frame %llu in two free blocks", (unsigned long long)(pfn + i));
                INV(ft->frames[off + i].owner == DOMID_FREE, "frame %llu in a free block not DOMID_FREE",
                    (unsigned long long)(pfn + i));
                INV(i == 0 || ft->frames[off + i].order == FRAME_NO_ORDER,
                    "frame %llu inside a block has an order", (unsigned long long)(pfn + i));
                seen[off + i] = 1;
            }
            /* Fully merged: the buddy must not also be a free block of order k. */
            pfn_t bud = pfn ^ n;
            if (k < BUDDY_MAX_ORDER && bud >= ft->base_pfn && bud - ft->base_pfn + n <= ft->nframes) {
                struct frame *bf = &ft->frames[bud - ft->base_pfn];
                INV(!(bf->owner == DOMID_FREE && bf->order == k),
                    "free buddies at pfn %llu and %llu (order %u) not merged",
                    (unsigned long long)pfn, (unsigned long long)bud, k);
            }
            listed += n;
            prev = off;
        }
    }
    for (pfn_t i = 0; i < ft->nframes && !bad; i++) {
        if (ft->frames[i].owner == DOMID_FREE)
            owned_free++;
        INV(ft->frames[i].owner != DOMID_FREE || seen[i],
            "frame %llu is DOMID_FREE but on no list", (unsigned long long)(ft->base_pfn + i));
        INV(ft->frames[i].owner == DOMID_FREE || ft->frames[i].order == FRAME_NO_ORDER,
            "allocated frame %llu has an order", (unsigned long long)(ft->base_pfn + i));
    }
    INV(listed == p->b.nfree, "lists hold %llu frames, nfree says %llu",
        (unsigned long long)listed, (unsigned long long)p->b.nfree);
    INV(owned_free == p->b.nfree, "%llu frames DOMID_FREE, nfree says %llu",
        (unsigned long long)owned_free, (unsigned long long)p->b.nfree);
#undef INV
    free(seen);
    return bad ? -1 : 0;
}

#define CHECK_INVARIANTS(p) check_invariants((p), __FILE__, __LINE__)

/* Number of free blocks of 'order'; -1 if the list is broken (a cycle or a bad link). */
static int
list_len(struct pool *p, unsigned order)
{
    int n = 0;

    for (uint32_t off = p->b.head[order]; off != FRAME_NIL; off = p->ft.frames[off].u.free.next) {
        if (off >= p->ft.nframes || (pfn_t)n >= p->ft.nframes)
            return -1;
        n++;
    }
    return n;
}

static void
test_empty_allocator(void)
{
    struct pool p;

    pool_init(&p, 0, 16);
    CHECK_EQ_U(buddy_free_frames(&p.b), 0);
    CHECK_EQ_U(buddy_alloc(&p.b, 0, 1), BUDDY_NONE);
    CHECK_EQ_U(buddy_alloc(&p.b, BUDDY_MAX_ORDER + 1, 1), BUDDY_NONE);
    CHECK_INVARIANTS(&p);
    pool_fini(&p);
}

static void
test_alloc_split_and_merge(void)
{
    struct pool p;
    pfn_t a;

    pool_init(&p, 0, 16);
    buddy_add_range(&p.b, 0, 16);
    CHECK_EQ_U(buddy_free_frames(&p.b), 16);
    CHECK_EQ(list_len(&p, 4), 1);
    CHECK_INVARIANTS(&p);

    a = buddy_alloc(&p.b, 0, 3);
    CHECK_EQ_U(a, 0);
    CHECK_EQ(p.ft.frames[0].owner, 3);
    CHECK_EQ_U(buddy_free_frames(&p.b), 15);
    /* Split 16 into 1 + 1 + 2 + 4 + 8. */
    CHECK_EQ(list_len(&p, 0), 1);
    CHECK_EQ(list_len(&p, 1), 1);
    CHECK_EQ(list_len(&p, 2), 1);
    CHECK_EQ(list_len(&p, 3), 1);
    CHECK_EQ(list_len(&p, 4), 0);
    CHECK_INVARIANTS(&p);

    CHECK_EQ(buddy_free(&p.b, a, 0), 0);
    CHECK_EQ_U(buddy_free_frames(&p.b), 16);
    CHECK_EQ(list_len(&p, 4), 1);
    CHECK_EQ(list_len(&p, 0), 0);
    CHECK_INVARIANTS(&p);
    pool_fini(&p);
}

static void
test_exhaustion(void)
{
    struct pool p;
    pfn_t got[64];
    int n = 0;

    pool_init(&p, 0, 64);
    buddy_add_range(&p.b, 0, 64);
    CHECK_EQ_U(buddy_alloc(&p.b, 7, 1), BUDDY_NONE);   /* bigger than everything */
    CHECK_EQ_U(buddy_alloc(&p.b, 6, 1), 0);
    CHECK_EQ_U(buddy_alloc(&p.b, 0, 1), BUDDY_NONE);
    CHECK_EQ(buddy_free(&p.b, 0, 6), 0);

    for (;;) {
        pfn_t pfn = buddy_alloc(&p.b, 2, 1);
        if (pfn == BUDDY_NONE)
            break;
        REQUIRE(n < 64);
        got[n++] = pfn;
    }
    CHECK_EQ(n, 16);
    CHECK_EQ_U(buddy_free_frames(&p.b), 0);
    CHECK_EQ(p.ft.frames[0].owner, 1);
    CHECK_INVARIANTS(&p);
    for (int i = 0; i < n; i++)
        CHECK_EQ(buddy_free(&p.b, got[i], 2), 0);
    CHECK_EQ_U(buddy_free_frames(&p.b), 64);
    CHECK_EQ(list_len(&p, 6), 1);
    CHECK_INVARIANTS(&p);
    pool_fini(&p);
}

static void
test_alignment(void)
{
    struct pool p;

    /* An odd base: blocks are aligned by absolute pfn, not by table offset. */
    pool_init(&p, 3, 200);
    buddy_add_range(&p.b, 3, 203);
    CHECK_EQ_U(buddy_free_frames(&p.b), 200);
    CHECK_INVARIANTS(&p);
    for (unsigned order = 0; order <= 6; order++) {
        pfn_t pfn = buddy_alloc(&p.b, order, 2);
        REQUIRE(pfn != BUDDY_NONE);
        CHECK_EQ_U(pfn % ((pfn_t)1 << order), 0);
        CHECK(pfn >= 3 && pfn + ((pfn_t)1 << order) <= 203);
    }
    CHECK_INVARIANTS(&p);
    pool_fini(&p);
}

static void
test_add_range_blocks(void)
{
    struct pool p;

    pool_init(&p, 0, 32);
    buddy_add_range(&p.b, 3, 29);
    /* 3 | 4-7 | 8-15 | 16-23 | 24-27 | 28; 8-15 and 16-23 are not buddies (theirs are 0-7 and 24-31). */
    CHECK_EQ_U(buddy_free_frames(&p.b), 26);
    CHECK_EQ(list_len(&p, 0), 2);
    CHECK_EQ(list_len(&p, 2), 2);
    CHECK_EQ(list_len(&p, 3), 2);
    CHECK_EQ(p.ft.frames[3].order, 0);
    CHECK_EQ(p.ft.frames[4].order, 2);
    CHECK_EQ(p.ft.frames[8].order, 3);
    CHECK_EQ(p.ft.frames[16].order, 3);
    CHECK_EQ(p.ft.frames[24].order, 2);
    CHECK_EQ(p.ft.frames[28].order, 0);
    CHECK_EQ(p.ft.frames[2].owner, DOMID_IO);
    CHECK_EQ(p.ft.frames[29].owner, DOMID_IO);
    CHECK_INVARIANTS(&p);

    /* Adding the neighbours merges everything into one block. */
    buddy_add_range(&p.b, 0, 3);
    buddy_add_range(&p.b, 29, 32);
    CHECK_EQ_U(buddy_free_frames(&p.b), 32);
    CHECK_EQ(list_len(&p, 5), 1);
    CHECK_INVARIANTS(&p);

    /* Adding frames that are already free is skipped, not double counted. */
    buddy_add_range(&p.b, 0, 32);
    CHECK_EQ_U(buddy_free_frames(&p.b), 32);
    CHECK_INVARIANTS(&p);
    pool_fini(&p);
}

static void
test_add_range_partly_free(void)
{
    struct pool p;

    pool_init(&p, 0, 16);
    buddy_add_range(&p.b, 5, 6);
    buddy_add_range(&p.b, 0, 16);
    CHECK_EQ_U(buddy_free_frames(&p.b), 16);
    CHECK_EQ(list_len(&p, 4), 1);
    CHECK_INVARIANTS(&p);

    /* Out-of-table parts are clipped. */
    pool_fini(&p);
    pool_init(&p, 16, 16);
    buddy_add_range(&p.b, 0, 100);
    CHECK_EQ_U(buddy_free_frames(&p.b), 16);
    CHECK_EQ(list_len(&p, 4), 1);
    CHECK_INVARIANTS(&p);
    pool_fini(&p);
}

static void
test_no_merge_past_table_end(void)
{
    struct pool p;
    pfn_t a;

    /* 12 frames: 0-7 and 8-11; the buddy of 8-11 (12-15) is not in the table. */
    pool_init(&p, 0, 12);
    buddy_add_range(&p.b, 0, 12);
    CHECK_EQ(list_len(&p, 3), 1);
    CHECK_EQ(list_len(&p, 2), 1);
    CHECK_INVARIANTS(&p);
    a = buddy_alloc(&p.b, 2, 1);
    CHECK_EQ_U(a, 8);
    CHECK_EQ(buddy_free(&p.b, a, 2), 0);
    CHECK_EQ(list_len(&p, 3), 1);
    CHECK_EQ(list_len(&p, 2), 1);
    CHECK_INVARIANTS(&p);

    /* Same below the base: table 4..11, the buddy of 4-7 is 0-3. */
    pool_fini(&p);
    pool_init(&p, 4, 8);
    buddy_add_range(&p.b, 4, 12);
    CHECK_EQ(list_len(&p, 2), 2);
    CHECK_EQ(list_len(&p, 3), 0);
    CHECK_INVARIANTS(&p);
    pool_fini(&p);
}

static void
test_merge_needs_same_order(void)
{
    struct pool p;
    pfn_t a, b1, b2;

    pool_init(&p, 0, 8);
    buddy_add_range(&p.b, 0, 8);
    a = buddy_alloc(&p.b, 2, 1);     /* 0-3 */
    b1 = buddy_alloc(&p.b, 1, 1);    /* 4-5 */
    b2 = buddy_alloc(&p.b, 1, 1);    /* 6-7 */
    CHECK_EQ_U(a, 0);
    CHECK_EQ_U(b1, 4);
    CHECK_EQ_U(b2, 6);
    CHECK_EQ(buddy_free(&p.b, b1, 1), 0);
    /* 0-3's buddy (4) is free but only an order-1 block: no merge. */
    CHECK_EQ(buddy_free(&p.b, a, 2), 0);
    CHECK_EQ(list_len(&p, 2), 1);
    CHECK_EQ(list_len(&p, 1), 1);
    CHECK_EQ(list_len(&p, 3), 0);
    CHECK_INVARIANTS(&p);
    CHECK_EQ(buddy_free(&p.b, b2, 1), 0);
    CHECK_EQ(list_len(&p, 3), 1);
    CHECK_INVARIANTS(&p);
    pool_fini(&p);
}

static void
test_bad_free_changes_nothing(void)
{
    struct pool p;
    struct frame snap[32];
    struct buddy bsnap;
    pfn_t a, c;

    pool_init(&p, 0, 32);
    buddy_add_range(&p.b, 0, 32);
    a = buddy_alloc(&p.b, 2, 1);
    c = buddy_alloc(&p.b, 0, 1);
    REQUIRE(a != BUDDY_NONE && c != BUDDY_NONE);
    CHECK_EQ(buddy_free(&p.b, c, 0), 0);

    memcpy(snap, p.ft.frames, sizeof(snap));
    bsnap = p.b;
    CHECK_EQ(buddy_free(&p.b, c, 0), -EINVAL);            /* double free */
    CHECK_EQ(buddy_free(&p.b, a + 1, 1), -EINVAL);        /* misaligned */
    CHECK_EQ(buddy_free(&p.b, a, 3), -EINVAL);            /* covers free frames */
    CHECK_EQ(buddy_free(&p.b, 32, 0), -EINVAL);           /* past the end */
    CHECK_EQ(buddy_free(&p.b, 30, 2), -EINVAL);           /* runs past the end (misaligned too) */
    CHECK_EQ(buddy_free(&p.b, 0, 6), -EINVAL);            /* larger than the table */
    CHECK_EQ(buddy_free(&p.b, 0, BUDDY_MAX_ORDER + 1), -EINVAL);
    CHECK_EQ(buddy_free(&p.b, (pfn_t)-4, 2), -EINVAL);
    CHECK_MEM(snap, p.ft.frames, sizeof(snap));
    CHECK_MEM(&bsnap, &p.b, sizeof(bsnap));
    CHECK_INVARIANTS(&p);

    CHECK_EQ(buddy_free(&p.b, a, 2), 0);
    CHECK_EQ(buddy_free(&p.b, a, 2), -EINVAL);
    CHECK_EQ_U(buddy_free_frames(&p.b), 32);
    CHECK_INVARIANTS(&p);
    pool_fini(&p);
}

static void
test_out_of_range_base(void)
{
    struct pool p;

    pool_init(&p, 1024, 64);
    buddy_add_range(&p.b, 1024, 1088);
    CHECK_EQ(buddy_free(&p.b, 0, 0), -EINVAL);          /* below the base */
    CHECK_EQ(buddy_free(&p.b, 1023, 0), -EINVAL);
    CHECK_EQ(buddy_free(&p.b, 1088, 0), -EINVAL);
    CHECK_EQ_U(buddy_alloc(&p.b, 6, 1), 1024);
    CHECK_EQ(buddy_free(&p.b, 1024, 6), 0);
    CHECK_INVARIANTS(&p);
    pool_fini(&p);
}

/* Random allocs and frees; every frame's user is tracked to catch overlap. */
static void
test_random_stress(void)
{
    enum { NFRAMES = 1000, BASE = 7, MAXLIVE = 400 };
    struct pool p;
    struct { pfn_t pfn; unsigned order; uint16_t owner; } live[MAXLIVE];
    int nlive = 0;
    static int user[NFRAMES];     /* index+1 of the live allocation holding each frame */
    uint64_t x = 0x243F6A8885A308D3ull;
    pfn_t start_free;
    static uint8_t start_order[NFRAMES];

    pool_init(&p, BASE, NFRAMES);
    buddy_add_range(&p.b, BASE, BASE + NFRAMES);
    start_free = buddy_free_frames(&p.b);
    for (int i = 0; i < NFRAMES; i++)
        start_order[i] = p.ft.frames[i].order;
    CHECK_EQ_U(start_free, NFRAMES);
    memset(user, 0, sizeof(user));

    for (int step = 0; step < 20000; step++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        if (nlive < MAXLIVE && (nlive == 0 || x % 100 < 55)) {
            unsigned order = (unsigned)(x >> 20) % 6;
            uint16_t owner = (uint16_t)(1 + step % 100);
            pfn_t pfn = buddy_alloc(&p.b, order, owner);
            pfn_t n = (pfn_t)1 << order;

            if (pfn == BUDDY_NONE)
                continue;
            if (pfn % n != 0 || pfn < BASE || pfn + n > BASE + NFRAMES) {
                unit_fail(__FILE__, __LINE__, "step %d: bad block pfn %llu order %u", step,
                          (unsigned long long)pfn, order);
                break;
            }
            for (pfn_t i = 0; i < n; i++) {
                if (user[pfn - BASE + i] != 0 || p.ft.frames[pfn - BASE + i].owner != owner) {
                    unit_fail(__FILE__, __LINE__, "step %d: frame %llu handed out twice",
                              step, (unsigned long long)(pfn + i));
                    step = 1 << 30;
                    break;
                }
                user[pfn - BASE + i] = nlive + 1;
            }
            live[nlive].pfn = pfn;
            live[nlive].order = order;
            live[nlive].owner = owner;
            nlive++;
        } else if (nlive > 0) {
            int i = (int)((x >> 24) % (uint64_t)nlive);
            pfn_t n = (pfn_t)1 << live[i].order;

            for (pfn_t j = 0; j < n; j++)
                user[live[i].pfn - BASE + j] = 0;
            if (buddy_free(&p.b, live[i].pfn, live[i].order) != 0) {
                unit_fail(__FILE__, __LINE__, "step %d: free of a live block failed", step);
                break;
            }
            /* Keep user[] indices valid: move the last entry into slot i. */
            live[i] = live[--nlive];
            if (i < nlive)
                for (pfn_t j = 0; j < ((pfn_t)1 << live[i].order); j++)
                    user[live[i].pfn - BASE + j] = i + 1;
        }
        if (step % 997 == 0 && CHECK_INVARIANTS(&p) != 0)
            break;
    }
    CHECK_INVARIANTS(&p);
    while (nlive > 0) {
        nlive--;
        CHECK_EQ(buddy_free(&p.b, live[nlive].pfn, live[nlive].order), 0);
    }
    CHECK_EQ_U(buddy_free_frames(&p.b), start_free);
    /* Fully merged again: exactly the blocks there were at the start. */
    for (int i = 0; i < NFRAMES; i++)
        CHECK_EQ(p.ft.frames[i].order, start_order[i]);
    CHECK_EQ_U(frame_count_owned(&p.ft, DOMID_FREE), NFRAMES);
    CHECK_INVARIANTS(&p);
    pool_fini(&p);
}

static const struct unit_case cases[] = {
    UNIT_CASE(test_empty_allocator),
    UNIT_CASE(test_alloc_split_and_merge),
    UNIT_CASE(test_exhaustion),
    UNIT_CASE(test_alignment),
    UNIT_CASE(test_add_range_blocks),
    UNIT_CASE(test_add_range_partly_free),
    UNIT_CASE(test_no_merge_past_table_end),
    UNIT_CASE(test_merge_needs_same_order),
    UNIT_CASE(test_bad_free_changes_nothing),
    UNIT_CASE(test_out_of_range_base),
    UNIT_CASE(test_random_stress),
};

int
main(void)
{
    return unit_run(cases, UNIT_COUNT(cases));
}
