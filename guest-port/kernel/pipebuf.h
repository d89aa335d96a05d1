/*
 * pipebuf.h - the bounded byte ring behind a pipe.
 *
 * Pure (no kernel calls): host-tested.  The read and write positions run
 * freely and are reduced modulo the size only to index, so "full" and
 * "empty" need no spare slot.  Callers that copy from or to user memory
 * use the span calls: copy into the span first, then commit, so a failed
 * copy leaves the ring unchanged.
 */
#ifndef GUEST_PIPEBUF_H
#define GUEST_PIPEBUF_H

#include <stdint.h>
#include <stddef.h>

struct pipebuf {
    uint8_t *data;
    size_t size;             /* a power of two */
    uint64_t rpos, wpos;     /* bytes ever read and written: used = wpos - rpos */
};

/* size must be a power of two. */
void pipebuf_init(struct pipebuf *b, void *data, size_t size);
size_t pipebuf_used(const struct pipebuf *b);
size_t pipebuf_space(const struct pipebuf *b);

/* The longest contiguous run of readable bytes at *p: its length. */
size_t pipebuf_read_span(const struct pipebuf *b, const uint8_t **p);
/* Forget n read bytes (n <= pipebuf_used). */
void pipebuf_consume(struct pipebuf *b, size_t n);
/* The longest contiguous run of free bytes at *p: its length. */
size_t pipebuf_write_span(const struct pipebuf *b, uint8_t **p);
/* Make n written bytes readable (n <= pipebuf_space). */
void pipebuf_commit(struct pipebuf *b, size_t n);

/* Copy as much of src as fits in / as much as is there to dst: bytes. */
size_t pipebuf_put(struct pipebuf *b, const void *src, size_t n);
size_t pipebuf_get(struct pipebuf *b, void *dst, size_t n);

#endif
