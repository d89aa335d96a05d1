/*
 * main.c - calibrate, run and report the benchmark rows.
 *
 *   lmbench            every row
 *   lmbench <row>...   those rows
 *   lmbench --list     the rows and what one operation is
 *
 * For each row: double n until one run of n operations takes at least
 * RUN_NS (20 ms; under QEMU TCG a system call is ~1 us and a fork a few
 * ms), then time RUNS runs of n and print the median, minimum and maximum
 * ns per operation.  hal_counters is read around the timed runs, so its
 * per-op figures include everything the kernel did meanwhile (timer
 * ticks too), not just the operation.
 */
#include "bench.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RUN_NS  (20 * 1000 * 1000ll)
#define RUNS    7
#define MAX_N   (1l << 30)

int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Hypervisor entries the operation causes: hypercalls and exceptions
 * (bounced page faults).  Interrupts are left out: timer ticks arrive
 * whatever the row does. */
struct counters {
    bool ok;
    uint64_t entries, cr3_writes;
};

static struct counters read_counters(void)
{
    struct counters c = { false, 0, 0 };
#if BENCH_GUEST
    struct hal_counters hc;    /* <guest.h> (guest-port/libc/include) */
    if (hal_counters(&hc) == 0) {
        c.ok = true;
        c.entries = hc.hypercalls + hc.exceptions;
        c.cr3_writes = hc.cr3_writes - 2 * hc.interrupts;     /* each entry: in and out */
    }
#endif
    return c;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Run one row and print its line; false if it was skipped. */
static bool run_row(const struct row *r)
{
    long n = 1;
    int64_t t;

    for (;;) {
        t = r->fn(n);
        if (t < 0) {
            printf("# bench %s skipped: %s\n", r->name, bench_skip_reason);
            fflush(stdout);
            return false;
        }
        if (t >= RUN_NS || n >= MAX_N)
            break;
        /* Aim for 1.5 RUN_NS from what this run took, at most 16x. */
        long next = (t > 0) ? (long)((double)n * 1.5 * RUN_NS / (double)t) : n * 16;
        if (next > n * 16)
            next = n * 16;
        n = (next > n) ? next : n * 2;
    }

    double per_op[RUNS];
    struct counters c0 = read_counters();
    for (int i = 0; i < RUNS; i++) {
        t = r->fn(n);
        if (t < 0) {
            printf("# bench %s skipped: %s\n", r->name, bench_skip_reason);
            fflush(stdout);
            return false;
        }
        per_op[i] = (double)t / (double)n;
    }
    struct counters c1 = read_counters();
    qsort(per_op, RUNS, sizeof(double), cmp_double);

    printf("bench %s %.1f %.1f %.1f %ld", r->name, per_op[RUNS / 2], per_op[0],
           per_op[RUNS - 1], n);
    if (c0.ok && c1.ok) {
        double ops = (double)n * RUNS;
        printf(" %.2f %.2f\n", (double)(c1.entries - c0.entries) / ops,
               (double)(c1.cr3_writes - c0.cr3_writes) / ops);
    } else {
        printf(" - -\n");
    }
    if (strcmp(r->name, "mem_bw") == 0 && per_op[RUNS / 2] > 0)
        printf("# mem_bw: %.0f MB/s copying %zu KiB (median)\n",
               (double)mem_bw_bytes / 1e6 / (per_op[RUNS / 2] / 1e9), mem_bw_bytes / 1024);
    fflush(stdout);
    return true;
}

static const struct row *find_row(const char *name)
{
    for (int i = 0; i < nrows; i++)
        if (strcmp(rows[i].name, name) == 0)
            return &rows[i];
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (int i = 0; i < nrows; i++)
            printf("%-14s %s\n", rows[i].name, rows[i].what);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        if (!find_row(argv[i])) {
            fprintf(stderr, "lmbench: no row '%s' (lmbench --list)\n", argv[i]);
            return 2;
        }
    }

    printf("# lmbench: ns per op: median min max of %d runs, iterations per run,"
           " hypervisor-entries/op cr3-writes/op (PV; interrupts left out)\n", RUNS);
    fflush(stdout);
    int skipped = 0;
    int64_t start = now_ns();
    if (argc == 1) {
        for (int i = 0; i < nrows; i++)
            skipped += !run_row(&rows[i]);
    } else {
        for (int i = 1; i < argc; i++)
            skipped += !run_row(find_row(argv[i]));
    }
    printf("# lmbench: done in %.1f s\n", (double)(now_ns() - start) / 1e9);
    return skipped ? 1 : 0;
}
