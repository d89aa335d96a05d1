/*
 * input.c - console input for dom0.
 *
 * The serial port's receive interrupt (ISA IRQ 4, through the I/O APIC)
 * moves bytes into a ring and sends VIRQ_CONSOLE to dom0; dom0 reads them
 * with console_io(CONSOLEIO_read).  A full ring drops new bytes: a guest
 * that does not read must not make the hypervisor buffer without bound.
 * Ctrl-] is not passed on: it dumps the hypervisor's state (debug.c).
 */
#include "console_input.h"
#include "serial.h"
#include "spinlock.h"
#include "domain.h"
#include "evtchn.h"
#include "printk.h"
#include <asm/cpu.h>
#include <asm/traps.h>

#define VEC_SERIAL   0xe4
#define RING_SIZE    1024

static char ring[RING_SIZE];
static uint32_t prod, cons;                 /* free-running; & (RING_SIZE - 1) */
static struct spinlock lock = SPINLOCK_INIT("console_input");

int ioapic_init(void);
int ioapic_route_isa(unsigned irq, unsigned vector, uint32_t apic_id);

#define DEBUG_KEY 0x1d                      /* Ctrl-]: dump the hypervisor's state */
void debug_dump(void);

static void serial_irq(struct cpu_regs *r)
{
    (void)r;
    int ch, got = 0, dump = 0;
    spin_lock(&lock);
    while ((ch = serial_getc()) >= 0) {
        if (ch == DEBUG_KEY) {
            dump = 1;
            continue;
        }
        if (prod - cons < RING_SIZE)
            ring[prod++ & (RING_SIZE - 1)] = (char)ch;
        got = 1;
    }
    spin_unlock(&lock);
    if (dump) {
        debug_dump();
        struct domain *d = domain_by_id(DOM0_ID);
        if (d && d->state == DOM_RUNNING && d->vcpus[0])
            evtchn_send_virq(d->vcpus[0], VIRQ_DEBUG);     /* and dom0 may dump its own */
    }
    struct domain *d0 = domain_by_id(DOM0_ID);
    if (got && d0 && d0->state == DOM_RUNNING && d0->vcpus[0])
        evtchn_send_virq(d0->vcpus[0], VIRQ_CONSOLE);
}

void console_input_init(void)
{
    if (ioapic_init() || ioapic_route_isa(4, VEC_SERIAL, cpus[0].apic_id)) {
        pr_warn("console: no I/O APIC route for COM1: no console input\n");
        return;
    }
    irq_register(VEC_SERIAL, serial_irq);
    serial_enable_rx_irq();
}

size_t console_input_peek(char *buf, size_t n)
{
    size_t i = 0;
    uint64_t f = spin_lock_irqsave(&lock);
    for (; i < n && cons + i != prod; i++)
        buf[i] = ring[(cons + i) & (RING_SIZE - 1)];
    spin_unlock_irqrestore(&lock, f);
    return i;
}

void console_input_consume(size_t n)
{
    uint64_t f = spin_lock_irqsave(&lock);
    if (n > prod - cons)
        n = prod - cons;
    cons += (uint32_t)n;
    spin_unlock_irqrestore(&lock, f);
}
