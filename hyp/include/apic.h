/*
 * apic.h - the local APIC: x2APIC (MSRs) when the CPU has it, xAPIC
 * (memory-mapped) otherwise.  Callers do not care which.
 */
#ifndef HYP_APIC_H
#define HYP_APIC_H

#include <stdint.h>
#include <stdbool.h>

extern bool apic_x2;            /* x2APIC mode in use */
extern uint32_t apic_timer_khz; /* APIC timer input clock after the divider, kHz */

/* Enable this CPU's local APIC (the boot CPU first, which picks the mode). */
void apic_init_cpu(void);
uint32_t apic_id(void);
void apic_eoi(void);

#define ICR_FIXED      (0u << 8)
#define ICR_NMI        (4u << 8)
#define ICR_INIT       (5u << 8)
#define ICR_STARTUP    (6u << 8)
#define ICR_ASSERT     (1u << 14)
#define ICR_LEVEL      (1u << 15)
#define ICR_ALL_BUT_SELF (3u << 18)

/* Send an IPI ('low' = the ICR's low word) to 'apic_id' and wait until sent. */
void apic_send_ipi(uint32_t apic_id, uint32_t low);

/* Measure the APIC timer clock against the PIT (boot CPU, once). */
void apic_timer_calibrate(void);
/* Periodic timer at 'hz' on VEC_TIMER; 0 stops it. */
void apic_timer_periodic(uint32_t hz);
/* One-shot timer firing after 'ns' on VEC_TIMER. */
void apic_timer_oneshot(uint64_t ns);

#endif
