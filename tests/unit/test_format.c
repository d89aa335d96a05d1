/* test_format.c - hyp/lib/format.c, checked against fixed strings and against the C library. */
#include <limits.h>
#include <stdint.h>
#include "unit.h"

/* format.c is built with vsnprintf/snprintf renamed to hyp_*; see unit.mk. */
#define vsnprintf hyp_vsnprintf
#define snprintf hyp_snprintf
#include "format.h"
#undef vsnprintf
#undef snprintf

/*
 * The cases below deliberately use odd but defined formats ('0' with '-',
 * NULL for %s, a lone '%'), which the compiler's format checks flag.
 */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-overflow"
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-extra-args"

/* Format with ours and expect exactly 'want' and its length as the return value. */
#define CHECK_FMT(want, ...) do { \
        char got_[256]; \
        int n_ = hyp_snprintf(got_, sizeof(got_), __VA_ARGS__); \
        CHECK_STR(got_, want); \
        CHECK_EQ(n_, (int)strlen(want)); \
    } while (0)

/* Format with ours and with libc's and expect the same text and return value. */
#define CHECK_LIBC(...) do { \
        char got_[256], want_[256]; \
        int n_ = hyp_snprintf(got_, sizeof(got_), __VA_ARGS__); \
        int w_ = snprintf(want_, sizeof(want_), __VA_ARGS__); \
        CHECK_STR(got_, want_); \
        CHECK_EQ(n_, w_); \
    } while (0)

static void
test_plain(void)
{
    CHECK_FMT("", "%s", "");
    CHECK_FMT("hello", "hello");
    CHECK_FMT("100%", "100%%");
    CHECK_FMT("a b c", "%s %c %s", "a", 'b', "c");
}

static void
test_signed(void)
{
    CHECK_FMT("-42", "%d", -42);
    CHECK_FMT("0", "%i", 0);
    CHECK_LIBC("%d %d", INT_MAX, INT_MIN);
    CHECK_LIBC("%ld %ld", LONG_MAX, LONG_MIN);
    CHECK_LIBC("%lld %lld", LLONG_MAX, LLONG_MIN);
    CHECK_LIBC("%hhd %hd", (signed char)-128, (short)-32768);
    CHECK_LIBC("%hhd %hd", 300, 70000);   /* truncated to char/short as in C */
    CHECK_LIBC("%zd %td %jd", (ptrdiff_t)-5, (ptrdiff_t)-7, (intmax_t)INTMAX_MIN);
    CHECK_LIBC("%+d %+d % d % d", 5, -5, 5, -5);
}

static void
test_unsigned(void)
{
    CHECK_FMT("ffffffff", "%x", 0xffffffffu);
    CHECK_FMT("DEADBEEF", "%X", 0xdeadbeefu);
    CHECK_FMT("17", "%o", 15u);
    CHECK_LIBC("%u %lu %llu", UINT_MAX, ULONG_MAX, ULLONG_MAX);
    CHECK_LIBC("%hhu %hu %hhx", 511, 131071, 0x1ff);
    CHECK_LIBC("%zu %zx %jx", (size_t)SIZE_MAX, (size_t)0x1234, (uintmax_t)UINTMAX_MAX);
    CHECK_LIBC("%tx", (ptrdiff_t)-1);
    CHECK_LIBC("%llo", ULLONG_MAX);
}

static void
test_flags_width_precision(void)
{
    CHECK_LIBC("[%5d] [%-5d] [%05d] [%-05d]", 42, 42, 42, 42);
    CHECK_LIBC("[%05d] [%+05d] [% 05d]", -42, 42, 42);
    CHECK_LIBC("[%.3d] [%8.3d] [%-8.3d] [%08.3d]", 7, -7, 7, 7);
    CHECK_LIBC("[%.0d] [%5.0d] [%.0x] [%#.0o]", 0, 0, 0u, 0u);
    CHECK_LIBC("[%#x] [%#X] [%#x] [%#o] [%#o]", 255u, 255u, 0u, 8u, 0u);
    CHECK_LIBC("[%#010x] [%#-10x] [%#10.4x]", 0xabcu, 0xabcu, 0xabcu);
    CHECK_LIBC("[%#.5o] [%#5o]", 8u, 8u);
    CHECK_LIBC("[%*d] [%-*d] [%*d]", 6, 1, 6, 1, -6, 1);
    CHECK_LIBC("[%.*d] [%.*d]", 4, 3, -1, 3);
    CHECK_LIBC("[%10s] [%-10s] [%.2s] [%10.3s]", "abc", "abc", "abc", "abcdef");
    CHECK_LIBC("[%5c] [%-5c]", 'x', 'y');
    CHECK_LIBC("[%*s]", -4, "ab");
    CHECK_LIBC("[%.*s]", -1, "all of it");
}

