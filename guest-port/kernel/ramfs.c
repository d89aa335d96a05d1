/*
 * ramfs.c - the data of regular files.
 *
 * A file is a sparse array of pages: RAMFS_NDIRECT slots in the inode,
 * then RAMFS_NINDIRECT index frames of 512 slots each.  A slot holds the
 * data frame's pfn + 1, so 0 is a hole that reads as zeros.
 *
 * Files unpacked from the initrd start out pointing at the initrd's bytes
 * (which stay resident anyway): a page is copied into a frame of its own
 * only when it is first written, so a PV domain does not hold every
 * program twice.
 *
 * Invariant: bytes of a data frame past the file's size are zero, so a
 * file that grows shows zeros in the gap.
 */
#include "vfs.h"

const uint8_t zero_page[PAGE_SIZE];

/* A frame for file data, or PAGE_NONE when memory is short. */
static uint64_t
frame_alloc(struct inode *ip)
{
    uint64_t pfn;

    if (page_free_count() < RAMFS_RESERVE_PAGES)
        return PAGE_NONE;
    pfn = page_alloc();
    if (pfn != PAGE_NONE)
        ip->u.reg.nframes++;
    return pfn;
}

/*
 * The slot of page pg: in the inode or an index frame.  NULL when there
 * is none: pg is past the largest file (*err = -EFBIG), or the index frame
 * is missing and alloc is false, or it could not be allocated (-ENOSPC).
 */
static uint64_t *
page_slot(struct inode *ip, uint64_t pg, bool alloc, int *err)
{
    uint64_t i, *index;

    if (pg < RAMFS_NDIRECT)
        return &ip->u.reg.direct[pg];
    pg -= RAMFS_NDIRECT;
    i = pg / RAMFS_SLOTS_PER_INDEX;
    if (i >= RAMFS_NINDIRECT) {
        *err = -EFBIG;
        return NULL;
    }
    if (ip->u.reg.indirect[i] == 0) {
        uint64_t pfn;

        if (!alloc)
            return NULL;
        pfn = frame_alloc(ip);
        if (pfn == PAGE_NONE) {
            *err = -ENOSPC;
            return NULL;
        }
        ip->u.reg.indirect[i] = pfn + 1;   /* page_alloc zeroes: all holes */
    }
    index = pfn_to_va(ip->u.reg.indirect[i] - 1);
    return &index[pg % RAMFS_SLOTS_PER_INDEX];
}

/* Copy n zero bytes to dst + at. */
static int
out_zeros(struct xfer dst, size_t at, size_t n)
{
    while (n > 0) {
        size_t k = n < PAGE_SIZE ? n : PAGE_SIZE;

        if (xfer_out(dst, at, zero_page, k) < 0)
            return -EFAULT;
        at += k;
        n -= k;
    }
    return 0;
}

/* Copy chunk bytes of page pg from offset po (inside the page) to dst + at. */
static int
read_page(struct inode *ip, uint64_t pg, size_t po, struct xfer dst, size_t at, size_t chunk)
{
    int err = 0;
    uint64_t *slot = page_slot(ip, pg, false, &err);
    uint64_t base = pg * PAGE_SIZE + po;

    if (slot != NULL && *slot != 0)
        return xfer_out(dst, at, (const uint8_t *)pfn_to_va(*slot - 1) + po, chunk);
    if (ip->u.reg.rodata != NULL && base < ip->u.reg.rodata_len) {
        size_t k = ip->u.reg.rodata_len - base;

        if (k > chunk)
            k = chunk;
        if (xfer_out(dst, at, ip->u.reg.rodata + base, k) < 0)
            return -EFAULT;
        return out_zeros(dst, at + k, chunk - k);
    }
    return out_zeros(dst, at, chunk);
}

long
ramfs_read(struct inode *ip, uint64_t off, struct xfer dst, size_t n)
{
    size_t done = 0;

    if (off >= ip->size)
        return 0;
    if (n > ip->size - off)
        n = (size_t)(ip->size - off);
    while (done < n) {
        uint64_t pos = off + done;
        size_t po = pos % PAGE_SIZE;
        size_t chunk = PAGE_SIZE - po;

        if (chunk > n - done)
            chunk = n - done;
        chunk = xfer_chunk(dst, done, chunk);
        if (read_page(ip, pos / PAGE_SIZE, po, dst, done, chunk) < 0)
            return done > 0 ? (long)done : -EFAULT;
        done += chunk;
    }
    return (long)done;
}

