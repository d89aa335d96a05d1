/*
 * gdt.c - per-CPU GDT and TSS.
 *
 * Each CPU has its own GDT because the TSS descriptor points at that CPU's
 * TSS (its IST stacks, and RSP0/RSP1 for entries from outer rings).  Both
 * live read-only in the per-pCPU slot; the hypervisor writes them through
 * the direct map.  The selectors are fixed in asm/layout.h: the ring-1
 * pair is for PV guest kernels, the ring-3 pair is ordered as sysret
 * requires.  Every descriptor has its accessed bit preset, so loading a
 * selector never makes the CPU write to the read-only table.
 */
#include "mm.h"
#include "panic.h"
#include "string.h"
#include <asm/cpu.h>
#include <asm/x86.h>

_Static_assert(sizeof(struct tss) == 104, "the TSS layout is fixed by the CPU");

struct cpu cpus[MAX_CPUS];
unsigned ncpus_present = 1, ncpus_online;
volatile bool percpu_ready;

int cpu_id(void)
{
    return percpu_ready ? (int)this_cpu()->id : -1;
}

/* 64-bit code (L, P, S, type execute/read, accessed) and data (P, S, write, accessed). */
#define SEG_CODE64(dpl)  (0x00af9b000000ffffull | ((uint64_t)(dpl) << 45))
#define SEG_DATA(dpl)    (0x00cf93000000ffffull | ((uint64_t)(dpl) << 45))

void gdt_init_cpu(struct cpu *c)
{
    uint64_t *gdt = c->gdt;
    struct tss *tss = c->tss;

    memset(tss, 0, sizeof *tss);
    tss->rsp[0] = PCPU_STACK_TOP(0);
    for (unsigned i = 1; i <= 3; i++)
        tss->ist[i - 1] = PCPU_STACK_TOP(i);
    tss->iomap_base = sizeof(struct tss);      /* no I/O bitmap: no ports for outer rings */

    memset(gdt, 0, PAGE_SIZE);
    gdt[SEL_HYP_CS >> 3] = SEG_CODE64(0);
    gdt[SEL_HYP_DS >> 3] = SEG_DATA(0);
    gdt[SEL_GUEST_KCS >> 3] = SEG_CODE64(1);
    gdt[SEL_GUEST_KDS >> 3] = SEG_DATA(1);
    gdt[SEL_USER_DS >> 3] = SEG_DATA(3);
    gdt[SEL_USER_CS >> 3] = SEG_CODE64(3);
    uint64_t base = PCPU_TSS_VA, limit = sizeof(struct tss) - 1;
    gdt[SEL_TSS >> 3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
                        (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    gdt[(SEL_TSS >> 3) + 1] = base >> 32;

    /*
     * ltr marks the TSS descriptor busy, a write: do it through the
     * writable alias, then switch to the read-only address.
     */
    struct desc_ptr rw = { GDT_ENTRIES * 8 - 1, (uint64_t)gdt };
    lgdt(&rw);
    ltr(SEL_TSS);
    struct desc_ptr ro = { GDT_ENTRIES * 8 - 1, PCPU_GDT_VA };
    lgdt(&ro);
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
}
