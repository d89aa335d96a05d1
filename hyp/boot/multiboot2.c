/*
 * multiboot2.c - read the Multiboot2 information structure (see bootinfo.h).
 *
 * Layout (Multiboot2 spec, section 3.6): a u32 total_size and a reserved
 * u32, then tags, each starting on an 8-byte boundary with a u32 type and
 * a u32 size (header included, padding not), ending with a type-0 tag.
 *
 * The MBI is trusted only as far as it is checked: every read is inside
 * [mbi, mbi + total_size), and total_size is inside 'limit'.  Fields are
 * read a byte at a time, so a hostile entry_size cannot make a misaligned
 * access.
 */
#include "bootinfo.h"
#include "errno.h"
#include "format.h"
#include "string.h"

enum {
    TAG_END = 0,
    TAG_CMDLINE = 1,
    TAG_LOADER = 2,
    TAG_MODULE = 3,
    TAG_MMAP = 6,
    TAG_ACPI_OLD = 14,
    TAG_ACPI_NEW = 15,
    TAG_LAST_KNOWN = 21,    /* load base address; 4..21 are defined but unused here */
};

#define TAG_HDR         8   /* type, size */
#define MODULE_HDR      16  /* type, size, mod_start, mod_end */
#define MMAP_HDR        16  /* type, size, entry_size, entry_version */
#define MMAP_ENTRY_MIN  24  /* base, len, type, reserved */
#define RSDP_V1_LEN     20

/* State for one parse: the bytes being read and how to complain. */
struct mbi {
    const uint8_t *p;
    uint32_t size;          /* total_size, already checked */
    void (*warn)(const char *msg);
    int mmap_full, modules_full;   /* warned once already */
};

