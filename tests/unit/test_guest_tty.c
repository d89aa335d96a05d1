/*
 * test_guest_tty.c - the console line discipline (guest-port/kernel/tty.c)
 * on the host: typed bytes in, echo and lines out.
 *
 * The HAL console is a script of input bytes and a capture of output;
 * sleep_on never sleeps (it reports a signal), so a read with no line
 * ready returns -EINTR instead of blocking.
 */
#include <stdint.h>
#include "unit.h"
#include "file.h"

static const char *input;
static char output[4096];
static size_t out_len;
static int wakeups, last_sig_pgid, last_sig;

int
hal_console_getc(void)
{
    return (input != NULL && *input != '\0') ? (unsigned char)*input++ : -1;
}

void
hal_console_write(const char *s, size_t n)
{
    if (out_len + n < sizeof(output)) {
        memcpy(output + out_len, s, n);
        out_len += n;
        output[out_len] = '\0';
    }
}

int sleep_on(void *chan) { (void)chan; return -EINTR; }
struct proc *myproc(void) { return NULL; }
bool signal_pending(struct proc *p) { (void)p; return false; }
void wakeup(void *chan) { (void)chan; wakeups++; }

int
signal_send_group(int pgid, int sig)
{
    last_sig_pgid = pgid;
    last_sig = sig;
    return 0;
}

int
xfer_out(struct xfer x, size_t at, const void *src, size_t n)
{
    memcpy((char *)(uintptr_t)x.addr + at, src, n);
    return 0;
}

int
xfer_in(void *dst, struct xfer x, size_t at, size_t n)
{
    memcpy(dst, (const char *)(uintptr_t)x.addr + at, n);
    return 0;
}

static struct file console;

static void
type(const char *s)
{
    input = s;
    out_len = 0;
    output[0] = '\0';
    tty_input();
}

/* Read with a buffer of n bytes; the text read goes to got (NUL-ended). */
static long
rd(char *got, size_t n)
{
    long r = tty_read(&console, xfer_kernel(got), n);

    got[r > 0 ? r : 0] = '\0';
    return r;
}

static void
fresh(void)
{
    char junk[2048];

    tty_init();
    while (rd(junk, sizeof(junk)) >= 0)
        ;
    last_sig = 0;
}

static void
test_line_and_echo(void)
{
    char got[64];

    fresh();
    type("ls -l");
    CHECK_STR(output, "ls -l");
    CHECK_EQ(rd(got, sizeof(got)), -EINTR);       /* no line yet */
    type("\r");
    CHECK_STR(output, "\r\n");
    CHECK_EQ(rd(got, sizeof(got)), 6);
    CHECK_STR(got, "ls -l\n");
    CHECK_EQ(rd(got, sizeof(got)), -EINTR);
}

static void
test_editing(void)
{
    char got[64];

    fresh();
    type("ab\x7f" "c\b\bx\n");
    CHECK_STR(output, "ab\b \bc\b \b\b \bx\r\n");
    CHECK_EQ(rd(got, sizeof(got)), 2);
    CHECK_STR(got, "x\n");
    type("junk\x15ok\n");
    CHECK_EQ(rd(got, sizeof(got)), 3);
    CHECK_STR(got, "ok\n");
    /* Erasing stops at the start of the line: earlier lines are gone. */
    type("a\n\x7f\x7f" "b\n");
    CHECK_STR(output, "a\r\nb\r\n");
    CHECK_EQ(rd(got, sizeof(got)), 2);
    CHECK_EQ(rd(got, sizeof(got)), 2);
    CHECK_STR(got, "b\n");
}

static void
test_eof(void)
{
    char got[64];

    fresh();
    type("\x04");
    CHECK_EQ(rd(got, sizeof(got)), 0);            /* EOF on an empty line */
    CHECK_EQ(rd(got, sizeof(got)), -EINTR);       /* ... once */
    type("ab\x04");
    CHECK_EQ(rd(got, sizeof(got)), 2);            /* the line without a newline */
    CHECK_STR(got, "ab");
    CHECK_EQ(rd(got, sizeof(got)), -EINTR);
    type("x\n\x04y\n");
    CHECK_EQ(rd(got, sizeof(got)), 2);
    CHECK_EQ(rd(got, sizeof(got)), 0);
    CHECK_EQ(rd(got, sizeof(got)), 2);
    CHECK_STR(got, "y\n");
}

static void
test_ctrl_c(void)
{
    char got[64];

    fresh();
    tty_set_pgrp(7);
    type("sleep 100\x03");
    CHECK_STR(output, "sleep 100^C\r\n");
    CHECK_EQ(last_sig, SIGINT);
    CHECK_EQ(last_sig_pgid, 7);
    CHECK_EQ(tty_get_pgrp(), 7);
    CHECK_EQ(rd(got, sizeof(got)), -EINTR);       /* the line was discarded */
    type("next\n");
    CHECK_EQ(rd(got, sizeof(got)), 5);
    CHECK_STR(got, "next\n");
}

static void
test_one_line_per_read(void)
{
    char got[64];

    fresh();
    type("one\r\ntwo\nhello\n");
    CHECK_STR(output, "one\r\ntwo\r\nhello\r\n");  /* CR NL is one Enter */
    CHECK_EQ(rd(got, sizeof(got)), 4);
    CHECK_STR(got, "one\n");
    CHECK_EQ(rd(got, sizeof(got)), 4);
    CHECK_STR(got, "two\n");
    CHECK_EQ(rd(got, 2), 2);
    CHECK_STR(got, "he");
    CHECK_EQ(rd(got, 2), 2);
    CHECK_EQ(rd(got, sizeof(got)), 2);
    CHECK_STR(got, "o\n");
    CHECK_EQ(rd(got, 0), 0);
}

static void
test_full_line(void)
{
    static char lots[3000], got[2048];

    fresh();
    memset(lots, 'q', sizeof(lots) - 1);
    type(lots);
    type("\n");
    CHECK_EQ(rd(got, sizeof(got)), 1024);         /* 1023 kept, then the newline */
    CHECK_EQ(got[1022], 'q');
    CHECK_EQ(got[1023], '\n');
}

static void
test_output_newlines(void)
{
    out_len = 0;
    tty_write("a\nb\n", 4);
    CHECK_STR(output, "a\r\nb\r\n");
    out_len = 0;
    CHECK_EQ(tty_write_file(&console, xfer_kernel("x\ny"), 3), 3);
    CHECK_STR(output, "x\r\ny");
}

static const struct unit_case cases[] = {
    UNIT_CASE(test_line_and_echo),
    UNIT_CASE(test_editing),
    UNIT_CASE(test_eof),
    UNIT_CASE(test_ctrl_c),
    UNIT_CASE(test_one_line_per_read),
    UNIT_CASE(test_full_line),
    UNIT_CASE(test_output_newlines),
};

int
main(void)
{
    console.flags = O_RDWR;
    return unit_run(cases, UNIT_COUNT(cases));
}
