/*
 * cow.c - copy-on-write after fork: each side writes the memory they
 * shared and must see only its own writes.
 */
#include "utest.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static int shared_data[4096];           /* 4 pages of .bss */
static int initialised[64] = { 1, 2, 3 }; /* .data */

/* Parent and child both write the same global array at the same time. */
static void t_cow_global(void)
{
    for (int i = 0; i < 4096; i++)
        shared_data[i] = i;
    int go[2];
    EXPECT_OK(pipe(go));
    pid_t pid = xfork();
    if (pid == 0) {
        char c;
        for (int i = 0; i < 4096; i++)
            shared_data[i] = -i - 1;
        IGNORE(read(go[0], &c, 1));             /* the parent has written too */
        for (int i = 0; i < 4096; i++)
            if (shared_data[i] != -i - 1)
                _exit(2);
        if (initialised[1] != 2)
            _exit(3);
        initialised[1] = 99;
        _exit(0);
    }
    for (int i = 0; i < 4096; i++)
        shared_data[i] = i * 3;
    IGNORE(write(go[1], "x", 1));
    expect_exit(pid, 0, "child saw the parent's writes");
    for (int i = 0; i < 4096; i++)
        CHECK(shared_data[i] == i * 3, "parent's word %d is %d, want %d", i,
              shared_data[i], i * 3);
    CHECK(initialised[1] == 2, "parent's .data changed by the child");
}

/* A 1 MiB heap buffer: the child rewrites every page; the parent's copy
 * is untouched, and the parent can write it after. */
static void t_cow_large(void)
{
    enum { SIZE = 1 << 20 };
    unsigned char *buf = malloc(SIZE);
    CHECK(buf != NULL, "malloc 1 MiB");
    for (int i = 0; i < SIZE; i++)
        buf[i] = (unsigned char)(i * 7);
    pid_t pid = xfork();
    if (pid == 0) {
        for (int i = 0; i < SIZE; i += 512)
            buf[i] = (unsigned char)~(i * 7);
        for (int i = 0; i < SIZE; i++) {
            unsigned char want = (i % 512 == 0) ? (unsigned char)~(i * 7) : (unsigned char)(i * 7);
            if (buf[i] != want)
                _exit(2);
        }
        _exit(0);
    }
    expect_exit(pid, 0, "child's view of its copy");
    for (int i = 0; i < SIZE; i++)
        CHECK(buf[i] == (unsigned char)(i * 7), "parent byte %d changed by the child", i);
    for (int i = 0; i < SIZE; i += PAGE)
        buf[i] = 1;
    free(buf);
}

/* The stack is copy-on-write too. */
static void t_cow_stack(void)
{
    volatile char local[3 * PAGE];
    for (int i = 0; i < (int)sizeof(local); i++)
        local[i] = 'p';
    pid_t pid = xfork();
    if (pid == 0) {
        for (int i = 0; i < (int)sizeof(local); i++)
            local[i] = 'c';
        for (int i = 0; i < (int)sizeof(local); i++)
            if (local[i] != 'c')
                _exit(2);
        _exit(0);
    }
    expect_exit(pid, 0, "child's stack");
    for (int i = 0; i < (int)sizeof(local); i++)
        CHECK(local[i] == 'p', "parent's stack byte %d is '%c'", i, local[i]);
}

/* Three processes share one page; two children write, the parent keeps
 * the original (reference counts above 2). */
static void t_cow_three_way(void)
{
    static int page[PAGE / sizeof(int)];
    page[0] = 100;
    pid_t a = xfork();
    if (a == 0) {
        sleep_ms(20);
        page[0] = 1;
        _exit(page[0] == 1 ? 0 : 2);
    }
    pid_t b = xfork();
    if (b == 0) {
        page[0] = 2;
        sleep_ms(20);
        _exit(page[0] == 2 ? 0 : 2);
    }
    expect_exit(a, 0, "first child");
    expect_exit(b, 0, "second child");
    CHECK(page[0] == 100, "parent's page is %d, want 100", page[0]);
    page[0] = 5;                        /* sole owner now: a plain write */
    CHECK(page[0] == 5, "write after the children exited");
}

/* A child that forks again after writing: grandchild sees the child's data. */
static void t_cow_nested(void)
{
    static int v = 1;
    pid_t pid = xfork();
    if (pid == 0) {
        v = 2;
        pid_t g = fork();
        if (g == 0)
            _exit(v == 2 ? 0 : 3);
        int st;
        if (g < 0 || waitpid(g, &st, 0) != g || st != 0)
            _exit(4);
        _exit(v == 2 ? 0 : 5);
    }
    expect_exit(pid, 0, "child and grandchild");
    CHECK(v == 1, "parent's value is %d", v);
}

const struct utest utest_cow[] = {
    { "cow_global", t_cow_global },
    { "cow_large", t_cow_large },
    { "cow_stack", t_cow_stack },
    { "cow_three_way", t_cow_three_way },
    { "cow_nested", t_cow_nested },
    { NULL, NULL },
};
