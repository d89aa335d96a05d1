/* traps.h - the saved register frame and trap dispatch. */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

#include <stdint.h>
#include <stdbool.h>

/*
 * What entry.S saves on an interrupt or exception, lowest address first.
 * entry_cr3 is the CR3 at entry (a guest view when the CPU was in a
 * guest), put back on the way out.
 */
struct cpu_regs {
    uint64_t pad, entry_cr3;
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;      /* pushed by the CPU */
};

/* Exception vectors. */
#define X86_EXC_DE   0
#define X86_EXC_DB   1
#define X86_EXC_NMI  2
#define X86_EXC_BP   3
#define X86_EXC_UD   6
#define X86_EXC_DF   8
#define X86_EXC_GP   13
#define X86_EXC_PF   14
#define X86_EXC_MC   18

typedef void (*irq_handler_t)(struct cpu_regs *regs);

/* The bounds of the stack 'addr' lies on (this CPU's), or 0, 0. */
void stack_bounds(uint64_t addr, uint64_t *lo, uint64_t *hi);

/* Dispatch interrupt r->vector (>= 32) to its handler and send the EOI. */
void trap_irq(struct cpu_regs *r);

/* Handle interrupt 'vector' (>= 32) with 'fn'; the EOI is sent after it. */
void irq_register(unsigned vector, irq_handler_t fn);

/*
 * Set a gate in this CPU's IDT: 'dpl' = lowest ring allowed to 'int' it,
 * 'ist' 0 = none, 'sel' the code segment, 'trap' true for a trap gate
 * (IF stays set).
 */
void idt_set_gate_full(unsigned vector, uint64_t handler, unsigned sel, unsigned ist,
                       unsigned dpl, bool trap);
void idt_set_gate(unsigned vector, uint64_t handler, unsigned ist, unsigned dpl);
/* The address (in the per-pCPU slot) of entry.S's stub for 'vector'. */
uint64_t idt_stub(unsigned vector);

/*
 * Exception fixups: an instruction that may fault on purpose (reading a
 * possibly-missing MSR, later copying from guest memory) is listed with
 * where to continue; the handler jumps there instead of panicking.
 */
struct extable_entry { uint64_t insn, fixup; };

#endif