static void
test_string_precision_does_not_overread(void)
{
    /* With a precision the argument need not be NUL-terminated (ASan would catch an overread). */
    char *p = malloc(3);
    REQUIRE(p != NULL);
    memcpy(p, "xyz", 3);
    CHECK_FMT("xy", "%.2s", p);
    CHECK_FMT("xyz", "%.3s", p);
    free(p);
}

static void
test_pointer_and_null(void)
{
    CHECK_FMT("0x0000000000000000", "%p", (void *)0);
    CHECK_FMT("0x00000000deadbeef", "%p", (void *)(uintptr_t)0xdeadbeef);
    CHECK_FMT("0xffff800000001000", "%p", (void *)(uintptr_t)0xffff800000001000ull);
    CHECK_FMT("[  0x0000000000000010]", "[%20p]", (void *)16);
    CHECK_FMT("[0x0000000000000010  ]", "[%-20p]", (void *)16);
    CHECK_FMT("(null)", "%s", (char *)NULL);
    CHECK_FMT("[  (null)]", "[%8s]", (char *)NULL);
}

static void
test_truncation(void)
{
    char buf[8];
    int n;

    memset(buf, 'Z', sizeof(buf));
    n = hyp_snprintf(buf, sizeof(buf), "%s", "0123456789");
    CHECK_EQ(n, 10);
    CHECK_STR(buf, "0123456");

    memset(buf, 'Z', sizeof(buf));
    n = hyp_snprintf(buf, 1, "abc");
    CHECK_EQ(n, 3);
    CHECK_EQ(buf[0], '\0');
    CHECK_EQ(buf[1], 'Z');

    /* Size 0 writes nothing at all, not even the NUL. */
    memset(buf, 'Z', sizeof(buf));
    n = hyp_snprintf(buf, 0, "abc%d", 12345);
    CHECK_EQ(n, 8);
    CHECK_EQ(buf[0], 'Z');
    CHECK_EQ(hyp_snprintf(NULL, 0, "%d", -1000), 5);

    /* Exactly fitting output. */
    n = hyp_snprintf(buf, sizeof(buf), "%07d", 1);
    CHECK_EQ(n, 7);
    CHECK_STR(buf, "0000001");
}

static void
test_odd_specs(void)
{
    /* A lone '%' at the end and an unknown conversion are shown, not skipped. */
    char buf[32];
    const char *fmt_end = "abc%";
    const char *fmt_unknown = "a%qb";

    CHECK_EQ(hyp_snprintf(buf, sizeof(buf), fmt_end), 4);
    CHECK_STR(buf, "abc%");
    CHECK_EQ(hyp_snprintf(buf, sizeof(buf), fmt_unknown), 4);
    CHECK_STR(buf, "a%qb");
}

static int
via_va(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    int r;

    va_start(ap, fmt);
    r = hyp_vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}

static void
test_vsnprintf(void)
{
    char buf[64];

    CHECK_EQ(via_va(buf, sizeof(buf), "%s=%d/%#x", "n", 3, 16u), 8);
    CHECK_STR(buf, "n=3/0x10");
}

/* A deterministic sweep of numbers and flag combinations against libc. */
static void
test_sweep_against_libc(void)
{
    static const char *const fmts[] = {
        "%d", "%5d", "%-5d", "%05d", "%+d", "% d", "%.3d", "%8.3d", "%-+8d",
        "%x", "%#x", "%08x", "%#08x", "%X", "%o", "%#o", "%u", "%12u", "%.0u",
    };
    uint64_t x = 0x9e3779b97f4a7c15ull;

    for (int i = 0; i < 2000; i++) {
        int v;

        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        v = (int)(uint32_t)(x >> (i % 32));
        if (i % 5 == 0)
            v %= 1000;
        for (size_t f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
            char got[64], want[64];
            int n = hyp_snprintf(got, sizeof(got), fmts[f], v);
            int w = snprintf(want, sizeof(want), fmts[f], v);
            if (n != w || strcmp(got, want) != 0) {
                unit_fail(__FILE__, __LINE__, "fmt \"%s\" value %d: \"%s\" != libc \"%s\"",
                          fmts[f], v, got, want);
                return;
            }
        }
    }
}

static const struct unit_case cases[] = {
    UNIT_CASE(test_plain),
    UNIT_CASE(test_signed),
    UNIT_CASE(test_unsigned),
    UNIT_CASE(test_flags_width_precision),
    UNIT_CASE(test_string_precision_does_not_overread),
    UNIT_CASE(test_pointer_and_null),
    UNIT_CASE(test_truncation),
    UNIT_CASE(test_odd_specs),
    UNIT_CASE(test_vsnprintf),
    UNIT_CASE(test_sweep_against_libc),
};

int
main(void)
{
    return unit_run(cases, UNIT_COUNT(cases));
}
