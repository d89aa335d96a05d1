/*
 * power.c - ending the machine, and the counters only the PV build has.
 */
#include "defs.h"
#include "native.h"
#include "x86.h"

#define QEMU_DEBUG_EXIT_PORT 0xf4

/* Under QEMU with -device isa-debug-exit,iobase=0xf4, QEMU exits with
 * status (code << 1) | 1.  Elsewhere, halt with interrupts off. */
void hal_poweroff(int code)
{
    outb(QEMU_DEBUG_EXIT_PORT, (uint8_t)code);
    for (;;) {
        cli();
        hlt();
    }
}

/*
 * Pulse the reset line through the keyboard controller; if that does not
 * take, a triple fault does (an empty IDT, then an exception).
 */
void hal_reboot(void)
{
    for (int i = 0; i < 100000 && (inb(0x64) & 0x02); i++)
        ;                           /* wait for its input buffer to empty */
    outb(0x64, 0xfe);
    struct { uint16_t limit; uint64_t base; } __attribute__((packed)) none = { 0, 0 };
    __asm__ volatile("lidt %0; int3" : : "m"(none));
    for (;;)
        hlt();
}

/* Natively there is no hypervisor to count entries into. */
int hal_counters(struct uapi_hal_counters *c)
{
    (void)c;
    return -ENOSYS;
}
