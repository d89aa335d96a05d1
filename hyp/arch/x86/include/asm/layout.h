/*
 * layout.h - where things live in the hypervisor's virtual address space.
 *
 * The hypervisor keeps to L4 slots 256..271 (0xffff800000000000 up to
 * 0xffff880000000000), as Xen does; guests will own every other slot.
 *
 *   slot 256  0xffff800000000000  reserved: the per-pCPU guest-view slot
 *                                 (read-only IDT/GDT/TSS, entry stubs)
 *   slot 257  0xffff808000000000  the hypervisor image (phys + IMAGE_OFFSET)
 *   slot 258  0xffff810000000000  vmap: stacks with guard pages, MMIO
 *   slot 262  0xffff830000000000  direct map of all RAM (phys + DIRECTMAP_BASE),
 *                                 up to 4 slots = 2 TiB
 *
 * This file is included from assembly too: constants only.
 */
#ifndef ASM_LAYOUT_H
#define ASM_LAYOUT_H

#define HYP_L4_FIRST        256
#define HYP_L4_LAST         271

#define IMAGE_L4_SLOT       257
#define IMAGE_OFFSET        0xffff808000000000
#define IMAGE_PHYS          0x200000          /* where GRUB loads us: 2 MiB */

#define VMAP_L4_SLOT        258
#define VMAP_BASE           0xffff810000000000
#define VMAP_SIZE           0x0000008000000000  /* one slot, 512 GiB */

#define DIRECTMAP_L4_SLOT   262
#define DIRECTMAP_BASE      0xffff830000000000
#define DIRECTMAP_SLOTS     4
#define DIRECTMAP_MAX_PHYS  (DIRECTMAP_SLOTS * 0x8000000000)

#define STACK_PAGES         4                 /* 16 KiB per stack */
#define TRAMPOLINE_PHYS     0x8000            /* AP start-up code, SIPI vector 0x08 */

/* GDT selectors.  sysret needs user data at STAR_SEL+8, user code at +16. */
#define SEL_HYP_CS          0x08
#define SEL_HYP_DS          0x10
#define SEL_GUEST_KCS       0x19              /* ring-1 64-bit code (PV guest kernels) */
#define SEL_GUEST_KDS       0x21              /* ring-1 data */
#define SEL_USER_DS         0x2b              /* ring-3 data */
#define SEL_USER_CS         0x33              /* ring-3 64-bit code */
#define SEL_TSS             0x38
#define GDT_ENTRIES         9                 /* the TSS takes two */

#endif
