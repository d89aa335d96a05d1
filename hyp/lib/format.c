/*
 * format.c - vsnprintf and snprintf for the hypervisor (see format.h).
 *
 * Output goes through put(), which counts every byte but stores only what
 * fits, so the return value is the untruncated length as in C.
 */
#include <stdint.h>
#include "format.h"

struct out {
    char  *buf;
    size_t size;
    size_t len;     /* bytes produced so far, stored or not */
};

/* A conversion specification, after '%'. */
struct spec {
    int  left, zero, space, plus, alt;   /* the flags - 0 ' ' + # */
    int  width;
    int  prec;                           /* -1 if not given */
};

/* Width and precision beyond this are format-string bugs; capping keeps the arithmetic in int. */
#define FIELD_MAX 4096

static void
put(struct out *o, char c)
{
    /* Keep one byte for the NUL. */
    if (o->size > 0 && o->len < o->size - 1)
        o->buf[o->len] = c;
    o->len++;
}

static void
put_n(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

static void
put_str(struct out *o, const struct spec *sp, const char *s)
{
    int n = 0;

    if (s == NULL)
        s = "(null)";
    /* With a precision, do not read past it: the string need not be terminated. */
    while ((sp->prec < 0 || n < sp->prec) && s[n] != '\0')
        n++;
    if (!sp->left)
        put_n(o, ' ', sp->width - n);
    for (int i = 0; i < n; i++)
        put(o, s[i]);
    if (sp->left)
        put_n(o, ' ', sp->width - n);
}

/*
 * Print magnitude 'u' in 'base' after an optional sign character ('-',
 * '+', ' ' or 0) and 'prefix' ("0x" or ""), with the flags, width and
 * precision of 'sp'.
 */
static void
put_num(struct out *o, const struct spec *sp, uintmax_t u, unsigned base,
        int upper, char sign, const char *prefix)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];           /* 2^64 in octal is 22 digits */
    int nd = 0, zeros, pad, nprefix = 0;

    /* An explicit precision of 0 prints no digits for 0. */
    if (!(u == 0 && sp->prec == 0)) {
        do {
            tmp[nd++] = digits[u % base];
            u /= base;
        } while (u != 0);
    }

    zeros = sp->prec > nd ? sp->prec - nd : 0;
    if (sp->alt && base == 8 && zeros == 0 && (nd == 0 || tmp[nd - 1] != '0'))
        zeros = 1;          /* '#' forces a leading 0 in octal */
    while (prefix[nprefix] != '\0')
        nprefix++;
    nprefix += sign != 0;

    pad = sp->width - (nprefix + zeros + nd);
    /* '0' pads with zeros, unless '-' or a precision says otherwise. */
    if (sp->zero && !sp->left && sp->prec < 0 && pad > 0) {
        zeros += pad;
        pad = 0;
    }
    if (!sp->left)
        put_n(o, ' ', pad);
    if (sign != 0)
        put(o, sign);
    for (; *prefix != '\0'; prefix++)
        put(o, *prefix);
    put_n(o, '0', zeros);
    while (nd > 0)
        put(o, tmp[--nd]);
    if (sp->left)
        put_n(o, ' ', pad);
}

/* Read a run of decimal digits, capped at FIELD_MAX. */
static int
read_int(const char **fmt)
{
    int n = 0;

    while (**fmt >= '0' && **fmt <= '9') {
        if (n < FIELD_MAX)
            n = n * 10 + (**fmt - '0');
        (*fmt)++;
    }
    return n > FIELD_MAX ? FIELD_MAX : n;
}

