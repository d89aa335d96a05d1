/*
 * idt.c - the interrupt descriptor table, shared by every CPU.
 * NMI, #DF and #MC run on their own IST stacks: they can arrive when the
 * normal stack is unusable (a #DF after the stack ran into its guard page).
 */
#include <asm/cpu.h>
#include <asm/traps.h>
#include <asm/x86.h>

struct __attribute__((packed)) idt_gate {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t  ist;
    uint8_t  type_attr;     /* P, DPL, type 0xe = interrupt gate */
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
};

static struct idt_gate idt[256] __attribute__((aligned(16)));
extern char vector_stubs[];

uint64_t idt_stub(unsigned vector) { return (uint64_t)vector_stubs + 16 * vector; }

void idt_set_gate(unsigned vector, uint64_t handler, unsigned ist, unsigned dpl)
{
    struct idt_gate *g = &idt[vector & 255];
    g->offset_lo = (uint16_t)handler;
    g->selector = SEL_HYP_CS;
    g->ist = (uint8_t)ist;
    g->type_attr = (uint8_t)(0x80 | (dpl << 5) | 0xe);
    g->offset_mid = (uint16_t)(handler >> 16);
    g->offset_hi = (uint32_t)(handler >> 32);
    g->reserved = 0;
}

void idt_init(void)
{
    for (unsigned v = 0; v < 256; v++)
        idt_set_gate(v, idt_stub(v), 0, 0);
    idt_set_gate(X86_EXC_NMI, idt_stub(X86_EXC_NMI), IST_NMI, 0);
    idt_set_gate(X86_EXC_DF, idt_stub(X86_EXC_DF), IST_DF, 0);
    idt_set_gate(X86_EXC_MC, idt_stub(X86_EXC_MC), IST_MC, 0);
}

void idt_load(void)
{
    struct desc_ptr p = { sizeof(idt) - 1, (uint64_t)idt };
    lidt(&p);
}
