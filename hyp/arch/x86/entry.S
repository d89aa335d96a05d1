/*
 * entry.S - interrupt and exception entry.
 *
 * One 16-byte stub per vector (vector_stubs + 16 * vector): it pushes a
 * zero where the CPU pushes no error code, then the vector number, and
 * jumps to trap_common, which saves the general registers in the layout of
 * struct cpu_regs (asm/traps.h) and calls trap_handler().
 */
#include <asm/layout.h>

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

    .text
    .balign 16
    .global vector_stubs
vector_stubs:
    vec = 0
    .rept 256
    .balign 16
    .if HAS_ERR(vec)
    .else
    pushq $0
    .endif
    pushq $vec
    jmp  trap_common
    vec = vec + 1
    .endr

trap_common:
    pushq %rax
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
    cld
    movq %rsp, %rdi
    call trap_handler
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
    addq $16, %rsp                  /* vector, error code */
    iretq
