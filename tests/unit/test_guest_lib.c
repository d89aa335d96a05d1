/*
 * test_guest_lib.c - the guest kernel's lib.c (strings, vsnprintf) and
 * printk.c (printk, panic, backtrace) on the host.
 *
 * lib.c's functions are built as gk_* (guest_mm.mk) so they do not
 * replace the host's libc; the expected strings are written out by hand
 * rather than taken from the host's printf.  The console is a buffer,
 * hal_poweroff jumps back into the test, and the backtrace walks frame
 * chains built by hand in allocator frames.
 */
#include <setjmp.h>
#include <stdint.h>
#include "unit.h"

/* lib.c's functions under their test names (unit.h brought in libc's). */
void *gk_memcpy(void *dst, const void *src, size_t n);
void *gk_memmove(void *dst, const void *src, size_t n);
void *gk_memset(void *dst, int c, size_t n);
int gk_memcmp(const void *a, const void *b, size_t n);
size_t gk_strlen(const char *s);
size_t gk_strnlen(const char *s, size_t max);
int gk_strcmp(const char *a, const char *b);
int gk_strncmp(const char *a, const char *b, size_t n);
char *gk_strncpy(char *dst, const char *src, size_t n);
size_t gk_strlcpy(char *dst, const char *src, size_t size);
int gk_snprintf(char *buf, size_t size, const char *fmt, ...);

/* The kernel's declarations (their string functions are libc's here). */
#include "defs.h"
#include "page.h"

unsigned char *guest_arena;
#define ARENA_FRAMES 64

/* ---- fake HAL: console, poweroff, register dump --------------------------- */

static char console[8192];
static size_t console_len;
static jmp_buf poweroff_jmp;
static int poweroff_code = -1;

void
hal_console_write(const char *s, size_t n)
{
    if (n > sizeof(console) - 1 - console_len)
        n = sizeof(console) - 1 - console_len;
    memcpy(console + console_len, s, n);
    console_len += n;
    console[console_len] = '\0';
}

void
hal_poweroff(int code)
{
    poweroff_code = code;
    longjmp(poweroff_jmp, 1);
}

void
hal_tf_dump(const struct trapframe *tf)
{
    printk("[regs rip=%lx]\n", (unsigned long)tf->rip);
}

static void
console_clear(void)
{
    console_len = 0;
    console[0] = '\0';
}

/* ---- formatting -------------------------------------------------------------- */

#define FMT(expect, ...) do { \
        char b_[128]; \
        int n_ = gk_snprintf(b_, sizeof(b_), __VA_ARGS__); \
        CHECK_STR(b_, expect); \
        CHECK_EQ(n_, (int)strlen(expect)); \
    } while (0)

static void
test_format_integers(void)
{
    FMT("0", "%d", 0);
    FMT("-42 42", "%d %i", -42, 42);
    FMT("-2147483648", "%d", INT32_MIN);
    FMT("4294967295", "%u", UINT32_MAX);
    FMT("ff FF", "%x %X", 255, 255);
    FMT("0xff 0x0", "%#x %#x", 255, 0);
    FMT("17 017", "%o %#o", 15, 15);
    FMT("-9223372036854775808", "%ld", (long)INT64_MIN);
    FMT("18446744073709551615", "%lu", (unsigned long)UINT64_MAX);
    FMT("ffffffffffffffff", "%llx", (unsigned long long)UINT64_MAX);
    FMT("deadbeefcafe", "%lx", 0xdeadbeefcafeul);
    FMT("12345", "%zu", (size_t)12345);
    FMT("-1", "%hd", (short)-1);
    FMT("255", "%hhu", (unsigned char)255);
}

static void
test_format_width(void)
{
    FMT("   42", "%5d", 42);
    FMT("42   |", "%-5d|", 42);
    FMT("00042", "%05d", 42);
    FMT("-0042", "%05d", -42);
    FMT("  -42", "%5d", -42);
    FMT("0x00ff", "%#06x", 255);
    FMT("0000000000001000", "%016lx", 0x1000ul);
    FMT("42", "%1d", 42);
    FMT("   ab", "%*s", 5, "ab");
    FMT("ab   |", "%*s|", -5, "ab");
    FMT("007", "%.3d", 7);
    FMT("", "%.0d", 0);
    FMT("[ 3]", "[%2d]", 3);
    FMT("42   |", "%-05d|", 42);            /* '-' beats '0' */
}

