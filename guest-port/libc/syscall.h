/*
 * syscall.h - the guest kernel's system-call instruction, for the libc glue.
 *
 * Convention (guest-port/include/uapi/syscall.h): int $0x80 with rax = the
 * number and the arguments in rdi, rsi, rdx, r10, r8, r9; the result comes
 * back in rax, -errno on failure.  The kernel preserves every other
 * register, so only rax (and, to be safe, the flags) is clobbered; "memory"
 * because the kernel reads and writes through the pointer arguments.
 *
 * Only the SYS_* numbers are taken from the uapi header: its other names
 * (EPERM, O_CREAT, ...) would clash with newlib's, and abi_check.c proves
 * they carry the same values.
 */
#ifndef GUEST_LIBC_SYSCALL_H
#define GUEST_LIBC_SYSCALL_H

#include "uapi/syscall.h"

static inline long
sys_call6(long n, long a1, long a2, long a3, long a4, long a5, long a6)
{
    register long r10 __asm__("r10") = a4;
    register long r8 __asm__("r8") = a5;
    register long r9 __asm__("r9") = a6;
    long ret;

    __asm__ volatile("int $0x80"
                     : "=a"(ret)
                     : "a"(n), "D"(a1), "S"(a2), "d"(a3),
                       "r"(r10), "r"(r8), "r"(r9)
                     : "memory", "cc");
    return ret;
}

static inline long sys_call0(long n) { return sys_call6(n, 0, 0, 0, 0, 0, 0); }
static inline long sys_call1(long n, long a1) { return sys_call6(n, a1, 0, 0, 0, 0, 0); }
static inline long sys_call2(long n, long a1, long a2) { return sys_call6(n, a1, a2, 0, 0, 0, 0); }
static inline long sys_call3(long n, long a1, long a2, long a3) { return sys_call6(n, a1, a2, a3, 0, 0, 0); }

/*
 * Turn a raw kernel result into the C convention: a result in
 * [-4095, -1] is -errno, so set errno and return -1; anything else
 * (including a large address from mmap) is returned unchanged.
 */
long sys_result(long ret);

/* A raw call followed by sys_result, for the common case. */
#define SYSCALL0(n)             sys_result(sys_call0(n))
#define SYSCALL1(n, a)          sys_result(sys_call1(n, (long)(a)))
#define SYSCALL2(n, a, b)       sys_result(sys_call2(n, (long)(a), (long)(b)))
#define SYSCALL3(n, a, b, c)    sys_result(sys_call3(n, (long)(a), (long)(b), (long)(c)))

#endif
