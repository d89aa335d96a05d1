/* test_guest_cpio.c - guest-port/kernel/cpio.c on archives built in memory,
 * valid and damaged (the initrd is input the kernel must survive). */
#include <stdint.h>
#include "unit.h"
#include "cpio.h"
#include "guest_cpio_build.h"

static struct cpio_build ar;
static struct cpio_entry ent;

/* The members of the valid archive, without the trailer. */
static void
build_members(void)
{
    ar.len = 0;
    cpio_add(&ar, ".", 040755, NULL, 0);
    cpio_add(&ar, "bin", 040755, NULL, 0);
    cpio_add(&ar, "./bin/sh", 0100755, "#!sh\n", 5);
    cpio_add(&ar, "etc/motd", 0100644, "hello, world\n", 13);
    cpio_add(&ar, "empty", 0100644, NULL, 0);
}

static void
build_valid(void)
{
    build_members();
    cpio_trailer(&ar);
}

/* Iterate a copy of the first len bytes in a buffer of exactly that size,
 * so ASan sees any read past the end.  Checks every entry lies inside the
 * archive and has a safe path; returns the final result. */
static int
walk_copy(const unsigned char *src, size_t len, int *entries)
{
    unsigned char *copy = malloc(len ? len : 1);
    struct cpio_iter it;
    int r, n = 0;

    memcpy(copy, src, len);
    cpio_iter_init(&it, copy, len);
    for (int guard = 0; guard < 100000; guard++) {
        r = cpio_next(&it, &ent);
        if (r == CPIO_ENTRY) {
            const unsigned char *d = ent.data;
            const char *nul = memchr(ent.path, 0, CPIO_PATH_MAX);
            size_t pl = nul ? (size_t)(nul - ent.path) : CPIO_PATH_MAX;

            n++;
            CHECK(d >= copy && d <= copy + len);
            CHECK(ent.size <= (size_t)(copy + len - d));
            CHECK(pl < CPIO_PATH_MAX);
            CHECK(ent.path[0] != '/');
            CHECK(strstr(ent.path, "//") == NULL);
            CHECK(strcmp(ent.path, "..") != 0);
            CHECK(strncmp(ent.path, "../", 3) != 0);
            CHECK(strstr(ent.path, "/../") == NULL);
            CHECK(pl < 3 || strcmp(ent.path + pl - 3, "/..") != 0);
        } else if (r != CPIO_BAD_NAME) {
            break;
        }
    }
    free(copy);
    if (entries)
        *entries = n;
    return r;
}

static void
test_valid_archive(void)
{
    struct cpio_iter it;

    build_valid();
    cpio_iter_init(&it, ar.buf, ar.len);
    REQUIRE(cpio_next(&it, &ent) == CPIO_ENTRY);
    CHECK_STR(ent.path, "");
    CHECK_EQ(ent.mode, 040755);
    REQUIRE(cpio_next(&it, &ent) == CPIO_ENTRY);
    CHECK_STR(ent.path, "bin");
    REQUIRE(cpio_next(&it, &ent) == CPIO_ENTRY);
    CHECK_STR(ent.path, "bin/sh");
    CHECK_EQ(ent.mode, 0100755);
    CHECK_EQ(ent.size, 5);
    CHECK_MEM(ent.data, "#!sh\n", 5);
    REQUIRE(cpio_next(&it, &ent) == CPIO_ENTRY);
    CHECK_STR(ent.path, "etc/motd");
    CHECK_EQ(ent.size, 13);
    CHECK_MEM(ent.data, "hello, world\n", 13);
    CHECK_EQ((uintptr_t)ent.data % 4, 0);
    REQUIRE(cpio_next(&it, &ent) == CPIO_ENTRY);
    CHECK_STR(ent.path, "empty");
    CHECK_EQ(ent.size, 0);
    CHECK_EQ(cpio_next(&it, &ent), CPIO_END);
    CHECK_EQ(cpio_next(&it, &ent), CPIO_END);        /* sticky */
}

