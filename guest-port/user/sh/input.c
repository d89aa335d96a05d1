/*
 * input.c - read the shell's input a line at a time with read(2).
 *
 * Not stdio: when the shell reads its commands from its standard input
 * (`sh < script`), the programs it starts share that descriptor, so the
 * shell must not read past the end of its line; it reads one byte at a
 * time there.  A script file the shell opened itself is read in blocks.
 */
#include "sh.h"

#include <errno.h>
#include <unistd.h>

void input_open(struct input *in, int fd, bool bytewise)
{
    in->fd = fd;
    in->bytewise = bytewise;
    in->pos = in->len = 0;
}

/* The next byte, or -1 at the end of input (or on an error). */
static int next_byte(struct input *in)
{
    if (in->pos == in->len) {
        ssize_t n;
        do {
            n = read(in->fd, in->buf, in->bytewise ? 1 : sizeof(in->buf));
        } while (n < 0 && errno == EINTR);
        if (n <= 0)
            return -1;
        in->pos = 0;
        in->len = (int)n;
    }
    return (unsigned char)in->buf[in->pos++];
}

int input_line(struct input *in, struct strbuf *b)
{
    int c, got = 0;
    while ((c = next_byte(in)) >= 0) {
        got = 1;
        sb_addc(b, (char)c);
        if (c == '\n')
            break;
    }
    return got;
}
