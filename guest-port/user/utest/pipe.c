/*
 * pipe.c - pipes: data through in order, EOF when the writers are gone,
 * EPIPE/SIGPIPE when the readers are.
 */
#include "utest.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* 20 KB, more than the pipe holds, through in order and intact. */
static void t_pipe_data(void)
{
    enum { N = 20000 };
    int fds[2];
    EXPECT_OK(pipe(fds));
    pid_t pid = xfork();
    if (pid == 0) {
        close(fds[0]);
        static unsigned char out[N];
        for (int i = 0; i < N; i++)
            out[i] = (unsigned char)(i % 251);
        for (int off = 0; off < N; off += 1000)     /* several writes */
            xwrite_all(fds[1], out + off, 1000);
        _exit(0);
    }
    close(fds[1]);
    static unsigned char in[N + 1];
    int total = 0;
    for (;;) {
        ssize_t n = read(fds[0], in + total, sizeof(in) - total);
        CHECK(n >= 0, "read: %s", strerror(errno));
        if (n == 0)
            break;
        total += (int)n;
    }
    CHECK(total == N, "read %d bytes, want %d", total, N);
    for (int i = 0; i < N; i++)
        CHECK(in[i] == (unsigned char)(i % 251), "byte %d is %d", i, in[i]);
    expect_exit(pid, 0, "writer");
    close(fds[0]);
}

/* read gives 0 once every write end is closed, also a blocked reader. */
static void t_pipe_eof(void)
{
    int fds[2];
    char c;
    EXPECT_OK(pipe(fds));
    close(fds[1]);
    CHECK(read(fds[0], &c, 1) == 0, "read after close of the only writer");
    close(fds[0]);

    EXPECT_OK(pipe(fds));
    pid_t pid = xfork();
    if (pid == 0) {
        close(fds[1]);
        _exit(read(fds[0], &c, 1) == 0 ? 0 : 2);   /* blocks, then EOF */
    }
    sleep_ms(30);
    close(fds[1]);
    expect_exit(pid, 0, "blocked reader woken by EOF");
    close(fds[0]);
}

/* Writing with no reader: SIGPIPE kills by default; ignored, EPIPE. */
static void t_pipe_epipe(void)
{
    int fds[2];
    EXPECT_OK(pipe(fds));
    close(fds[0]);
    pid_t pid = xfork();
    if (pid == 0) {
        IGNORE(write(fds[1], "x", 1));
        _exit(2);
    }
    expect_signal(pid, SIGPIPE, "write to a readerless pipe");

    set_handler(SIGPIPE, SIG_IGN);
    EXPECT_ERR(write(fds[1], "x", 1), EPIPE);
    close(fds[1]);

    /* A writer blocked on a full pipe is woken when the reader goes. */
    EXPECT_OK(pipe(fds));
    pid = xfork();
    if (pid == 0) {
        static char big[4 * 4096];
        close(fds[0]);
        for (;;)
            if (write(fds[1], big, sizeof(big)) < 0)
                _exit(errno == EPIPE ? 0 : 3);
    }
    close(fds[1]);
    sleep_ms(50);
    close(fds[0]);
    expect_exit(pid, 0, "blocked writer when the reader closed");
}

/* A pipe between two children, the parent out of it. */
static void t_pipe_children(void)
{
    int fds[2];
    EXPECT_OK(pipe(fds));
    pid_t writer = xfork();
    if (writer == 0) {
        close(fds[0]);
        for (int i = 0; i < 100; i++)
            IGNORE(write(fds[1], &i, sizeof(i)));
        _exit(0);
    }
    pid_t reader = xfork();
    if (reader == 0) {
        close(fds[1]);
        int v, want = 0;
        while (read(fds[0], &v, sizeof(v)) == sizeof(v)) {
            if (v != want++)
                _exit(2);
        }
        _exit(want == 100 ? 0 : 3);
    }
    close(fds[0]);
    close(fds[1]);
    expect_exit(writer, 0, "writer");
    expect_exit(reader, 0, "reader (got everything in order, then EOF)");
}

/* Descriptors: a pipe's ends are the lowest free ones and close cleanly;
 * many pipes opened and closed leave no descriptors behind. */
static void t_pipe_many(void)
{
    int first = dup(0);
    if (first >= 0)
        close(first);
    for (int i = 0; i < 100; i++) {
        int fds[2];
        EXPECT_OK(pipe(fds));
        IGNORE(write(fds[1], "ab", 2));
        close(fds[0]);
        close(fds[1]);
    }
    int again = dup(0);
    if (again >= 0)
        close(again);
    CHECK(first == again, "lowest free descriptor %d, was %d: descriptors leaked", again, first);
}

const struct utest utest_pipe[] = {
    { "pipe_data", t_pipe_data },
    { "pipe_eof", t_pipe_eof },
    { "pipe_epipe", t_pipe_epipe },
    { "pipe_children", t_pipe_children },
    { "pipe_many", t_pipe_many },
    { NULL, NULL },
};