static void
test_format_strings(void)
{
    FMT("hello", "%s", "hello");
    FMT("(null)", "%s", (char *)NULL);
    FMT("  hi|hi  |", "%4s|%-4s|", "hi", "hi");
    FMT("hel", "%.3s", "hello");
    FMT("he", "%.*s", 2, "hello");
    FMT("x", "%c", 'x');
    FMT("  x", "%3c", 'x');
    FMT("100%", "100%%");
    FMT("0x1234", "%p", (void *)0x1234);
    FMT("0x0", "%p", (void *)0);
    FMT("%q", "%q");                          /* unknown: shown as written */
    FMT("a", "a%");                           /* a lone % at the end */
}

static void
test_format_truncation(void)
{
    char b[8];
    int n;

    memset(b, 'z', sizeof(b));
    n = gk_snprintf(b, sizeof(b), "%s-%d", "abcdef", 12345);
    CHECK_EQ(n, 12);                          /* what it would have been */
    CHECK_STR(b, "abcdef-");
    n = gk_snprintf(b, 1, "xyz");
    CHECK_EQ(n, 3);
    CHECK_STR(b, "");
    b[0] = 'q';
    n = gk_snprintf(b, 0, "xyz");             /* size 0: nothing written */
    CHECK_EQ(n, 3);
    CHECK_EQ(b[0], 'q');
    n = gk_snprintf(NULL, 0, "%d", 1000);
    CHECK_EQ(n, 4);
}

/* ---- strings ----------------------------------------------------------------- */

static void
test_mem_functions(void)
{
    _Alignas(8) unsigned char a[64], b[64];

    for (int i = 0; i < 64; i++)
        a[i] = (unsigned char)i;
    /* Aligned, unaligned and odd lengths all copy exactly. */
    for (size_t off = 0; off < 9; off++) {
        gk_memset(b, 0xee, sizeof(b));
        CHECK(gk_memcpy(b + off, a + off, 37) == b + off);
        CHECK(memcmp(b + off, a + off, 37) == 0);
        CHECK_EQ(b[off + 37], 0xee);
        if (off > 0)
            CHECK_EQ(b[off - 1], 0xee);
    }
    gk_memset(b, 0, sizeof(b));
    gk_memset(b + 3, 0x7f, 20);
    CHECK_EQ(b[2], 0);
    CHECK_EQ(b[3], 0x7f);
    CHECK_EQ(b[22], 0x7f);
    CHECK_EQ(b[23], 0);
    gk_memset(b, 0x101, 8);                   /* the int is cut to a byte */
    CHECK_EQ(b[7], 1);

    /* memmove both ways over an overlap. */
    gk_memcpy(b, a, 64);
    gk_memmove(b + 5, b, 30);
    CHECK(memcmp(b + 5, a, 30) == 0);
    gk_memcpy(b, a, 64);
    gk_memmove(b, b + 5, 30);
    CHECK(memcmp(b, a + 5, 30) == 0);

    CHECK_EQ(gk_memcmp("abc", "abd", 3), -1);
    CHECK_EQ(gk_memcmp("abd", "abc", 3), 1);
    CHECK_EQ(gk_memcmp("abc", "abd", 2), 0);
    CHECK(gk_memcmp("\x80", "\x01", 1) > 0);  /* unsigned bytes */
}

static void
test_str_functions(void)
{
    char b[8];

    CHECK_EQ(gk_strlen(""), 0);
    CHECK_EQ(gk_strlen("hello"), 5);
    CHECK_EQ(gk_strnlen("hello", 3), 3);
    CHECK_EQ(gk_strnlen("hi", 10), 2);
    CHECK_EQ(gk_strcmp("a", "a"), 0);
    CHECK(gk_strcmp("a", "b") < 0);
    CHECK(gk_strcmp("ab", "a") > 0);
    CHECK(gk_strcmp("\xff", "a") > 0);
    CHECK_EQ(gk_strncmp("abcx", "abcy", 3), 0);
    CHECK(gk_strncmp("abcx", "abcy", 4) < 0);
    CHECK_EQ(gk_strncmp("a", "a", 100), 0);

    memset(b, 'z', sizeof(b));
    gk_strncpy(b, "ab", 5);
    CHECK(memcmp(b, "ab\0\0\0zzz", 8) == 0);  /* padded, nothing beyond n */
    gk_strncpy(b, "abcdefgh", 3);
    CHECK(memcmp(b, "abc", 3) == 0);

    CHECK_EQ(gk_strlcpy(b, "hello", sizeof(b)), 5);
    CHECK_STR(b, "hello");
    CHECK_EQ(gk_strlcpy(b, "hello world", sizeof(b)), 11);
    CHECK_STR(b, "hello w");
    b[0] = 'q';
    CHECK_EQ(gk_strlcpy(b, "x", 0), 1);
    CHECK_EQ(b[0], 'q');
}

