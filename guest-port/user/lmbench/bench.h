/*
 * bench.h - lmbench-style microbenchmarks for the guest kernel.
 *
 * Each row is a function that performs n operations and returns the
 * nanoseconds they took (it may leave set-up out of the timing), or -1
 * after setting bench_skip_reason.  main.c calibrates n so that one run
 * lasts about 20-50 ms, takes the median of several runs and prints
 *   bench <row> <median ns> <min ns> <max ns> <iterations> <hc/op> <cr3/op>
 * where the last two are hypervisor entries and CR3 writes per operation
 * from hal_counters (PV build), or "- -" where there are none (natively,
 * or on the host).
 */
#ifndef BENCH_H
#define BENCH_H

#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE         /* MAP_ANONYMOUS on glibc */
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#if defined(__GUEST__) || __has_include(<guest.h>)
#define BENCH_GUEST 1
#include <guest.h>
#else
#define BENCH_GUEST 0
#endif

#if __has_include(<sys/mman.h>)
#include <sys/mman.h>
#else
/* newlib has no <sys/mman.h>: the guest ABI's values (uapi/abi.h) */
#define PROT_READ  1
#define PROT_WRITE 2
#define MAP_PRIVATE   0x02
#define MAP_ANONYMOUS 0x20
#define MAP_FAILED ((void *)-1)
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int munmap(void *addr, size_t len);
#endif

#define PAGE 4096
#define TRUE_PATH "/bin/true"   /* exec'd, stat'd and opened */

typedef int64_t (*row_fn)(long n);

struct row {
    const char *name;
    row_fn fn;
    const char *what;           /* one operation, for --list */
};

extern const struct row rows[];
extern const int nrows;
extern const char *bench_skip_reason;

int64_t now_ns(void);

/* mem_bw's copy size, chosen from free memory (rows.c). */
extern size_t mem_bw_bytes;
void mem_bw_setup(void);

#endif
