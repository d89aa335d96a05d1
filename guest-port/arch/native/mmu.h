/*
 * mmu.h - x86-64 paging and segmentation constants of the native backend.
 * Included from assembly too, so only #defines outside __ASSEMBLY__.
 */
#ifndef NATIVE_MMU_H
#define NATIVE_MMU_H

/* Page-table entry bits */
#define PTE_P     0x001ull      /* present */
#define PTE_W     0x002ull      /* writable */
#define PTE_U     0x004ull      /* user */
#define PTE_PWT   0x008ull      /* write-through */
#define PTE_PCD   0x010ull      /* cache disable */
#define PTE_A     0x020ull      /* accessed */
#define PTE_D     0x040ull      /* dirty */
#define PTE_PS    0x080ull      /* 2 MiB page (in an L2 entry) */
#define PTE_NX    0x8000000000000000ull
#define PTE_ADDR  0x000ffffffffff000ull   /* frame address bits */

#define L4_SLOT(va)  (((va) >> 39) & 511)
#define L3_SLOT(va)  (((va) >> 30) & 511)
#define L2_SLOT(va)  (((va) >> 21) & 511)
#define L1_SLOT(va)  (((va) >> 12) & 511)

#define PHYSMAP_L4_SLOT  272
#define KERNEL_L4_SLOT   511
/* The kernel is linked at KERNEL_BASE + KERNEL_PHYS and loaded at KERNEL_PHYS. */
#define KERNEL_PHYS      0x100000
#define KERNEL_VBASE     0xffffffff80000000
/* The local APIC's registers: a 4 KiB uncached window at -1 GiB
 * (kernel L3 slot 511; the image uses slot 510). */
#define APIC_VA          0xffffffffc0000000

#define HUGE_PAGE_SIZE   0x200000

/* GDT selectors.  User data sits before user code, the order SYSRET would
 * need (harmless for iretq, which we use). */
#define SEL_KCODE   0x08
#define SEL_KDATA   0x10
#define SEL_UDATA   0x18
#define SEL_UCODE   0x20
#define SEL_TSS     0x28        /* 16 bytes: slots 5 and 6 */
#define RPL_USER    3

/* Interrupt vectors of the native backend (exceptions are 0..31). */
#define VEC_PIC_BASE     0x20   /* 8259 IRQ n at 0x20 + n */
#define VEC_COM1         (VEC_PIC_BASE + 4)
#define VEC_SYSCALL      0x80
#define VEC_TIMER        0x40   /* local APIC timer */
#define VEC_APIC_SPURIOUS 0xff

/* Control-register and EFER bits */
#define CR0_MP   (1u << 1)
#define CR0_EM   (1u << 2)
#define CR0_TS   (1u << 3)
#define CR0_WP   (1u << 16)
#define CR4_PAE  (1u << 5)
#define CR4_OSFXSR     (1u << 9)
#define CR4_OSXMMEXCPT (1u << 10)
#define MSR_EFER       0xc0000080
#define EFER_LME       (1u << 8)
#define EFER_NXE       (1u << 11)

#define RFLAGS_IF   0x200ull
#define RFLAGS_IOPL 0x3000ull

#endif
