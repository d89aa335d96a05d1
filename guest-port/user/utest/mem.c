/*
 * mem.c - the heap (brk/sbrk, malloc), anonymous mmap/munmap, demand-zero
 * pages and the stack.
 */
#include "utest.h"

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static char big_bss[1 << 20];       /* 1 MiB of .bss: demand-zero */

static void t_sbrk(void)
{
    char *start = sbrk(0);
    CHECK(start != (char *)-1, "sbrk(0): %s", strerror(errno));
    char *p = sbrk(256 * 1024);
    CHECK(p == start, "sbrk(256K) returned %p, break was %p", (void *)p, (void *)start);
    CHECK(sbrk(0) == start + 256 * 1024, "break did not move by 256K");
    for (int i = 0; i < 256 * 1024; i += PAGE)
        CHECK(p[i] == 0, "fresh heap byte %d is %d", i, p[i]);
    for (int i = 0; i < 256 * 1024; i++)
        p[i] = (char)i;
    for (int i = 0; i < 256 * 1024; i++)
        CHECK(p[i] == (char)i, "heap byte %d", i);
    CHECK(sbrk(-256 * 1024) != (void *)-1, "shrinking: %s", strerror(errno));
    CHECK(sbrk(0) == start, "break after shrinking");
    /* Grown again, the memory is zero again (the old pages were freed). */
    p = sbrk(PAGE);
    CHECK(p == start && p[1] == 0, "regrown heap is not zero");
    sbrk(-PAGE);
}

static void t_malloc(void)
{
    enum { N = 500 };
    static char *blocks[N];
    for (int i = 0; i < N; i++) {
        size_t n = 16 + (size_t)(i * 37) % 3000;
        blocks[i] = malloc(n);
        CHECK(blocks[i] != NULL, "malloc %zu (block %d)", n, i);
        memset(blocks[i], i & 0xff, n);
    }
    for (int i = 0; i < N; i += 2)
        free(blocks[i]);
    for (int i = 1; i < N; i += 2) {
        size_t n = 16 + (size_t)(i * 37) % 3000;
        for (size_t j = 0; j < n; j++)
            CHECK((unsigned char)blocks[i][j] == (i & 0xff), "block %d corrupted", i);
    }
    char *r = malloc(10);
    strcpy(r, "realloc");
    r = realloc(r, 100000);
    CHECK(r && strcmp(r, "realloc") == 0, "realloc lost the contents");
    free(r);
    char *big = malloc(2 << 20);        /* 2 MiB */
    CHECK(big != NULL, "malloc 2 MiB");
    for (int i = 0; i < (2 << 20); i += PAGE)
        big[i] = 1;
    free(big);
}

static void t_mmap(void)
{
    size_t len = 64 * 1024;
    unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED, "mmap 64K: %s", strerror(errno));
    CHECK(((uintptr_t)p & (PAGE - 1)) == 0, "mmap gave an unaligned address %p", (void *)p);
    for (size_t i = 0; i < len; i++)
        CHECK(p[i] == 0, "fresh mapping byte %zu is %d", i, p[i]);
    for (size_t i = 0; i < len; i++)
        p[i] = (unsigned char)(i >> 3);
    unsigned char *q = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(q != MAP_FAILED && (q + len <= p || q >= p + len), "second mapping overlaps the first");
    for (size_t i = 0; i < len; i++)
        CHECK(p[i] == (unsigned char)(i >> 3), "byte %zu", i);
    EXPECT_OK(munmap(p, len));
    EXPECT_OK(munmap(q, len));
    errno = 0;
    CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED &&
          errno == EINVAL, "mmap of length 0: errno %d", errno);
    /* Mapped, unmapped and mapped again many times: no leak, no failure. */
    for (int i = 0; i < 200; i++) {
        char *m = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK(m != MAP_FAILED, "mmap round %d: %s", i, strerror(errno));
        m[0] = m[PAGE] = m[2 * PAGE] = 1;
        EXPECT_OK(munmap(m, 3 * PAGE));
    }
}

static unsigned char *volatile unmapped;

static void touch_unmapped(void)
{
    unmapped[PAGE] = 1;
}

/* Touching memory after munmap kills with SIGSEGV; the other pages of a
 * partly unmapped region stay. */
static void t_munmap_segv(void)
{
    unsigned char *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED, "mmap: %s", strerror(errno));
    p[0] = 1;
    p[PAGE] = 2;
    p[2 * PAGE] = 3;
    EXPECT_OK(munmap(p + PAGE, PAGE));      /* a hole in the middle */
    CHECK(p[0] == 1 && p[2 * PAGE] == 3, "pages around the hole lost their data");
    unmapped = p;
    int status = run_in_child(touch_unmapped);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
          "touching an unmapped page: status %#x, want SIGSEGV", status);
    munmap(p, 3 * PAGE);
}

static void write_readonly(void)
{
    unmapped[0] = 1;
}

/* A read-only mapping reads as zero and faults on a write. */
static void t_mmap_readonly(void)
{
    unsigned char *p = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED, "mmap PROT_READ: %s", strerror(errno));
    CHECK(p[100] == 0, "read-only page is not zero");
    unmapped = p;
    int status = run_in_child(write_readonly);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
          "write to a PROT_READ page: status %#x, want SIGSEGV", status);
    munmap(p, PAGE);
}

/* .bss is demand-zero: all of it reads as zero. */
static void t_demand_zero(void)
{
    for (size_t i = 0; i < sizeof(big_bss); i += 512)
        CHECK(big_bss[i] == 0, "bss byte %zu is %d", i, big_bss[i]);
    big_bss[sizeof(big_bss) - 1] = 1;
}

static int recurse(int depth)
{
    volatile char frame[1024];
    frame[0] = (char)depth;
    frame[1023] = (char)depth;
    if (depth == 0)
        return frame[0];
    return recurse(depth - 1) + frame[1023] - (char)depth;
}

/* The stack grows (on demand) to 64 KiB and more. */
static void t_stack(void)
{
    CHECK(recurse(64) == 0, "deep recursion");
}

const struct utest utest_mem[] = {
    { "sbrk", t_sbrk },
    { "malloc", t_malloc },
    { "mmap", t_mmap },
    { "munmap_segv", t_munmap_segv },
    { "mmap_readonly", t_mmap_readonly },
    { "demand_zero", t_demand_zero },
    { "stack", t_stack },
    { NULL, NULL },
};
