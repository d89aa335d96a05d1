/* test_multiboot2.c - hyp/boot/multiboot2.c on synthetic (and hostile) MBIs. */
#include <stdint.h>
#include "unit.h"
#include "bootinfo.h"
#include "errno.h"

/* An MBI under construction. */
struct mb {
    _Alignas(8) uint8_t buf[16384];
    size_t len;
};

static void
put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void
put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

static void
mb_begin(struct mb *m)
{
    memset(m->buf, 0xEE, sizeof(m->buf));   /* garbage where nothing is written */
    m->len = 8;
}

/* Append a tag; padding to the next 8-byte boundary is filled with 'X'. */
static uint8_t *
mb_tag(struct mb *m, uint32_t type, const void *payload, size_t plen)
{
    uint8_t *t = m->buf + m->len;

    put32(t, type);
    put32(t + 4, (uint32_t)(8 + plen));
    if (plen > 0)
        memcpy(t + 8, payload, plen);
    m->len += 8 + plen;
    while (m->len % 8 != 0)
        m->buf[m->len++] = 'X';
    return t;
}

static void
mb_str(struct mb *m, uint32_t type, const char *s)
{
    mb_tag(m, type, s, strlen(s) + 1);
}

static void
mb_module(struct mb *m, uint32_t start, uint32_t end, const char *s)
{
    uint8_t p[256];
    size_t n = strlen(s) + 1;

    put32(p, start);
    put32(p + 4, end);
    memcpy(p + 8, s, n);
    mb_tag(m, 3, p, 8 + n);
}

/* A memory map tag of n entries of 'esize' bytes each (fields past 24 bytes are 0xAB). */
static void
mb_mmap(struct mb *m, uint32_t esize, const struct mmap_entry *e, size_t n)
{
    static uint8_t p[8 + 256 * 64];
    uint8_t *q = p + 8;

    put32(p, esize);
    put32(p + 4, 0);
    for (size_t i = 0; i < n; i++, q += esize) {
        memset(q, 0xAB, esize);
        if (esize >= 24) {
            put64(q, e[i].base);
            put64(q + 8, e[i].len);
            put32(q + 16, e[i].type);
            put32(q + 20, 0);
        }
    }
    mb_tag(m, 6, p, 8 + n * esize);
}

static void
mb_end(struct mb *m)
{
    mb_tag(m, 0, NULL, 0);
    put32(m->buf, (uint32_t)m->len);
}

/* Warnings are collected so cases can check them. */
static char warns[8][160];
static int nwarns;

static void
collect(const char *msg)
{
    if (nwarns < 8)
        snprintf(warns[nwarns], sizeof(warns[0]), "%s", msg);
    nwarns++;
}

static int
warned(const char *needle)
{
    for (int i = 0; i < nwarns && i < 8; i++)
        if (strstr(warns[i], needle) != NULL)
            return 1;
    return 0;
}

/*
 * Parse a copy of the MBI in a heap block of exactly 'limit' bytes, so
 * ASan catches any read past what the parser was allowed to read.
 */
static struct boot_info bi;
static const char *why;

static int
run(const struct mb *m, size_t limit)
{
    void *copy = malloc(limit ? limit : 1);
    int r;

    memcpy(copy, m->buf, limit < m->len ? limit : m->len);
    nwarns = 0;
    why = NULL;
    r = multiboot2_parse(copy, 0x10000, limit, &bi, collect, &why);
    free(copy);
    return r;
}

