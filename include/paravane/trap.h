/*
 * trap.h - how a guest kernel takes exceptions, system calls and events.
 *
 * HYPERVISOR_set_trap_table(const struct trap_info table[])
 *   Register ring-1 handlers.  The table ends with an entry whose address
 *   is 0; at most 256 entries.  Each handler must be in the guest's
 *   kernel (not the hypervisor's range, canonical) with cs = PV_KERNEL_CS.
 *   Vector 0x80 (SYSCALL_VECTOR) with dpl 3 becomes a real IDT gate: a
 *   ring-3 `int $0x80` enters the guest kernel directly, without the
 *   hypervisor.  Other vectors 0..31 are exceptions the hypervisor bounces
 *   to the handler.  A table with one bad entry is refused whole
 *   (-EINVAL) and the old one stays.
 *
 * A bounce builds, on the guest kernel's stack (the current ring-1 stack,
 * or kernel_sp from stack_switch if the guest was in ring 3), the frame
 * the CPU would: [error code,] rip, cs, rflags, rsp, ss; the handler
 * returns with iretq.  For a page fault, vcpu_info.cr2 holds the address.
 * A guest that takes an exception with no handler, or whose stack cannot
 * take the frame, is crashed.
 *
 * HYPERVISOR_stack_switch(uint64_t ss, uint64_t sp)
 *   The ring-1 stack used when an event or exception arrives in ring 3
 *   (TSS.RSP1).  ss must be PV_KERNEL_DS.
 *
 * HYPERVISOR_set_callbacks(uint64_t event, uint64_t failsafe, uint64_t flags)
 *   event: entered like an interrupt when events are pending and unmasked;
 *   the hypervisor sets evtchn_upcall_mask first.  failsafe: entered when
 *   the hypervisor cannot return to the guest (reserved).
 *
 * HYPERVISOR_set_segment_base(unsigned which, uint64_t base)
 *   SEGBASE_FS, SEGBASE_GS: the vCPU's FS or GS base (wrfsbase is not
 *   available to ring 1).  Kept per vCPU across context switches.
 */
#ifndef PARAVANE_TRAP_H
#define PARAVANE_TRAP_H

#include "paravane.h"

struct trap_info {
    uint8_t  vector;          /* 0..31, or SYSCALL_VECTOR */
    uint8_t  dpl;             /* lowest ring that may `int` it: 1 or 3 for 0x80, else 0 */
    uint16_t cs;              /* PV_KERNEL_CS */
    uint32_t pad;
    uint64_t address;         /* handler; 0 ends the table */
};                            /* 16 bytes */

#define SEGBASE_FS  0
#define SEGBASE_GS  1

#endif
