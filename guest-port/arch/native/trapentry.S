/*
 * trapentry.S - interrupt and exception entry, the way back to user mode,
 * and the kernel context switch.
 *
 * Every vector has a 16-byte stub (trap_stubs + 16 * vector) that makes
 * the stack look the same whatever the CPU pushed: a 0 where there is no
 * error code, then the vector.  trap_common completes struct trapframe
 * (hal.h) on the stack below the CPU's frame; its field order, from the
 * lowest address:
 *   r15 r14 r13 r12 r11 r10 r9 r8 rbp rdi rsi rdx rcx rbx rax
 *   vector error fault_addr | rip cs rflags rsp ss (pushed by the CPU)
 */
#include "mmu.h"

/* Exceptions for which the CPU pushes an error code. */
#define HAS_ERROR(v) ((v) == 8 || (v) == 10 || (v) == 11 || (v) == 12 || \
                      (v) == 13 || (v) == 14 || (v) == 17 || (v) == 21 || \
                      (v) == 29 || (v) == 30)

    .text
    .balign 16
    .global trap_stubs
trap_stubs:
    .set vec, 0
    .rept 256
    .balign 16
    .if !HAS_ERROR(vec)
    pushq $0
    .endif
    pushq $vec
    jmp  trap_common
    .set vec, vec + 1
    .endr

/*
 * On entry: 0(%rsp) vector, 8 error, 16 rip...  The error code must move
 * one slot down to make room for fault_addr next to rip.
 */
trap_common:
    subq $8, %rsp
    pushq %rax
    movq 16(%rsp), %rax             /* vector */
    movq %rax, 8(%rsp)
    movq 24(%rsp), %rax             /* error */
    movq %rax, 16(%rsp)
    xorl %eax, %eax
    cmpq $14, 8(%rsp)               /* #PF: the address is in CR2 */
    jne  1f
    movq %cr2, %rax
1:  movq %rax, 24(%rsp)
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    cld                             /* the C ABI wants DF clear */
    movq %rsp, %rdi
    /* The CPU aligned the stack to 16 before its frame; 184 bytes since. */
    subq $8, %rsp
    call native_trap
    addq $8, %rsp
    /* fall through */

/* Resume the trapframe at %rsp. */
trapret:
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $24, %rsp                  /* vector, error, fault_addr */
    iretq

/* void trapret_to(struct trapframe *tf): resume tf, wherever it is. */
    .global trapret_to
trapret_to:
    movq %rdi, %rsp
    jmp  trapret

/*
 * void hal_switch(struct hal_context **from, struct hal_context *to)
 * Saves the callee-saved registers on this stack, stores the stack
 * pointer (= the struct hal_context) in *from, and resumes to.
 * Layout of struct hal_context: r15 r14 r13 r12 rbx rbp rip.
 */
    .global hal_switch
hal_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
