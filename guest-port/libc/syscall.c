/*
 * syscall.c - the error half of the system-call convention.
 */
#include <errno.h>

#include "syscall.h"

/* The largest errno the kernel may return (negated).  Addresses and sizes
 * never come this close to -1 in a 47-bit user address space. */
#define MAX_ERRNO 4095

long
sys_result(long ret)
{
    if (ret < 0 && ret >= -MAX_ERRNO) {
        errno = (int)-ret;
        return -1;
    }
    return ret;
}