/* ---- printk, backtrace, panic ------------------------------------------------ */

static void
test_printk(void)
{
    char big[700];

    console_clear();
    printk("pid %d: %s\n", 7, "init");
    CHECK_STR(console, "pid 7: init\n");

    /* Too long for one message: cut, and the cut is visible. */
    console_clear();
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    printk("%s", big);
    CHECK_EQ(console_len, 511);
    CHECK(strcmp(console + console_len - 4, "...\n") == 0);
}

/* A chain of three frame records in an allocator frame. */
static uint64_t *
build_chain(uint64_t pfn)
{
    uint64_t *f = pfn_to_va(pfn);

    f[0] = (uint64_t)(uintptr_t)&f[16];   f[1] = 0x1111;
    f[16] = (uint64_t)(uintptr_t)&f[32];  f[17] = 0x2222;
    f[32] = 0;                            f[33] = 0x3333;
    return f;
}

static void
test_backtrace(void)
{
    uint64_t pfn = page_alloc();
    uint64_t *f;

    REQUIRE(pfn != PAGE_NONE);
    f = build_chain(pfn);

    console_clear();
    backtrace((uint64_t)(uintptr_t)f);
    CHECK(strstr(console, "0x0000000000001111") != NULL);
    CHECK(strstr(console, "0x0000000000002222") != NULL);
    CHECK(strstr(console, "0x0000000000003333") != NULL);

    /* A link out of known memory: stop there, read nothing. */
    f[16] = 0x12345678;
    console_clear();
    backtrace((uint64_t)(uintptr_t)f);
    CHECK(strstr(console, "0x0000000000002222") != NULL);
    CHECK(strstr(console, "0x0000000000003333") == NULL);

    /* A link back down (a loop) or misaligned: stop. */
    f[16] = (uint64_t)(uintptr_t)&f[0];
    console_clear();
    backtrace((uint64_t)(uintptr_t)f);
    CHECK(strstr(console, "0x0000000000002222") != NULL);
    CHECK(strstr(console, "0x0000000000001111 ") == NULL);
    CHECK_EQ(strstr(strstr(console, "1111") + 4, "1111"), NULL);
    f[16] = (uint64_t)(uintptr_t)&f[32] + 1;
    console_clear();
    backtrace((uint64_t)(uintptr_t)f);
    CHECK(strstr(console, "0x0000000000003333") == NULL);

    /* Bad starting points print nothing but the header. */
    console_clear();
    backtrace(0);
    backtrace(1);
    backtrace(0xffff800000000000ull);
    backtrace(UINT64_MAX - 7);
    CHECK_STR(console, "backtrace:\nbacktrace:\nbacktrace:\nbacktrace:\n");

    /* A self-loop cannot run forever either. */
    f[0] = (uint64_t)(uintptr_t)f;
    console_clear();
    backtrace((uint64_t)(uintptr_t)f);
    CHECK(strstr(console, "0x0000000000001111") != NULL);
    page_free(pfn);
}

/* panic: message, backtrace, poweroff(100); a second panic just stops. */
static void
test_panic(void)
{
    console_clear();
    poweroff_code = -1;
    if (setjmp(poweroff_jmp) == 0) {
        panic("bad thing %d", 42);
        CHECK(!"panic returned");
    }
    CHECK_EQ(poweroff_code, 100);
    CHECK(strstr(console, "panic: bad thing 42\n") != NULL);
    CHECK(strstr(console, "backtrace:") != NULL);

    console_clear();
    poweroff_code = -1;
    if (setjmp(poweroff_jmp) == 0) {
        struct trapframe tf = { .rip = 0xabc };
        panic_tf(&tf, "nested");
    }
    CHECK_EQ(poweroff_code, 100);
    CHECK_STR(console, "");
}

static const struct unit_case cases[] = {
    UNIT_CASE(test_format_integers),
    UNIT_CASE(test_format_width),
    UNIT_CASE(test_format_strings),
    UNIT_CASE(test_format_truncation),
    UNIT_CASE(test_mem_functions),
    UNIT_CASE(test_str_functions),
    UNIT_CASE(test_printk),
    UNIT_CASE(test_backtrace),
    UNIT_CASE(test_panic),                     /* last: panicking stays set */
};

int
main(void)
{
    static struct hal_boot boot;

    guest_arena = aligned_alloc(4096, ARENA_FRAMES * 4096);
    if (guest_arena == NULL)
        return 2;
    boot.nr_free = 1;
    boot.free[0] = (struct hal_range){ GUEST_ARENA_PFN0, ARENA_FRAMES };
    page_init(&boot);
    return unit_run(cases, UNIT_COUNT(cases));
}
