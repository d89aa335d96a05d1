/*
 * unit.h - a tiny host unit-test framework, header only.
 *
 * A test file defines cases as plain functions, lists them in a table and
 * hands the table to unit_run():
 *
 *   static void test_add(void) { CHECK_EQ(1 + 1, 2); }
 *   static const struct unit_case cases[] = { UNIT_CASE(test_add) };
 *   int main(void) { return unit_run(cases, UNIT_COUNT(cases)); }
 *
 * A failed CHECK records file:line and the values and the case goes on,
 * so one run shows as much as possible; REQUIRE also ends the case (use it
 * when the rest would crash).  Output is one line per case,
 *   ok NAME
 *   FAIL NAME: FILE:LINE: DETAIL
 * (the first failure of the case, plus how many more), and then exactly
 *   N passed, M failed
 * The exit status is 1 if any case failed.
 */
#ifndef UNIT_H
#define UNIT_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct unit_case {
    const char *name;
    void (*fn)(void);
};

#define UNIT_CASE(fn)   { #fn, fn }
#define UNIT_COUNT(a)   (sizeof(a) / sizeof((a)[0]))

/* The case being run. */
static struct {
    int  failures;
    char first[512];     /* "file:line: detail" of the first failure */
} unit_cur;

static void unit_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
unit_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (unit_cur.failures++ > 0)
        return;
    n = snprintf(unit_cur.first, sizeof(unit_cur.first), "%s:%d: ", file, line);
    if (n < 0 || (size_t)n >= sizeof(unit_cur.first))
        return;
    va_start(ap, fmt);
    vsnprintf(unit_cur.first + n, sizeof(unit_cur.first) - (size_t)n, fmt, ap);
    va_end(ap);
}

#define CHECK(cond) do { \
        if (!(cond)) \
            unit_fail(__FILE__, __LINE__, "CHECK(%s) failed", #cond); \
    } while (0)

#define REQUIRE(cond) do { \
        if (!(cond)) { \
            unit_fail(__FILE__, __LINE__, "REQUIRE(%s) failed", #cond); \
            return; \
        } \
    } while (0)

/* Integers, compared and shown as signed. */
#define CHECK_EQ(a, b) do { \
        long long a_ = (long long)(a), b_ = (long long)(b); \
        if (a_ != b_) \
            unit_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, a_, b_); \
    } while (0)

/* Unsigned integers (addresses, sizes, CRCs), shown in hex and decimal. */
#define CHECK_EQ_U(a, b) do { \
        unsigned long long a_ = (unsigned long long)(a), b_ = (unsigned long long)(b); \
        if (a_ != b_) \
            unit_fail(__FILE__, __LINE__, "%s == %s: %#llx (%llu) != %#llx (%llu)", \
                      #a, #b, a_, a_, b_, b_); \
    } while (0)

#define CHECK_STR(a, b) do { \
        const char *a_ = (a), *b_ = (b); \
        if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0) \
            unit_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, #b, \
                      a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
    } while (0)

#define CHECK_MEM(a, b, n) do { \
        size_t n_ = (n); \
        if (memcmp((a), (b), n_) != 0) \
            unit_fail(__FILE__, __LINE__, "%s and %s differ in the first %zu bytes", \
                      #a, #b, n_); \
    } while (0)

static int
unit_run(const struct unit_case *cases, size_t n)
{
    int passed = 0, failed = 0;

    for (size_t i = 0; i < n; i++) {
        unit_cur.failures = 0;
        unit_cur.first[0] = '\0';
        cases[i].fn();
        if (unit_cur.failures == 0) {
            printf("ok %s\n", cases[i].name);
            passed++;
        } else {
            if (unit_cur.failures > 1)
                printf("FAIL %s: %s (and %d more)\n", cases[i].name,
                       unit_cur.first, unit_cur.failures - 1);
            else
                printf("FAIL %s: %s\n", cases[i].name, unit_cur.first);
            failed++;
        }
        fflush(stdout);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed > 0 ? 1 : 0;
}

#endif
