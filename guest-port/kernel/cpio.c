/*
 * cpio.c - the "newc" cpio reader for the initrd (see cpio.h).
 *
 * No kernel calls and no C library: the kernel and the host tests build the
 * same file.  Offsets are size_t and every addition is checked against the
 * archive's length before it is made, so a hostile header cannot make the
 * reader look outside the archive.
 */
#include "cpio.h"

#define HDR_SIZE    110
#define FIELD_MODE     1      /* field indexes after the magic */
#define FIELD_FILESIZE 6
#define FIELD_NAMESIZE 11
#define NFIELDS       13

static size_t
align4(size_t x)
{
    return (x + 3) & ~(size_t)3;
}

/* Parse 8 hex digits at s into *v; false if any is not a hex digit. */
static bool
parse_hex8(const uint8_t *s, uint32_t *v)
{
    uint32_t x = 0;

    for (int i = 0; i < 8; i++) {
        uint8_t c = s[i];
        uint32_t d;

        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return false;
        x = x << 4 | d;
    }
    *v = x;
    return true;
}

static bool
bytes_equal(const uint8_t *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != (uint8_t)b[i])
            return false;
    return true;
}

void
cpio_iter_init(struct cpio_iter *it, const void *archive, size_t len)
{
    it->base = archive;
    it->len = archive ? len : 0;
    it->pos = 0;
    it->state = 0;
}

bool
cpio_normalize(const char *name, size_t len, char *out)
{
    size_t o = 0, i = 0;

    while (i < len) {
        size_t start, clen;

        while (i < len && name[i] == '/')
            i++;
        start = i;
        while (i < len && name[i] != '/')
            i++;
        clen = i - start;
        if (clen == 0 || (clen == 1 && name[start] == '.'))
            continue;
        if (clen == 2 && name[start] == '.' && name[start + 1] == '.')
            return false;
        if (clen > CPIO_NAME_MAX)
            return false;
        /* room for an optional '/', the component and the final NUL */
        if (o + (o > 0) + clen + 1 > CPIO_PATH_MAX)
            return false;
        if (o > 0)
            out[o++] = '/';
        for (size_t k = 0; k < clen; k++)
            out[o++] = name[start + k];
    }
    out[o] = '\0';
    return true;
}

int
cpio_next(struct cpio_iter *it, struct cpio_entry *e)
{
    const uint8_t *h;
    uint32_t f[NFIELDS];
    size_t name_off, namesize, data_off, filesize;
    const char *name;

    if (it->state != 0)
        return it->state;
    /* it->pos <= it->len always holds, so the subtraction is safe. */
    if (it->len - it->pos < HDR_SIZE)
        goto bad;
    h = it->base + it->pos;
    if (!bytes_equal(h, "070701", 6) && !bytes_equal(h, "070702", 6))
        goto bad;
    for (int i = 0; i < NFIELDS; i++)
        if (!parse_hex8(h + 6 + 8 * i, &f[i]))
            goto bad;

    name_off = it->pos + HDR_SIZE;
    namesize = f[FIELD_NAMESIZE];
    filesize = f[FIELD_FILESIZE];
    if (namesize == 0 || namesize > it->len - name_off)
        goto bad;
    name = (const char *)it->base + name_off;
    /* Exactly one NUL, at the end: an embedded NUL would hide the rest. */
    for (size_t i = 0; i + 1 < namesize; i++)
        if (name[i] == '\0')
            goto bad;
    if (name[namesize - 1] != '\0')
        goto bad;

    /* The trailer ends the archive whatever follows (padding may be cut). */
    if (namesize == 11 && bytes_equal((const uint8_t *)name, "TRAILER!!!", 10)) {
        it->state = CPIO_END;
        return CPIO_END;
    }

    data_off = align4(name_off + namesize);
    if (data_off > it->len || filesize > it->len - data_off)
        goto bad;
    /* The last member's padding may be missing; clamp, the next call
     * then finds no header and reports the missing trailer. */
    it->pos = align4(data_off + filesize);
    if (it->pos > it->len)
        it->pos = it->len;
    e->mode = f[FIELD_MODE];
    e->data = it->base + data_off;
    e->size = filesize;
    if (!cpio_normalize(name, namesize - 1, e->path))
        return CPIO_BAD_NAME;
    return CPIO_ENTRY;

bad:
    it->state = CPIO_BAD_FORMAT;
    return CPIO_BAD_FORMAT;
}
