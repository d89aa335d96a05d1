/* symbols.h - addresses to names, for backtraces. */
#ifndef HYP_SYMBOLS_H
#define HYP_SYMBOLS_H

#include <stdint.h>

/*
 * The name of the function containing 'addr' and the offset into it, or
 * NULL if addr is not in the hypervisor's text.
 */
const char *symbol_lookup(uint64_t addr, uint64_t *offset);

/*
 * Print a backtrace by following the frame-pointer chain from 'rbp', with
 * 'rip' as the first entry.  Frames are only followed while they stay
 * inside [stack_lo, stack_hi), so a corrupt chain cannot fault.
 */
void backtrace_print(uint64_t rip, uint64_t rbp, uint64_t stack_lo, uint64_t stack_hi);

#endif
