/*
 * logbuf.h - the hypervisor's log, kept in a ring so it can be read back
 * later (dom0 shows it as "dmesg").
 *
 * Bytes are numbered from 0 since boot ("sequence numbers").  When the ring
 * is full the oldest bytes are overwritten; a reader that fell behind is
 * moved forward to the oldest byte still held, so it sees a gap, never
 * garbage.  Not locked: printk serialises writers.
 */
#ifndef HYP_LOGBUF_H
#define HYP_LOGBUF_H

#include <stdint.h>
#include <stddef.h>

struct logbuf {
    char    *buf;
    size_t   size;       /* a power of two */
    uint64_t head;       /* sequence number of the next byte written */
};

/* 'size' must be a power of two. */
void logbuf_init(struct logbuf *lb, char *storage, size_t size);

void logbuf_write(struct logbuf *lb, const char *s, size_t n);

/* Sequence number of the oldest byte still held. */
uint64_t logbuf_oldest(const struct logbuf *lb);

/*
 * Copy up to 'n' bytes starting at sequence number *seq into 'out'.
 * If *seq is older than the oldest byte held it is first moved forward.
 * Advances *seq past what was copied.  Returns the number of bytes copied
 * (0 when the reader is up to date).
 */
size_t logbuf_read(const struct logbuf *lb, uint64_t *seq, char *out, size_t n);

#endif
