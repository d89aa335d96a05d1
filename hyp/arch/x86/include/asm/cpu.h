/*
 * cpu.h - per-CPU state.  Each physical CPU has a struct cpu, found through
 * the GS base (this_cpu()).
 */
#ifndef ASM_CPU_H
#define ASM_CPU_H

#include <stdint.h>
#include <stdbool.h>
#include <asm/layout.h>
#include <asm/pcpu.h>

#define MAX_CPUS 64

/* Interrupt vectors the hypervisor uses. */
#define VEC_TIMER       0xef
#define VEC_CALL_FUNC   0xf0
#define VEC_SPURIOUS    0xff

struct __attribute__((packed)) tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];        /* ist[n - 1] is the stack for IST index n */
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
};                          /* 104 bytes, as the CPU defines it */

#define IST_DF   1
#define IST_NMI  2
#define IST_MC   3

struct cpu_call {
    void (*fn)(void *arg);
    void *arg;
    volatile uint32_t requested;    /* bumped by the caller */
    volatile uint32_t done;         /* set to 'requested' by the target when fn returned */
};

struct vcpu;
struct idt_gate;

struct cpu {
    unsigned id;                    /* 0 = boot CPU */
    uint32_t apic_id;
    volatile bool online;
    uint64_t stack_bottom, stack_top;      /* the boot stack, until the CPU runs guests */
    uint64_t hv_stack_bottom, hv_stack_top;  /* then this one (pcpu_page.hv_stack) */

    /* The per-pCPU slot and root tables (percpu.c); writable aliases in the direct map. */
    uint64_t hv_root_pa, gv_root_pa;
    uint64_t *hv_root, *gv_root;
    struct pcpu_page *page;
    uint64_t *gdt;
    struct tss *tss;
    struct idt_gate *idt;
    volatile uint64_t loaded_l4;    /* guest L4 (machine address) copied into the roots, 0 = none */

    struct vcpu *curr;              /* the vCPU running here, NULL when idle */
    struct cpu_call call;
    volatile uint64_t timer_ticks;  /* APIC timer interrupts taken */
    volatile uint32_t softirq_pending;
    /* Quiescent states (domain.c's deferred frees): bumped between operations; idle counts too. */
    volatile uint64_t qs_count;
    volatile bool idle_halted;
};

extern struct cpu cpus[MAX_CPUS];
extern unsigned ncpus_present;      /* CPUs found in the MADT (or 1) */
extern unsigned ncpus_online;

/* This CPU's struct cpu: from its own page in the per-pCPU slot, whatever GS holds. */
static inline struct cpu *this_cpu(void)
{
    return ((volatile struct pcpu_page *)PCPU_PAGE_VA)->cpu;
}

/* Safe before per-CPU data exists: -1 then. */
int cpu_id(void);

/* percpu.c: build CPU c's slot and roots (on the boot CPU), then switch to them (on c). */
void percpu_setup(struct cpu *c);
void percpu_activate(struct cpu *c);
/* gdt.c: fill and load this CPU's GDT and TSS. */
void gdt_init_cpu(struct cpu *c);
/* idt.c: the gates every CPU starts with; copy them into c's IDT and load it. */
void idt_init(void);
void idt_init_cpu(struct cpu *c);

#endif
