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

/* Natively there is no hypervisor to count entries into. */
int hal_counters(struct uapi_hal_counters *c)
{
    (void)c;
    return -ENOSYS;
}
