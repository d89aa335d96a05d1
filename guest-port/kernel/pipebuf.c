/*
 * pipebuf.c - the bounded byte ring behind a pipe (see pipebuf.h).
 */
#include "pipebuf.h"

static void
copy_bytes(uint8_t *dst, const uint8_t *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = src[i];
}

void
pipebuf_init(struct pipebuf *b, void *data, size_t size)
{
    b->data = data;
    b->size = size;
    b->rpos = 0;
    b->wpos = 0;
}

size_t
pipebuf_used(const struct pipebuf *b)
{
    return (size_t)(b->wpos - b->rpos);
}

size_t
pipebuf_space(const struct pipebuf *b)
{
    return b->size - pipebuf_used(b);
}

size_t
pipebuf_read_span(const struct pipebuf *b, const uint8_t **p)
{
    size_t at = (size_t)(b->rpos & (b->size - 1));
    size_t used = pipebuf_used(b);
    size_t run = b->size - at;

    *p = b->data + at;
    return used < run ? used : run;
}

void
pipebuf_consume(struct pipebuf *b, size_t n)
{
    b->rpos += n;
}

size_t
pipebuf_write_span(const struct pipebuf *b, uint8_t **p)
{
    size_t at = (size_t)(b->wpos & (b->size - 1));
    size_t space = pipebuf_space(b);
    size_t run = b->size - at;

    *p = b->data + at;
    return space < run ? space : run;
}

void
pipebuf_commit(struct pipebuf *b, size_t n)
{
    b->wpos += n;
}

size_t
pipebuf_put(struct pipebuf *b, const void *src, size_t n)
{
    size_t done = 0;

    while (done < n) {
        uint8_t *p;
        size_t k = pipebuf_write_span(b, &p);

        if (k == 0)
            break;
        if (k > n - done)
            k = n - done;
        copy_bytes(p, (const uint8_t *)src + done, k);
        pipebuf_commit(b, k);
        done += k;
    }
    return done;
}

size_t
pipebuf_get(struct pipebuf *b, void *dst, size_t n)
{
    size_t done = 0;

    while (done < n) {
        const uint8_t *p;
        size_t k = pipebuf_read_span(b, &p);

        if (k == 0)
            break;
        if (k > n - done)
            k = n - done;
        copy_bytes((uint8_t *)dst + done, p, k);
        pipebuf_consume(b, k);
        done += k;
    }
    return done;
}
