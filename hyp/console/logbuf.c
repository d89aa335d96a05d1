/*
 * logbuf.c - the log ring (see logbuf.h).
 *
 * Byte number 'seq' lives at buf[seq & (size - 1)].  The ring holds the
 * last 'size' bytes written, i.e. sequence numbers
 * [logbuf_oldest(), head).
 */
#include "logbuf.h"

void
logbuf_init(struct logbuf *lb, char *storage, size_t size)
{
    lb->buf = storage;
    lb->size = size;
    lb->head = 0;
}

void
logbuf_write(struct logbuf *lb, const char *s, size_t n)
{
    size_t mask = lb->size - 1;

    /* Only the last 'size' bytes can survive; skip the rest up front. */
    if (n > lb->size) {
        lb->head += n - lb->size;
        s += n - lb->size;
        n = lb->size;
    }
    for (size_t i = 0; i < n; i++)
        lb->buf[(lb->head + i) & mask] = s[i];
    lb->head += n;
}

uint64_t
logbuf_oldest(const struct logbuf *lb)
{
    return lb->head > lb->size ? lb->head - lb->size : 0;
}

size_t
logbuf_read(const struct logbuf *lb, uint64_t *seq, char *out, size_t n)
{
    uint64_t oldest = logbuf_oldest(lb);
    size_t mask = lb->size - 1;
    size_t avail, i;

    /* A reader that fell behind skips to the oldest byte still held. */
    if (*seq < oldest)
        *seq = oldest;
    /* One ahead of the writer (a bogus cursor) just sees nothing. */
    if (*seq >= lb->head)
        return 0;
    avail = (size_t)(lb->head - *seq);
    if (n > avail)
        n = avail;
    for (i = 0; i < n; i++)
        out[i] = lb->buf[(*seq + i) & mask];
    *seq += n;
    return n;
}
