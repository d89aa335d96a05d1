/*
 * utest.h - the user-level test suite's shared helpers.
 *
 * xv6-usertests style: each test is a function in a table; the runner
 * (utest.c) runs it in a forked child of its own process group, so a test
 * that crashes, hangs or leaves processes behind hurts only itself.  A
 * test passes by returning; it fails by calling fail(), which prints the
 * reason on the runner's "utest: <name> ... " line.
 *
 * The same source builds for the guest (newlib, with <guest.h>) and for
 * the host (glibc), where most tests pass too: that checks the tests.
 * UTEST_GUEST marks what only holds on the guest kernel.
 */
#ifndef UTEST_H
#define UTEST_H

/* sbrk and MAP_ANONYMOUS are outside strict POSIX: ask for them (glibc
 * and newlib both honour this).  utest.h comes first in every file. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#if defined(__GUEST__) || __has_include(<guest.h>)
#define UTEST_GUEST 1
#include <guest.h>
#else
#define UTEST_GUEST 0
#endif

/* newlib has no <sys/mman.h>; the values are the guest ABI's (uapi/abi.h),
 * which are also Linux's. */
#if __has_include(<sys/mman.h>)
#include <sys/mman.h>
#else
#define PROT_NONE  0
#define PROT_READ  1
#define PROT_WRITE 2
#define PROT_EXEC  4
#define MAP_SHARED    0x01
#define MAP_PRIVATE   0x02
#define MAP_FIXED     0x10
#define MAP_ANONYMOUS 0x20
#define MAP_FAILED ((void *)-1)
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int munmap(void *addr, size_t len);
#endif

struct utest {
    const char *name;
    void (*fn)(void);
};

/* Each test file's table, ended by { NULL, NULL }. */
extern const struct utest utest_proc[], utest_cow[], utest_pipe[],
    utest_signal[], utest_file[], utest_badptr[], utest_exec[],
    utest_mem[], utest_time[], utest_limits[];

/* A kernel address: the start of the upper half, never user memory. */
#define KADDR ((void *)0xffff800000000000ull)
#define PAGE 4096

/* Fail the running test with a printf-style reason; does not return. */
void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#define CHECK(cond, ...) do { if (!(cond)) fail(__VA_ARGS__); } while (0)

/* expr must give -1 with errno == err. */
#define EXPECT_ERR(expr, err) do {                                          \
        errno = 0;                                                          \
        long r_ = (long)(expr);                                             \
        if (r_ != -1 || errno != (err))                                     \
            fail("%s: got %ld (errno %d), want -1 errno %d (%s)",           \
                 #expr, r_, errno, (err), #err);                            \
    } while (0)

/* expr, a pointer, must give NULL with errno == err. */
#define EXPECT_NULL_ERR(expr, err) do {                                     \
        errno = 0;                                                          \
        void *p_ = (void *)(expr);                                          \
        if (p_ != NULL || errno != (err))                                   \
            fail("%s: got %p (errno %d), want NULL errno %d (%s)",          \
                 #expr, p_, errno, (err), #err);                            \
    } while (0)

/* A transfer whose result does not matter here (a helper child that
 * reports through its exit status, a wake-up byte). */
#define IGNORE(expr) do { if (expr) { } } while (0)

/* expr must not give -1. */
#define EXPECT_OK(expr) do {                                                \
        errno = 0;                                                          \
        long r_ = (long)(expr);                                             \
        if (r_ == -1)                                                       \
            fail("%s: %s", #expr, strerror(errno));                         \
    } while (0)

pid_t xfork(void);                          /* fork or fail */
int xwait(pid_t pid);                       /* its wait status, or fail */
void expect_exit(pid_t pid, int code, const char *what);
void expect_signal(pid_t pid, int sig, const char *what);
/* Fork a child that runs fn and exits 0 if fn returns; its wait status. */
int run_in_child(void (*fn)(void));
int64_t now_ns(void);                       /* CLOCK_MONOTONIC */
void sleep_ms(int ms);
/* Free memory in KiB from /proc/meminfo, -1 if there is none. */
long meminfo_free_kb(void);
void xwrite_all(int fd, const void *buf, size_t n);
void set_handler(int sig, void (*handler)(int));

extern const char *utest_self;  /* this program's path, for execve */
extern const char *utest_dir;   /* scratch directory of the running test */
/* argv[1] values with which utest, exec'd by the exec tests, checks
 * what it was given instead of running the suite (exec.c). */
int exec_check_main(int argc, char **argv);

/* How much free memory may differ after work that should give it all
 * back (see utest.c). */
#define LEAK_TOLERANCE_KB 16

#endif

#if UTEST_GUEST
/* The kernel's own system calls, bypassing the C library, so that the bad
 * pointer tests reach the kernel whatever the libc glue does with them. */
#include "../../include/uapi/syscall.h"

static inline long raw_syscall(long n, long a, long b, long c)
{
    long r;
    __asm__ volatile("int $0x80"
                     : "=a"(r)
                     : "a"(n), "D"(a), "S"(b), "d"(c)
                     : "memory");
    return r;
}
#endif

/* Call fn(name, arg) for each entry of directory path ("." and ".."
 * included if the kernel lists them).  0, or -1 with errno. */
int list_dir(const char *path, void (*fn)(const char *name, void *arg), void *arg);
