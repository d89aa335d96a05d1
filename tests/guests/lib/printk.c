/*
 * printk.c - console output for test guests: a small printf-style
 * formatter, printk() over HYPERVISOR_console_io, and the string functions
 * gcc may call even in a freestanding build.
 *
 * Conversions: %d %i %u %x %X %o %p %s %c %%; flags '-' '0' '#' ' ' '+';
 * a field width and precision (also '*'); length modifiers hh h l ll z t j.
 * %p prints 0x and 16 hex digits.  No floating point.
 */
#include "lib.h"

/* ---- strings ------------------------------------------------------------- */

/* rep movs/stos: gcc cannot turn these back into calls to themselves. */
void *memset(void *d, int c, size_t n)
{
    void *r = d;
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
    return r;
}

void *memcpy(void *d, const void *s, size_t n)
{
    void *r = d;
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
    return r;
}

void *memmove(void *d, const void *s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;
    if (dp <= sp || dp >= sp + n)
        return memcpy(d, s, n);
    while (n--)                     /* overlapping, backwards */
        dp[n] = sp[n];
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            return 0;
    }
    return 0;
}

/* ---- formatter ----------------------------------------------------------- */

struct out {
    char *buf;
    size_t size, len;               /* len counts everything, even what did not fit */
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

enum { F_LEFT = 1, F_ZERO = 2, F_ALT = 4, F_SPACE = 8, F_PLUS = 16, F_UPPER = 32 };

static void number(struct out *o, uint64_t v, bool neg, unsigned base, int flags, int width, int prec)
{
    const char *digits = (flags & F_UPPER) ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;

    if (v == 0 && prec != 0)
        tmp[n++] = '0';
    while (v) {
        tmp[n++] = digits[v % base];
        v /= base;
    }

    char sign = neg ? '-' : (flags & F_PLUS) ? '+' : (flags & F_SPACE) ? ' ' : 0;
    const char *prefix = "";
    if ((flags & F_ALT) && n && !(n == 1 && tmp[0] == '0')) {
        if (base == 16)
            prefix = (flags & F_UPPER) ? "0X" : "0x";
        else if (base == 8 && prec <= n)
            prefix = "0";
    }
    int zeros = prec > n ? prec - n : 0;
    int total = n + zeros + (sign ? 1 : 0) + (int)strlen(prefix);

    if (prec < 0 && (flags & F_ZERO) && !(flags & F_LEFT) && width > total) {
        zeros += width - total;
        total = width;
    }
    if (!(flags & F_LEFT))
        pad(o, ' ', width - total);
    if (sign)
        put(o, sign);
    for (const char *p = prefix; *p; p++)
        put(o, *p);
    pad(o, '0', zeros);
    while (n)
        put(o, tmp[--n]);
    if (flags & F_LEFT)
        pad(o, ' ', width - total);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };

    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            put(&o, *f);
            continue;
        }
        int flags = 0, width = 0, prec = -1, lng = 0;   /* lng: -2 hh, -1 h, 1 l, 2 ll */
        for (;; f++) {
            char c = f[1];
            if (c == '-') flags |= F_LEFT;
            else if (c == '0') flags |= F_ZERO;
            else if (c == '#') flags |= F_ALT;
            else if (c == ' ') flags |= F_SPACE;
            else if (c == '+') flags |= F_PLUS;
            else break;
        }
        f++;
        if (*f == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                flags |= F_LEFT;
                width = -width;
            }
            f++;
        } else {
            while (*f >= '0' && *f <= '9')
                width = width * 10 + (*f++ - '0');
        }
        if (*f == '.') {
            f++;
            prec = 0;
            if (*f == '*') {
                prec = va_arg(ap, int);
                if (prec < 0)
                    prec = -1;
                f++;
            } else {
                while (*f >= '0' && *f <= '9')
                    prec = prec * 10 + (*f++ - '0');
            }
        }
        for (;; f++) {
            if (*f == 'h') lng = lng <= 0 ? lng - 1 : lng;
            else if (*f == 'l') lng++;
            else if (*f == 'z' || *f == 't' || *f == 'j') lng = 2;
            else break;
        }

        switch (*f) {
        case 'd':
        case 'i': {
            int64_t v = lng >= 1 ? va_arg(ap, long) : va_arg(ap, int);
            if (lng == -1) v = (short)v;
            if (lng <= -2) v = (signed char)v;
            number(&o, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, 10, flags, width, prec);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            uint64_t v = lng >= 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
            if (lng == -1) v = (unsigned short)v;
            if (lng <= -2) v = (unsigned char)v;
            unsigned base = *f == 'u' ? 10 : *f == 'o' ? 8 : 16;
            if (*f == 'X')
                flags |= F_UPPER;
            number(&o, v, false, base, flags & ~(F_PLUS | F_SPACE), width, prec);
            break;
        }
        case 'p':
            put(&o, '0');
            put(&o, 'x');
            number(&o, (uintptr_t)va_arg(ap, void *), false, 16, 0, 16, 16);
            break;
        case 'c':
            if (!(flags & F_LEFT))
                pad(&o, ' ', width - 1);
            put(&o, (char)va_arg(ap, int));
            if (flags & F_LEFT)
                pad(&o, ' ', width - 1);
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            int n = (int)strnlen(s, prec >= 0 ? (size_t)prec : (size_t)-1);
            if (!(flags & F_LEFT))
                pad(&o, ' ', width - n);
            for (int i = 0; i < n; i++)
                put(&o, s[i]);
            if (flags & F_LEFT)
                pad(&o, ' ', width - n);
            break;
        }
        case '%':
            put(&o, '%');
            break;
        case '\0':
            f--;                    /* a lone '%' at the end */
            break;
        default:                    /* unknown: print it as it was */
            put(&o, '%');
            put(&o, *f);
            break;
        }
    }
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

