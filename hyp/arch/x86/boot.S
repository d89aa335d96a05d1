/*
 * boot.S - the Multiboot2 header and the way from GRUB's 32-bit protected
 * mode to 64-bit C code in the high half.
 *
 * GRUB enters _start32 with paging off, EAX = the Multiboot2 magic and
 * EBX = the physical address of the boot information.  We build a minimal
 * set of page tables (the first 4 GiB mapped three times: identity, at
 * IMAGE_OFFSET and at DIRECTMAP_BASE, with 2 MiB pages), enter long mode,
 * jump to the high-half copy of ourselves and call hyp_start(magic, mbi).
 * hyp_start() then builds the real page tables and drops these.
 */
#include <asm/layout.h>

#define PHYS(x)   ((x) - IMAGE_OFFSET)

#define MB2_MAGIC        0xe85250d6
#define MB2_BOOT_MAGIC   0x36d76289
#define MB2_ARCH_I386    0
#define MB2_HDR_LEN      (mb2_header_end - mb2_header)

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
    movl %eax, %edi                 /* keep magic and MBI for hyp_start */
    movl %ebx, %esi
    movl $PHYS(boot_stack_top), %esp

    cmpl $MB2_BOOT_MAGIC, %eax
    jne  no_multiboot

    /* Long mode? (CPUID 0x80000001 EDX bit 29) */
    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb   no_long_mode
    movl $0x80000001, %eax
    cpuid
    testl $(1 << 29), %edx
    jz   no_long_mode
    movl %edx, %ebp                 /* bit 20 = NX, checked below */

    /* boot_pd[0..2047]: 2 MiB pages covering 0..4 GiB. */
    movl $PHYS(boot_pd), %ebx
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $21, %eax
    orl  $0x83, %eax                /* present, writable, 2 MiB */
    movl %eax, (%ebx, %ecx, 8)
    movl %ecx, %eax
    shrl $11, %eax                  /* bits 32+ of (ecx << 21) */
    movl %eax, 4(%ebx, %ecx, 8)
    incl %ecx
    cmpl $2048, %ecx
    jne  1b

    /* boot_pdpt[0..3] -> the four page directories. */
    movl $PHYS(boot_pdpt), %ebx
    movl $PHYS(boot_pd), %eax
    orl  $0x3, %eax
    xorl %ecx, %ecx
2:  movl %eax, (%ebx, %ecx, 8)
    addl $4096, %eax
    incl %ecx
    cmpl $4, %ecx
    jne  2b

    /* boot_l4: slot 0 (identity, for the jump), the image slot, the direct map. */
    movl $PHYS(boot_l4), %ebx
    movl $PHYS(boot_pdpt), %eax
    orl  $0x3, %eax
    movl %eax, (%ebx)
    movl %eax, (IMAGE_L4_SLOT * 8)(%ebx)
    movl %eax, (DIRECTMAP_L4_SLOT * 8)(%ebx)

    movl %cr4, %eax
    orl  $(1 << 5), %eax            /* PAE */
    movl %eax, %cr4
    movl $PHYS(boot_l4), %eax
    movl %eax, %cr3

    movl $0xc0000080, %ecx          /* EFER */
    rdmsr
    orl  $(1 << 8), %eax            /* LME */
    testl $(1 << 20), %ebp
    jz   3f
    orl  $(1 << 11), %eax           /* NXE, if the CPU has NX */
3:  wrmsr

    movl %cr0, %eax
    orl  $0x80010001, %eax          /* PG, WP, PE */
    movl %eax, %cr0

    lgdt PHYS(boot_gdt_ptr)
    ljmp $SEL_HYP_CS, $PHYS(start64_low)

/* Print a message on COM1 (already set up by GRUB or the BIOS) and stop. */
no_multiboot:
    movl $PHYS(msg_no_mb2), %esi
    jmp  die32
no_long_mode:
    movl $PHYS(msg_no_lm), %esi
die32:
    movw $0x3f8, %dx
4:  lodsb
    testb %al, %al
    jz   5f
    outb %al, %dx
    jmp  4b
5:  hlt
    jmp  5b

    .code64
start64_low:
    movabsq $start64_high, %rax
    jmp  *%rax

    .text
start64_high:
    movl $SEL_HYP_DS, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    xorl %eax, %eax
    movl %eax, %fs
    movl %eax, %gs
    leaq boot_stack_top(%rip), %rsp
    leaq boot_gdt_ptr64(%rip), %rax
    lgdt (%rax)

    /* Zero .bss (GRUB should have, but be sure); the stack is not in it. */
    leaq __bss_start(%rip), %rdx
    leaq __bss_end(%rip), %rcx
    subq %rdx, %rcx
    pushq %rdi
    movq %rdx, %rdi
    xorl %eax, %eax
    rep stosb
    popq %rdi

    xorl %ebp, %ebp                 /* ends backtraces */
    /* edi = magic, esi = MBI physical address (upper halves are zero) */
    call hyp_start
6:  cli
    hlt
    jmp  6b

    .section .rodata
msg_no_mb2: .asciz "Paravane: not started by a Multiboot2 loader, stopping.\r\n"
msg_no_lm:  .asciz "Paravane: this CPU has no 64-bit long mode, stopping.\r\n"

    /* A flat GDT for the boot: the real one is per-CPU (gdt.c). */
    .balign 16
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff        /* 0x08: 64-bit code, ring 0 */
    .quad 0x00cf92000000ffff        /* 0x10: data, ring 0 */
boot_gdt_end:
    .balign 8
    .short 0
boot_gdt_ptr:                       /* 32-bit form, physical base */
    .short boot_gdt_end - boot_gdt - 1
    .long  PHYS(boot_gdt)
    .balign 8
    .short 0,0,0
boot_gdt_ptr64:
    .short boot_gdt_end - boot_gdt - 1
    .quad  boot_gdt

    /* Boot page tables: in .data so they are zero in the file itself. */
    .data
    .balign 4096
    .global boot_l4
boot_l4:   .fill 512, 8, 0
boot_pdpt: .fill 512, 8, 0
boot_pd:   .fill 2048, 8, 0

    /*
     * The boot CPU's stack, with an unmapped guard page below it once the
     * real page tables are up (see paging.c).
     */
    .section .bss.stack, "aw", @nobits
    .balign 4096
    .global boot_stack_guard, boot_stack_bottom, boot_stack_top
boot_stack_guard:
    .skip 4096
boot_stack_bottom:
    .skip STACK_PAGES * 4096
boot_stack_top:
