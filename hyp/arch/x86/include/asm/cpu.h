/*
 * cpu.h - per-CPU state.  Each physical CPU has a struct cpu, found through
 * the GS base (this_cpu()).
 */
#ifndef ASM_CPU_H
#define ASM_CPU_H

#include <stdint.h>
#include <stdbool.h>
#include <asm/layout.h>

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

struct cpu {
    struct cpu *self;               /* %gs:0 */
    unsigned id;                    /* 0 = boot CPU */
    uint32_t apic_id;
    volatile bool online;
    uint64_t stack_bottom, stack_top;      /* the normal stack */
    /*
     * By IST index 1..3: the IST stacks.  Index 0: the entry stack that
     * TSS.RSP0 points at, for entries from outer rings.
     */
    uint64_t ist_bottom[4], ist_top[4];
    uint64_t gdt[GDT_ENTRIES];
    struct tss tss;
    struct cpu_call call;
    volatile uint64_t timer_ticks;  /* APIC timer interrupts taken */
};

extern struct cpu cpus[MAX_CPUS];
extern unsigned ncpus_present;      /* CPUs found in the MADT (or 1) */
extern unsigned ncpus_online;

static inline struct cpu *this_cpu(void)
{
    struct cpu *c;
    __asm__ volatile("movq %%gs:0, %0" : "=r"(c));
    return c;
}

/* Safe before per-CPU data exists: -1 then. */
int cpu_id(void);

/* gdt.c: load this CPU's GDT and TSS (allocating its IST stacks). */
void gdt_init_cpu(struct cpu *c);
/* idt.c */
void idt_init(void);
void idt_load(void);
/* Point GS at c. */
void percpu_init(struct cpu *c);

#endif