static void
test_valid_mbi(void)
{
    static struct mb m;
    struct mmap_entry mm[] = {
        { 0x0, 0x9FC00, MMAP_AVAILABLE },
        { 0x9FC00, 0x400, MMAP_RESERVED },
        { 0x100000, 0x7EE0000, MMAP_AVAILABLE },
        { 0x7FE0000, 0x20000, MMAP_ACPI },
    };
    uint8_t rsdp1[20], rsdp2[36], meminfo[8] = { 0 }, fb[24] = { 0 };

    for (int i = 0; i < 36; i++)
        rsdp2[i] = (uint8_t)(0x80 + i);
    memset(rsdp1, 0x11, sizeof(rsdp1));

    mb_begin(&m);
    mb_str(&m, 1, "console=com1 loglvl=7");
    mb_str(&m, 2, "GRUB 2.06");
    mb_tag(&m, 4, meminfo, sizeof(meminfo));
    mb_module(&m, 0x200000, 0x300000, "dom0 root=/dev/sda");
    mb_module(&m, 0x300000, 0x300000, "empty");
    mb_mmap(&m, 24, mm, 4);
    mb_tag(&m, 14, rsdp1, sizeof(rsdp1));
    mb_tag(&m, 15, rsdp2, sizeof(rsdp2));
    mb_tag(&m, 8, fb, sizeof(fb));
    mb_tag(&m, 21, meminfo, 4);
    mb_end(&m);

    CHECK_EQ(run(&m, 4096), 0);
    CHECK_EQ(nwarns, 0);
    CHECK_STR(bi.cmdline, "console=com1 loglvl=7");
    CHECK_STR(bi.loader, "GRUB 2.06");
    CHECK_EQ(bi.nmodules, 2);
    CHECK_EQ_U(bi.modules[0].start, 0x200000);
    CHECK_EQ_U(bi.modules[0].end, 0x300000);
    CHECK_STR(bi.modules[0].string, "dom0 root=/dev/sda");
    CHECK_STR(bi.modules[1].string, "empty");
    CHECK_EQ(bi.nmmap, 4);
    for (int i = 0; i < 4; i++) {
        CHECK_EQ_U(bi.mmap[i].base, mm[i].base);
        CHECK_EQ_U(bi.mmap[i].len, mm[i].len);
        CHECK_EQ(bi.mmap[i].type, mm[i].type);
    }
    CHECK_EQ(bi.rsdp_len, 36);
    CHECK_MEM(bi.rsdp, rsdp2, 36);
    CHECK_EQ_U(bi.mbi_start, 0x10000);
    CHECK_EQ_U(bi.mbi_end, 0x10000 + m.len);
    CHECK_EQ_U(bootinfo_ram_bytes(&bi), 0x9FC00 + 0x7EE0000);
    CHECK_EQ_U(bootinfo_ram_end(&bi), 0x7FE0000);
}

static void
test_minimal_mbi(void)
{
    static struct mb m;

    mb_begin(&m);
    mb_end(&m);
    CHECK_EQ(m.len, 16);
    memset(&bi, 0x77, sizeof(bi));
    CHECK_EQ(run(&m, 16), 0);
    CHECK_STR(bi.cmdline, "");
    CHECK_STR(bi.loader, "");
    CHECK_EQ(bi.nmmap, 0);
    CHECK_EQ(bi.nmodules, 0);
    CHECK_EQ(bi.rsdp_len, 0);
    CHECK_EQ_U(bootinfo_ram_bytes(&bi), 0);
    CHECK_EQ_U(bootinfo_ram_end(&bi), 0);
}

static void
test_mmap_entry_size(void)
{
    static struct mb m;
    struct mmap_entry mm[] = {
        { 0x1000, 0x2000, MMAP_AVAILABLE },
        { 0x100000, 0x100000, MMAP_AVAILABLE },
    };

    /* A larger entry_size (a future format) is honoured: extra fields skipped. */
    mb_begin(&m);
    mb_mmap(&m, 40, mm, 2);
    mb_end(&m);
    CHECK_EQ(run(&m, m.len), 0);
    CHECK_EQ(bi.nmmap, 2);
    CHECK_EQ_U(bi.mmap[1].base, 0x100000);
    CHECK_EQ_U(bi.mmap[1].len, 0x100000);
    CHECK_EQ(bi.mmap[1].type, MMAP_AVAILABLE);

    /* Too small an entry_size: the map is ignored, with a warning. */
    mb_begin(&m);
    mb_mmap(&m, 16, mm, 2);
    mb_end(&m);
    CHECK_EQ(run(&m, m.len), 0);
    CHECK_EQ(bi.nmmap, 0);
    CHECK(warned("entry_size 16"));

    /* entry_size 0 must not loop forever. */
    mb_begin(&m);
    mb_mmap(&m, 0, mm, 0);
    mb_end(&m);
    CHECK_EQ(run(&m, m.len), 0);
    CHECK_EQ(bi.nmmap, 0);
    CHECK(warned("entry_size 0"));

    /* A trailing partial entry is dropped. */
    mb_begin(&m);
    {
        uint8_t *t = m.buf + m.len;
        mb_mmap(&m, 24, mm, 2);
        put32(t + 4, 16 + 24 + 20);     /* the second entry is cut short */
    }
    mb_end(&m);
    CHECK_EQ(run(&m, m.len), 0);
    CHECK_EQ(bi.nmmap, 1);
}

