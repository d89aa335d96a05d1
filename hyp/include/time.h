/*
 * time.h - time since boot, from the TSC.
 *
 * time_init() measures the TSC frequency against the PIT (the one clock of
 * known frequency every PC has); from then on time_ns() is
 * (tsc - tsc_at_boot) scaled by a 32.32 fixed-point factor, the same form
 * PV guests will get in their vcpu_info to compute time themselves.
 */
#ifndef HYP_TIME_H
#define HYP_TIME_H

#include <stdint.h>

extern uint64_t tsc_khz;            /* 0 until calibrated */

void time_init(void);
/* The TSC and system time at time_init(), and the scale guests use (shared_info.h). */
extern uint64_t tsc_at_boot;
extern uint32_t tsc_to_system_mul;
extern int8_t tsc_shift;
/* Wall-clock seconds since 1970 at system time 0 (from the RTC). */
extern uint64_t boot_wallclock;
uint64_t rtc_read_epoch(void);

/* Nanoseconds since time_init() (0 before). */
uint64_t time_ns(void);
uint64_t tsc_to_ns(uint64_t tsc_delta);
/* Busy-wait (only for hardware start-up sequences). */
void udelay(uint64_t us);

/*
 * Busy-wait until the PIT has counted 'us' microseconds (at most ~54 ms).
 * Used to calibrate the TSC and the APIC timer against a known clock.
 */
void pit_wait_us(uint32_t us);

#endif
