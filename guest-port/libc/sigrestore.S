/*
 * sigrestore.S - where a signal handler returns to.
 *
 * The kernel enters a handler with this address as its return address
 * (uapi_sigaction.restorer, set by sigaction()); the handler's ret lands
 * here and SYS_sigreturn restores the frame the kernel saved below.
 */
#include "uapi/syscall.h"

    .text
    .globl libc_sigrestore
    .type libc_sigrestore, @function
libc_sigrestore:
    mov     $SYS_sigreturn, %eax
    int     $0x80
    ud2                             /* sigreturn does not return here */
    .size libc_sigrestore, . - libc_sigrestore

    .section .note.GNU-stack, "", @progbits
