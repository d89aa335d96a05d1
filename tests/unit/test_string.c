/* test_string.c - hyp/lib/string.c (built with hyp_ names; see unit.mk). */
#include <stdint.h>
#include "unit.h"

#define memcpy hyp_memcpy
#define memmove hyp_memmove
#define memset hyp_memset
#define memcmp hyp_memcmp
#define strlen hyp_strlen
#define strnlen hyp_strnlen
#define strcmp hyp_strcmp
#define strncmp hyp_strncmp
#define strchr hyp_strchr
#define strlcpy hyp_strlcpy
#include "string.h"
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef strlcpy

static int
sign(int v)
{
    return (v > 0) - (v < 0);
}

static void
test_memcpy_memset(void)
{
    unsigned char a[32], b[32];

    for (int i = 0; i < 32; i++)
        a[i] = (unsigned char)(i * 7 + 1);
    memset(b, 0, sizeof(b));
    CHECK(hyp_memcpy(b + 3, a, 20) == b + 3);
    CHECK_MEM(b + 3, a, 20);
    CHECK_EQ(b[2], 0);
    CHECK_EQ(b[23], 0);

    CHECK(hyp_memset(b, 0x1AB, 10) == b);   /* only the low byte counts */
    for (int i = 0; i < 10; i++)
        CHECK_EQ(b[i], 0xAB);
    CHECK_EQ(b[10], a[7]);
    hyp_memcpy(b, a, 0);
    CHECK_EQ(b[0], 0xAB);
}

static void
test_memmove_overlap(void)
{
    char buf[16];

    memcpy(buf, "0123456789abcdef", 16);
    CHECK(hyp_memmove(buf + 2, buf, 10) == buf + 2);
    CHECK_MEM(buf, "010123456789cdef", 16);

    memcpy(buf, "0123456789abcdef", 16);
    hyp_memmove(buf, buf + 3, 10);
    CHECK_MEM(buf, "3456789abcabcdef", 16);

    memcpy(buf, "0123456789abcdef", 16);
    hyp_memmove(buf + 4, buf + 4, 8);
    CHECK_MEM(buf, "0123456789abcdef", 16);
}

static void
test_memcmp(void)
{
    CHECK_EQ(hyp_memcmp("abc", "abc", 3), 0);
    CHECK_EQ(sign(hyp_memcmp("abc", "abd", 3)), -1);
    CHECK_EQ(sign(hyp_memcmp("abd", "abc", 3)), 1);
    CHECK_EQ(hyp_memcmp("abX", "abY", 2), 0);
    CHECK_EQ(hyp_memcmp("x", "y", 0), 0);
    /* Bytes compare as unsigned: 0x80 > 0x7f. */
    CHECK_EQ(sign(hyp_memcmp("\x80", "\x7f", 1)), 1);
}

static void
test_strlen_strnlen(void)
{
    CHECK_EQ(hyp_strlen(""), 0);
    CHECK_EQ(hyp_strlen("hello"), 5);
    CHECK_EQ(hyp_strnlen("hello", 3), 3);
    CHECK_EQ(hyp_strnlen("hello", 10), 5);
    CHECK_EQ(hyp_strnlen("hello", 0), 0);

    /* strnlen must not read past max even without a NUL (ASan watches). */
    char *p = malloc(4);
    REQUIRE(p != NULL);
    memcpy(p, "abcd", 4);
    CHECK_EQ(hyp_strnlen(p, 4), 4);
    free(p);
}

static void
test_strcmp_strncmp(void)
{
    CHECK_EQ(hyp_strcmp("abc", "abc"), 0);
    CHECK_EQ(sign(hyp_strcmp("abc", "abcd")), -1);
    CHECK_EQ(sign(hyp_strcmp("abcd", "abc")), 1);
    CHECK_EQ(sign(hyp_strcmp("a", "b")), -1);
    CHECK_EQ(sign(hyp_strcmp("\xff", "a")), 1);
    CHECK_EQ(hyp_strcmp("", ""), 0);

    CHECK_EQ(hyp_strncmp("abcX", "abcY", 3), 0);
    CHECK_EQ(sign(hyp_strncmp("abcX", "abcY", 4)), -1);
    CHECK_EQ(hyp_strncmp("ab", "ab", 10), 0);   /* stops at the NUL */
    CHECK_EQ(sign(hyp_strncmp("ab", "abc", 10)), -1);
    CHECK_EQ(hyp_strncmp("x", "y", 0), 0);
}

static void
test_strchr(void)
{
    const char *s = "hello";

    CHECK(hyp_strchr(s, 'l') == s + 2);
    CHECK(hyp_strchr(s, 'h') == s);
    CHECK(hyp_strchr(s, 'z') == NULL);
    CHECK(hyp_strchr(s, '\0') == s + 5);
}

static void
test_strlcpy(void)
{
    char buf[6];

    memset(buf, 'Z', sizeof(buf));
    CHECK_EQ(hyp_strlcpy(buf, "abc", sizeof(buf)), 3);
    CHECK_STR(buf, "abc");

    memset(buf, 'Z', sizeof(buf));
    CHECK_EQ(hyp_strlcpy(buf, "abcdefghij", sizeof(buf)), 10);
    CHECK_STR(buf, "abcde");

    memset(buf, 'Z', sizeof(buf));
    CHECK_EQ(hyp_strlcpy(buf, "abcdef", 0), 6);
    CHECK_EQ(buf[0], 'Z');

    CHECK_EQ(hyp_strlcpy(buf, "x", 1), 1);
    CHECK_EQ(buf[0], '\0');
}

static void
test_against_libc_random(void)
{
    uint32_t x = 12345;
    unsigned char a[64], b[64], c[64];

    for (int round = 0; round < 500; round++) {
        size_t n, off;

        for (size_t i = 0; i < sizeof(a); i++) {
            x = x * 1103515245u + 12345u;
            a[i] = (unsigned char)(x >> 16) % 4;   /* small alphabet: many equal prefixes */
        }
        x = x * 1103515245u + 12345u;
        n = (x >> 16) % 40;
        off = (x >> 8) % 20;
        memcpy(b, a, sizeof(a));
        memcpy(c, a, sizeof(a));
        hyp_memmove(b + off, b + 20 - off / 2, n);
        memmove(c + off, c + 20 - off / 2, n);
        if (memcmp(b, c, sizeof(b)) != 0) {
            unit_fail(__FILE__, __LINE__, "memmove round %d (n %zu off %zu) differs from libc",
                      round, n, off);
            return;
        }
        CHECK_EQ(sign(hyp_memcmp(a, a + 32, n % 32)), sign(memcmp(a, a + 32, n % 32)));
    }
}

static const struct unit_case cases[] = {
    UNIT_CASE(test_memcpy_memset),
    UNIT_CASE(test_memmove_overlap),
    UNIT_CASE(test_memcmp),
    UNIT_CASE(test_strlen_strnlen),
    UNIT_CASE(test_strcmp_strncmp),
    UNIT_CASE(test_strchr),
    UNIT_CASE(test_strlcpy),
    UNIT_CASE(test_against_libc_random),
};

int
main(void)
{
    return unit_run(cases, UNIT_COUNT(cases));
}
