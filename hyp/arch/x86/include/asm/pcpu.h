/*
 * pcpu.h - the per-pCPU reserved slot (L4 slot 256).
 *
 * Every pCPU maps its own pages at the same addresses in slot 256, in
 * both of its root tables: the hypervisor view and the guest view.  So
 * the IDT, GDT and TSS have one address everywhere (lidt/lgdt need a
 * virtual address valid in both views), the entry stubs can find "their"
 * CPU's data at a fixed address without trusting any guest register, and
 * the entry stacks exist in both views while CR3 changes under them.
 *
 *   +0x00000  pcpu page: struct pcpu_page            read-only
 *   +0x01000  GDT                                     read-only
 *   +0x02000  IDT                                     read-only
 *   +0x03000  TSS                                     read-only
 *   +0x08000  entry code (pv_entry.S), ENTRY_PAGES    read-only, executable
 *   +0x10000  guard, entry stack (TSS.RSP0)           read-write
 *   then      guard, IST stack #DF, guard, NMI, guard, #MC
 *
 * Read-only here means in both views: the hypervisor writes these pages
 * through the direct map.  A guest can read its pCPU's slot (the tables
 * are no secret) and, being supervisor code, read and write the entry
 * stacks while it runs.  So an entry from a guest leaves only the guest's
 * own register frame there and switches to the hypervisor stack (vmap, not
 * in the guest view) at once; the IST stacks can hold a little of an NMI
 * or machine-check handler's data.  Guests can never map anything in the
 * slot themselves.
 */
#ifndef ASM_PCPU_H
#define ASM_PCPU_H

#include <asm/layout.h>

#define PCPU_SLOT_BASE      0xffff800000000000
#define PCPU_PAGE_VA        (PCPU_SLOT_BASE + 0x0000)
#define PCPU_GDT_VA         (PCPU_SLOT_BASE + 0x1000)
#define PCPU_IDT_VA         (PCPU_SLOT_BASE + 0x2000)
#define PCPU_TSS_VA         (PCPU_SLOT_BASE + 0x3000)
#define PCPU_ENTRY_VA       (PCPU_SLOT_BASE + 0x8000)
#define ENTRY_PAGES         4
#define PCPU_STACKS_VA      (PCPU_SLOT_BASE + 0x10000)
#define ENTRY_STACK_PAGES   8                  /* hypercalls run on it: 32 KiB */
/* Stack n (0 = entry, 1..3 = IST) occupies [bottom, top): a guard page below each. */
#define PCPU_STACK_SPAN     ((ENTRY_STACK_PAGES + 1) * 0x1000)
#define PCPU_STACK_BOTTOM(n) (PCPU_STACKS_VA + (n) * PCPU_STACK_SPAN + 0x1000)
#define PCPU_STACK_TOP(n)    (PCPU_STACK_BOTTOM(n) + ENTRY_STACK_PAGES * 0x1000)

/* struct pcpu_page field offsets, for the entry stubs. */
#define PCPU_HV_CR3         0x00
#define PCPU_GV_CR3         0x08
#define PCPU_CPU            0x10
#define PCPU_HV_STACK       0x18

#ifndef __ASSEMBLY__
#include <stdint.h>
struct cpu;
struct pcpu_page {
    uint64_t hv_cr3;        /* this pCPU's hypervisor-view root */
    uint64_t gv_cr3;        /* this pCPU's guest-view root */
    struct cpu *cpu;        /* this pCPU's struct cpu */
    uint64_t hv_stack;      /* top of the stack hypervisor code runs on after a guest entry */
};
#endif

#endif
