/*
 * entry.S - ring-1 entry points: one stub per exception vector, the event
 * and failsafe callbacks, and the way into and back out of ring 3.
 *
 * The hypervisor bounces an exception by pushing, on the ring-1 stack,
 * the frame the CPU would: [error code,] rip, cs, rflags, rsp, ss.  Each
 * stub pushes a 0 error code if the vector has none, then the vector, so
 * every entry builds the same struct exc_frame (lib.h); the C handler may
 * change the frame, and we return with iretq.
 */
#include "asm.h"

.macro SAVE_ALL
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
.endm

.macro RESTORE_ALL
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
.endm

/* Save, call handler(struct exc_frame *) on a 16-byte aligned stack, restore, iretq. */
.macro ENTRY_BODY handler
    SAVE_ALL
    cld
    mov %rsp, %rdi
    mov %rsp, %rbp                  /* the frame: rbp is callee-saved */
    and $-16, %rsp
    call \handler
    mov %rbp, %rsp
    RESTORE_ALL
    add $16, %rsp                   /* vector, error code */
    iretq
.endm

    .text
    .code64

/* has_ec: the CPU pushes an error code for this vector (and so does the bounce). */
.macro EXC_STUB vec, has_ec
    .p2align 4
exc_stub_\vec:
    .if \has_ec == 0
    push $0
    .endif
    push $\vec
    jmp exc_common
.endm

EXC_STUB 0, 0
EXC_STUB 1, 0
EXC_STUB 2, 0
EXC_STUB 3, 0
EXC_STUB 4, 0
EXC_STUB 5, 0
EXC_STUB 6, 0
EXC_STUB 7, 0
EXC_STUB 8, 1
EXC_STUB 9, 0
EXC_STUB 10, 1
EXC_STUB 11, 1
EXC_STUB 12, 1
EXC_STUB 13, 1
EXC_STUB 14, 1
EXC_STUB 15, 0
EXC_STUB 16, 0
EXC_STUB 17, 1
EXC_STUB 18, 0
EXC_STUB 19, 0
EXC_STUB 20, 0
EXC_STUB 21, 1
EXC_STUB 22, 0
EXC_STUB 23, 0
EXC_STUB 24, 0
EXC_STUB 25, 0
EXC_STUB 26, 0
EXC_STUB 27, 0
EXC_STUB 28, 0
EXC_STUB 29, 1
EXC_STUB 30, 1
EXC_STUB 31, 0

    .p2align 4
exc_common:
    ENTRY_BODY do_exception

/* Event callback: entered like an interrupt (no error code), events masked. */
    .p2align 4
    .globl event_entry
event_entry:
    push $0
    push $VEC_EVENT
    ENTRY_BODY do_event

    .p2align 4
    .globl failsafe_entry
failsafe_entry:
    push $0
    push $VEC_FAILSAFE
    ENTRY_BODY do_failsafe

/*
 * exinfo_t exec_user_asm(uint64_t rip, uint64_t rsp)
 * Enter ring 3 at rip with stack rsp.  The exception that ends the
 * excursion arrives on the stack_switch stack; do_exception points its
 * frame at user_return with rsp = user_saved_rsp and rax = the exinfo,
 * and iretq brings us back here in ring 1.
 */
    .globl exec_user_asm
exec_user_asm:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, user_saved_rsp(%rip)
    pushq $GUEST_USER_DS            /* ss */
    push %rsi                       /* rsp */
    pushfq                          /* rflags: IF as now; iretq from ring 1 cannot change IOPL/IF */
    andq $~0x40500, (%rsp)          /* no TF, DF, AC */
    pushq $GUEST_USER_CS            /* cs */
    push %rdi                       /* rip */
    xor %eax, %eax                  /* leak nothing to ring 3 */
    xor %ebx, %ebx
    xor %ecx, %ecx
    xor %edx, %edx
    xor %esi, %esi
    xor %edi, %edi
    xor %ebp, %ebp
    xor %r8d, %r8d
    xor %r9d, %r9d
    xor %r10d, %r10d
    xor %r11d, %r11d
    xor %r12d, %r12d
    xor %r13d, %r13d
    xor %r14d, %r14d
    xor %r15d, %r15d
    iretq

    .globl user_return
user_return:
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret

    .section .rodata
    .balign 8
    .globl exc_stubs
exc_stubs:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .quad exc_stub_\v
    .endr

    .section .note.GNU-stack, "", @progbits
