/*
 * idt.c - the interrupt descriptor tables.
 *
 * Each pCPU has its own IDT page in its per-pCPU slot (asm/pcpu.h), so the
 * table has one address in the hypervisor and guest views, and gate 0x80
 * can point at the running guest's system-call handler.  Every other gate
 * points at entry.S's stubs, through their alias in the same slot.
 * NMI, #DF and #MC run on their own IST stacks: they can arrive when the
 * normal stack is unusable (a #DF after the stack ran into its guard page).
 */
#include "string.h"
#include <asm/cpu.h>
#include <asm/traps.h>
#include <asm/x86.h>

struct __attribute__((packed)) idt_gate {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t  ist;
    uint8_t  type_attr;     /* P, DPL, type 0xe interrupt / 0xf trap gate */
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
};
_Static_assert(sizeof(struct idt_gate) * 256 == 4096, "one IDT fills one page");

static struct idt_gate template[256];
extern char vector_stubs[], __entry_start[];

uint64_t idt_stub(unsigned vector)
{
    return PCPU_ENTRY_VA + (uint64_t)(vector_stubs - __entry_start) + 16 * vector;
}

static void set(struct idt_gate *g, uint64_t handler, unsigned sel, unsigned ist, unsigned dpl, bool trap)
{
    g->offset_lo = (uint16_t)handler;
    g->selector = (uint16_t)sel;
    g->ist = (uint8_t)ist;
    g->type_attr = (uint8_t)(0x80 | (dpl << 5) | (trap ? 0xf : 0xe));
    g->offset_mid = (uint16_t)(handler >> 16);
    g->offset_hi = (uint32_t)(handler >> 32);
    g->reserved = 0;
}

void idt_set_gate_full(unsigned vector, uint64_t handler, unsigned sel, unsigned ist,
                       unsigned dpl, bool trap)
{
    set(&this_cpu()->idt[vector & 255], handler, sel, ist, dpl, trap);
}

void idt_set_gate(unsigned vector, uint64_t handler, unsigned ist, unsigned dpl)
{
    idt_set_gate_full(vector, handler, SEL_HYP_CS, ist, dpl, false);
}

void idt_init(void)
{
    for (unsigned v = 0; v < 256; v++)
        set(&template[v], idt_stub(v), SEL_HYP_CS, 0, 0, false);
    set(&template[X86_EXC_NMI], idt_stub(X86_EXC_NMI), SEL_HYP_CS, IST_NMI, 0, false);
    set(&template[X86_EXC_DF], idt_stub(X86_EXC_DF), SEL_HYP_CS, IST_DF, 0, false);
    set(&template[X86_EXC_MC], idt_stub(X86_EXC_MC), SEL_HYP_CS, IST_MC, 0, false);
    /* int3 and into from a guest kernel reach the hypervisor (and bounce) instead of #GP. */
    set(&template[X86_EXC_BP], idt_stub(X86_EXC_BP), SEL_HYP_CS, 0, 3, false);
    set(&template[4], idt_stub(4), SEL_HYP_CS, 0, 3, false);
    /* Hypercalls: from ring 1 only; `int $0x82` from ring 3 is a #GP. */
    set(&template[0x82], idt_stub(0x82), SEL_HYP_CS, 0, 1, false);
}

void idt_init_cpu(struct cpu *c)
{
    memcpy(c->idt, template, sizeof template);
    struct desc_ptr p = { sizeof template - 1, PCPU_IDT_VA };
    lidt(&p);
}