static void
test_uppercase_hex_and_070702(void)
{
    struct cpio_iter it;

    ar.len = 0;
    cpio_add(&ar, "f", 0100644, "abcdefghijklmnopqrstuvwxyz", 26);  /* 0x1A */
    cpio_trailer(&ar);
    memcpy(ar.buf, "070702", 6);
    CHECK_EQ(ar.buf[6 + 8 * 6 + 7], 'A');
    cpio_iter_init(&it, ar.buf, ar.len);
    REQUIRE(cpio_next(&it, &ent) == CPIO_ENTRY);
    CHECK_EQ(ent.size, 26);
    CHECK_EQ(cpio_next(&it, &ent), CPIO_END);
}

static void
test_normalize(void)
{
    static const struct { const char *in, *out; } ok[] = {
        { "a", "a" }, { "./a", "a" }, { "/a", "a" }, { "//a//b//", "a/b" },
        { "a/./b/.", "a/b" }, { ".", "" }, { "/", "" }, { "", "" },
        { "..a/b..", "..a/b.." }, { "...", "..." },
    };
    static const char *const bad[] = {
        "..", "../a", "a/..", "a/../b", "/..", "./../x", "a/b/../../..",
    };
    char out[CPIO_PATH_MAX], name[CPIO_PATH_MAX + 64];

    for (size_t i = 0; i < UNIT_COUNT(ok); i++) {
        CHECK(cpio_normalize(ok[i].in, strlen(ok[i].in), out));
        CHECK_STR(out, ok[i].out);
    }
    for (size_t i = 0; i < UNIT_COUNT(bad); i++)
        CHECK(!cpio_normalize(bad[i], strlen(bad[i]), out));

    /* A component of CPIO_NAME_MAX is fine, one more is not. */
    memset(name, 'x', CPIO_NAME_MAX);
    name[CPIO_NAME_MAX] = '\0';
    CHECK(cpio_normalize(name, CPIO_NAME_MAX, out));
    name[CPIO_NAME_MAX] = 'x';
    CHECK(!cpio_normalize(name, CPIO_NAME_MAX + 1, out));

    /* 255 characters fit (with the NUL), 256 do not; leading slashes
     * and "./" do not count. */
    for (size_t i = 0; i < 255; i++)
        name[i] = (i % 50 == 49) ? '/' : 'p';
    name[255] = '\0';
    CHECK(cpio_normalize(name, 255, out));
    CHECK_EQ(strlen(out), 255);
    name[255] = 'p';
    CHECK(!cpio_normalize(name, 256, out));
    memmove(name + 2, name, 255);
    name[0] = '.';
    name[1] = '/';
    CHECK(cpio_normalize(name, 257, out));
}

static void
test_unsafe_names_skipped(void)
{
    struct cpio_iter it;

    ar.len = 0;
    cpio_add(&ar, "../etc/passwd", 0100644, "x", 1);
    cpio_add(&ar, "ok", 0100644, "y", 1);
    cpio_trailer(&ar);
    cpio_iter_init(&it, ar.buf, ar.len);
    CHECK_EQ(cpio_next(&it, &ent), CPIO_BAD_NAME);
    REQUIRE(cpio_next(&it, &ent) == CPIO_ENTRY);
    CHECK_STR(ent.path, "ok");
    CHECK_EQ(cpio_next(&it, &ent), CPIO_END);
}

/* Damage one field of the first member and expect CPIO_BAD_FORMAT. */
static void
expect_bad(void (*damage)(void))
{
    struct cpio_iter it;

    build_valid();
    damage();
    cpio_iter_init(&it, ar.buf, ar.len);
    CHECK_EQ(cpio_next(&it, &ent), CPIO_BAD_FORMAT);
    CHECK_EQ(cpio_next(&it, &ent), CPIO_BAD_FORMAT);  /* sticky */
}

