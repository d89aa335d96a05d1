/*
 * lib.c - the freestanding string and formatting functions of defs.h.
 *
 * memcpy and memset move eight bytes at a time when both ends are
 * aligned: page zeroing and copy-on-write copies go through them on every
 * page fault.  Everything else is byte at a time, for clarity.
 *
 * vsnprintf knows what the kernel prints: %d %i %u %x %X %o %p %s %c %%,
 * the l, ll, z and h length modifiers, flags '-', '0', '#', a width and a
 * precision (either may be '*').  It returns the length the whole output
 * would have had, as C's does, and always terminates buf if size > 0.
 */
#include "defs.h"

/*
 * GCC may recognise the loops below as memcpy/memset and call them:
 * recursion.  -ffreestanding does not stop that pass, this does.
 */
#define NO_LIBCALLS __attribute__((optimize("no-tree-loop-distribute-patterns")))

/* A word that may alias any object (the copies are of arbitrary types). */
typedef uint64_t __attribute__((may_alias)) word_t;

NO_LIBCALLS void *
memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0) {
        for (; n >= 8; n -= 8, d += 8, s += 8)
            *(word_t *)d = *(const word_t *)s;
    }
    while (n-- > 0)
        *d++ = *s++;
    return dst;
}

NO_LIBCALLS void *
memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d == s || n == 0)
        return dst;
    /* dst starting inside src: copy from the end so src is read first. */
    if (d > s && d < s + n) {
        d += n;
        s += n;
        while (n-- > 0)
            *--d = *--s;
    } else {
        while (n-- > 0)
            *d++ = *s++;
    }
    return dst;
}

NO_LIBCALLS void *
memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;

    if (((uintptr_t)d & 7) == 0) {
        uint64_t word = 0x0101010101010101ull * (unsigned char)c;
        for (; n >= 8; n -= 8, d += 8)
            *(word_t *)d = word;
    }
    while (n-- > 0)
        *d++ = (unsigned char)c;
    return dst;
}

int
memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;

    for (; n > 0; n--, p++, q++)
        if (*p != *q)
            return *p < *q ? -1 : 1;
    return 0;
}

size_t
strlen(const char *s)
{
    size_t n = 0;

    while (s[n] != '\0')
        n++;
    return n;
}

size_t
strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n] != '\0')
        n++;
    return n;
}

int
strcmp(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

int
strncmp(const char *a, const char *b, size_t n)
{
    for (; n > 0; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (*a == '\0')
            return 0;
    }
    return 0;
}

/* C's strncpy: pads with NULs, and does not terminate a long src. */
NO_LIBCALLS char *
strncpy(char *dst, const char *src, size_t n)
{
    size_t i = 0;

    for (; i < n && src[i] != '\0'; i++)
        dst[i] = src[i];
    for (; i < n; i++)
        dst[i] = '\0';
    return dst;
}

/* Copy src into dst (size bytes), always terminated if size > 0:
 * strlen(src), so >= size means it was cut. */
size_t
strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size > 0) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

/* ---- formatting -------------------------------------------------------- */

/* The output so far: bytes beyond size are counted but not stored. */
struct out {
    char *buf;
    size_t size;
    size_t len;
};

static void
put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void
pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

/* How one conversion is to be laid out. */
struct spec {
    bool left;             /* '-' */
    bool zero;             /* '0' */
    bool alt;              /* '#': 0x before hex, 0 before octal */
    int width;             /* -1 if none */
    int prec;              /* -1 if none */
};

/* Emit text of len bytes padded to the spec's width. */
static void
put_field(struct out *o, const struct spec *sp, const char *text, int len)
{
    int fill = sp->width > len ? sp->width - len : 0;

    if (!sp->left)
        pad(o, ' ', fill);
    for (int i = 0; i < len; i++)
        put(o, text[i]);
    if (sp->left)
        pad(o, ' ', fill);
}

/* Emit an integer: sign, prefix, zero padding (from '0' or a precision)
 * and the digits, padded to the width. */
static void
put_number(struct out *o, const struct spec *sp, uint64_t v, bool negative,
           unsigned base, bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0, zeros = 0, fill;
    const char *prefix = "";
    int plen;

    if (v != 0 || sp->prec != 0) {
        do {
            tmp[n++] = digits[v % base];
            v /= base;
        } while (v != 0);
    }
    if (negative)
        prefix = "-";
    else if (sp->alt && base == 16 && n > 0)
        prefix = upper ? "0X" : "0x";
    else if (sp->alt && base == 8)
        prefix = "0";
    plen = (int)strlen(prefix);

    if (sp->prec > n)
        zeros = sp->prec - n;
    else if (sp->zero && !sp->left && sp->prec < 0 && sp->width > plen + n)
        zeros = sp->width - plen - n;
    fill = sp->width - plen - zeros - n;

    if (!sp->left)
        pad(o, ' ', fill);
    for (int i = 0; i < plen; i++)
        put(o, prefix[i]);
    pad(o, '0', zeros);
    while (n > 0)
        put(o, tmp[--n]);
    if (sp->left)
        pad(o, ' ', fill);
}

