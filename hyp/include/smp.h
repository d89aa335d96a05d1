/* smp.h - bringing up the other CPUs, and calling functions on them. */
#ifndef HYP_SMP_H
#define HYP_SMP_H

#include <stdint.h>
#include <stdbool.h>

/*
 * Start every CPU found in the ACPI MADT (at most 'maxcpus', 0 = all)
 * with INIT-SIPI-SIPI and wait for each to report in.
 */
void smp_boot_aps(unsigned maxcpus);

/*
 * Run fn(arg) on CPU 'cpu' by IPI and wait until it has returned.
 * Returns 0, or -EINVAL for an offline or unknown CPU.  Panics if the
 * target does not answer within a second: its mailbox would be unsafe to
 * reuse.  Not for use with interrupts disabled on a CPU that the target
 * may be waiting for.
 */
int smp_call_function(unsigned cpu, void (*fn)(void *), void *arg);

/* Send an NMI to every other online CPU, which then halts (panic path). */
void smp_stop_others(void);

#endif
