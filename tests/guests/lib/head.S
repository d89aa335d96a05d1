/*
 * head.S - the Paravane ELF note and the entry point of every test guest.
 *
 * The hypervisor (or domain builder) refuses an ELF without the note
 * (paravane/elfnote.h).  It starts us in ring 1 at _start with
 *   rsi = our struct start_info, rsp = top of the boot stack,
 * events masked.  We align the stack and call guest_start(si), which
 * never returns.
 */
#include <paravane/elfnote.h>
#include "asm.h"

    .section .note.paravane, "a"
    .balign 4
    .long 2f - 1f                   /* namesz: "Paravane\0" = 9 */
    .long 4f - 3f                   /* descsz: 4 */
    .long PV_ELFNOTE_ABI
1:  .asciz PV_ELFNOTE_NAME
2:  .balign 4
3:  .long GUEST_NOTE_VERSION
4:  .balign 4

    .section .text.head, "ax"
    .code64
    .globl _start
    .type _start, @function
_start:
    mov %rsp, boot_rsp(%rip)
    mov %rsi, %rdi                  /* guest_start(struct start_info *si) */
    and $-16, %rsp                  /* the ABI wants rsp % 16 == 0 at a call */
    xor %ebp, %ebp                  /* end of the frame-pointer chain */
    call guest_start
1:  ud2                             /* guest_start does not return */
    jmp 1b
    .size _start, . - _start

    .data
    .balign 8
    .globl boot_rsp
boot_rsp:
    .quad 0

    .section .note.GNU-stack, "", @progbits
