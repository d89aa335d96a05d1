/*
 * vfs.h - inodes, the directory tree and path lookup (vfs.c), regular-file
 * data (ramfs.c), character devices (dev.c), /proc (procfs.c) and the
 * initrd loader (initrd.c).
 *
 * The whole file system lives in memory.  Every name belongs to exactly
 * one directory (there are no hard links), so the tree is stored in the
 * inodes themselves: a directory keeps a list of its children, each child
 * its name and its parent.
 *
 * Lifetime: an inode lives while it is linked into the tree (nlink > 0)
 * or referenced (ref > 0: open files, a process's cwd, a caller holding
 * it).  Unlinking an open file keeps its data readable until the last
 * close.  Everything is uniprocessor with interrupts off, so no locks.
 */
#ifndef GUEST_VFS_H
#define GUEST_VFS_H

#include "defs.h"

/* Regular-file data: page slots hold pfn + 1 (0 is a hole). */
#define RAMFS_NDIRECT    4                  /* the first 16 KiB */
#define RAMFS_NINDIRECT  8                  /* index frames of 512 slots: 2 MiB each */
#define RAMFS_SLOTS_PER_INDEX (PAGE_SIZE / sizeof(uint64_t))
#define RAMFS_MAX_PAGES  (RAMFS_NDIRECT + RAMFS_NINDIRECT * RAMFS_SLOTS_PER_INDEX)
#define RAMFS_MAX_SIZE   ((uint64_t)RAMFS_MAX_PAGES * PAGE_SIZE)
/* Writes fail with ENOSPC rather than take the last frames the kernel
 * needs for page tables and kernel stacks. */
#define RAMFS_RESERVE_PAGES 64

/* inode.flags */
#define I_READONLY  0x1      /* dir: no create/unlink inside; file: no writes */
#define I_PROCFS    0x2      /* a /proc file: u.proc, text made at open */

struct pipe;
struct file;

struct inode {
    uint32_t ino;
    uint32_t mode;           /* S_IF* type | permission bits */
    uint16_t nlink;          /* names (dirs: 2 + subdirectories); 0 = unlinked */
    uint16_t flags;          /* I_* */
    int ref;                 /* in-memory references */
    uint64_t size;           /* bytes (regular files) */
    uint64_t mtime_ns;       /* wall clock of the last change */

    /* Place in the tree (unused for pipes). */
    char name[UAPI_NAME_MAX + 1];
    struct inode *parent;    /* the directory that holds it; NULL when unlinked */
    struct inode *next;      /* the next child of parent, in creation order */
    uint32_t seq;            /* its getdents position in parent (>= 2) */

    union {
        struct {
            struct inode *first, *last;   /* children, in creation order */
            uint32_t next_seq;            /* seq of the next child created */
        } dir;
        struct {
            /* Bytes from the initrd, shared until a page is first written
             * (then copied into a frame of its own). */
            const uint8_t *rodata;
            uint64_t rodata_len;
            uint64_t nframes;             /* data and index frames owned */
            uint64_t direct[RAMFS_NDIRECT];
            uint64_t indirect[RAMFS_NINDIRECT];   /* index frame pfn + 1 */
        } reg;
        struct {
            int dev;                      /* index into dev.c's table */
        } chr;
        struct {
            struct pipe *pipe;
        } fifo;
        struct {
            /* Fill buf with the file's text; returns the bytes used. */
            size_t (*gen)(char *buf, size_t size);
        } proc;
    } u;
};

#define I_TYPE(ip)    ((ip)->mode & S_IFMT)
#define I_ISDIR(ip)   (I_TYPE(ip) == S_IFDIR)
#define I_ISREG(ip)   (I_TYPE(ip) == S_IFREG)
#define I_ISCHR(ip)   (I_TYPE(ip) == S_IFCHR)
#define I_ISFIFO(ip)  (I_TYPE(ip) == S_IFIFO)
#define I_ISPROC(ip)  (((ip)->flags & I_PROCFS) != 0)

/*
 * Where file data goes to or comes from: user memory (through copyin and
 * copyout, so bad addresses are EFAULT) or kernel memory.
 */
struct xfer {
    uint64_t addr;
    bool user;
};

static inline struct xfer
xfer_user(uint64_t uaddr)
{
    return (struct xfer){ uaddr, true };
}

static inline struct xfer
xfer_kernel(void *p)
{
    return (struct xfer){ (uint64_t)(uintptr_t)p, false };
}

/* How much of n bytes at x + at to move in one go: a user transfer stops
 * at each user page boundary, so a copy that fails has lost nothing that
 * a short count would have to report. */
static inline size_t
xfer_chunk(struct xfer x, size_t at, size_t n)
{
    size_t left;

    if (!x.user)
        return n;
    left = PAGE_SIZE - ((x.addr + at) & (PAGE_SIZE - 1));
    return n < left ? n : left;
}

/* Copy n bytes to x + at, or from x + at: 0 or -EFAULT. */
int xfer_out(struct xfer x, size_t at, const void *src, size_t n);
int xfer_in(void *dst, struct xfer x, size_t at, size_t n);

/* ---- vfs.c: inodes and the tree ---------------------------------------- */

void vfs_tree_init(void);                /* make the empty root */
struct inode *vfs_root(void);            /* not referenced: the root never goes */

