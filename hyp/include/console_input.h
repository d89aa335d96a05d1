/* console_input.h - bytes typed on the serial console, for dom0. */
#ifndef HYP_CONSOLE_INPUT_H
#define HYP_CONSOLE_INPUT_H

#include <stddef.h>

/* Route the serial port's receive interrupt (boot CPU, once). */
void console_input_init(void);
/*
 * Copy up to n bytes typed so far without taking them (returns how many);
 * console_input_consume() then takes them, once the copy to the guest
 * worked, so a bad guest buffer loses nothing.
 */
size_t console_input_peek(char *buf, size_t n);
void console_input_consume(size_t n);

#endif
