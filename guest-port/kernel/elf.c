/*
 * elf.c - check a static ELF64 executable and describe its segments.
 *
 * The file comes from the file system, so every field is hostile: this is
 * the one place that reads it, and exec() only ever sees the checked
 * summary (struct elf_image).  Fields are read byte by byte as
 * little-endian values, so a misaligned header offset is no problem and
 * the code does not depend on the host's struct layout.
 *
 * Pure C with no kernel calls: the same source is unit-tested on the host
 * (tests/unit/test_guest_elf.c).
 */
#include "defs.h"

/* ELF constants this loader needs (from the System V gABI and the x86-64
 * psABI). */
#define EI_NIDENT      16
#define ELFCLASS64     2
#define ELFDATA2LSB    1
#define EV_CURRENT     1
#define ET_EXEC        2
#define EM_X86_64      62
#define PT_LOAD        1
#define PT_DYNAMIC     2
#define PT_INTERP      3
#define PF_X           0x1
#define PF_W           0x2
#define PF_R           0x4

#define EHDR_SIZE      64      /* Elf64_Ehdr */
#define PHDR_SIZE      56      /* Elf64_Phdr */
#define ELF_PHNUM_MAX  64      /* more program headers than this is not a
                                  program we built: refuse, don't loop */
#define ELF_LOW_LIMIT  0x10000ul   /* nothing mapped below: NULL stays a fault */

/* Little-endian reads at any alignment. */
static uint64_t
rd(const uint8_t *p, int bytes)
{
    uint64_t v = 0;

    for (int i = bytes - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* The ELF header fields the loader uses. */
struct ehdr {
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff;
    uint16_t phentsize, phnum;
};

/* One program header. */
struct phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, filesz, memsz;
};

static void
read_ehdr(const uint8_t *f, struct ehdr *e)
{
    e->type = (uint16_t)rd(f + 16, 2);
    e->machine = (uint16_t)rd(f + 18, 2);
    e->version = (uint32_t)rd(f + 20, 4);
    e->entry = rd(f + 24, 8);
    e->phoff = rd(f + 32, 8);
    e->phentsize = (uint16_t)rd(f + 54, 2);
    e->phnum = (uint16_t)rd(f + 56, 2);
}

static void
read_phdr(const uint8_t *p, struct phdr *ph)
{
    ph->type = (uint32_t)rd(p + 0, 4);
    ph->flags = (uint32_t)rd(p + 4, 4);
    ph->offset = rd(p + 8, 8);
    ph->vaddr = rd(p + 16, 8);
    ph->filesz = rd(p + 32, 8);
    ph->memsz = rd(p + 40, 8);
}

/* The identification bytes and the header fields that say "a static
 * x86-64 executable for us". */
static bool
ident_ok(const uint8_t *f, const struct ehdr *e)
{
    return f[0] == 0x7f && f[1] == 'E' && f[2] == 'L' && f[3] == 'F' &&
           f[4] == ELFCLASS64 && f[5] == ELFDATA2LSB && f[6] == EV_CURRENT &&
           e->type == ET_EXEC && e->machine == EM_X86_64 &&
           e->version == EV_CURRENT;
}

/*
 * Check one PT_LOAD header against the file and the user address space.
 * Its page-rounded extent is what exec maps, so that is what must stay
 * inside [ELF_LOW_LIMIT, USER_TOP).
 */
static bool
load_ok(const struct phdr *ph, size_t len)
{
    if (ph->filesz > ph->memsz)
        return false;
    if (ph->offset > len || ph->filesz > len - ph->offset)
        return false;                       /* file bytes past the end */
    if (ph->vaddr < ELF_LOW_LIMIT || ph->vaddr >= USER_TOP)
        return false;
    if (ph->memsz > USER_TOP - ph->vaddr)
        return false;                       /* end past USER_TOP (or wraps) */
    return true;
}

static unsigned
prot_of(uint32_t flags)
{
    unsigned prot = 0;

    if (flags & PF_R)
        prot |= HAL_PROT_READ;
    if (flags & PF_W)
        prot |= HAL_PROT_WRITE;
    if (flags & PF_X)
        prot |= HAL_PROT_EXEC;
    return prot;
}

/* True if the page-rounded extents of a and b share a page: exec maps
 * whole pages, one region per segment, so that is what cannot overlap. */
static bool
pages_overlap(const struct elf_segment *a, const struct elf_segment *b)
{
    uint64_t a0 = PAGE_ROUND_DOWN(a->vaddr), a1 = PAGE_ROUND_UP(a->vaddr + a->memsz);
    uint64_t b0 = PAGE_ROUND_DOWN(b->vaddr), b1 = PAGE_ROUND_UP(b->vaddr + b->memsz);

    return a0 < b1 && b0 < a1;
}

/*
 * Parse the len-byte ELF file at file into *out.  Returns 0, or -ENOEXEC
 * if it is not a static x86-64 executable this kernel can load: bad
 * identification, type or machine; program headers out of bounds; a
 * dynamic executable (PT_INTERP/PT_DYNAMIC); no loadable segment or more
 * than ELF_MAX_SEGMENTS; a segment whose file bytes leave the file, whose
 * filesz exceeds its memsz, that lies outside [0x10000, USER_TOP) or that
 * shares a page with another; an entry point outside every executable
 * segment.  *out is only meaningful on success.
 */
int
elf_parse(const void *file, size_t len, struct elf_image *out)
{
    const uint8_t *f = file;
    struct ehdr e;
    bool entry_ok = false;

    if (file == NULL || len < EHDR_SIZE)
        return -ENOEXEC;
    read_ehdr(f, &e);
    if (!ident_ok(f, &e))
        return -ENOEXEC;
    if (e.phentsize != PHDR_SIZE || e.phnum == 0 || e.phnum > ELF_PHNUM_MAX)
        return -ENOEXEC;
    /* phnum * PHDR_SIZE is at most 3584: only phoff can overflow. */
    if (e.phoff > len || (uint64_t)e.phnum * PHDR_SIZE > len - e.phoff)
        return -ENOEXEC;

    out->entry = e.entry;
    out->nseg = 0;
    for (unsigned i = 0; i < e.phnum; i++) {
        struct phdr ph;
        struct elf_segment *s;

        read_phdr(f + e.phoff + (uint64_t)i * PHDR_SIZE, &ph);
        if (ph.type == PT_INTERP || ph.type == PT_DYNAMIC)
            return -ENOEXEC;                /* needs a dynamic loader */
        if (ph.type != PT_LOAD || ph.memsz == 0)
            continue;
        if (!load_ok(&ph, len) || out->nseg == ELF_MAX_SEGMENTS)
            return -ENOEXEC;
        s = &out->seg[out->nseg];
        s->vaddr = ph.vaddr;
        s->memsz = ph.memsz;
        s->offset = ph.offset;
        s->filesz = ph.filesz;
        s->prot = prot_of(ph.flags);
        for (int j = 0; j < out->nseg; j++)
            if (pages_overlap(&out->seg[j], s))
                return -ENOEXEC;
        if ((s->prot & HAL_PROT_EXEC) && e.entry >= s->vaddr &&
            e.entry - s->vaddr < s->memsz)
            entry_ok = true;
        out->nseg++;
    }
    if (out->nseg == 0 || !entry_ok)
        return -ENOEXEC;
    return 0;
}
