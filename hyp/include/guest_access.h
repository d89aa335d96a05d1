/*
 * guest_access.h - reading and writing guest memory from a hypercall.
 *
 * Only hypercalls/ uses these.  A guest pointer is checked (canonical,
 * below the hypervisor's range or above it, the range not wrapping) and
 * the copy runs with fault fixups in the current vCPU's page tables, so
 * an unmapped or hypervisor-owned address gives -EFAULT, never a crash.
 * Copy a guest structure in once, check it, act on the copy: never read
 * the guest's memory twice for one decision.
 */
#ifndef HYP_GUEST_ACCESS_H
#define HYP_GUEST_ACCESS_H

#include <stddef.h>
#include <stdint.h>

/* Is [va, va + len) a range a guest may name? (canonical, no wrap, not the hypervisor's) */
int guest_range_ok(uint64_t va, size_t len);

/* Copy from / to the current vCPU's address space.  0, or -EFAULT. */
int copy_from_guest(void *dst, uint64_t guest_va, size_t len);
int copy_to_guest(uint64_t guest_va, const void *src, size_t len);

#endif
