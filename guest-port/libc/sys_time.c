/*
 * sys_time.c - clocks and sleeping: clock_gettime, gettimeofday, times,
 * nanosleep and the calls built on it (sleep, usleep, pause).
 *
 * newlib's time() and clock() reach here through _gettimeofday and _times.
 */
#include <errno.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include "glue.h"
#include "syscall.h"

#define NS_PER_SEC 1000000000LL

int
clock_gettime(clockid_t clock, struct timespec *ts)
{
    return (int)SYSCALL2(SYS_clock_gettime, clock, ts);
}

int64_t
libc_monotonic_ns(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
        return 0;
    return (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

/* The time zone is always UTC; tz, if given, is left alone. */
int
_gettimeofday(struct timeval *tv, void *tz)
{
    struct timespec ts;

    (void)tz;
    if (tv == NULL)
        return 0;
    if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
        return -1;
    tv->tv_sec = ts.tv_sec;
    tv->tv_usec = ts.tv_nsec / 1000;
    return 0;
}
GLUE_ALIAS(gettimeofday, _gettimeofday);

/*
 * The kernel does not account CPU time per process, so the user time
 * reported is the time elapsed since the program started: clock() then
 * measures elapsed time, which for a CPU-bound benchmark on an otherwise
 * idle machine is the same.  Returns the monotonic clock in ticks.
 */
clock_t
_times(struct tms *t)
{
    int64_t now = libc_monotonic_ns();
    int64_t tick_ns = NS_PER_SEC / CLOCKS_PER_SEC;

    if (t != NULL) {
        t->tms_utime = (clock_t)((now - libc_start_ns) / tick_ns);
        t->tms_stime = 0;
        t->tms_cutime = 0;
        t->tms_cstime = 0;
    }
    return (clock_t)(now / tick_ns);
}
GLUE_ALIAS(times, _times);

int
nanosleep(const struct timespec *req, struct timespec *rem)
{
    return (int)SYSCALL2(SYS_nanosleep, req, rem);
}

/* Returns 0, or the seconds left (rounded up) if a signal cut it short. */
unsigned
sleep(unsigned seconds)
{
    struct timespec req = { .tv_sec = seconds, .tv_nsec = 0 }, rem;

    if (nanosleep(&req, &rem) < 0 && errno == EINTR)
        return (unsigned)(rem.tv_sec + (rem.tv_nsec > 0));
    return 0;
}

int
usleep(useconds_t usec)
{
    struct timespec req = {
        .tv_sec = usec / 1000000,
        .tv_nsec = (long)(usec % 1000000) * 1000,
    };

    return nanosleep(&req, NULL);
}

/* Sleeps until a signal is caught: always -1 with errno EINTR. */
int
pause(void)
{
    struct timespec req = { .tv_sec = 1000000, .tv_nsec = 0 };

    for (;;) {
        if (nanosleep(&req, NULL) < 0 && errno == EINTR)
            return -1;
    }
}
