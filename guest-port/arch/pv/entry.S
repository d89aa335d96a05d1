/*
 * entry.S - every way into the ring-1 kernel and back out, and the kernel
 * context switch.
 *
 * Into the kernel (each builds a struct trapframe, hal.h, and calls C):
 *   exceptions   bounced by the hypervisor with the frame the CPU would
 *                push, [error,] rip, cs, rflags, rsp, ss;
 *   int $0x80    a real DPL-3 trap gate: straight from ring 3, no
 *                hypervisor entry;
 *   events       the upcall, entered like an interrupt with events masked.
 * From ring 3 the CPU (or the bounce) switches to the stack_switch stack,
 * aligned to 16, so a user trapframe always sits at exactly
 * kernel stack top - sizeof(struct trapframe).
 *
 * The kernel runs with events masked, user code with them unmasked.  An
 * entry from ring 3 arrives unmasked: each stub masks first.  An upcall
 * can still slip in before that first instruction (or be injected at once
 * on top of a bounced exception); it then finds ring-1 code outside
 * hal_idle and returns at once, leaving the event pending and events
 * masked.  Pending events are always looked at on the way back to ring 3:
 * the exit unmasks, then checks upcall_pending, then iretq's.  An upcall
 * that arrives inside that window abandons the exit and handles the events
 * on the user frame the exit was about to pop, so none is ever stranded
 * while user code runs.
 */
#include "pv.h"

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

/* With the frame complete below the hardware part: save, call fn(tf), resume tf. */
.macro CALL_WITH_FRAME fn
    SAVE_ALL
    cld
    mov %rsp, %rdi
    mov %rsp, %rbx                  /* callee-saved: the frame, across switches too */
    and $-16, %rsp
    call \fn
    mov %rbx, %rsp
    jmp pv_trap_return
.endm

    .text
    .code64

/*
 * One stub per exception.  With an error code (the hypervisor pushes one
 * for 10-14 and 17) the slot it sits in becomes fault_addr and a copy of
 * it goes below, so that every frame has the trapframe's layout.
 */
.macro EXC_STUB vec, has_ec
    .p2align 4
pv_exc_\vec:
    movb $1, PV_UPCALL_MASK(%rip)
    .if \has_ec
    push (%rsp)                     /* error */
    movq $0, 8(%rsp)                /* fault_addr (pv_trap fills it for #PF) */
    .else
    push $0                         /* fault_addr */
    push $0                         /* error */
    .endif
    push $\vec
    jmp pv_trap_common
.endm

EXC_STUB 0, 0
EXC_STUB 1, 0
EXC_STUB 2, 0
EXC_STUB 3, 0
EXC_STUB 4, 0
EXC_STUB 5, 0
EXC_STUB 6, 0
EXC_STUB 7, 0
EXC_STUB 8, 0
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
EXC_STUB 21, 0
EXC_STUB 22, 0
EXC_STUB 23, 0
EXC_STUB 24, 0
EXC_STUB 25, 0
EXC_STUB 26, 0
EXC_STUB 27, 0
EXC_STUB 28, 0
EXC_STUB 29, 0
EXC_STUB 30, 0
EXC_STUB 31, 0

    .p2align 4
pv_trap_common:
    CALL_WITH_FRAME pv_trap

/* int $0x80 from ring 3: a system call. */
    .p2align 4
    .globl pv_syscall_entry
pv_syscall_entry:
    movb $1, PV_UPCALL_MASK(%rip)
    push $0                         /* fault_addr */
    push $0                         /* error */
    push $0x80                      /* T_SYSCALL */
    jmp pv_trap_common

/* The event upcall: frame rip, cs, rflags, rsp, ss; events now masked. */
    .p2align 4
    .globl pv_upcall_entry
pv_upcall_entry:
    cmpq $pv_exit_window, (%rsp)
    jb 1f
    cmpq $pv_exit_window_end, (%rsp)
    ja 1f
    mov 24(%rsp), %rsp              /* abandon the exit: back to its user frame */
    jmp pv_upcall_frame
1:  testb $3, 8(%rsp)
    jnz pv_upcall_frame             /* from ring 3 */
    cmpb $0, pv_in_idle(%rip)
    jne pv_upcall_frame             /* hal_idle waits for exactly this */
    iretq                           /* elsewhere in ring 1: leave it pending, masked */
pv_upcall_frame:
    push $0
    push $0
    push $PV_VEC_UPCALL
    CALL_WITH_FRAME pv_upcall

    .p2align 4
    .globl pv_failsafe_entry
pv_failsafe_entry:
    push $0
    push $0
    push $PV_VEC_FAILSAFE
    CALL_WITH_FRAME pv_failsafe

/*
 * Resume the trapframe at rsp.  To ring 1: just pop it.  To ring 3: the
 * caller has flushed queued page-table work (pv_sync_for_user); unmask
 * events (a locked op: the store must be visible before pending is read),
 * and if one is pending, mask again and handle it on this very frame.
 */
    .globl pv_trap_return
pv_trap_return:
    testb $3, TF_CS(%rsp)
    jz 2f
    RESTORE_ALL
    add $24, %rsp                   /* vector, error, fault_addr */
pv_exit_window:
    lock andb $0, PV_UPCALL_MASK(%rip)
    cmpb $0, PV_UPCALL_PENDING(%rip)
    jne pv_exit_window_end
    iretq
pv_exit_window_end:
    movb $1, PV_UPCALL_MASK(%rip)
    jmp pv_upcall_frame
2:  RESTORE_ALL
    add $24, %rsp
    iretq

/* void pv_resume_user(struct trapframe *tf): never returns. */
    .globl pv_resume_user
pv_resume_user:
    mov %rdi, %rsp
    jmp pv_trap_return

/*
 * void hal_switch(struct hal_context **from, struct hal_context *to)
 * struct hal_context (cpu.c) is what this pushes: r15 r14 r13 r12 rbx rbp rip.
 */
    .globl hal_switch
hal_switch:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, (%rdi)
    mov %rsi, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret

/* A new context's first "return" lands here with fn in r12 (hal_context_init). */
    .globl pv_thread_start
pv_thread_start:
    and $-16, %rsp
    xor %ebp, %ebp
    call *%r12
1:  ud2                             /* fn must not return */
    jmp 1b

    .section .rodata
    .balign 8
    .globl pv_exc_stubs
pv_exc_stubs:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .quad pv_exc_\v
    .endr

    .section .note.GNU-stack, "", @progbits
