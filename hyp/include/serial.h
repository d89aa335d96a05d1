/* serial.h - a 16550 UART (COM1/COM2), polled. */
#ifndef HYP_SERIAL_H
#define HYP_SERIAL_H

#include <stdint.h>
#include <stddef.h>

#define COM1_PORT 0x3f8
#define COM2_PORT 0x2f8

/* Program the UART at 'port' for 115200 8N1, FIFOs on, interrupts off. */
void serial_init(uint16_t port);
/* Write n bytes; '\n' goes out as "\r\n".  No-op before serial_init(). */
void serial_write(const char *s, size_t n);

/* A received byte, or -1 if none is waiting. */
int serial_getc(void);
/* Raise the UART's IRQ (COM1: ISA IRQ 4) when a byte arrives. */
void serial_enable_rx_irq(void);

#endif
