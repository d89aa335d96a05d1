/*
 * bench_entry.S - ring-3 code and entry points for the boot-time
 * micro-benchmarks (bench.c).
 *
 * bench_user_* is copied into a user page and run in ring 3 with
 * rdi = iterations and rsi = mode (0: syscall, 1: int $0x80).  It times
 * the loop with rdtsc and leaves through int $0x81 with the cycle count in
 * rdi; bench_exit_gate then resumes the ring-0 caller of bench_enter_user.
 */
#include <asm/layout.h>

    .text
    .global bench_user_start, bench_user_end
bench_user_start:
    movq %rdi, %r12
    rdtsc
    shlq $32, %rdx
    orq  %rdx, %rax
    movq %rax, %r13
    testq %rsi, %rsi
    jnz  2f
1:  syscall
    decq %r12
    jnz  1b
    jmp  3f
2:  int  $0x80
    decq %r12
    jnz  2b
3:  rdtsc
    shlq $32, %rdx
    orq  %rdx, %rax
    subq %r13, %rax
    movq %rax, %rdi
    int  $0x81
    ud2
bench_user_end:

/* uint64_t bench_enter_user(rip, rsp, iterations, mode): returns rdi of the exit. */
    .global bench_enter_user
bench_enter_user:
    pushq %rbx
    pushq %rbp
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, bench_saved_rsp(%rip)
    pushq $SEL_USER_DS
    pushq %rsi
    pushq $0x2                      /* RFLAGS: interrupts off in ring 3 too */
    pushq $SEL_USER_CS
    pushq %rdi
    movq %rdx, %rdi
    movq %rcx, %rsi
    iretq

/* int $0x81 from ring 3: back to bench_enter_user's caller. */
    .global bench_exit_gate
bench_exit_gate:
    movq bench_saved_rsp(%rip), %rsp
    movl $SEL_HYP_DS, %eax
    movl %eax, %ss
    movq %rdi, %rax
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbp
    popq %rbx
    ret

/* int $0x80 from ring 3: the cheapest possible round trip. */
    .global bench_int80
bench_int80:
    iretq

/* syscall from ring 3 (LSTAR): straight back, touching nothing. */
    .global bench_syscall
bench_syscall:
    sysretq

    .data
    .balign 8
bench_saved_rsp: .quad 0
