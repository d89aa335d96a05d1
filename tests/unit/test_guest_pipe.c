/* test_guest_pipe.c - guest-port/kernel/pipebuf.c, the ring under a pipe:
 * order, wrap-around, full and empty, spans, and random traffic against
 * a plain queue model. */
#include <stdint.h>
#include "unit.h"
#include "pipebuf.h"

#define SIZE 64

static uint8_t store[SIZE];
static struct pipebuf pb;

static void
test_empty_and_full(void)
{
    uint8_t in[SIZE + 10], out[SIZE + 10];
    const uint8_t *rp;
    uint8_t *wp;

    for (size_t i = 0; i < sizeof(in); i++)
        in[i] = (uint8_t)i;
    pipebuf_init(&pb, store, SIZE);
    CHECK_EQ(pipebuf_used(&pb), 0);
    CHECK_EQ(pipebuf_space(&pb), SIZE);
    CHECK_EQ(pipebuf_read_span(&pb, &rp), 0);
    CHECK_EQ(pipebuf_get(&pb, out, 5), 0);

    CHECK_EQ(pipebuf_put(&pb, in, sizeof(in)), SIZE);      /* only what fits */
    CHECK_EQ(pipebuf_used(&pb), SIZE);
    CHECK_EQ(pipebuf_space(&pb), 0);
    CHECK_EQ(pipebuf_write_span(&pb, &wp), 0);
    CHECK_EQ(pipebuf_put(&pb, in, 1), 0);

    CHECK_EQ(pipebuf_get(&pb, out, sizeof(out)), SIZE);
    CHECK_MEM(out, in, SIZE);
    CHECK_EQ(pipebuf_used(&pb), 0);
}

static void
test_spans_at_the_wrap(void)
{
    uint8_t in[SIZE], out[SIZE];
    const uint8_t *rp;
    uint8_t *wp;

    for (size_t i = 0; i < SIZE; i++)
        in[i] = (uint8_t)(0xa0 + i);
    pipebuf_init(&pb, store, SIZE);
    CHECK_EQ(pipebuf_put(&pb, in, 40), 40);
    CHECK_EQ(pipebuf_get(&pb, out, 30), 30);
    /* Free: 24 bytes at the end, then 30 at the start. */
    CHECK_EQ(pipebuf_write_span(&pb, &wp), 24);
    CHECK(wp == store + 40);
    CHECK_EQ(pipebuf_put(&pb, in, 50), 50);
    CHECK_EQ(pipebuf_used(&pb), 60);
    /* Readable: 34 bytes from offset 30, then 26 from the start. */
    CHECK_EQ(pipebuf_read_span(&pb, &rp), 34);
    CHECK(rp == store + 30);
    pipebuf_consume(&pb, 34);
    CHECK_EQ(pipebuf_read_span(&pb, &rp), 26);
    CHECK(rp == store);
    CHECK_EQ(pipebuf_get(&pb, out, SIZE), 26);
    CHECK_MEM(out, in + 24, 26);
}

/* A failed copy into a span is simply not committed: nothing changes. */
static void
test_uncommitted_span(void)
{
    uint8_t *wp;
    uint8_t out[4];

    pipebuf_init(&pb, store, SIZE);
    CHECK_EQ(pipebuf_write_span(&pb, &wp), SIZE);
    memset(wp, 'z', 10);                   /* "copied", then the copy failed */
    CHECK_EQ(pipebuf_used(&pb), 0);
    CHECK_EQ(pipebuf_put(&pb, "abcd", 4), 4);
    CHECK_EQ(pipebuf_get(&pb, out, 4), 4);
    CHECK_MEM(out, "abcd", 4);
}

/* Positions near 2^64: the free-running counters wrap cleanly. */
static void
test_counter_wrap(void)
{
    uint8_t in[48], out[48];

    for (size_t i = 0; i < sizeof(in); i++)
        in[i] = (uint8_t)(i * 7);
    pipebuf_init(&pb, store, SIZE);
    pb.rpos = pb.wpos = UINT64_MAX - 20;
    CHECK_EQ(pipebuf_put(&pb, in, 48), 48);
    CHECK_EQ(pipebuf_used(&pb), 48);
    CHECK_EQ(pipebuf_space(&pb), SIZE - 48);
    CHECK_EQ(pipebuf_get(&pb, out, 48), 48);
    CHECK_MEM(out, in, 48);
    CHECK_EQ(pipebuf_used(&pb), 0);
}

static uint64_t rng = 88172645463325252ull;

static uint64_t
next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Random puts and gets against a simple model queue. */
static void
test_random_traffic(void)
{
    static uint8_t model[1 << 20];
    size_t head = 0, tail = 0;          /* model: bytes [head, tail) queued */
    uint8_t next = 0, buf[3 * SIZE];

    pipebuf_init(&pb, store, SIZE);
    for (int round = 0; round < 200000 && tail + 3 * SIZE < sizeof(model); round++) {
        size_t n = next_rand() % (3 * SIZE / 2);

        if (next_rand() % 2) {
            size_t want = n < SIZE - (tail - head) ? n : SIZE - (tail - head);
            for (size_t i = 0; i < n; i++)
                buf[i] = next++;
            size_t put = pipebuf_put(&pb, buf, n);
            CHECK_EQ(put, want);
            memcpy(model + tail, buf, put);
            tail += put;
            next = (uint8_t)(next - (n - put));
        } else {
            size_t want = n < tail - head ? n : tail - head;
            size_t got = pipebuf_get(&pb, buf, n);
            CHECK_EQ(got, want);
            CHECK_MEM(buf, model + head, got);
            head += got;
        }
        CHECK_EQ(pipebuf_used(&pb), tail - head);
        if (unit_cur.failures)
            return;
    }
}

static const struct unit_case cases[] = {
    UNIT_CASE(test_empty_and_full),
    UNIT_CASE(test_spans_at_the_wrap),
    UNIT_CASE(test_uncommitted_span),
    UNIT_CASE(test_counter_wrap),
    UNIT_CASE(test_random_traffic),
};

int
main(void)
{
    return unit_run(cases, UNIT_COUNT(cases));
}
