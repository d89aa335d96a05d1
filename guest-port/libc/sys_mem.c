/*
 * sys_mem.c - the heap (sbrk, which newlib's malloc grows) and anonymous
 * mmap/munmap.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "glue.h"
#include "syscall.h"

/* The current break; 0 until the kernel has been asked. */
static uintptr_t heap_end;

/*
 * Moves the break by incr bytes (either way) and returns the old break,
 * or (void *)-1 with errno ENOMEM.  SYS_brk returns the break in force
 * afterwards, the old one if the request was refused.
 */
void *
_sbrk(ptrdiff_t incr)
{
    uintptr_t old, want;

    if (heap_end == 0)
        heap_end = (uintptr_t)sys_call1(SYS_brk, 0);
    old = heap_end;
    want = old + (uintptr_t)incr;
    if ((incr > 0 && want < old) || (incr < 0 && want > old)) {
        errno = ENOMEM;
        return (void *)-1;
    }
    if (incr != 0) {
        uintptr_t got = (uintptr_t)sys_call1(SYS_brk, (long)want);
        if (got != want) {
            errno = ENOMEM;
            return (void *)-1;
        }
        heap_end = got;
    }
    return (void *)old;
}
GLUE_ALIAS(sbrk, _sbrk);

void *
mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    return (void *)sys_result(sys_call6(SYS_mmap, (long)addr, (long)len, prot,
                                        flags, fd, (long)off));
}

int
munmap(void *addr, size_t len)
{
    return (int)SYSCALL2(SYS_munmap, addr, len);
}