/* ---- console ------------------------------------------------------------- */

void console_write(const char *s, size_t n)
{
    while (n) {
        unsigned chunk = n > CONSOLEIO_MAX ? CONSOLEIO_MAX : (unsigned)n;
        HYPERVISOR_console_io(CONSOLEIO_write, chunk, (void *)s);
        s += chunk;
        n -= chunk;
    }
}

/* One console write per call, so that a line is not split up by other output. */
int vprintk(const char *fmt, va_list ap)
{
    char buf[512];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(buf, sizeof buf, fmt, ap2);
    va_end(ap2);
    if (n < (int)sizeof buf) {
        console_write(buf, (size_t)n);
    } else {
        console_write(buf, sizeof buf - 1);
        console_write("...[truncated]\n", 15);
    }
    return n;
}

int printk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintk(fmt, ap);
    va_end(ap);
    return n;
}

const char *errstr(long rc)
{
    static const struct { long e; const char *s; } names[] = {
        { 0, "0" },
        { -PV_EPERM, "-EPERM" }, { -PV_ENOENT, "-ENOENT" }, { -PV_ESRCH, "-ESRCH" },
        { -PV_EINTR, "-EINTR" }, { -PV_E2BIG, "-E2BIG" }, { -PV_EBADF, "-EBADF" },
        { -PV_EAGAIN, "-EAGAIN" }, { -PV_ENOMEM, "-ENOMEM" }, { -PV_EACCES, "-EACCES" },
        { -PV_EFAULT, "-EFAULT" }, { -PV_EBUSY, "-EBUSY" }, { -PV_EEXIST, "-EEXIST" },
        { -PV_ENODEV, "-ENODEV" }, { -PV_EINVAL, "-EINVAL" }, { -PV_ENOSPC, "-ENOSPC" },
        { -PV_ERANGE, "-ERANGE" }, { -PV_ENOSYS, "-ENOSYS" }, { -PV_ETIMEDOUT, "-ETIMEDOUT" },
    };
    static char buf[4][24];
    static unsigned next;

    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        if (names[i].e == rc)
            return names[i].s;
    char *b = buf[next++ % 4];
    snprintf(b, sizeof buf[0], "%ld", rc);
    return b;
}
