/*
 * format.h - printf-style formatting into a buffer.
 *
 * Supports the conversions the hypervisor uses: %d %i %u %x %X %o %p %s %c
 * %%, the flags '-' '0' ' ' '+' '#', a field width and precision (also as
 * '*'), and the length modifiers hh h l ll z t j.  %p prints 0x and 16 hex
 * digits.  A NULL %s prints "(null)".  Floating point is not supported.
 */
#ifndef HYP_FORMAT_H
#define HYP_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Format into 'buf' (at most 'size' bytes including the terminating NUL,
 * which is always written when size > 0).  Returns the length the full
 * output would have had, as C's vsnprintf does.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
