/*
 * start.S - the Multiboot2 header and the way from GRUB's 32-bit protected
 * mode to native_start() in 64-bit C.
 *
 * GRUB enters _start32 with paging off, EAX = the Multiboot2 magic and
 * EBX = the physical address of the boot information (MBI).  We build
 * boot page tables with 2 MiB pages:
 *   L4 slot 0    identity map of 0..1 GiB, only for the jump to the high half;
 *   L4 slot 272  the same 0..1 GiB as a provisional physmap, so that C can
 *                read the MBI; boot.c replaces it with the real physmap;
 *   L4 slot 511  the kernel image at KERNEL_BASE (L3 slot 510), until
 *                pmap.c maps it with 4 KiB pages and proper permissions.
 * boot_l4 stays the kernel's master L4 for good: every address space
 * copies its slots 272 and 511 (pmap.c).
 */
#include "mmu.h"

#define PHYS(x)   ((x) - KERNEL_VBASE)

#define MB2_MAGIC        0xe85250d6
#define MB2_BOOT_MAGIC   0x36d76289
#define MB2_ARCH_I386    0
#define MB2_HDR_LEN      (mb2_header_end - mb2_header)
#define BOOT_STACK_SIZE  16384

    .section .multiboot, "a"
    .balign 8
mb2_header:
    .long MB2_MAGIC
    .long MB2_ARCH_I386
    .long MB2_HDR_LEN
    .long -(MB2_MAGIC + MB2_ARCH_I386 + MB2_HDR_LEN)
    /* entry address tag: GRUB jumps to the physical _start32 */
    .balign 8
    .short 3, 0
    .long 12
    .long PHYS(_start32)
    /* end tag */
    .balign 8
    .short 0, 0
    .long 8
mb2_header_end:

    .section .text.boot, "ax"
    .code32
    .global _start32
_start32:
    cli
    cld
    movl %eax, %edi                 /* magic and MBI for native_start */
    movl %ebx, %esi
    movl $PHYS(boot_stack_top), %esp

    cmpl $MB2_BOOT_MAGIC, %eax
    jne  no_multiboot

    /* Long mode (CPUID 0x80000001 EDX bit 29) and NX (bit 20) are required. */
    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb   no_long_mode
    movl $0x80000001, %eax
    cpuid
    testl $(1 << 29), %edx
    jz   no_long_mode
    testl $(1 << 20), %edx
    jz   no_nx

    /* boot_pd: 512 2 MiB pages, physical 0..1 GiB (present, writable, PS). */
    movl $PHYS(boot_pd), %ebx
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $21, %eax
    orl  $0x83, %eax
    movl %eax, (%ebx, %ecx, 8)
    incl %ecx
    cmpl $512, %ecx
    jne  1b

    /* kernel_pd: just the 2 MiB pages the image occupies, from physical 0. */
    movl $PHYS(__image_end), %edx
    addl $(HUGE_PAGE_SIZE - 1), %edx
    shrl $21, %edx
    movl $PHYS(kernel_pd), %ebx
    xorl %ecx, %ecx
2:  movl %ecx, %eax
    shll $21, %eax
    orl  $0x83, %eax
    movl %eax, (%ebx, %ecx, 8)
    incl %ecx
    cmpl %edx, %ecx
    jb   2b

    movl $PHYS(boot_pd), %eax
    orl  $0x3, %eax
    movl %eax, PHYS(boot_pdpt_low)
    movl $PHYS(kernel_pd), %eax
    orl  $0x3, %eax
    movl %eax, PHYS(boot_pdpt_high) + 510 * 8

    movl $PHYS(boot_pdpt_low), %eax
    orl  $0x3, %eax
    movl %eax, PHYS(boot_l4)
    movl %eax, PHYS(boot_l4) + PHYSMAP_L4_SLOT * 8
    movl $PHYS(boot_pdpt_high), %eax
    orl  $0x3, %eax
    movl %eax, PHYS(boot_l4) + KERNEL_L4_SLOT * 8

    movl %cr4, %eax
    orl  $CR4_PAE, %eax
    movl %eax, %cr4
    movl $PHYS(boot_l4), %eax
    movl %eax, %cr3

    movl $MSR_EFER, %ecx
    rdmsr
    orl  $(EFER_LME | EFER_NXE), %eax
    wrmsr

    movl %cr0, %eax
    orl  $0x80010001, %eax          /* PG, WP, PE */
    movl %eax, %cr0

    lgdt PHYS(boot_gdt_ptr)
    ljmp $SEL_KCODE, $PHYS(start64_low)

