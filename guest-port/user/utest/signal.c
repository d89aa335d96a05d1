/*
 * signal.c - kill, handlers, SIGKILL, SIGSEGV on bad accesses, SIGCHLD.
 */
#include "utest.h"

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
    got_signal = sig;
}

/* A child that sleeps until it is killed. */
static pid_t idle_child(void)
{
    pid_t pid = xfork();
    if (pid == 0) {
        for (;;)
            sleep_ms(1000);
    }
    return pid;
}

/* kill(SIGTERM) ends a child: WIFSIGNALED with WTERMSIG SIGTERM. */
static void t_kill_sigterm(void)
{
    pid_t pid = idle_child();
    sleep_ms(10);
    EXPECT_OK(kill(pid, SIGTERM));
    expect_signal(pid, SIGTERM, "kill(SIGTERM)");
    EXPECT_ERR(kill(pid, SIGTERM), ESRCH);          /* reaped: gone */
}

/* A handler runs, gets the signal number, and the program goes on. */
static void t_handler_self(void)
{
    set_handler(SIGUSR1, on_signal);
    got_signal = 0;
    EXPECT_OK(kill(getpid(), SIGUSR1));
    for (int i = 0; i < 100 && !got_signal; i++)
        sleep_ms(1);
    CHECK(got_signal == SIGUSR1, "handler saw %d, want SIGUSR1", (int)got_signal);
    got_signal = 0;
    EXPECT_OK(kill(getpid(), SIGUSR1));             /* and a second time */
    for (int i = 0; i < 100 && !got_signal; i++)
        sleep_ms(1);
    CHECK(got_signal == SIGUSR1, "second delivery");
}

/* A signal from another process interrupts a sleeping handler-owner,
 * which then exits normally. */
static void t_handler_from_parent(void)
{
    int ready[2];
    EXPECT_OK(pipe(ready));
    pid_t pid = xfork();
    if (pid == 0) {
        set_handler(SIGTERM, on_signal);
        got_signal = 0;
        IGNORE(write(ready[1], "r", 1));
        for (int i = 0; i < 500 && !got_signal; i++)
            sleep_ms(10);
        _exit(got_signal == SIGTERM ? 7 : 2);
    }
    char c;
    CHECK(read(ready[0], &c, 1) == 1, "child never got ready");
    EXPECT_OK(kill(pid, SIGTERM));
    expect_exit(pid, 7, "child with a SIGTERM handler");
}

/* SIGKILL can be neither caught nor ignored. */
static void t_sigkill(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    EXPECT_ERR(sigaction(SIGKILL, &sa, NULL), EINVAL);
    sa.sa_handler = SIG_IGN;
    EXPECT_ERR(sigaction(SIGKILL, &sa, NULL), EINVAL);
    pid_t pid = idle_child();
    EXPECT_OK(kill(pid, SIGKILL));
    expect_signal(pid, SIGKILL, "kill(SIGKILL)");
}

/* An ignored SIGTERM does nothing. */
static void t_sig_ignored(void)
{
    pid_t pid = xfork();
    if (pid == 0) {
        set_handler(SIGTERM, SIG_IGN);
        kill(getpid(), SIGTERM);
        sleep_ms(10);
        _exit(0);
    }
    expect_exit(pid, 0, "child ignoring SIGTERM");
}

/* A blocked signal waits; unblocking delivers it. */
static void t_sigprocmask(void)
{
    sigset_t set, old;
    set_handler(SIGUSR1, on_signal);
    got_signal = 0;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    EXPECT_OK(sigprocmask(SIG_BLOCK, &set, &old));
    EXPECT_OK(kill(getpid(), SIGUSR1));
    sleep_ms(10);
    CHECK(got_signal == 0, "handler ran while the signal was blocked");
    EXPECT_OK(sigprocmask(SIG_SETMASK, &old, NULL));
    for (int i = 0; i < 100 && !got_signal; i++)
        sleep_ms(1);
    CHECK(got_signal == SIGUSR1, "not delivered after unblocking");
}

/* Handlers are inherited by fork. */
static void t_handler_fork(void)
{
    set_handler(SIGUSR1, on_signal);
    pid_t pid = xfork();
    if (pid == 0) {
        got_signal = 0;
        kill(getpid(), SIGUSR1);
        for (int i = 0; i < 100 && !got_signal; i++)
            sleep_ms(1);
        _exit(got_signal == SIGUSR1 ? 0 : 2);
    }
    expect_exit(pid, 0, "child's inherited handler");
}

/* Addresses hidden from the compiler, so that it emits the access. */
static volatile uintptr_t null_addr = 0;
static volatile uintptr_t kernel_addr = 0xffff800000000000ull;
static volatile uintptr_t high_kernel_addr = 0xffffffff80000000ull;

static void write_null(void) { *(volatile int *)null_addr = 1; }
static void read_null(void) { (void)*(volatile int *)null_addr; }
static void write_kernel(void) { *(volatile int *)kernel_addr = 1; }
static void read_kernel(void) { (void)*(volatile int *)high_kernel_addr; }
static void jump_kernel(void) { ((void (*)(void))kernel_addr)(); }
static void write_text(void) { *(volatile unsigned char *)(uintptr_t)&write_null = 0xc3; }

/* A bad access kills the child with SIGSEGV and nothing else. */
static void t_segv(void)
{
    static const struct {
        const char *what;
        void (*fn)(void);
    } cases[] = {
        { "write to NULL", write_null },
        { "read from NULL", read_null },
        { "write to a kernel address", write_kernel },
        { "read from a kernel address", read_kernel },
        { "jump to a kernel address", jump_kernel },
        { "write to program text", write_text },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int status = run_in_child(cases[i].fn);
        CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
              "%s: child status %#x, want killed by SIGSEGV", cases[i].what, status);
    }
    /* and we are fine */
    CHECK(getpid() > 0, "parent");
}

/* SIGCHLD is ignored by default (the parent lives on), and a handler for
 * it runs when a child exits. */
static void t_sigchld(void)
{
    pid_t pid = xfork();
    if (pid == 0)
        _exit(0);
    sleep_ms(20);
    expect_exit(pid, 0, "child");

    set_handler(SIGCHLD, on_signal);
    got_signal = 0;
    pid = xfork();
    if (pid == 0)
        _exit(0);
    for (int i = 0; i < 200 && !got_signal; i++)
        sleep_ms(5);
    expect_exit(pid, 0, "child");
    CHECK(got_signal == SIGCHLD, "SIGCHLD handler did not run");
}

/* Signalling a process group reaches every member. */
static void t_kill_group(void)
{
    pid_t leader = xfork();
    if (leader == 0) {
        setpgid(0, 0);
        for (;;)
            sleep_ms(1000);
    }
    setpgid(leader, leader);
    pid_t member = xfork();
    if (member == 0) {
        setpgid(0, leader);
        for (;;)
            sleep_ms(1000);
    }
    setpgid(member, leader);
    sleep_ms(20);
    EXPECT_OK(kill(-leader, SIGTERM));
    expect_signal(leader, SIGTERM, "group leader");
    expect_signal(member, SIGTERM, "group member");
}

const struct utest utest_signal[] = {
    { "kill_sigterm", t_kill_sigterm },
    { "handler_self", t_handler_self },
    { "handler_from_parent", t_handler_from_parent },
    { "handler_fork", t_handler_fork },
    { "sigkill", t_sigkill },
    { "sig_ignored", t_sig_ignored },
    { "sigprocmask", t_sigprocmask },
    { "segv", t_segv },
    { "sigchld", t_sigchld },
    { "kill_group", t_kill_group },
    { NULL, NULL },
};