/* Read a decimal number at *fmt, advancing it (0 if there is none). */
static int
parse_decimal(const char **fmt)
{
    int v = 0;

    while (**fmt >= '0' && **fmt <= '9') {
        if (v < 100000)
            v = v * 10 + (**fmt - '0');
        (*fmt)++;
    }
    return v;
}

int
vsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
    struct out o = { buf, size, 0 };
    va_list ap;

    va_copy(ap, ap_in);
    while (*fmt != '\0') {
        struct spec sp = { false, false, false, -1, -1 };
        int lng = 0;          /* 0 int, 1 long, 2 long long, -1 short, -2 char */
        uint64_t u;
        int64_t s;
        char c;

        if (*fmt != '%') {
            put(&o, *fmt++);
            continue;
        }
        fmt++;
        for (;; fmt++) {
            if (*fmt == '-')
                sp.left = true;
            else if (*fmt == '0')
                sp.zero = true;
            else if (*fmt == '#')
                sp.alt = true;
            else if (*fmt != ' ' && *fmt != '+')
                break;
        }
        if (*fmt == '*') {
            fmt++;
            sp.width = va_arg(ap, int);
            if (sp.width < 0) {        /* as C: a negative width left-justifies */
                sp.left = true;
                sp.width = sp.width == INT32_MIN ? 0 : -sp.width;
            }
        } else if (*fmt >= '1' && *fmt <= '9') {
            sp.width = parse_decimal(&fmt);
        }
        if (*fmt == '.') {
            fmt++;
            if (*fmt == '*') {
                fmt++;
                sp.prec = va_arg(ap, int);
                if (sp.prec < 0)       /* as C: a negative precision is none */
                    sp.prec = -1;
            } else {
                sp.prec = parse_decimal(&fmt);
            }
        }
        for (;; fmt++) {
            if (*fmt == 'l')
                lng = lng < 0 ? 1 : lng + 1;
            else if (*fmt == 'z')
                lng = 1;
            else if (*fmt == 'h')
                lng = lng > 0 ? -1 : lng - 1;
            else
                break;
        }

        c = *fmt;
        if (c == '\0')
            break;
        fmt++;
        switch (c) {
        case 'd':
        case 'i':
            if (lng >= 2)
                s = va_arg(ap, long long);
            else if (lng == 1)
                s = va_arg(ap, long);
            else
                s = va_arg(ap, int);
            if (lng == -1)
                s = (short)s;
            else if (lng <= -2)
                s = (signed char)s;
            u = s < 0 ? -(uint64_t)s : (uint64_t)s;
            put_number(&o, &sp, u, s < 0, 10, false);
            break;
        case 'u':
        case 'x':
        case 'X':
        case 'o':
            if (lng >= 2)
                u = va_arg(ap, unsigned long long);
            else if (lng == 1)
                u = va_arg(ap, unsigned long);
            else
                u = va_arg(ap, unsigned int);
            if (lng == -1)
                u = (unsigned short)u;
            else if (lng <= -2)
                u = (unsigned char)u;
            put_number(&o, &sp, u, false, c == 'u' ? 10 : c == 'o' ? 8 : 16, c == 'X');
            break;
        case 'p':
            sp.alt = true;
            put_number(&o, &sp, (uint64_t)(uintptr_t)va_arg(ap, void *), false, 16, false);
            break;
        case 's': {
            const char *str = va_arg(ap, const char *);
            if (str == NULL)
                str = "(null)";
            put_field(&o, &sp, str,
                      (int)strnlen(str, sp.prec >= 0 ? (size_t)sp.prec : (size_t)INT32_MAX));
            break;
        }
        case 'c': {
            char ch = (char)va_arg(ap, int);
            put_field(&o, &sp, &ch, 1);
            break;
        }
        case '%':
            put(&o, '%');
            break;
        default:               /* unknown: show it as written */
            put(&o, '%');
            put(&o, c);
            break;
        }
    }
    va_end(ap);
    if (size > 0)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return o.len > INT32_MAX ? INT32_MAX : (int)o.len;
}

int
snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
