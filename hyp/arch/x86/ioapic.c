/*
 * ioapic.c - the I/O APIC, for the few device interrupts the hypervisor
 * takes itself (the serial console's input).  Every pin starts masked;
 * ioapic_route_isa() unmasks one ISA IRQ to a vector on one CPU.
 */
#include "acpi.h"
#include "mm.h"
#include "printk.h"
#include "spinlock.h"

#define IOREGSEL  0x00
#define IOWIN     0x10
#define IOAPIC_VER  0x01
#define REDTBL(n) (0x10 + 2 * (n))
#define RED_MASKED     (1u << 16)
#define RED_LEVEL      (1u << 15)
#define RED_ACTIVE_LOW (1u << 13)

static volatile uint32_t *regs;
static unsigned npins;
static struct spinlock lock = SPINLOCK_INIT("ioapic");

static uint32_t rd(uint32_t reg) { regs[IOREGSEL / 4] = reg; return regs[IOWIN / 4]; }
static void wr(uint32_t reg, uint32_t v) { regs[IOREGSEL / 4] = reg; regs[IOWIN / 4] = v; }

int ioapic_init(void)
{
    if (!acpi_irq.ioapic_addr)
        return -1;
    regs = ioremap(acpi_irq.ioapic_addr, 0x20);
    if (!regs)
        return -1;
    npins = ((rd(IOAPIC_VER) >> 16) & 0xff) + 1;
    for (unsigned i = 0; i < npins; i++) {
        wr(REDTBL(i), RED_MASKED);
        wr(REDTBL(i) + 1, 0);
    }
    pr_info("ioapic: %u pins at %#x, all masked\n", npins, acpi_irq.ioapic_addr);
    return 0;
}

/* Route ISA IRQ 'irq' to 'vector' on the CPU with APIC id 'apic_id'. */
int ioapic_route_isa(unsigned irq, unsigned vector, uint32_t apic_id)
{
    if (!regs || irq >= 16)
        return -1;
    uint32_t pin = acpi_irq.isa_gsi[irq] - acpi_irq.ioapic_gsi_base;
    if (pin >= npins)
        return -1;
    uint32_t lo = vector;                   /* fixed delivery, physical destination */
    uint16_t f = acpi_irq.isa_flags[irq];
    if ((f & 3) == 3)
        lo |= RED_ACTIVE_LOW;               /* ISA default is active high, edge */
    if (((f >> 2) & 3) == 3)
        lo |= RED_LEVEL;
    uint64_t irqf = spin_lock_irqsave(&lock);
    wr(REDTBL(pin) + 1, apic_id << 24);
    wr(REDTBL(pin), lo);
    spin_unlock_irqrestore(&lock, irqf);
    return 0;
}
