/*
 * guest_mm_host.h - forced into the guest memory code (-include) for the
 * host tests: the physmap becomes a heap arena the test allocates.  Frame
 * pfn lives at guest_arena + (pfn - GUEST_ARENA_PFN0) * 4096.  Integer
 * arithmetic, so converting a stray address is defined behaviour.
 */
#ifndef GUEST_MM_HOST_H
#define GUEST_MM_HOST_H

#include <stdint.h>

extern unsigned char *guest_arena;

#define GUEST_ARENA_PFN0 0x100u     /* not 0: pfn 0 must not be special */

#define pfn_to_va(pfn) ((void *)((uintptr_t)guest_arena + \
        (((uint64_t)(pfn) - GUEST_ARENA_PFN0) << 12)))
#define va_to_pfn(va)  ((((uint64_t)(uintptr_t)(va) - (uint64_t)(uintptr_t)guest_arena) >> 12) \
        + GUEST_ARENA_PFN0)

#endif
