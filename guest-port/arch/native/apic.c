/*
 * apic.c - the interrupt controllers.  The local APIC (xAPIC, memory-
 * mapped) gives the one-shot timer; the legacy 8259 PIC, remapped to
 * VEC_PIC_BASE and with everything but IRQ 4 masked, gives COM1's
 * receive interrupt (it reaches the CPU through the APIC's LINT0 as an
 * ExtINT, the PC's "virtual wire" mode).
 */
#include "hal.h"
#include "native.h"
#include "x86.h"

#define MSR_APIC_BASE     0x1b
#define APIC_BASE_ENABLE  (1u << 11)
#define APIC_BASE_ADDR    0x000ffffffffff000ull

/* Local APIC register offsets */
#define LAPIC_TPR         0x080
#define LAPIC_EOI         0x0b0
#define LAPIC_SVR         0x0f0
#define LAPIC_LVT_TIMER   0x320
#define LAPIC_LVT_LINT0   0x350
#define LAPIC_LVT_LINT1   0x360
#define LAPIC_LVT_ERROR   0x370
#define LAPIC_TIMER_INIT  0x380
#define LAPIC_TIMER_CUR   0x390
#define LAPIC_TIMER_DIV   0x3e0

#define SVR_ENABLE        0x100
#define LVT_MASKED        0x10000
#define LVT_EXTINT        0x700
#define LVT_NMI           0x400
#define TIMER_DIV_16      0x3

#define PIC1_CMD   0x20
#define PIC1_DATA  0x21
#define PIC2_CMD   0xa0
#define PIC2_DATA  0xa1
#define PIC_EOI    0x20
#define PIC_READ_ISR 0x0b
#define COM1_IRQ   4

/* The APIC window's page directory and table, hung into the kernel's L3. */
static uint64_t apic_pd[512] __attribute__((aligned(4096)));
static uint64_t apic_pt[512] __attribute__((aligned(4096)));

static volatile uint32_t *lapic_reg(unsigned off)
{
    return (volatile uint32_t *)(APIC_VA + off);
}

static void lapic_write(unsigned off, uint32_t v)
{
    *lapic_reg(off) = v;
}

static uint32_t lapic_read(unsigned off)
{
    return *lapic_reg(off);
}

/* Map the APIC uncached at APIC_VA (all address spaces share the kernel
 * L3) and enable it with the timer masked until armed. */
void lapic_init(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);
    wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
    apic_pt[0] = (base & APIC_BASE_ADDR) | PTE_P | PTE_W | PTE_PCD | PTE_PWT | PTE_NX;
    apic_pd[0] = KVA_TO_PHYS(apic_pt) | PTE_P | PTE_W;
    boot_pdpt_high[L3_SLOT(APIC_VA)] = KVA_TO_PHYS(apic_pd) | PTE_P | PTE_W;
    /* The page-table stores must not sink below the first register access. */
    __asm__ volatile("" : : : "memory");

    lapic_write(LAPIC_SVR, SVR_ENABLE | VEC_APIC_SPURIOUS);
    lapic_write(LAPIC_TPR, 0);
    lapic_write(LAPIC_LVT_LINT0, LVT_EXTINT);       /* the 8259's output */
    lapic_write(LAPIC_LVT_LINT1, LVT_NMI);
    lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
    lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
    lapic_write(LAPIC_LVT_TIMER, VEC_TIMER);         /* one-shot */
    lapic_write(LAPIC_TIMER_INIT, 0);
}

void lapic_eoi(void)
{
    lapic_write(LAPIC_EOI, 0);
}

/* Count down from count (APIC clock / 16) and interrupt at 0; 0 stops it. */
void lapic_timer_oneshot(uint32_t count)
{
    lapic_write(LAPIC_TIMER_INIT, count);
}

uint32_t lapic_timer_current(void)
{
    return lapic_read(LAPIC_TIMER_CUR);
}

/* Remap the PIC away from the exception vectors; only COM1 unmasked. */
void pic_init(void)
{
    outb(PIC1_CMD, 0x11);               /* ICW1: init, ICW4 follows */
    outb(PIC2_CMD, 0x11);
    outb(PIC1_DATA, VEC_PIC_BASE);      /* ICW2: vector base */
    outb(PIC2_DATA, VEC_PIC_BASE + 8);
    outb(PIC1_DATA, 0x04);              /* ICW3: slave on IRQ 2 */
    outb(PIC2_DATA, 0x02);
    outb(PIC1_DATA, 0x01);              /* ICW4: 8086 mode */
    outb(PIC2_DATA, 0x01);
    outb(PIC1_DATA, (uint8_t)~(1u << COM1_IRQ));
    outb(PIC2_DATA, 0xff);
}

void pic_eoi(unsigned irq)
{
    if (irq >= 8)
        outb(PIC2_CMD, PIC_EOI);
    outb(PIC1_CMD, PIC_EOI);
}

/* IRQ 7 or 15 without its in-service bit is a spurious interrupt: it
 * must not be acknowledged (except the cascade, for 15). */
bool pic_irq_spurious(unsigned irq)
{
    if (irq == 7) {
        outb(PIC1_CMD, PIC_READ_ISR);
        return !(inb(PIC1_CMD) & 0x80);
    }
    if (irq == 15) {
        outb(PIC2_CMD, PIC_READ_ISR);
        if (!(inb(PIC2_CMD) & 0x80)) {
            outb(PIC1_CMD, PIC_EOI);
            return true;
        }
    }
    return false;
}
