/*
 * vm.h - user address spaces, the calls beyond defs.h.
 *
 * struct vm stays opaque: a sorted list of regions (each [start, end)
 * with HAL_PROT_* bits, demand-zero) and the backend's struct hal_as.
 * defs.h has the everyday calls; these are for exec (loading a vm that is
 * not the current one), mmap/brk checks and /proc.
 */
#ifndef GUEST_VM_H
#define GUEST_VM_H

#include "defs.h"

/* vm_find_free() searches upwards from here: far above any program's
 * image and heap, far below the stack exec puts under USER_TOP. */
#define VM_MMAP_BASE 0x0000100000000000ul

/*
 * Write n bytes from kernel memory src to user addresses [va, va+n) of
 * vm, whatever the regions' protection (exec fills read-only text this
 * way), faulting pages in and breaking copy-on-write shares as needed.
 * vm need not be the current address space.  0, -EFAULT if some byte is
 * outside every region, in a PROT_NONE region or not below USER_TOP,
 * -ENOMEM if out of frames
 * (bytes before the failure may have been written).
 */
int vm_copy_to(struct vm *vm, uint64_t va, const void *src, size_t n);

/* The region holding va: true and its bounds and HAL_PROT_* bits (any of
 * the out pointers may be NULL), or false if va is in no region. */
bool vm_region_at(struct vm *vm, uint64_t va, uint64_t *start, uint64_t *end,
                  unsigned *prot);

/* The lowest region that ends above va (to walk all regions: start at 0,
 * then ask again with the previous end): true and its bounds, or false. */
bool vm_region_after(struct vm *vm, uint64_t va, uint64_t *start, uint64_t *end,
                     unsigned *prot);

#endif
