/*
 * compiler.h - included into every hypervisor file by the Makefile.
 *
 * The image lives at 0xffff8080..., outside the top 2 GiB that gcc's
 * kernel code model needs, so it is compiled position-independent and
 * every symbol is hidden: gcc then addresses them RIP-relative, with no
 * GOT, and ld resolves everything at link time (as Xen does).
 */
#ifndef HYP_COMPILER_H
#define HYP_COMPILER_H

#pragma GCC visibility push(hidden)

#define ARRAY_SIZE(a)   (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)  (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define MIN(a, b)       ((a) < (b) ? (a) : (b))
#define MAX(a, b)       ((a) > (b) ? (a) : (b))
#define unlikely(x)     __builtin_expect(!!(x), 0)

#endif
