/*
 * limits.c - running out: of processes (a fork bomb bounded by the
 * process table) and of memory.  Afterwards everything must come back:
 * the same number of forks succeed again, and free memory returns to
 * what it was.
 */
#include "utest.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#if UTEST_GUEST
#define FORK_CAP 1000           /* the guest must refuse long before */
#define OOM_CAP_MB 1024
#else
#define FORK_CAP 300            /* the host's limit is far away: stop here */
#define OOM_CAP_MB 64
#endif

/* Fork children that wait until killed, until fork fails.  Returns how
 * many were made; the failure's errno in *err. */
static int fork_until_failure(int *err)
{
    static pid_t pids[FORK_CAP];
    int n = 0;
    *err = 0;
    for (; n < FORK_CAP; n++) {
        pid_t pid = fork();
        if (pid == 0) {
            for (;;)
                sleep_ms(1000);
        }
        if (pid < 0) {
            *err = errno;
            break;
        }
        pids[n] = pid;
    }
    for (int i = 0; i < n; i++)
        kill(pids[i], SIGKILL);
    for (int i = 0; i < n; i++) {
        int status;
        if (waitpid(pids[i], &status, 0) != pids[i])
            fail("waitpid of bomb child %d: %s", i, strerror(errno));
        if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
            fail("bomb child %d status %#x", i, status);
    }
    return n;
}

static void t_fork_bomb(void)
{
    long free0 = meminfo_free_kb();
    int err1, err2;
    int n1 = fork_until_failure(&err1);
    if (!UTEST_GUEST && n1 == FORK_CAP)
        return;                         /* host: no limit reached, fine */
    CHECK(n1 < FORK_CAP, "%d forks succeeded: no process limit", n1);
    CHECK(err1 == EAGAIN, "fork failed with errno %d (%s), want EAGAIN", err1, strerror(err1));
    CHECK(n1 > 10, "only %d forks succeeded", n1);
    int n2 = fork_until_failure(&err2);
    CHECK(n2 == n1, "second round: %d forks, first round %d: slots lost", n2, n1);
    EXPECT_ERR(waitpid(-1, NULL, 0), ECHILD);
    long free1 = meminfo_free_kb();
    if (UTEST_GUEST && free0 >= 0 && free1 >= 0)
        CHECK(free0 - free1 <= LEAK_TOLERANCE_KB, "free memory %ld KiB before, %ld after",
              free0, free1);
}

/* The child grows by malloc until it gets NULL (then exits 0) or is
 * killed. */
static void eat_with_malloc(void)
{
    size_t total = 0;
    for (;;) {
        char *p = malloc(64 * 1024);
        if (!p)
            _exit(0);                   /* NULL: the polite ending */
        for (int i = 0; i < 64 * 1024; i += PAGE)
            p[i] = 1;                   /* make it real */
        total += 64 * 1024;
        if (total >= (size_t)OOM_CAP_MB << 20)
            _exit(UTEST_GUEST ? 3 : 0);
    }
}

static void eat_with_mmap(void)
{
    size_t total = 0;
    for (;;) {
        char *p = mmap(NULL, 256 * 1024, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            _exit(errno == ENOMEM ? 0 : 4);
        for (int i = 0; i < 256 * 1024; i += PAGE)
            p[i] = 1;
        total += 256 * 1024;
        if (total >= (size_t)OOM_CAP_MB << 20)
            _exit(UTEST_GUEST ? 3 : 0);
    }
}

static void eat_with_stack_after_heap(void)
{
    /* Fill the heap, then keep going on the stack: the kernel must not
     * die when a fault cannot be satisfied. */
    while (malloc(64 * 1024))
        ;
    volatile char pad[64 * 1024];
    pad[0] = 1;
    pad[sizeof(pad) - 1] = pad[0];
    eat_with_mmap();
}

static void oom_case(const char *what, void (*fn)(void))
{
    long free0 = meminfo_free_kb();
    int status = run_in_child(fn);
    bool ok = (WIFEXITED(status) && WEXITSTATUS(status) == 0) ||
              (WIFSIGNALED(status) &&
               (WTERMSIG(status) == SIGKILL || WTERMSIG(status) == SIGSEGV ||
                WTERMSIG(status) == SIGBUS));
    CHECK(ok, "%s: child status %#x, want exit 0 (NULL/ENOMEM) or killed", what, status);
    long free1 = -1;
    for (int i = 0; i < 10; i++) {
        free1 = meminfo_free_kb();
        if (free0 < 0 || free1 < 0 || free0 - free1 <= LEAK_TOLERANCE_KB)
            break;
        sleep_ms(50);
    }
    if (UTEST_GUEST && free0 >= 0 && free1 >= 0)
        CHECK(free0 - free1 <= LEAK_TOLERANCE_KB,
              "%s: free memory %ld KiB before, %ld after", what, free0, free1);
    /* The system still works: a fork and an exec. */
    pid_t pid = xfork();
    if (pid == 0)
        _exit(5);
    expect_exit(pid, 5, "fork after running out of memory");
}

static void t_oom(void)
{
    oom_case("malloc until it fails", eat_with_malloc);
    oom_case("mmap until it fails", eat_with_mmap);
#if UTEST_GUEST
    oom_case("heap, then mmap", eat_with_stack_after_heap);
#else
    (void)eat_with_stack_after_heap;
#endif
}

const struct utest utest_limits[] = {
    { "fork_bomb", t_fork_bomb },
    { "oom", t_oom },
    { NULL, NULL },
};
