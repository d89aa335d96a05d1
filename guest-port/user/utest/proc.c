/*
 * proc.c - tests of fork, exit, wait and the process tree.
 */
#include "utest.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* The exit status reaches the parent intact, all 8 bits of it. */
static void t_exit_status(void)
{
    static const int codes[] = { 0, 1, 42, 127, 255 };
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        pid_t pid = xfork();
        if (pid == 0)
            exit(codes[i]);
        expect_exit(pid, codes[i], "exit(code)");
    }
    /* Returning from main-like code via _exit too. */
    pid_t pid = xfork();
    if (pid == 0)
        _exit(7);
    expect_exit(pid, 7, "_exit(7)");
}

/* A child's getppid() is its parent's getpid(); the pids differ. */
static void t_getpid(void)
{
    int fds[2];
    EXPECT_OK(pipe(fds));
    pid_t me = getpid();
    CHECK(me > 0, "getpid() = %d", (int)me);
    pid_t pid = xfork();
    if (pid == 0) {
        pid_t info[2] = { getpid(), getppid() };
        IGNORE(write(fds[1], info, sizeof(info)));
        _exit(0);
    }
    pid_t info[2];
    CHECK(read(fds[0], info, sizeof(info)) == sizeof(info), "read from child");
    expect_exit(pid, 0, "child");
    CHECK(info[0] == pid, "child's getpid() %d, fork returned %d", (int)info[0], (int)pid);
    CHECK(info[1] == me, "child's getppid() %d, parent is %d", (int)info[1], (int)me);
    CHECK(pid != me, "child has the parent's pid");
}

/* Many children alive at once, each exit status back to the right pid. */
static void t_many_children(void)
{
    enum { N = 20 };
    pid_t pids[N];
    for (int i = 0; i < N; i++) {
        pids[i] = xfork();
        if (pids[i] == 0) {
            sleep_ms(10);
            _exit(i + 1);
        }
    }
    for (int got = 0; got < N; got++) {
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        CHECK(pid > 0, "wait: %s after %d children", strerror(errno), got);
        int i = 0;
        while (i < N && pids[i] != pid)
            i++;
        CHECK(i < N, "wait returned %d, not a child", (int)pid);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == i + 1,
              "child %d status %#x, want exit %d", i, status, i + 1);
        pids[i] = -1;
    }
    EXPECT_ERR(waitpid(-1, NULL, 0), ECHILD);
}

/* WNOHANG: 0 while the child runs; waiting without children: ECHILD. */
static void t_wait_nohang(void)
{
    int fds[2];
    EXPECT_OK(pipe(fds));
    pid_t pid = xfork();
    if (pid == 0) {
        char c;
        close(fds[1]);
        IGNORE(read(fds[0], &c, 1));        /* until the parent closes its end */
        _exit(3);
    }
    close(fds[0]);
    int status;
    CHECK(waitpid(pid, &status, WNOHANG) == 0, "WNOHANG on a running child did not give 0");
    close(fds[1]);
    expect_exit(pid, 3, "child");
    EXPECT_ERR(waitpid(-1, &status, WNOHANG), ECHILD);
    EXPECT_ERR(waitpid(pid, &status, 0), ECHILD);
}

/* Forking far more children than the process table holds, one at a time:
 * works only if each zombie's slot is freed when it is reaped. */
static void t_zombies_reaped(void)
{
    for (int i = 0; i < 200; i++) {
        pid_t pid = xfork();
        if (pid == 0)
            _exit(0);
        expect_exit(pid, 0, "child");
    }
}

/* An orphan is adopted (by init on the guest) and is still reaped. */
static void t_orphan(void)
{
    int fds[2];
    EXPECT_OK(pipe(fds));
    pid_t child = xfork();
    if (child == 0) {
        pid_t old = getpid();           /* the parent the orphan will lose */
        pid_t grandchild = fork();
        if (grandchild < 0)
            _exit(2);
        if (grandchild == 0) {
            char ok;
            /* Wait for the parent to die and the adoption. */
            for (int i = 0; i < 200 && getppid() == old; i++)
                sleep_ms(10);
            pid_t now = getppid();
            ok = (now != old) ? 1 : 0;
            if (UTEST_GUEST && now != 1)
                ok = 0;
            pid_t msg[2] = { now, ok };
            IGNORE(write(fds[1], msg, sizeof(msg)));
            _exit(0);
        }
        _exit(0);                   /* orphan the grandchild */
    }
    close(fds[1]);
    expect_exit(child, 0, "child");
    pid_t msg[2];
    CHECK(read(fds[0], msg, sizeof(msg)) == sizeof(msg), "no word from the orphan");
    CHECK(msg[1], "orphan's parent after adoption is %d (want %s)", (int)msg[0],
          UTEST_GUEST ? "1" : "not the dead parent");
}

/* A child that exits while its parent is not waiting stays a zombie
 * until waited for: its status is not lost. */
static void t_zombie_status_kept(void)
{
    pid_t pid = xfork();
    if (pid == 0)
        _exit(9);
    sleep_ms(50);                   /* it is a zombie by now */
    expect_exit(pid, 9, "late wait");
}

/* The process group of a child: setpgid and getpgrp agree. */
static void t_pgrp(void)
{
    pid_t pid = xfork();
    if (pid == 0) {
        if (setpgid(0, 0) < 0)
            _exit(2);
        _exit(getpgrp() == getpid() ? 0 : 3);
    }
    expect_exit(pid, 0, "setpgid(0,0) then getpgrp()");
}

const struct utest utest_proc[] = {
    { "exit_status", t_exit_status },
    { "getpid", t_getpid },
    { "many_children", t_many_children },
    { "wait_nohang", t_wait_nohang },
    { "zombies_reaped", t_zombies_reaped },
    { "zombie_status_kept", t_zombie_status_kept },
    { "orphan", t_orphan },
    { "pgrp", t_pgrp },
    { NULL, NULL },
};