static void set_field(int field, uint32_t v)
{
    char tmp[9];
    snprintf(tmp, sizeof(tmp), "%08X", v);
    memcpy(ar.buf + 6 + 8 * field, tmp, 8);
}
static void dmg_magic(void)     { ar.buf[5] = '3'; }
static void dmg_hex(void)       { ar.buf[6 + 8 * 1 + 3] = 'g'; }
static void dmg_hex_space(void) { ar.buf[6 + 8 * 6] = ' '; }
static void dmg_namesize0(void) { set_field(11, 0); }
static void dmg_namesize_big(void) { set_field(11, 0xffffffffu); }
static void dmg_name_nonul(void){ ar.buf[110 + 1] = 'x'; }    /* "." -> ".x" no NUL */
static void dmg_name_embedded(void) { set_field(11, 4); }     /* ".\0\0\0": NUL early */
static void dmg_filesize_big(void)  { set_field(6, 0xfffffff0u); }
static void dmg_filesize_past(void) { set_field(6, (uint32_t)ar.len); }

static void
test_damaged_headers(void)
{
    expect_bad(dmg_magic);
    expect_bad(dmg_hex);
    expect_bad(dmg_hex_space);
    expect_bad(dmg_namesize0);
    expect_bad(dmg_namesize_big);
    expect_bad(dmg_name_nonul);
    expect_bad(dmg_name_embedded);
    expect_bad(dmg_filesize_big);
    expect_bad(dmg_filesize_past);
}

static void
test_missing_trailer_and_empty(void)
{
    struct cpio_iter it;
    int n;

    ar.len = 0;
    cpio_add(&ar, "a", 0100644, "abc", 3);
    CHECK_EQ(walk_copy(ar.buf, ar.len, &n), CPIO_BAD_FORMAT);
    CHECK_EQ(n, 1);
    cpio_iter_init(&it, NULL, 100);
    CHECK_EQ(cpio_next(&it, &ent), CPIO_BAD_FORMAT);
    CHECK_EQ(walk_copy(ar.buf, 0, NULL), CPIO_BAD_FORMAT);
}

/* Every prefix of a valid archive: no overrun, and the end only if the
 * trailer is in it (its padding may be cut). */
static void
test_every_truncation(void)
{
    size_t trailer_at;
    int n;

    build_members();
    trailer_at = ar.len;
    cpio_trailer(&ar);
    for (size_t len = 0; len <= ar.len; len++) {
        int r = walk_copy(ar.buf, len, &n);

        if (len >= trailer_at + 110 + 11)       /* its header and name */
            CHECK_EQ(r, CPIO_END);
        else
            CHECK_EQ(r, CPIO_BAD_FORMAT);
    }
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t
next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Thousands of random corruptions: flipped bytes, hex digits changed to
 * other hex digits (so sizes go wild but parse), lengths cut.  Only the
 * absence of crashes and the per-entry invariants are checked. */
static void
test_random_mutations(void)
{
    static unsigned char mut[CPIO_BUILD_MAX];
    static const char hex[] = "0123456789abcdefABCDEF";

    build_valid();
    for (int round = 0; round < 5000; round++) {
        size_t len = ar.len;
        int edits = 1 + (int)(next_rand() % 6);

        memcpy(mut, ar.buf, ar.len);
        for (int k = 0; k < edits; k++) {
            size_t at = next_rand() % ar.len;

            switch (next_rand() % 3) {
            case 0: mut[at] = (unsigned char)next_rand(); break;
            case 1: mut[at] = (unsigned char)hex[next_rand() % 22]; break;
            case 2: mut[at] ^= (unsigned char)(1u << (next_rand() % 8)); break;
            }
        }
        if (next_rand() % 4 == 0)
            len = next_rand() % (ar.len + 1);
        walk_copy(mut, len, NULL);
    }
}

static const struct unit_case cases[] = {
    UNIT_CASE(test_valid_archive),
    UNIT_CASE(test_uppercase_hex_and_070702),
    UNIT_CASE(test_normalize),
    UNIT_CASE(test_unsafe_names_skipped),
    UNIT_CASE(test_damaged_headers),
    UNIT_CASE(test_missing_trailer_and_empty),
    UNIT_CASE(test_every_truncation),
    UNIT_CASE(test_random_mutations),
};

int
main(void)
{
    return unit_run(cases, UNIT_COUNT(cases));
}
