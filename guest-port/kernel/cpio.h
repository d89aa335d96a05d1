/*
 * cpio.h - a reader for "newc" cpio archives (the initrd format).
 *
 * Pure C with no kernel calls, so it is host-tested on hostile archives.
 * The archive is never trusted: every field is checked before it is used,
 * and names are normalized into safe relative paths.
 *
 * Format (all numbers 8 ASCII hex digits):
 *   "070701" ino mode uid gid nlink mtime filesize devmajor devminor
 *   rdevmajor rdevminor namesize check          (110 bytes)
 *   name (namesize bytes, NUL included), padded to a multiple of 4
 *   data (filesize bytes), padded to a multiple of 4
 * The archive ends with an entry named "TRAILER!!!".
 */
#ifndef GUEST_CPIO_H
#define GUEST_CPIO_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#define CPIO_PATH_MAX 256    /* = UAPI_PATH_MAX: with the NUL */
#define CPIO_NAME_MAX 57     /* = UAPI_NAME_MAX: one component */

/* One archive member. */
struct cpio_entry {
    /* Normalized: relative to the root, no leading '/', no "." or empty
     * components, never "..".  "" names the root itself. */
    char path[CPIO_PATH_MAX];
    uint32_t mode;           /* type and permission bits, as archived */
    const void *data;        /* inside the archive */
    size_t size;
};

struct cpio_iter {
    const uint8_t *base;
    size_t len;
    size_t pos;              /* the next header's offset */
    int state;               /* 0 going on, else the sticky final result */
};

/* cpio_next() results */
#define CPIO_ENTRY       1   /* *e is filled */
#define CPIO_END         0   /* the trailer was reached */
#define CPIO_BAD_NAME   (-1) /* this member's name is unsafe or too long: skipped,
                                iteration may go on */
#define CPIO_BAD_FORMAT (-2) /* the archive is broken here: stop */

void cpio_iter_init(struct cpio_iter *it, const void *archive, size_t len);

/*
 * The next member into *e: CPIO_ENTRY, CPIO_END, CPIO_BAD_NAME or
 * CPIO_BAD_FORMAT.  After CPIO_END or CPIO_BAD_FORMAT every later call
 * returns the same.  A missing trailer is CPIO_BAD_FORMAT.
 */
int cpio_next(struct cpio_iter *it, struct cpio_entry *e);

/*
 * Normalize a path from an archive into out (CPIO_PATH_MAX bytes): drop
 * leading '/', empty and "." components.  false if a component is "..",
 * longer than CPIO_NAME_MAX, or the result does not fit.
 */
bool cpio_normalize(const char *name, size_t len, char *out);

#endif
