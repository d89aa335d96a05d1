/* test_frame.c - hyp/mm/frame.c: the frame table. */
#include <stdint.h>
#include "unit.h"
#include "frame.h"

static void
test_record_size(void)
{
    /* frame.h promises 16 bytes: the table costs 0.4% of RAM. */
    CHECK_EQ(sizeof(struct frame), 16);
}

static void
test_init(void)
{
    struct frame store[8];
    struct frame_table ft;

    memset(store, 0x5A, sizeof(store));
    frame_table_init(&ft, store, 100, 8);
    CHECK(ft.frames == store);
    CHECK_EQ_U(ft.base_pfn, 100);
    CHECK_EQ_U(ft.nframes, 8);
    for (int i = 0; i < 8; i++) {
        CHECK_EQ(store[i].owner, DOMID_IO);
        CHECK_EQ(store[i].type, FT_NONE);
        CHECK_EQ(store[i].order, FRAME_NO_ORDER);
        CHECK_EQ(store[i].flags, 0);
        CHECK_EQ(store[i].u.use.type_count, 0);
        CHECK_EQ(store[i].u.use.ref_count, 0);
    }
    CHECK_EQ_U(frame_count_owned(&ft, DOMID_IO), 8);
}

static void
test_frame_of_bounds(void)
{
    struct frame store[8];
    struct frame_table ft;

    frame_table_init(&ft, store, 100, 8);
    CHECK(frame_of(&ft, 100) == &store[0]);
    CHECK(frame_of(&ft, 107) == &store[7]);
    CHECK(frame_of(&ft, 108) == NULL);
    CHECK(frame_of(&ft, 99) == NULL);
    CHECK(frame_of(&ft, 0) == NULL);
    CHECK(frame_of(&ft, (pfn_t)-1) == NULL);

    frame_table_init(&ft, store, 0, 0);
    CHECK(frame_of(&ft, 0) == NULL);
}

static void
test_set_range_and_count(void)
{
    struct frame store[16];
    struct frame_table ft;

    frame_table_init(&ft, store, 32, 16);
    store[5].u.use.ref_count = 9;
    store[5].flags = FRAME_F_PINNED;
    frame_set_range(&ft, 36, 40, DOMID_HYP, FT_HEAP);
    CHECK_EQ_U(frame_count_owned(&ft, DOMID_HYP), 4);
    CHECK_EQ_U(frame_count_owned(&ft, DOMID_IO), 12);
    CHECK_EQ(store[4].owner, DOMID_HYP);
    CHECK_EQ(store[4].type, FT_HEAP);
    CHECK_EQ(store[5].u.use.ref_count, 0);  /* counts and flags cleared */
    CHECK_EQ(store[5].flags, 0);
    CHECK_EQ(store[3].owner, DOMID_IO);
    CHECK_EQ(store[8].owner, DOMID_IO);

    /* Ranges partly or wholly outside the table are clipped. */
    frame_set_range(&ft, 0, 34, DOMID_BOOT, FT_NONE);
    CHECK_EQ_U(frame_count_owned(&ft, DOMID_BOOT), 2);
    frame_set_range(&ft, 46, 1000, 7, FT_WRITABLE);
    CHECK_EQ_U(frame_count_owned(&ft, 7), 2);
    CHECK_EQ(store[15].type, FT_WRITABLE);
    frame_set_range(&ft, 1000, 2000, 8, FT_NONE);
    frame_set_range(&ft, 40, 38, 8, FT_NONE);     /* empty */
    CHECK_EQ_U(frame_count_owned(&ft, 8), 0);
    CHECK_EQ_U(frame_count_owned(&ft, DOMID_IO) + frame_count_owned(&ft, DOMID_HYP) +
               frame_count_owned(&ft, DOMID_BOOT) + frame_count_owned(&ft, 7), 16);
}

static const struct unit_case cases[] = {
    UNIT_CASE(test_record_size),
    UNIT_CASE(test_init),
    UNIT_CASE(test_frame_of_bounds),
    UNIT_CASE(test_set_range_and_count),
};

int
main(void)
{
    return unit_run(cases, UNIT_COUNT(cases));
}