/* Print a message on COM1 (set up by the firmware) and stop. */
no_multiboot:
    movl $PHYS(msg_no_mb2), %esi
    jmp  die32
no_long_mode:
    movl $PHYS(msg_no_lm), %esi
    jmp  die32
no_nx:
    movl $PHYS(msg_no_nx), %esi
die32:
    movw $0x3f8, %dx
3:  lodsb
    testb %al, %al
    jz   4f
    outb %al, %dx
    jmp  3b
4:  hlt
    jmp  4b

    .code64
start64_low:
    movabsq $start64_high, %rax
    jmp  *%rax

    .text
start64_high:
    movl $SEL_KDATA, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    xorl %eax, %eax
    movl %eax, %fs
    movl %eax, %gs
    movabsq $boot_stack_top, %rsp
    movabsq $boot_gdt_ptr64, %rax
    lgdt (%rax)

    /* Zero .bss (the boot stack is not in it). */
    movabsq $__bss_start, %rdx
    movabsq $__bss_end, %rcx
    subq %rdx, %rcx
    pushq %rdi
    movq %rdx, %rdi
    xorl %eax, %eax
    rep stosb
    popq %rdi

    xorl %ebp, %ebp                 /* ends backtraces */
    /* edi = magic, esi = MBI physical address (upper halves are zero) */
    call native_start
5:  cli
    hlt
    jmp  5b

    .section .rodata
msg_no_mb2: .asciz "guest kernel: not started by a Multiboot2 loader\r\n"
msg_no_lm:  .asciz "guest kernel: this CPU has no 64-bit long mode\r\n"
msg_no_nx:  .asciz "guest kernel: this CPU has no NX bit\r\n"

    /* A flat GDT for the boot; gdt.c loads the real one. */
    .balign 16
boot_gdt:
    .quad 0
    /* Accessed bits preset: the CPU would write them, and this is rodata. */
    .quad 0x00af9b000000ffff        /* SEL_KCODE: 64-bit code, ring 0 */
    .quad 0x00cf93000000ffff        /* SEL_KDATA: data, ring 0 */
boot_gdt_end:
    .balign 8
    .short 0,0,0
boot_gdt_ptr:                       /* 32-bit form, physical base */
    .short boot_gdt_end - boot_gdt - 1
    .long  PHYS(boot_gdt)
    .balign 8
    .short 0,0,0
boot_gdt_ptr64:
    .short boot_gdt_end - boot_gdt - 1
    .quad  boot_gdt

    /* Boot page tables: in .data so that they are zero in the file itself. */
    .data
    .balign 4096
    .global boot_l4, boot_pdpt_high, kernel_pd
boot_l4:        .fill 512, 8, 0
boot_pdpt_low:  .fill 512, 8, 0
boot_pdpt_high: .fill 512, 8, 0
boot_pd:        .fill 512, 8, 0
kernel_pd:      .fill 512, 8, 0

    /* The boot stack (kmain's, and the scheduler's if the kernel keeps
     * it), above a guard page that pmap.c leaves unmapped: an overflow
     * becomes a double fault on the IST stack instead of silent damage. */
    .section .bss.stack, "aw", @nobits
    .balign 4096
    .global boot_stack_guard, boot_stack_top
boot_stack_guard:
    .skip 4096
boot_stack_bottom:
    .skip BOOT_STACK_SIZE
boot_stack_top:
