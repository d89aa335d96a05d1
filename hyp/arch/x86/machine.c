/*
 * machine.c - halting, resetting, and leaving QEMU.
 */
#include "machine.h"
#include "acpi.h"
#include <asm/x86.h>

void machine_halt(void)
{
    for (;;) {
        irq_disable();
        halt();
    }
}

/* Reset through the keyboard controller, then by a triple fault. */
void machine_reboot(void)
{
    for (int i = 0; i < 100000 && (inb(0x64) & 0x02); i++)
        cpu_relax();
    outb(0x64, 0xfe);
    struct desc_ptr none = { 0, 0 };
    lidt(&none);
    __asm__ volatile("int3");
    machine_halt();
}

void machine_poweroff(void)
{
    acpi_poweroff();
    machine_halt();
}

void machine_qemu_exit(int code)
{
    outl(QEMU_EXIT_PORT, (uint32_t)code);
    machine_halt();     /* not under QEMU, or no isa-debug-exit device */
}