/* A new unlinked inode of type mode with ref 1, or NULL (ENOMEM). */
struct inode *inode_alloc(uint32_t mode);
struct inode *inode_get(struct inode *ip);   /* ref + 1; returns ip */
/* ref - 1; frees the inode and its data when nothing refers to it. */
void inode_put(struct inode *ip);

/*
 * Look path up, relative to cwd unless it starts with '/' (cwd NULL means
 * the root).  0 and *out referenced, or -ENOENT, -ENOTDIR, -ENAMETOOLONG.
 * A trailing '/' requires a directory.
 */
int vfs_lookup(struct inode *cwd, const char *path, struct inode **out);

/*
 * Look up all but the last component: 0 with *dir (referenced directory)
 * and name (UAPI_NAME_MAX + 1 bytes) holding the last component, which
 * may be "." or ".." (for "/" it is ".").  *trailing_slash tells whether
 * the path ends in '/'.
 */
int vfs_lookup_parent(struct inode *cwd, const char *path, struct inode **dir,
                      char *name, bool *trailing_slash);

/* The child called name in dir ("." and ".." included), not referenced;
 * NULL if none. */
struct inode *vfs_dir_find(struct inode *dir, const char *name);

/*
 * Create name in dir as type mode: 0 and *out (referenced), -EEXIST,
 * -ENOENT (dir was removed), -EACCES (read-only dir), -ENAMETOOLONG,
 * -ENOMEM.
 */
int vfs_create(struct inode *dir, const char *name, uint32_t mode, struct inode **out);

/* The directory name in dir, made (with mode) if missing: 0 and *out
 * (referenced), -ENOTDIR if name is something else, or vfs_create's errors. */
int vfs_ensure_dir(struct inode *dir, const char *name, uint32_t mode, struct inode **out);

/* Remove name from dir.  want_dir: rmdir semantics (-ENOTDIR, -ENOTEMPTY,
 * -EBUSY for the root) else unlink (-EISDIR). -ENOENT, -EINVAL ("."),
 * -EACCES (read-only dir). */
int vfs_remove(struct inode *dir, const char *name, bool want_dir);

/*
 * The directory entry at getdents position *pos (0 ".", 1 "..", then the
 * children by seq) into *d; advances *pos past it.  1 if filled, 0 at
 * the end.  Positions survive removals: no entry is skipped or repeated.
 */
int vfs_readdir(struct inode *dir, uint64_t *pos, struct uapi_dirent *d);

/* The absolute path of directory dir into buf: length (without the NUL),
 * -ENOENT if it was removed, -ERANGE if buf is too small. */
long vfs_path_of(struct inode *dir, char *buf, size_t size);

/* Fill *st from ip. */
void vfs_stat(struct inode *ip, struct uapi_stat *st);

/* Wall-clock ns for timestamps. */
uint64_t vfs_now(void);

/* ---- ramfs.c: regular-file data ------------------------------------------ */

/* Read up to n bytes at off into dst: bytes read (0 at or past EOF), or
 * -EFAULT if nothing could be copied.  Holes read as zeros. */
long ramfs_read(struct inode *ip, uint64_t off, struct xfer dst, size_t n);
/* Write n bytes at off from src, growing the file: bytes written, or
 * -EFAULT, -ENOSPC, -EFBIG if nothing was. */
long ramfs_write(struct inode *ip, uint64_t off, struct xfer src, size_t n);
/* Zeros, for holes and /dev/zero. */
extern const uint8_t zero_page[PAGE_SIZE];
/* Make the file empty, freeing its frames. */
void ramfs_truncate(struct inode *ip);
/* Share initrd bytes as the file's contents (ip must be empty). */
void ramfs_set_rodata(struct inode *ip, const void *data, size_t len);
/* 512-byte blocks the file occupies (st_blocks). */
uint64_t ramfs_blocks(struct inode *ip);

/* ---- dev.c: character devices ------------------------------------------- */

#define DEV_CONSOLE 0
#define DEV_NULL    1
#define DEV_ZERO    2
#define NDEV        3

struct devsw {
    const char *name;        /* under /dev */
    long (*read)(struct file *f, struct xfer dst, size_t n);
    long (*write)(struct file *f, struct xfer src, size_t n);
    bool seekable;           /* lseek succeeds (and does nothing) */
    bool is_tty;
};

extern const struct devsw devsw[NDEV];
/* Make /dev and its nodes (called by vfs_init). */
void dev_init(void);

/* ---- tty.c: the console's line discipline ------------------------------- */

long tty_read(struct file *f, struct xfer dst, size_t n);
long tty_write_file(struct file *f, struct xfer src, size_t n);
int tty_get_pgrp(void);
void tty_set_pgrp(int pgid);

/* ---- procfs.c ------------------------------------------------------------ */

void procfs_init(void);               /* make /proc and its files */
/* Generate ip's text into a buffer for f (at open): 0 or -ENOMEM. */
int procfs_open(struct inode *ip, struct file *f);

/* ---- initrd.c ------------------------------------------------------------ */

/* Unpack a cpio archive under dir: the number of members skipped because
 * they were bad, or -EINVAL if the archive is broken (what came before
 * the damage is kept). */
int initrd_unpack(struct inode *dir, const void *archive, size_t len);

#endif
