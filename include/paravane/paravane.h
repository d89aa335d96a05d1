/*
 * paravane.h - the Paravane hypercall interface: numbers, calling
 * convention, common types and error codes.
 *
 * This is the public ABI shared by the hypervisor, guest kernels and the
 * dom0 tools.  docs/abi.md documents every hypercall.  Every structure
 * here has a fixed layout (fixed-width fields, explicit padding, sizes
 * stated) and the same meaning for every guest.
 *
 * CALLING CONVENTION (x86-64, guest kernel in ring 1)
 *   int $0x82 with
 *     rax = hypercall number (HYPERCALL_*)
 *     rdi, rsi, rdx, r10, r8 = arguments 1..5
 *   returns in rax: >= 0 on success, a negative PV_E* code on error.
 *   Every other register is preserved.  The gate has DPL 1: the same
 *   instruction from ring 3 raises #GP, which goes to the guest kernel.
 *
 * VERSIONING
 *   PARAVANE_INTERFACE_VERSION is bumped on any incompatible change; the
 *   version hypercall returns the hypervisor's.  Hypercall numbers and
 *   sub-op numbers are never reused: a dropped call keeps its slot.
 */
#ifndef PARAVANE_PUBLIC_H
#define PARAVANE_PUBLIC_H

#include <stdint.h>

#define PARAVANE_INTERFACE_VERSION 0x00000001

/* Hypercall numbers. */
#define HYPERCALL_set_trap_table      0
#define HYPERCALL_mmu_update          1
#define HYPERCALL_mmuext_op           2
#define HYPERCALL_update_va_mapping   3
#define HYPERCALL_stack_switch        4
#define HYPERCALL_set_callbacks       5
#define HYPERCALL_set_segment_base    6
#define HYPERCALL_multicall           7
#define HYPERCALL_console_io          8
#define HYPERCALL_sched_op            9
#define HYPERCALL_set_timer_op       10
#define HYPERCALL_event_channel_op   11
#define HYPERCALL_vcpu_op            12
#define HYPERCALL_version            13
#define HYPERCALL_domctl             14   /* reserved: dom0 domain management */
#define HYPERCALL_sysctl             15   /* dom0: scheduler controls (sysctl.h) */
#define NR_HYPERCALLS                16

#define HYPERCALL_VECTOR           0x82   /* int $0x82, from ring 1 only */
#define SYSCALL_VECTOR             0x80   /* int $0x80, ring 3 -> guest ring 1, no hypervisor */

/* Error codes: negative, with Linux's errno values. */
#define PV_EPERM        1    /* not allowed (e.g. not privileged) */
#define PV_ENOENT       2
#define PV_ESRCH        3    /* no such domain */
#define PV_EINTR        4
#define PV_E2BIG        7
#define PV_EBADF        9
#define PV_EAGAIN      11    /* try again (e.g. preempted batch) */
#define PV_ENOMEM      12
#define PV_EACCES      13
#define PV_EFAULT      14    /* a guest pointer could not be read or written */
#define PV_EBUSY       16    /* in use (e.g. unpinning a loaded page table) */
#define PV_EEXIST      17
#define PV_ENODEV      19
#define PV_EINVAL      22    /* a bad argument */
#define PV_ENOSPC      28
#define PV_ERANGE      34
#define PV_ENOSYS      38    /* no such hypercall or sub-op */
#define PV_ETIMEDOUT  110

/*
 * HYPERVISOR_multicall(struct multicall_entry calls[], unsigned count)
 *   Make count hypercalls (count <= 64) in one entry, in order; each
 *   entry's result gets that call's return value.  Returns 0, or -EFAULT /
 *   -E2BIG if the array itself is bad.  A multicall may not contain a
 *   multicall (-EINVAL in that entry).  An entry that blocks the vCPU
 *   (SCHEDOP_block or poll going to sleep) or ends the domain ends the
 *   batch: the entries after it are not made and get -EAGAIN.  A yield
 *   takes effect after the batch.  Pointers in args are read as for a
 *   direct call.
 */
struct multicall_entry {
    uint64_t op;             /* IN: HYPERCALL_* */
    int64_t  result;         /* OUT */
    uint64_t args[6];        /* IN */
};                           /* 64 bytes */
#define MULTICALL_MAX 64

/* Domain ids. */
typedef uint16_t domid_t;
#define DOMID_SELF      0x7FF0u  /* "the calling domain" where an id is taken */

/* Guest segment selectors (the GDT is the hypervisor's; guests use these). */
#define PV_KERNEL_CS   0x19     /* ring-1 64-bit code */
#define PV_KERNEL_DS   0x21     /* ring-1 data / stack */
#define PV_USER_DS     0x2b     /* ring-3 data / stack */
#define PV_USER_CS     0x33     /* ring-3 64-bit code */

/*
 * Guest virtual addresses the hypervisor keeps for itself: L4 slots
 * 256..271 (0xffff800000000000 - 0xffff87ffffffffff).  A guest can never
 * map anything there; the per-CPU reserved slot (256) shows read-only
 * hypervisor pages in every guest's address space.
 */
#define PV_HYPERVISOR_VIRT_START  0xffff800000000000ull
#define PV_HYPERVISOR_VIRT_END    0xffff880000000000ull

/*
 * In slot 256 a guest sees its pCPU's read-only IDT, GDT, TSS and entry
 * code, and the pCPU's entry and IST stacks.  The CPU writes those stacks
 * when it enters the hypervisor, so paging cannot keep ring 1 (a
 * supervisor ring) from writing them too; between entries they hold
 * nothing but the guest's own register frame.  Everything else in the
 * hypervisor's slots is read-only or not mapped for a guest.
 */
#define PV_SLOT256_STACKS_START   (PV_HYPERVISOR_VIRT_START + 0x10000)
#define PV_SLOT256_STACKS_END     (PV_HYPERVISOR_VIRT_START + 0x10000 + 4 * 0x9000)

#endif
