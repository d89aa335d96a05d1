/*
 * pit.c - the 8254 programmable interval timer, used only as a reference
 * clock of known frequency (1.193182 MHz) for calibration.  Channel 2 is
 * used because its output can be read back through port 0x61 without
 * taking an interrupt.
 */
#include "time.h"
#include <asm/x86.h>

#define PIT_HZ        1193182u
#define PIT_CH2       0x42
#define PIT_CMD       0x43
#define PORT_B        0x61      /* bit 0: ch2 gate, bit 1: speaker, bit 5: ch2 output */

void pit_wait_us(uint32_t us)
{
    uint32_t count = (uint32_t)((uint64_t)PIT_HZ * us / 1000000);
    if (count > 0xffff)
        count = 0xffff;
    if (count == 0)
        count = 1;

    /* Gate on, speaker off; mode 0 (interrupt on terminal count), binary. */
    outb(PORT_B, (uint8_t)((inb(PORT_B) & ~0x02) | 0x01));
    outb(PIT_CMD, 0xb0);
    outb(PIT_CH2, (uint8_t)(count & 0xff));
    outb(PIT_CH2, (uint8_t)(count >> 8));
    /* The output goes high when the count reaches zero. */
    while (!(inb(PORT_B) & 0x20))
        cpu_relax();
}
