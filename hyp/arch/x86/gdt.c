/*
 * gdt.c - per-CPU GDT and TSS, and per-CPU data through GS.
 *
 * Each CPU has its own GDT because the TSS descriptor points at that CPU's
 * TSS (its IST stacks, and RSP0 for entries from outer rings).  The
 * selectors are fixed in asm/layout.h; the ring-1 pair is for PV guest
 * kernels, the ring-3 pair is ordered as sysret requires.
 */
#include "mm.h"
#include "panic.h"
#include "string.h"
#include <asm/cpu.h>
#include <asm/x86.h>

_Static_assert(sizeof(struct tss) == 104, "the TSS layout is fixed by the CPU");

struct cpu cpus[MAX_CPUS];
unsigned ncpus_present = 1, ncpus_online;
static volatile bool percpu_ready;

int cpu_id(void)
{
    return percpu_ready ? (int)this_cpu()->id : -1;
}

void percpu_init(struct cpu *c)
{
    c->self = c;
    wrmsr(MSR_GS_BASE, (uint64_t)c);
    percpu_ready = true;
}

#define SEG_CODE64(dpl)  (0x00af9a000000ffffull | ((uint64_t)(dpl) << 45))
#define SEG_DATA(dpl)    (0x00cf92000000ffffull | ((uint64_t)(dpl) << 45))

void gdt_init_cpu(struct cpu *c)
{
    for (unsigned i = 0; i <= 3; i++) {
        c->ist_top[i] = stack_alloc(&c->ist_bottom[i]);
        if (!c->ist_top[i])
            panic("gdt: no memory for CPU %u's entry stacks", c->id);
        if (i)
            c->tss.ist[i - 1] = c->ist_top[i];
    }
    c->tss.rsp[0] = c->ist_top[0];
    c->tss.iomap_base = sizeof(struct tss);      /* no I/O bitmap: no ports for outer rings */

    c->gdt[0] = 0;
    c->gdt[SEL_HYP_CS >> 3] = SEG_CODE64(0);
    c->gdt[SEL_HYP_DS >> 3] = SEG_DATA(0);
    c->gdt[SEL_GUEST_KCS >> 3] = SEG_CODE64(1);
    c->gdt[SEL_GUEST_KDS >> 3] = SEG_DATA(1);
    c->gdt[SEL_USER_DS >> 3] = SEG_DATA(3);
    c->gdt[SEL_USER_CS >> 3] = SEG_CODE64(3);
    uint64_t base = (uint64_t)&c->tss, limit = sizeof(struct tss) - 1;
    c->gdt[SEL_TSS >> 3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
                           (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    c->gdt[(SEL_TSS >> 3) + 1] = base >> 32;

    struct desc_ptr p = { sizeof(c->gdt) - 1, (uint64_t)c->gdt };
    lgdt(&p);
    /* Reload CS through a far return, and the data segments. */
    __asm__ volatile(
        "pushq %0\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"
        "1:\n\t"
        "movl %1, %%eax\n\t"
        "movl %%eax, %%ds\n\t"
        "movl %%eax, %%es\n\t"
        "movl %%eax, %%ss\n\t"
        :: "i"(SEL_HYP_CS), "i"(SEL_HYP_DS) : "rax", "memory");
    ltr(SEL_TSS);
}