int
vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };
    va_list args;

    /* Work on a copy so the va_list can be passed by value on every ABI. */
    va_copy(args, ap);
    while (*fmt != '\0') {
        struct spec sp = { 0, 0, 0, 0, 0, 0, -1 };
        char len[3] = "";   /* length modifier: "", "hh", "h", "l", "ll", "z", "t", "j" */
        char conv;

        if (*fmt != '%') {
            put(&o, *fmt++);
            continue;
        }
        fmt++;

        for (;; fmt++) {
            if (*fmt == '-')      sp.left = 1;
            else if (*fmt == '0') sp.zero = 1;
            else if (*fmt == ' ') sp.space = 1;
            else if (*fmt == '+') sp.plus = 1;
            else if (*fmt == '#') sp.alt = 1;
            else break;
        }

        if (*fmt == '*') {
            int w = va_arg(args, int);
            fmt++;
            /* A negative '*' width means '-' and its absolute value. */
            if (w < 0) {
                sp.left = 1;
                w = w < -FIELD_MAX ? FIELD_MAX : -w;
            }
            sp.width = w > FIELD_MAX ? FIELD_MAX : w;
        } else {
            sp.width = read_int(&fmt);
        }

        if (*fmt == '.') {
            fmt++;
            if (*fmt == '*') {
                int p = va_arg(args, int);
                fmt++;
                /* A negative '*' precision is taken as if none were given. */
                sp.prec = p < 0 ? -1 : (p > FIELD_MAX ? FIELD_MAX : p);
            } else {
                sp.prec = read_int(&fmt);
            }
        }

        if (*fmt == 'h' || *fmt == 'l') {
            len[0] = *fmt++;
            if (*fmt == len[0])
                len[1] = *fmt++;
        } else if (*fmt == 'z' || *fmt == 't' || *fmt == 'j') {
            len[0] = *fmt++;
        }

        conv = *fmt;
        if (conv == '\0') {
            put(&o, '%');       /* a lone '%' at the end: print it as it is */
            break;
        }
        fmt++;

        switch (conv) {
        case 'd':
        case 'i': {
            intmax_t v;
            char sign = 0;

            if (len[0] == 'h' && len[1] == 'h') v = (signed char)va_arg(args, int);
            else if (len[0] == 'h')             v = (short)va_arg(args, int);
            else if (len[0] == 'l' && len[1])   v = va_arg(args, long long);
            else if (len[0] == 'l')             v = va_arg(args, long);
            else if (len[0] == 'z' || len[0] == 't') v = va_arg(args, ptrdiff_t);
            else if (len[0] == 'j')             v = va_arg(args, intmax_t);
            else                                v = va_arg(args, int);

            if (v < 0)
                sign = '-';
            else if (sp.plus)
                sign = '+';
            else if (sp.space)
                sign = ' ';
            /* Negate in unsigned arithmetic so INTMAX_MIN works. */
            put_num(&o, &sp, v < 0 ? -(uintmax_t)v : (uintmax_t)v, 10, 0, sign, "");
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            uintmax_t u;

            if (len[0] == 'h' && len[1] == 'h') u = (unsigned char)va_arg(args, unsigned);
            else if (len[0] == 'h')             u = (unsigned short)va_arg(args, unsigned);
            else if (len[0] == 'l' && len[1])   u = va_arg(args, unsigned long long);
            else if (len[0] == 'l')             u = va_arg(args, unsigned long);
            else if (len[0] == 'z')             u = va_arg(args, size_t);
            else if (len[0] == 't')             u = (size_t)va_arg(args, ptrdiff_t);
            else if (len[0] == 'j')             u = va_arg(args, uintmax_t);
            else                                u = va_arg(args, unsigned);

            /* '#' adds 0x only to a nonzero value, as in C. */
            put_num(&o, &sp, u, conv == 'u' ? 10 : conv == 'o' ? 8 : 16,
                    conv == 'X', 0,
                    sp.alt && u != 0 && conv == 'x' ? "0x" :
                    sp.alt && u != 0 && conv == 'X' ? "0X" : "");
            break;
        }
        case 'p': {
            /* Always the full 16 digits, so addresses line up in logs. */
            struct spec ps = sp;
            ps.prec = 16;
            ps.alt = 0;
            put_num(&o, &ps, (uintptr_t)va_arg(args, void *), 16, 0, 0, "0x");
            break;
        }
        case 's':
            put_str(&o, &sp, va_arg(args, const char *));
            break;
        case 'c': {
            char c = (char)va_arg(args, int);
            if (!sp.left)
                put_n(&o, ' ', sp.width - 1);
            put(&o, c);
            if (sp.left)
                put_n(&o, ' ', sp.width - 1);
            break;
        }
        case '%':
            put(&o, '%');
            break;
        default:
            /* Unknown (or %n, deliberately unsupported): show it rather than guess. */
            put(&o, '%');
            put(&o, conv);
            break;
        }
    }
    va_end(args);

    if (size > 0)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return o.len > 0x7FFFFFFF ? 0x7FFFFFFF : (int)o.len;
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
