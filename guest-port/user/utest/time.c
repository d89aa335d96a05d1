/*
 * time.c - clocks and sleeping.
 */
#include "utest.h"

#include <time.h>
#include <unistd.h>

static void t_clock_monotonic(void)
{
    struct timespec a, b;
    EXPECT_OK(clock_gettime(CLOCK_MONOTONIC, &a));
    CHECK(a.tv_nsec >= 0 && a.tv_nsec < 1000000000, "tv_nsec %ld", (long)a.tv_nsec);
    int64_t prev = now_ns();
    for (int i = 0; i < 1000; i++) {
        int64_t t = now_ns();
        CHECK(t >= prev, "the monotonic clock went back %lld ns", (long long)(prev - t));
        prev = t;
    }
    volatile unsigned x = 0;
    int64_t start = now_ns();
    while (now_ns() - start < 5000000)      /* it moves: 5 ms busy */
        x++;
    EXPECT_OK(clock_gettime(CLOCK_MONOTONIC, &b));
    CHECK(b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec > a.tv_nsec),
          "the monotonic clock did not advance");
    EXPECT_OK(clock_gettime(CLOCK_REALTIME, &a));
    CHECK(a.tv_nsec >= 0 && a.tv_nsec < 1000000000, "realtime tv_nsec %ld", (long)a.tv_nsec);
    errno = 0;
    CHECK(clock_gettime((clockid_t)12345, &a) == -1 && errno == EINVAL,
          "clock_gettime of a bad clock: errno %d", errno);
}

/* nanosleep(50 ms) sleeps at least 50 ms (and not absurdly longer). */
static void t_nanosleep(void)
{
    for (int round = 0; round < 3; round++) {
        struct timespec req = { 0, 50 * 1000000 }, rem = { 9, 9 };
        int64_t start = now_ns();
        EXPECT_OK(nanosleep(&req, &rem));
        int64_t took = now_ns() - start;
        CHECK(took >= 50 * 1000000, "slept %lld ns, want >= 50 ms", (long long)took);
        CHECK(took < 2000 * 1000000ll, "slept %lld ns for 50 ms", (long long)took);
    }
    struct timespec bad = { 0, 1000000000 };
    EXPECT_ERR(nanosleep(&bad, NULL), EINVAL);
    struct timespec neg = { -1, 0 };
    EXPECT_ERR(nanosleep(&neg, NULL), EINVAL);
    struct timespec zero = { 0, 0 };
    EXPECT_OK(nanosleep(&zero, NULL));
}

/* Sleepers wake independently: two children sleeping 30 and 60 ms end in
 * that order, while the parent keeps running. */
static void t_sleep_order(void)
{
    int fds[2];
    EXPECT_OK(pipe(fds));
    pid_t a = xfork();
    if (a == 0) {
        sleep_ms(60);
        IGNORE(write(fds[1], "a", 1));
        _exit(0);
    }
    pid_t b = xfork();
    if (b == 0) {
        sleep_ms(30);
        IGNORE(write(fds[1], "b", 1));
        _exit(0);
    }
    char order[2];
    CHECK(read(fds[0], order, 1) == 1 && read(fds[0], order + 1, 1) == 1, "read");
    CHECK(order[0] == 'b' && order[1] == 'a', "woke in order %c%c, want ba", order[0], order[1]);
    expect_exit(a, 0, "60 ms sleeper");
    expect_exit(b, 0, "30 ms sleeper");
}

const struct utest utest_time[] = {
    { "clock_monotonic", t_clock_monotonic },
    { "nanosleep", t_nanosleep },
    { "sleep_order", t_sleep_order },
    { NULL, NULL },
};