/* The frame of page pg for writing: allocated (a copy of the initrd's
 * bytes, if it has them) when missing.  0 and *va, or -ENOSPC / -EFBIG. */
static int
writable_page(struct inode *ip, uint64_t pg, uint8_t **va)
{
    int err = 0;
    uint64_t *slot = page_slot(ip, pg, true, &err);
    uint64_t base = pg * PAGE_SIZE;

    if (slot == NULL)
        return err;
    if (*slot == 0) {
        uint64_t pfn = frame_alloc(ip);

        if (pfn == PAGE_NONE)
            return -ENOSPC;
        if (ip->u.reg.rodata != NULL && base < ip->u.reg.rodata_len) {
            uint64_t k = ip->u.reg.rodata_len - base;
            memcpy(pfn_to_va(pfn), ip->u.reg.rodata + base, k < PAGE_SIZE ? k : PAGE_SIZE);
        }
        *slot = pfn + 1;
    }
    *va = pfn_to_va(*slot - 1);
    return 0;
}

long
ramfs_write(struct inode *ip, uint64_t off, struct xfer src, size_t n)
{
    size_t done = 0;
    int err = 0;

    if (n == 0)
        return 0;
    if (off >= RAMFS_MAX_SIZE)
        return -EFBIG;
    if (n > RAMFS_MAX_SIZE - off)
        n = (size_t)(RAMFS_MAX_SIZE - off);
    while (done < n) {
        uint64_t pos = off + done;
        size_t po = pos % PAGE_SIZE;
        size_t chunk = PAGE_SIZE - po;
        uint8_t *va = NULL;

        if (chunk > n - done)
            chunk = n - done;
        chunk = xfer_chunk(src, done, chunk);
        err = writable_page(ip, pos / PAGE_SIZE, &va);
        if (err < 0)
            break;
        if (xfer_in(va + po, src, done, chunk) < 0) {
            /* Keep the invariant: whatever landed past the size is
             * cleared again. */
            if (pos + chunk > ip->size) {
                uint64_t from = pos > ip->size ? pos : ip->size;
                memset(va + (from % PAGE_SIZE), 0, (size_t)(pos + chunk - from));
            }
            err = -EFAULT;
            break;
        }
        done += chunk;
    }
    if (done == 0)
        return err;
    if (off + done > ip->size)
        ip->size = off + done;
    ip->mtime_ns = vfs_now();
    return (long)done;
}

void
ramfs_truncate(struct inode *ip)
{
    for (int i = 0; i < RAMFS_NDIRECT; i++) {
        if (ip->u.reg.direct[i] != 0)
            page_free(ip->u.reg.direct[i] - 1);
        ip->u.reg.direct[i] = 0;
    }
    for (int i = 0; i < RAMFS_NINDIRECT; i++) {
        uint64_t *index;

        if (ip->u.reg.indirect[i] == 0)
            continue;
        index = pfn_to_va(ip->u.reg.indirect[i] - 1);
        for (size_t k = 0; k < RAMFS_SLOTS_PER_INDEX; k++)
            if (index[k] != 0)
                page_free(index[k] - 1);
        page_free(ip->u.reg.indirect[i] - 1);
        ip->u.reg.indirect[i] = 0;
    }
    ip->u.reg.nframes = 0;
    ip->u.reg.rodata = NULL;
    ip->u.reg.rodata_len = 0;
    ip->size = 0;
    ip->mtime_ns = vfs_now();
}

void
ramfs_set_rodata(struct inode *ip, const void *data, size_t len)
{
    ip->u.reg.rodata = data;
    ip->u.reg.rodata_len = len;
    ip->size = len;
}

uint64_t
ramfs_blocks(struct inode *ip)
{
    /* Frames owned plus the initrd bytes still shared (an upper bound:
     * copied pages are counted twice). */
    return ip->u.reg.nframes * (PAGE_SIZE / 512) + (ip->u.reg.rodata_len + 511) / 512;
}