static uint32_t
rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 |
           (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t
rd64(const uint8_t *p)
{
    return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static void
warnf(struct mbi *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
warnf(struct mbi *m, const char *fmt, ...)
{
    char msg[128];
    va_list ap;

    if (m->warn == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    m->warn(msg);
}

/*
 * Copy the string in src[0..srclen) into dst (dstsize bytes, always
 * terminated).  The string ends at its NUL or at srclen, whichever is
 * first, so an unterminated one cannot lead the copy out of its tag.
 */
static void
copy_string(struct mbi *m, const char *what, char *dst, size_t dstsize,
            const uint8_t *src, size_t srclen)
{
    size_t n = 0;

    while (n < srclen && src[n] != '\0')
        n++;
    if (n == srclen && srclen > 0)
        warnf(m, "multiboot2: %s is not NUL-terminated", what);
    if (n >= dstsize) {
        warnf(m, "multiboot2: %s truncated to %zu characters", what, dstsize - 1);
        n = dstsize - 1;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static void
parse_module(struct mbi *m, struct boot_info *bi, const uint8_t *t, uint32_t size)
{
    struct boot_module *mod;
    uint32_t start, end;

    if (size < MODULE_HDR) {
        warnf(m, "multiboot2: module tag too small (%u bytes), ignored", size);
        return;
    }
    start = rd32(t + 8);
    end = rd32(t + 12);
    if (end < start) {
        warnf(m, "multiboot2: module at %#x ends before it starts (%#x), ignored",
              start, end);
        return;
    }
    if (bi->nmodules == BOOT_MODULES_MAX) {
        if (!m->modules_full)
            warnf(m, "multiboot2: more than %d modules, the rest ignored",
                  BOOT_MODULES_MAX);
        m->modules_full = 1;
        return;
    }
    mod = &bi->modules[bi->nmodules++];
    mod->start = start;
    mod->end = end;
    copy_string(m, "module string", mod->string, sizeof(mod->string),
                t + MODULE_HDR, size - MODULE_HDR);
}

static void
parse_mmap(struct mbi *m, struct boot_info *bi, const uint8_t *t, uint32_t size)
{
    uint32_t esize;

    if (size < MMAP_HDR) {
        warnf(m, "multiboot2: memory map tag too small (%u bytes), ignored", size);
        return;
    }
    esize = rd32(t + 8);
    /* entry_size lets entries grow; anything smaller than today's entry is broken. */
    if (esize < MMAP_ENTRY_MIN) {
        warnf(m, "multiboot2: memory map entry_size %u < %d, map ignored",
              esize, MMAP_ENTRY_MIN);
        return;
    }
    /* A trailing partial entry is not read. */
    for (uint32_t off = MMAP_HDR; size - off >= esize; off += esize) {
        const uint8_t *e = t + off;
        struct mmap_entry *me;

        if (bi->nmmap == BOOT_MMAP_MAX) {
            if (!m->mmap_full)
                warnf(m, "multiboot2: more than %d memory map entries, the rest ignored",
                      BOOT_MMAP_MAX);
            m->mmap_full = 1;
            return;
        }
        me = &bi->mmap[bi->nmmap++];
        me->base = rd64(e);
        me->len = rd64(e + 8);
        me->type = rd32(e + 16);
    }
}

/* rsdp_new says the RSDP already held came from an ACPI 2.0 tag, which wins. */
static void
parse_rsdp(struct mbi *m, struct boot_info *bi, const uint8_t *t, uint32_t size,
           int is_new, int *rsdp_new)
{
    uint32_t len = size - TAG_HDR;

    if (len < RSDP_V1_LEN) {
        warnf(m, "multiboot2: ACPI RSDP tag too small (%u bytes), ignored", size);
        return;
    }
    if (!is_new && *rsdp_new)
        return;
    if (!is_new)
        len = RSDP_V1_LEN;          /* an ACPI 1.0 RSDP is exactly 20 bytes */
    else if (len > BOOT_RSDP_MAX)
        len = BOOT_RSDP_MAX;
    memcpy(bi->rsdp, t + TAG_HDR, len);
    bi->rsdp_len = len;
    *rsdp_new = is_new;
}

int
multiboot2_parse(const void *mbi, uint64_t mbi_phys, size_t limit,
                 struct boot_info *bi, void (*warn)(const char *msg),
                 const char **why)
{
    struct mbi m = { mbi, 0, warn, 0, 0 };
    const char *err = NULL;
    int rsdp_new = 0;
    uint32_t off;

    memset(bi, 0, sizeof(*bi));
    if (((uintptr_t)mbi & 7) != 0 || (mbi_phys & 7) != 0) {
        err = "MBI is not 8-byte aligned";
        goto bad;
    }
    if (limit < TAG_HDR) {
        err = "MBI limit too small for its header";
        goto bad;
    }
    m.size = rd32(m.p);
    if (m.size > limit) {
        err = "MBI total_size exceeds the readable limit";
        goto bad;
    }
    if (m.size < TAG_HDR + TAG_HDR) {
        err = "MBI total_size too small";
        goto bad;
    }
    if (mbi_phys > UINT64_MAX - m.size) {
        err = "MBI address wraps around";
        goto bad;
    }
    bi->mbi_start = mbi_phys;
    bi->mbi_end = mbi_phys + m.size;

    for (off = TAG_HDR; ; ) {
        const uint8_t *t = m.p + off;
        uint32_t type, size;

        if (m.size - off < TAG_HDR) {
            err = "MBI has no end tag";
            goto bad;
        }
        type = rd32(t);
        size = rd32(t + 4);
        if (size < TAG_HDR) {
            err = "MBI tag size < 8";
            goto bad;
        }
        if (size > m.size - off) {
            err = "MBI tag overruns total_size";
            goto bad;
        }
        if (type == TAG_END)
            break;

        switch (type) {
        case TAG_CMDLINE:
            copy_string(&m, "command line", bi->cmdline, sizeof(bi->cmdline),
                        t + TAG_HDR, size - TAG_HDR);
            break;
        case TAG_LOADER:
            copy_string(&m, "boot loader name", bi->loader, sizeof(bi->loader),
                        t + TAG_HDR, size - TAG_HDR);
            break;
        case TAG_MODULE:
            parse_module(&m, bi, t, size);
            break;
        case TAG_MMAP:
            parse_mmap(&m, bi, t, size);
            break;
        case TAG_ACPI_OLD:
        case TAG_ACPI_NEW:
            parse_rsdp(&m, bi, t, size, type == TAG_ACPI_NEW, &rsdp_new);
            break;
        default:
            if (type > TAG_LAST_KNOWN)
                warnf(&m, "multiboot2: unknown tag type %u ignored", type);
            break;
        }

        /* The next tag is 8-byte aligned; size <= m.size - off, so this cannot wrap. */
        off += (size + 7) & ~7u;
        if (off > m.size) {
            err = "MBI has no end tag";
            goto bad;
        }
    }
    return 0;

bad:
    if (why != NULL)
        *why = err;
    return -EINVAL;
}

uint64_t
bootinfo_ram_bytes(const struct boot_info *bi)
{
    uint64_t sum = 0;

    for (uint32_t i = 0; i < bi->nmmap; i++) {
        const struct mmap_entry *e = &bi->mmap[i];
        if (e->type != MMAP_AVAILABLE)
            continue;
        /* Saturate: a hostile map must not wrap into a small total. */
        sum = e->len > UINT64_MAX - sum ? UINT64_MAX : sum + e->len;
    }
    return sum;
}

uint64_t
bootinfo_ram_end(const struct boot_info *bi)
{
    uint64_t end = 0;

    for (uint32_t i = 0; i < bi->nmmap; i++) {
        const struct mmap_entry *e = &bi->mmap[i];
        uint64_t top;

        if (e->type != MMAP_AVAILABLE || e->len == 0)
            continue;
        top = e->len > UINT64_MAX - e->base ? UINT64_MAX : e->base + e->len;
        if (top > end)
            end = top;
    }
    return end;
}
