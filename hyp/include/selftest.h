/*
 * selftest.h - built-in tests run with test=NAME on the command line, for
 * tests/system: each prints "selftest NAME: PASS|FAIL ..." and exits QEMU
 * with QEMU_EXIT_PASS or QEMU_EXIT_FAIL (or panics, on purpose, for the
 * fault tests).
 */
#ifndef HYP_SELFTEST_H
#define HYP_SELFTEST_H

/* Run the named test; does not return.  Unknown names fail with a list. */
void selftest_run(const char *name) __attribute__((noreturn));

/* bench.c: the boot-time micro-benchmarks (option "bench"). */
void bench_run(void);

#endif
