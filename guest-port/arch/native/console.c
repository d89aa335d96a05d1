/*
 * console.c - the console on COM1, a 16550 UART: 115200 8N1, output by
 * polling, input by the receive interrupt (IRQ 4, see apic.c's PIC code)
 * which the kernel sees as T_CONSOLE.
 */
#include "hal.h"
#include "native.h"
#include "x86.h"

#define COM1      0x3f8
#define UART_RBR  0     /* receive buffer (read) */
#define UART_THR  0     /* transmit holding register (write) */
#define UART_DLL  0     /* divisor latch, with LCR.DLAB */
#define UART_DLM  1
#define UART_IER  1
#define UART_FCR  2
#define UART_LCR  3
#define UART_MCR  4
#define UART_LSR  5
#define LSR_DR    0x01  /* data ready */
#define LSR_THRE  0x20  /* transmitter holding register empty */

/* Polled output works from here on; input interrupts stay off. */
void console_init(void)
{
    outb(COM1 + UART_IER, 0x00);
    outb(COM1 + UART_LCR, 0x80);        /* DLAB on to set the divisor */
    outb(COM1 + UART_DLL, 1);           /* 115200 / 1 */
    outb(COM1 + UART_DLM, 0);
    outb(COM1 + UART_LCR, 0x03);        /* 8 bits, no parity, 1 stop */
    outb(COM1 + UART_FCR, 0x05);        /* FIFOs on, transmit cleared (keep typed input), IRQ at 1 byte */
    outb(COM1 + UART_MCR, 0x03);        /* DTR, RTS */
}

/* Raise IRQ 4 whenever a byte arrives.  OUT2 gates the IRQ line on PCs. */
void console_enable_irq(void)
{
    outb(COM1 + UART_IER, 0x01);        /* received data available */
    outb(COM1 + UART_MCR, 0x0b);        /* DTR, RTS, OUT2 */
}

static void console_putc(char c)
{
    /* Bounded: a missing UART reads 0xff, a stuck one must not hang us. */
    for (int i = 0; i < 100000; i++)
        if (inb(COM1 + UART_LSR) & LSR_THRE)
            break;
    outb(COM1 + UART_THR, (uint8_t)c);
}

/* Write n bytes; "\n" goes out as "\r\n", as the hypervisor's console does. */
void hal_console_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            console_putc('\r');
        console_putc(s[i]);
    }
}

int hal_console_getc(void)
{
    if (!(inb(COM1 + UART_LSR) & LSR_DR))
        return -1;
    return inb(COM1 + UART_RBR);
}
