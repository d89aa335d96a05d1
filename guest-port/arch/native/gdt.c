/*
 * gdt.c - the GDT and the TSS.  Long mode ignores segment bases and
 * limits, so the descriptors only carry privilege and code/data type; the
 * TSS gives the stack the CPU switches to on entry from user mode (RSP0,
 * set per process) and a separate stack for double faults (IST1).
 */
#include "hal.h"
#include "native.h"

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];            /* stack for entries from ring n */
    uint64_t reserved1;
    uint64_t ist[7];            /* interrupt stack table, IST1..IST7 */
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iopb;              /* I/O bitmap offset: past the end = none */
} __attribute__((packed));     /* 104 bytes */

struct gdt_ptr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

static struct tss tss;
static uint64_t gdt[7];
/* Room for trap() and the kernel's panic with its register dump. */
static uint8_t df_stack[8192] __attribute__((aligned(16)));

/* Load the GDT and reload every segment register from it, then the TSS. */
static void gdt_load(void)
{
    struct gdt_ptr p = { sizeof(gdt) - 1, (uint64_t)gdt };
    __asm__ volatile(
        "lgdt %0\n\t"
        "pushq %1\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"                       /* CS cannot be moved into */
        "1:\n\t"
        "movl %2, %%eax\n\t"
        "movl %%eax, %%ds\n\t"
        "movl %%eax, %%es\n\t"
        "movl %%eax, %%ss\n\t"
        "movw %3, %%ax\n\t"
        "ltr %%ax"
        : : "m"(p), "i"(SEL_KCODE), "i"(SEL_KDATA), "i"(SEL_TSS)
        : "rax", "memory");
}

void gdt_init(void)
{
    gdt[0] = 0;
    /* Accessed bits preset, so the CPU never writes the table. */
    gdt[SEL_KCODE >> 3] = 0x00af9b000000ffffull;   /* 64-bit code, DPL 0 */
    gdt[SEL_KDATA >> 3] = 0x00cf93000000ffffull;   /* data, DPL 0 */
    gdt[SEL_UDATA >> 3] = 0x00cff3000000ffffull;   /* data, DPL 3 */
    gdt[SEL_UCODE >> 3] = 0x00affb000000ffffull;   /* 64-bit code, DPL 3 */

    uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;
    gdt[SEL_TSS >> 3] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
                        (0x89ull << 40) |           /* present, 64-bit TSS */
                        ((base >> 24) & 0xff) << 56;
    gdt[(SEL_TSS >> 3) + 1] = base >> 32;

    tss.iopb = sizeof(tss);
    tss.ist[0] = (uint64_t)df_stack + sizeof(df_stack);
    gdt_load();
}

/* Entries from user mode land on top (16-byte aligned, the top of the
 * current process's kernel stack). */
void hal_set_kernel_stack(uint64_t top)
{
    tss.rsp[0] = top;
}