static void
test_mmap_too_many(void)
{
    static struct mb m;
    static struct mmap_entry mm[200];

    for (int i = 0; i < 200; i++) {
        mm[i].base = (uint64_t)i << 20;
        mm[i].len = 1 << 20;
        mm[i].type = MMAP_AVAILABLE;
    }
    mb_begin(&m);
    mb_mmap(&m, 24, mm, 200);
    mb_end(&m);
    CHECK_EQ(run(&m, m.len), 0);
    CHECK_EQ(bi.nmmap, BOOT_MMAP_MAX);
    CHECK_EQ(nwarns, 1);
    CHECK(warned("memory map entries"));
    CHECK_EQ_U(bi.mmap[BOOT_MMAP_MAX - 1].base, (uint64_t)(BOOT_MMAP_MAX - 1) << 20);
    CHECK_EQ_U(bootinfo_ram_bytes(&bi), (uint64_t)BOOT_MMAP_MAX << 20);
}

static void
test_modules(void)
{
    static struct mb m;

    mb_begin(&m);
    mb_module(&m, 0x400000, 0x300000, "backwards");
    mb_module(&m, 0x500000, 0x600000, "good");
    mb_end(&m);
    CHECK_EQ(run(&m, m.len), 0);
    CHECK_EQ(bi.nmodules, 1);
    CHECK_STR(bi.modules[0].string, "good");
    CHECK(warned("ends before it starts"));

    /* Too many modules: the first BOOT_MODULES_MAX are kept, one warning. */
    mb_begin(&m);
    for (int i = 0; i < 20; i++) {
        char s[16];
        snprintf(s, sizeof(s), "mod%d", i);
        mb_module(&m, (uint32_t)(i + 1) << 20, (uint32_t)(i + 2) << 20, s);
    }
    mb_end(&m);
    CHECK_EQ(run(&m, m.len), 0);
    CHECK_EQ(bi.nmodules, BOOT_MODULES_MAX);
    CHECK_STR(bi.modules[BOOT_MODULES_MAX - 1].string, "mod15");
    CHECK_EQ(nwarns, 1);
    CHECK(warned("more than 16 modules"));

    /* A module tag with no room for its fixed fields is skipped. */
    mb_begin(&m);
    mb_tag(&m, 3, "abcd", 4);
    mb_end(&m);
    CHECK_EQ(run(&m, m.len), 0);
    CHECK_EQ(bi.nmodules, 0);
    CHECK(warned("module tag too small"));

    /* No string at all is an empty string. */
    mb_begin(&m);
    {
        uint8_t p[8];
        put32(p, 0x1000);
        put32(p + 4, 0x2000);
        mb_tag(&m, 3, p, 8);
    }
    mb_end(&m);
    CHECK_EQ(run(&m, m.len), 0);
    CHECK_EQ(bi.nmodules, 1);
    CHECK_STR(bi.modules[0].string, "");
    CHECK_EQ(nwarns, 0);
}

static void
test_unterminated_strings(void)
{
    static struct mb m;
    uint8_t p[16];

    /* Strings that fill their tag without a NUL stop at the tag's end ('X' padding follows). */
    mb_begin(&m);
    mb_tag(&m, 1, "abc", 3);
    mb_tag(&m, 2, "loader", 6);
    put32(p, 0x1000);
    put32(p + 4, 0x2000);
    memcpy(p + 8, "modstr", 6);
    mb_tag(&m, 3, p, 14);
    mb_end(&m);
    CHECK_EQ(run(&m, m.len), 0);
    CHECK_STR(bi.cmdline, "abc");
    CHECK_STR(bi.loader, "loader");
    CHECK_STR(bi.modules[0].string, "modstr");
    CHECK(warned("command line is not NUL-terminated"));
    CHECK(warned("module string is not NUL-terminated"));
}

