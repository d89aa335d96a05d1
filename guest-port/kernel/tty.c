/*
 * tty.c - /dev/console: a canonical-mode line discipline over the HAL
 * console.
 *
 * Input arrives in trap context (T_CONSOLE, interrupts off): tty_input()
 * edits the current line in a ring and echoes.  Enter (CR, NL or CR NL) or
 * Ctrl-D hands the line to readers; Backspace/DEL erases a character,
 * Ctrl-U the whole line, Ctrl-C discards it and sends SIGINT to the
 * foreground process group.  Readers sleep until a line is complete and
 * get at most one line per read.
 *
 * The ring holds, in order: bytes handed to readers but not read yet
 * [r, w), and the line being edited [w, e).  Positions run freely.
 */
#include "file.h"

#define TTY_WRITE_MAX (16 * 1024)   /* bytes per write call */

#define TTY_BUF 1024             /* a power of two */
#define CTRL(c) ((c) - '@')
#define EOF_MARK CTRL('D')       /* stored for Ctrl-D on an empty line */

static struct {
    char buf[TTY_BUF];
    uint32_t r, w, e;
    int pgid;                    /* the foreground group: gets Ctrl-C */
    bool after_cr;               /* the last input byte was CR */
} tty;

void
tty_init(void)
{
    tty.r = tty.w = tty.e = 0;
    tty.pgid = 1;
}

int
tty_get_pgrp(void)
{
    return tty.pgid;
}

void
tty_set_pgrp(int pgid)
{
    tty.pgid = pgid;
}

/*
 * Write kernel bytes to the console, "\n" becoming "\r\n" (the terminal
 * needs the carriage return; programs write plain newlines).
 */
void
tty_write(const char *s, size_t n)
{
    char out[128];
    size_t o = 0;

    for (size_t i = 0; i < n; i++) {
        if (o + 2 > sizeof(out)) {
            hal_console_write(out, o);
            o = 0;
        }
        if (s[i] == '\n')
            out[o++] = '\r';
        out[o++] = s[i];
    }
    if (o > 0)
        hal_console_write(out, o);
}

static void
echo(const char *s)
{
    tty_write(s, strlen(s));
}

/* Erase the last character of the line being edited, on screen too. */
static bool
erase_char(void)
{
    if (tty.e == tty.w)
        return false;
    tty.e--;
    echo("\b \b");
    return true;
}

void
tty_input(void)
{
    bool wake = false;
    int c;

    while ((c = hal_console_getc()) >= 0) {
        /* Terminals send CR for Enter, some CR NL: one line either way. */
        bool skip = c == '\n' && tty.after_cr;

        tty.after_cr = c == '\r';
        if (skip)
            continue;
        switch (c) {
        case CTRL('C'):
            echo("^C\n");
            tty.e = tty.w;
            signal_send_group(tty.pgid, SIGINT);
            break;
        case CTRL('U'):
            while (erase_char())
                ;
            break;
        case '\b':
        case 0x7f:
            erase_char();
            break;
        case CTRL('D'):
            /* On an empty line a marker makes one read return 0; else
             * the line is handed over as it is, without a newline. */
            if (tty.e == tty.w) {
                if (tty.e - tty.r >= TTY_BUF)
                    break;
                tty.buf[tty.e++ % TTY_BUF] = EOF_MARK;
            }
            tty.w = tty.e;
            wake = true;
            break;
        case '\r':
        case '\n':
            /* The last slot is kept for the newline, so a full line can
             * always be finished. */
            if (tty.e - tty.r >= TTY_BUF)
                break;
            tty.buf[tty.e++ % TTY_BUF] = '\n';
            echo("\n");
            tty.w = tty.e;
            wake = true;
            break;
        default:
            if ((c < 0x20 && c != '\t') || tty.e - tty.r >= TTY_BUF - 1)
                break;
            tty.buf[tty.e++ % TTY_BUF] = (char)c;
            tty_write((const char *)&tty.buf[(tty.e - 1) % TTY_BUF], 1);
            break;
        }
    }
    if (wake)
        wakeup(&tty);
}

/*
 * Read at most one line (up to and including its newline) into dst:
 * sleeps until one is ready.  Bytes read, 0 for Ctrl-D on an empty
 * line, -EINTR, -EAGAIN (O_NONBLOCK), -EFAULT.
 */
long
tty_read(struct file *f, struct xfer dst, size_t n)
{
    char chunk[64];
    size_t done = 0;

    if (n == 0)
        return 0;
    while (tty.r == tty.w) {
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        if (sleep_on(&tty) < 0)
            return -EINTR;
    }
    if (tty.buf[tty.r % TTY_BUF] == EOF_MARK) {
        tty.r++;
        return 0;
    }
    while (done < n) {
        size_t k = 0;
        bool line_end = false;

        /* Gather up to a newline, an EOF marker or the end of the input. */
        while (k < sizeof(chunk) && done + k < n && tty.r + k != tty.w) {
            char c = tty.buf[(tty.r + k) % TTY_BUF];
            if (c == EOF_MARK)
                break;
            chunk[k++] = c;
            if (c == '\n') {
                line_end = true;
                break;
            }
        }
        if (k == 0)
            break;
        if (xfer_out(dst, done, chunk, k) < 0)
            return done > 0 ? (long)done : -EFAULT;
        tty.r += (uint32_t)k;
        done += k;
        if (line_end)
            break;
    }
    return (long)done;
}

/* Write user bytes to the console (through a small kernel buffer). */
long
tty_write_file(struct file *f, struct xfer src, size_t n)
{
    char chunk[128];
    size_t done = 0;

    (void)f;
    /*
     * The console is slow (a port write per byte natively, a hypercall per
     * chunk under PV) and the kernel is not preemptible: one call writes
     * at most TTY_WRITE_MAX bytes and stops early for a signal, so a huge
     * write neither stalls everyone nor outlives Ctrl-C.  Short writes are
     * what a terminal may do; stdio writes the rest.
     */
    if (n > TTY_WRITE_MAX)
        n = TTY_WRITE_MAX;
    while (done < n) {
        size_t k = n - done < sizeof(chunk) ? n - done : sizeof(chunk);

        if (xfer_in(chunk, src, done, k) < 0)
            return done > 0 ? (long)done : -EFAULT;
        tty_write(chunk, k);
        done += k;
        if (myproc() != NULL && signal_pending(myproc()))
            break;
    }
    return (long)done;
}
