/*
 * serial.c - output on a 16550 UART by polling the line status register.
 * Interrupt-driven input arrives with the dom0 console work.
 */
#include "serial.h"
#include <asm/x86.h>

#define UART_THR  0     /* transmit holding register */
#define UART_IER  1
#define UART_FCR  2
#define UART_LCR  3
#define UART_MCR  4
#define UART_LSR  5
#define UART_DLL  0     /* with LCR.DLAB set */
#define UART_DLM  1
#define LSR_THRE  0x20  /* transmitter holding register empty */
#define LSR_DR    0x01  /* data ready */
#define UART_RBR  0     /* receive buffer */

static uint16_t uart_port;

void serial_init(uint16_t port)
{
    outb(port + UART_IER, 0x00);
    outb(port + UART_LCR, 0x80);        /* DLAB on to set the divisor */
    outb(port + UART_DLL, 1);           /* 115200 / 1 */
    outb(port + UART_DLM, 0);
    outb(port + UART_LCR, 0x03);        /* 8 bits, no parity, 1 stop */
    outb(port + UART_FCR, 0xc7);        /* enable and clear FIFOs */
    outb(port + UART_MCR, 0x03);        /* DTR, RTS */
    uart_port = port;
}

static void serial_putc(char c)
{
    /* Bounded wait: a missing UART reads 0xff, a stuck one must not hang us. */
    for (int i = 0; i < 100000; i++)
        if (inb(uart_port + UART_LSR) & LSR_THRE)
            break;
    outb(uart_port + UART_THR, (uint8_t)c);
}

void serial_write(const char *s, size_t n)
{
    if (!uart_port)
        return;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            serial_putc('\r');
        serial_putc(s[i]);
    }
}

int serial_getc(void)
{
    if (!uart_port || !(inb(uart_port + UART_LSR) & LSR_DR))
        return -1;
    return inb(uart_port + UART_RBR);
}

void serial_enable_rx_irq(void)
{
    if (!uart_port)
        return;
    outb(uart_port + UART_IER, 0x01);       /* received data available */
    outb(uart_port + UART_MCR, 0x0b);       /* DTR, RTS, OUT2 (gates the IRQ line) */
}