static void
test_overlong_strings(void)
{
    static struct mb m;
    static char s[1000];

    memset(s, 'c', sizeof(s) - 1);
    s[sizeof(s) - 1] = '\0';
    mb_begin(&m);
    mb_str(&m, 1, s);
    mb_str(&m, 2, s + 900);            /* 99 characters */
    mb_module(&m, 0, 0x1000, s + 800); /* 199 characters */
    mb_end(&m);
    CHECK_EQ(run(&m, m.len), 0);
    CHECK_EQ(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
    CHECK_EQ(strlen(bi.loader), BOOT_LOADER_MAX - 1);
    CHECK_EQ(strlen(bi.modules[0].string), BOOT_MODSTR_MAX - 1);
    CHECK(warned("command line truncated to 511"));
    CHECK(warned("boot loader name truncated"));
    CHECK(warned("module string truncated"));
}

static void
test_rsdp(void)
{
    static struct mb m;
    uint8_t v1[20], v2[36], big[48];

    memset(v1, 0x11, sizeof(v1));
    memset(v2, 0x22, sizeof(v2));
    memset(big, 0x33, sizeof(big));

    /* Old only. */
    mb_begin(&m);
    mb_tag(&m, 14, v1, 20);
    mb_end(&m);
    CHECK_EQ(run(&m, m.len), 0);
    CHECK_EQ(bi.rsdp_len, 20);
    CHECK_MEM(bi.rsdp, v1, 20);

    /* New before old: the new one stays. */
    mb_begin(&m);
    mb_tag(&m, 15, v2, 36);
    mb_tag(&m, 14, v1, 20);
    mb_end(&m);
    CHECK_EQ(run(&m, m.len), 0);
    CHECK_EQ(bi.rsdp_len, 36);
    CHECK_MEM(bi.rsdp, v2, 36);

    /* A longer-than-36 new RSDP is cut to 36; a too-short one is ignored. */
    mb_begin(&m);
    mb_tag(&m, 15, big, 48);
    mb_tag(&m, 14, v1, 10);
    mb_end(&m);
    CHECK_EQ(run(&m, m.len), 0);
    CHECK_EQ(bi.rsdp_len, 36);
    CHECK_MEM(bi.rsdp, big, 36);
    CHECK(warned("RSDP tag too small"));
}

static void
test_unknown_tag(void)
{
    static struct mb m;

    mb_begin(&m);
    mb_tag(&m, 99, "zzzzzzzzzzz", 11);
    mb_str(&m, 1, "after");
    mb_end(&m);
    CHECK_EQ(run(&m, m.len), 0);
    CHECK_STR(bi.cmdline, "after");
    CHECK_EQ(nwarns, 1);
    CHECK(warned("unknown tag type 99"));
}

static void
test_bad_tag_sizes(void)
{
    static struct mb m;
    uint8_t *t;

    /* A tag size below 8 would make the walk stand still or go backwards. */
    mb_begin(&m);
    t = mb_tag(&m, 1, "abc", 4);
    mb_end(&m);
    put32(t + 4, 4);
    CHECK_EQ(run(&m, m.len), -EINVAL);
    CHECK_STR(why, "MBI tag size < 8");
    put32(t + 4, 0);
    CHECK_EQ(run(&m, m.len), -EINVAL);

    /* A tag running past total_size. */
    put32(t + 4, 4000);
    CHECK_EQ(run(&m, 8192), -EINVAL);
    CHECK_STR(why, "MBI tag overruns total_size");
    put32(t + 4, 0xFFFFFFF8u);
    CHECK_EQ(run(&m, 8192), -EINVAL);

    /* The end tag too must fit. */
    mb_begin(&m);
    mb_end(&m);
    put32(m.buf + 12, 16);
    CHECK_EQ(run(&m, m.len), -EINVAL);
    CHECK_STR(why, "MBI tag overruns total_size");
}

static void
test_missing_end_tag(void)
{
    static struct mb m;

    mb_begin(&m);
    mb_str(&m, 1, "no end");
    put32(m.buf, (uint32_t)m.len);
    CHECK_EQ(run(&m, m.len), -EINVAL);
    CHECK_STR(why, "MBI has no end tag");

    /* total_size stopping inside the next tag's header. */
    mb_begin(&m);
    mb_str(&m, 1, "cut");
    mb_end(&m);
    put32(m.buf, (uint32_t)m.len - 4);
    CHECK_EQ(run(&m, m.len - 4), -EINVAL);
    CHECK_STR(why, "MBI has no end tag");

    /* The last tag's padding running past total_size. */
    mb_begin(&m);
    mb_tag(&m, 1, "abc", 4);
    put32(m.buf, 8 + 12);
    CHECK_EQ(run(&m, 8 + 12), -EINVAL);
    CHECK_STR(why, "MBI has no end tag");
}

static void
test_bad_total_size(void)
{
    static struct mb m;

    mb_begin(&m);
    mb_str(&m, 1, "hello");
    mb_end(&m);

    CHECK_EQ(run(&m, m.len - 1), -EINVAL);
    CHECK_STR(why, "MBI total_size exceeds the readable limit");
    CHECK_EQ(run(&m, 4), -EINVAL);
    CHECK_STR(why, "MBI limit too small for its header");
    put32(m.buf, 8);
    CHECK_EQ(run(&m, m.len), -EINVAL);
    CHECK_STR(why, "MBI total_size too small");
    put32(m.buf, 0xFFFFFFFFu);
    CHECK_EQ(run(&m, m.len), -EINVAL);
}

static void
test_alignment_and_null_callbacks(void)
{
    static struct mb m;
    int r;

    mb_begin(&m);
    mb_tag(&m, 99, "x", 1);
    mb_end(&m);
    /* Misaligned MBI pointer. */
    memmove(m.buf + 4, m.buf, m.len);
    r = multiboot2_parse(m.buf + 4, 0x10000, m.len, &bi, NULL, &why);
    CHECK_EQ(r, -EINVAL);
    CHECK_STR(why, "MBI is not 8-byte aligned");
    memmove(m.buf, m.buf + 4, m.len);
    /* Misaligned physical address. */
    CHECK_EQ(multiboot2_parse(m.buf, 0x10004, m.len, &bi, NULL, NULL), -EINVAL);
    /* No warn callback and no why: still works. */
    CHECK_EQ(multiboot2_parse(m.buf, 0x10000, m.len, &bi, NULL, NULL), 0);
}

static void
test_ram_helpers(void)
{
    memset(&bi, 0, sizeof(bi));
    bi.nmmap = 4;
    bi.mmap[0] = (struct mmap_entry){ 0x100000, 0x100000, MMAP_AVAILABLE };
    bi.mmap[1] = (struct mmap_entry){ 0x10000000, 0x1000, MMAP_RESERVED };
    bi.mmap[2] = (struct mmap_entry){ 0x4000000, 0x2000, MMAP_AVAILABLE };
    bi.mmap[3] = (struct mmap_entry){ 0x8000000, 0, MMAP_AVAILABLE };
    CHECK_EQ_U(bootinfo_ram_bytes(&bi), 0x102000);
    CHECK_EQ_U(bootinfo_ram_end(&bi), 0x4002000);

    /* Hostile values saturate instead of wrapping. */
    bi.mmap[1] = (struct mmap_entry){ 0xFFFFFFFFFFFFF000ull, 0x2000, MMAP_AVAILABLE };
    bi.mmap[3] = (struct mmap_entry){ 0, UINT64_MAX, MMAP_AVAILABLE };
    CHECK_EQ_U(bootinfo_ram_bytes(&bi), UINT64_MAX);
    CHECK_EQ_U(bootinfo_ram_end(&bi), UINT64_MAX);
}

static const struct unit_case cases[] = {
    UNIT_CASE(test_valid_mbi),
    UNIT_CASE(test_minimal_mbi),
    UNIT_CASE(test_mmap_entry_size),
    UNIT_CASE(test_mmap_too_many),
    UNIT_CASE(test_modules),
    UNIT_CASE(test_unterminated_strings),
    UNIT_CASE(test_overlong_strings),
    UNIT_CASE(test_rsdp),
    UNIT_CASE(test_unknown_tag),
    UNIT_CASE(test_bad_tag_sizes),
    UNIT_CASE(test_missing_end_tag),
    UNIT_CASE(test_bad_total_size),
    UNIT_CASE(test_alignment_and_null_callbacks),
    UNIT_CASE(test_ram_helpers),
};

int
main(void)
{
    return unit_run(cases, UNIT_COUNT(cases));
}
