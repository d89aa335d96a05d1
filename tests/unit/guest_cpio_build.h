/*
 * guest_cpio_build.h - build "newc" cpio archives in memory for the guest
 * file-system tests (test_guest_cpio.c, test_guest_path.c).
 *
 * cpio_add() appends one member with the fields the reader looks at; the
 * other header fields are fixed.  Tests then damage the bytes as they
 * like through the returned offsets.
 */
#ifndef GUEST_CPIO_BUILD_H
#define GUEST_CPIO_BUILD_H

#include <stdio.h>
#include <string.h>
#include <stdint.h>

#define CPIO_BUILD_MAX (256 * 1024)

struct cpio_build {
    unsigned char buf[CPIO_BUILD_MAX];
    size_t len;
};

static void
cpio_pad4(struct cpio_build *b)
{
    while (b->len % 4 != 0)
        b->buf[b->len++] = 0;
}

/* Append a member: name (its NUL counted in namesize), mode, data.
 * Returns the member header's offset. */
static size_t
cpio_add(struct cpio_build *b, const char *name, uint32_t mode,
         const void *data, size_t size)
{
    size_t at = b->len, namesize = strlen(name) + 1;
    char hdr[111];

    snprintf(hdr, sizeof(hdr),
             "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
             1u, mode, 0u, 0u, 1u, 0u, (unsigned)size, 0u, 0u, 0u, 0u,
             (unsigned)namesize, 0u);
    memcpy(b->buf + b->len, hdr, 110);
    b->len += 110;
    memcpy(b->buf + b->len, name, namesize);
    b->len += namesize;
    cpio_pad4(b);
    if (size > 0)
        memcpy(b->buf + b->len, data, size);
    b->len += size;
    cpio_pad4(b);
    return at;
}

static size_t
cpio_trailer(struct cpio_build *b)
{
    return cpio_add(b, "TRAILER!!!", 0, NULL, 0);
}

#endif
