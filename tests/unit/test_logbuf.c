/* test_logbuf.c - hyp/console/logbuf.c: the log ring. */
#include <stdint.h>
#include "unit.h"
#include "logbuf.h"

static void
test_empty(void)
{
    struct logbuf lb;
    char store[16], out[16];
    uint64_t seq = 0;

    logbuf_init(&lb, store, sizeof(store));
    CHECK_EQ_U(logbuf_oldest(&lb), 0);
    CHECK_EQ(logbuf_read(&lb, &seq, out, sizeof(out)), 0);
    CHECK_EQ_U(seq, 0);
}

static void
test_write_read(void)
{
    struct logbuf lb;
    char store[16], out[16];
    uint64_t seq = 0;

    logbuf_init(&lb, store, sizeof(store));
    logbuf_write(&lb, "hello ", 6);
    logbuf_write(&lb, "world", 5);
    CHECK_EQ_U(lb.head, 11);
    CHECK_EQ_U(logbuf_oldest(&lb), 0);

    CHECK_EQ(logbuf_read(&lb, &seq, out, 4), 4);
    CHECK_MEM(out, "hell", 4);
    CHECK_EQ_U(seq, 4);
    CHECK_EQ(logbuf_read(&lb, &seq, out, sizeof(out)), 7);
    CHECK_MEM(out, "o world", 7);
    CHECK_EQ_U(seq, 11);
    CHECK_EQ(logbuf_read(&lb, &seq, out, sizeof(out)), 0);
    CHECK_EQ_U(seq, 11);
}

static void
test_wrap_around(void)
{
    struct logbuf lb;
    char store[8], out[16];
    uint64_t seq;

    logbuf_init(&lb, store, sizeof(store));
    logbuf_write(&lb, "abcdef", 6);
    logbuf_write(&lb, "ghij", 4);       /* wraps: holds "cdefghij" */
    CHECK_EQ_U(lb.head, 10);
    CHECK_EQ_U(logbuf_oldest(&lb), 2);

    seq = 2;
    CHECK_EQ(logbuf_read(&lb, &seq, out, sizeof(out)), 8);
    CHECK_MEM(out, "cdefghij", 8);
    CHECK_EQ_U(seq, 10);

    /* Reading from the middle, across the wrap point. */
    seq = 5;
    CHECK_EQ(logbuf_read(&lb, &seq, out, 4), 4);
    CHECK_MEM(out, "fghi", 4);
    CHECK_EQ_U(seq, 9);
}

static void
test_reader_fell_behind(void)
{
    struct logbuf lb;
    char store[8], out[16];
    uint64_t seq = 0;

    logbuf_init(&lb, store, sizeof(store));
    logbuf_write(&lb, "0123456789ABCDEFGHIJ", 20);
    /* The reader at 0 is moved to the oldest byte held (12), seeing a gap, not garbage. */
    CHECK_EQ(logbuf_read(&lb, &seq, out, 3), 3);
    CHECK_MEM(out, "CDE", 3);
    CHECK_EQ_U(seq, 15);
    CHECK_EQ(logbuf_read(&lb, &seq, out, sizeof(out)), 5);
    CHECK_MEM(out, "FGHIJ", 5);
}

static void
test_write_larger_than_ring(void)
{
    struct logbuf lb;
    char store[4], out[8];
    uint64_t seq = 0;

    logbuf_init(&lb, store, sizeof(store));
    logbuf_write(&lb, "xy", 2);
    logbuf_write(&lb, "0123456789", 10);
    CHECK_EQ_U(lb.head, 12);
    CHECK_EQ_U(logbuf_oldest(&lb), 8);
    CHECK_EQ(logbuf_read(&lb, &seq, out, sizeof(out)), 4);
    CHECK_MEM(out, "6789", 4);

    logbuf_write(&lb, "", 0);
    CHECK_EQ_U(lb.head, 12);
}

static void
test_reader_ahead(void)
{
    struct logbuf lb;
    char store[8], out[8];
    uint64_t seq = 100;

    logbuf_init(&lb, store, sizeof(store));
    logbuf_write(&lb, "abc", 3);
    CHECK_EQ(logbuf_read(&lb, &seq, out, sizeof(out)), 0);
}

static void
test_stream_matches_model(void)
{
    /* Random writes and reads against a model that keeps everything. */
    static char model[1 << 16];
    char store[64], out[64];
    struct logbuf lb;
    uint64_t seq = 0, total = 0;
    uint32_t x = 1;

    logbuf_init(&lb, store, sizeof(store));
    for (int round = 0; round < 2000 && total < sizeof(model) - 200; round++) {
        char chunk[100];
        size_t n, want, got;

        x = x * 1664525u + 1013904223u;
        n = (x >> 8) % 100;
        for (size_t i = 0; i < n; i++)
            chunk[i] = (char)('a' + (total + i) % 26);
        memcpy(model + total, chunk, n);
        logbuf_write(&lb, chunk, n);
        total += n;

        x = x * 1664525u + 1013904223u;
        if ((x >> 12) % 3 != 0)
            continue;
        want = (x >> 16) % 64;
        /* A reader that fell behind must restart at the oldest byte held. */
        uint64_t before = seq < logbuf_oldest(&lb) ? logbuf_oldest(&lb) : seq;
        CHECK_EQ_U(logbuf_oldest(&lb), total > sizeof(store) ? total - sizeof(store) : 0);
        got = logbuf_read(&lb, &seq, out, want);
        CHECK_EQ_U(got, (total - before < want) ? total - before : want);
        CHECK_EQ_U(seq, before + got);
        if (memcmp(out, model + before, got) != 0) {
            unit_fail(__FILE__, __LINE__, "round %d: read at %llu differs from the model",
                      round, (unsigned long long)before);
            return;
        }
    }
    CHECK_EQ_U(lb.head, total);
}

static const struct unit_case cases[] = {
    UNIT_CASE(test_empty),
    UNIT_CASE(test_write_read),
    UNIT_CASE(test_wrap_around),
    UNIT_CASE(test_reader_fell_behind),
    UNIT_CASE(test_write_larger_than_ring),
    UNIT_CASE(test_reader_ahead),
    UNIT_CASE(test_stream_matches_model),
};

int
main(void)
{
    return unit_run(cases, UNIT_COUNT(cases));
}
