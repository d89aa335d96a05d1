/*
 * uaccess.c - copying to and from guest memory.
 *
 * The hypervisor view maps the running guest's L4 entries, so a guest
 * address can be used directly once it is checked to be a guest address.
 * The copy itself may still fault (unmapped, read-only): the faulting
 * instruction is in the exception table, and the fault handler resumes at
 * the fixup, which reports -EFAULT.
 */
#include "guest_access.h"
#include "errno.h"
#include <paravane/paravane.h>

#define LOWER_HALF_END  0x0000800000000000ull

int guest_range_ok(uint64_t va, size_t len)
{
    uint64_t end = va + len;
    if (end < va)
        return 0;                                   /* wraps */
    if (end <= LOWER_HALF_END)
        return 1;                                   /* lower half */
    return va >= PV_HYPERVISOR_VIRT_END;            /* upper half, above the hypervisor */
}

int guest_va_ok(uint64_t va)
{
    return guest_range_ok(va, 1);
}

/* rep movsb with a fixup: 0, or -EFAULT if any byte faulted. */
static int copy_bytes(void *dst, const void *src, size_t n)
{
    int err;
    __asm__ volatile(
        "1:  rep movsb\n\t"
        "    xorl %[err], %[err]\n"
        "2:\n\t"
        ".pushsection .text.fixup, \"ax\"\n"
        "3:  movl %[efault], %[err]\n\t"
        "    jmp 2b\n\t"
        ".popsection\n\t"
        ".pushsection .extable, \"a\"\n\t"
        ".balign 8\n\t"
        ".quad 1b, 3b\n\t"
        ".popsection"
        : [err] "=&r"(err), "+D"(dst), "+S"(src), "+c"(n)
        : [efault] "i"(-EFAULT)
        : "memory");
    return err;
}

int copy_from_guest(void *dst, uint64_t guest_va, size_t len)
{
    if (!guest_range_ok(guest_va, len))
        return -EFAULT;
    return copy_bytes(dst, (const void *)guest_va, len);
}

int copy_to_guest(uint64_t guest_va, const void *src, size_t len)
{
    if (!guest_range_ok(guest_va, len))
        return -EFAULT;
    return copy_bytes((void *)guest_va, src, len);
}
