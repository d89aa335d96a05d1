/*
 * trampoline.S - where an application processor starts.
 *
 * A SIPI starts an AP in 16-bit real mode at TRAMPOLINE_PHYS (CS = 0x0800,
 * IP = 0).  smp.c copies this code there and fills in the data at its end:
 * a CR3 (an L4 below 4 GiB that maps this page 1:1 besides the
 * hypervisor's slots), the EFER bits to set, a stack and the C entry point.
 * The code goes real -> protected -> long mode and jumps to the entry.
 * It runs from a copy, so every address is TRAMPOLINE_PHYS + offset.
 */
#include <asm/layout.h>

#define T(x)  (TRAMPOLINE_PHYS + (x) - trampoline_start)

    .section .rodata.trampoline, "a"
    .global trampoline_start, trampoline_end
    .global tr_cr3, tr_efer, tr_stack, tr_entry

    .code16
trampoline_start:
    cli
    cld
    movw %cs, %ax
    movw %ax, %ds
    lgdtl (tr_gdt_ptr - trampoline_start)
    movl %cr0, %eax
    orl  $1, %eax                   /* PE */
    movl %eax, %cr0
    ljmpl $0x08, $T(tr_pm32)

    .code32
tr_pm32:
    movl $0x10, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    movl %cr4, %eax
    orl  $(1 << 5), %eax            /* PAE */
    movl %eax, %cr4
    movl T(tr_cr3), %eax
    movl %eax, %cr3
    movl $0xc0000080, %ecx          /* EFER */
    rdmsr
    orl  T(tr_efer), %eax
    wrmsr
    movl %cr0, %eax
    orl  $0x80010001, %eax          /* PG, WP, PE */
    movl %eax, %cr0
    ljmpl $0x18, $T(tr_lm64)

    .code64
tr_lm64:
    movq T(tr_stack), %rsp
    movq T(tr_entry), %rax
    xorl %ebp, %ebp
    jmp  *%rax

    .balign 8
tr_gdt:
    .quad 0
    .quad 0x00cf9a000000ffff        /* 0x08: 32-bit code */
    .quad 0x00cf92000000ffff        /* 0x10: data */
    .quad 0x00af9a000000ffff        /* 0x18: 64-bit code */
tr_gdt_ptr:
    .short tr_gdt_ptr - tr_gdt - 1
    .long  T(tr_gdt)
    .balign 8
tr_cr3:   .long 0
tr_efer:  .long 0
tr_stack: .quad 0
tr_entry: .quad 0
trampoline_end:
