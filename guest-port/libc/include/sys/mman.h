/*
 * sys/mman.h - anonymous memory mappings (newlib has no such header).
 * The values are the kernel's (uapi/abi.h), checked by abi_check.c.
 */
#ifndef _SYS_MMAN_H_
#define _SYS_MMAN_H_

#include <sys/types.h>

#define PROT_NONE  0
#define PROT_READ  1
#define PROT_WRITE 2
#define PROT_EXEC  4

#define MAP_SHARED    0x01
#define MAP_PRIVATE   0x02
#define MAP_FIXED     0x10
#define MAP_ANONYMOUS 0x20
#define MAP_ANON      MAP_ANONYMOUS

#define MAP_FAILED ((void *)-1)

#ifdef __cplusplus
extern "C" {
#endif

/* Only anonymous mappings (fd -1, off 0); MAP_FAILED with errno on error. */
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int munmap(void *addr, size_t len);

#ifdef __cplusplus
}
#endif

#endif
