/*
 * entry.S - every way into the hypervisor after boot: interrupts,
 * exceptions and hypercalls, from guests or from the hypervisor itself.
 *
 * This code runs from its alias in the per-pCPU slot (asm/pcpu.h), the
 * only hypervisor code a guest view maps, so it may not use RIP-relative
 * references to the rest of the image: it calls C through absolute
 * addresses, after switching to the hypervisor view.
 *
 * One 16-byte stub per vector (vector_stubs + 16 * vector) pushes a zero
 * where the CPU pushes no error code, then the vector number.  The common
 * path saves the general registers and the CR3 it found (struct cpu_regs
 * in asm/traps.h), loads this pCPU's hypervisor view if it was not
 * loaded, and calls trap_handler().  On the way out it puts back the CR3
 * from the frame (the guest view, for a frame that returns to a guest)
 * as the very last thing before iretq.
 */
#include <asm/layout.h>
#include <asm/pcpu.h>

/* Offset of cs in struct cpu_regs. */
#define FRAME_CS   160

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

    .section .text.entry, "ax"
    .balign 4096
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
    jmp  entry_common
    vec = vec + 1
    .endr

entry_common:
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
    movq %cr3, %rax
    pushq %rax                      /* entry_cr3 */
    pushq $0                        /* pad: keeps the frame 16-byte aligned */
    movabsq (PCPU_PAGE_VA + PCPU_HV_CR3), %rax
    cmpq %rax, 8(%rsp)
    je   1f
    movq %rax, %cr3                 /* into the hypervisor view */
1:  cld
    movq %rsp, %rbx                 /* the frame (rbx survives the call) */
    testb $3, FRAME_CS(%rsp)
    jz   2f
    /*
     * From a guest: the guest can read the entry stack, so run on the
     * hypervisor's own stack and leave only the frame here.
     */
    movabsq (PCPU_PAGE_VA + PCPU_HV_STACK), %rax
    movq %rax, %rsp
2:  movq %rbx, %rdi
    movabsq $trap_handler, %rax
    call *%rax
    movq %rbx, %rsp

    .global entry_return
entry_return:                       /* rsp -> struct cpu_regs */
    cli
    popq %rax                       /* pad */
    popq %rax                       /* entry_cr3 */
    movq %cr3, %rbx
    cmpq %rax, %rbx
    je   2f
    movq %rax, %cr3                 /* back to the view we came from (or a guest's) */
2:  popq %r15
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

/*
 * void entry_start_frame(struct cpu_regs *frame): leave the boot stack for
 * good and return to a guest from a frame built on the entry stack.
 */
    .global entry_start_frame
entry_start_frame:
    movq %rdi, %rsp
    jmp  entry_return

    .balign 4096
    .global entry_code_end
entry_code_end:
