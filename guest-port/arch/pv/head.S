/*
 * head.S - the Paravane ELF note and the kernel's first instruction.
 *
 * The hypervisor refuses a PV kernel without the note (paravane/elfnote.h).
 * It starts us in ring 1 at _start with rsi = our struct start_info,
 * rsp = the top of the boot stack (in the bootstrap mapping), events
 * masked.  pv_start(si) never returns: the boot stack stays kmain's.
 */
#include <paravane/elfnote.h>
#include "pv.h"

    .section .note.paravane, "a"
    .balign 4
    .long 2f - 1f                   /* namesz: "Paravane\0" */
    .long 4f - 3f                   /* descsz: 4 */
    .long PV_ELFNOTE_ABI
1:  .asciz PV_ELFNOTE_NAME
2:  .balign 4
3:  .long PV_ASM_INTERFACE_VERSION
4:  .balign 4

    .section .text.head, "ax"
    .code64
    .globl _start
_start:
    mov %rsi, %rdi                  /* pv_start(const struct start_info *si) */
    and $-16, %rsp
    xor %ebp, %ebp                  /* the end of the frame-pointer chain */
    call pv_start
1:  ud2
    jmp 1b

    .section .note.GNU-stack, "", @progbits
