/*
 * time.c - TSC calibration and time since boot.
 */
#include "time.h"
#include "printk.h"
#include <asm/x86.h>

uint64_t tsc_khz;
uint64_t tsc_at_boot;
uint32_t tsc_to_system_mul;
int8_t tsc_shift;
uint64_t boot_wallclock;
static uint64_t ns_mul;     /* ns = (tsc_delta * ns_mul) >> 32 */

/*
 * Take the median of a few PIT windows: under emulation a single window
 * can be stretched by the host scheduling QEMU away.
 */
void time_init(void)
{
    enum { RUNS = 5, WINDOW_US = 10000 };
    uint64_t khz[RUNS];

    for (int i = 0; i < RUNS; i++) {
        uint64_t t0 = rdtsc();
        pit_wait_us(WINDOW_US);
        uint64_t t1 = rdtsc();
        khz[i] = (t1 - t0) * 1000 / WINDOW_US;
    }
    for (int i = 1; i < RUNS; i++)          /* insertion sort, 5 items */
        for (int j = i; j > 0 && khz[j] < khz[j - 1]; j--) {
            uint64_t t = khz[j]; khz[j] = khz[j - 1]; khz[j - 1] = t;
        }
    tsc_khz = khz[RUNS / 2];
    if (tsc_khz == 0)
        tsc_khz = 1;
    ns_mul = (1000000ull << 32) / tsc_khz;
    /* For guests: a 32-bit multiplier, with a shift if the TSC is slower than 1 GHz. */
    uint64_t scaled = tsc_khz;
    tsc_shift = 0;
    while ((1000000ull << 32) / scaled >= (1ull << 32)) {
        scaled <<= 1;
        tsc_shift++;
    }
    tsc_to_system_mul = (uint32_t)((1000000ull << 32) / scaled);
    tsc_at_boot = rdtsc();
    boot_wallclock = rtc_read_epoch();
    pr_info("time: TSC %lu.%03lu MHz (PIT-calibrated, median of %d; spread %lu..%lu kHz)\n",
            (unsigned long)(tsc_khz / 1000), (unsigned long)(tsc_khz % 1000), RUNS,
            (unsigned long)khz[0], (unsigned long)khz[RUNS - 1]);
}

uint64_t tsc_to_ns(uint64_t delta)
{
    return (uint64_t)(((unsigned __int128)delta * ns_mul) >> 32);
}

uint64_t time_ns(void)
{
    if (!tsc_khz)
        return 0;
    return tsc_to_ns(rdtsc() - tsc_at_boot);
}

void udelay(uint64_t us)
{
    if (!tsc_khz) {
        while (us > 50000) { pit_wait_us(50000); us -= 50000; }
        pit_wait_us((uint32_t)us);
        return;
    }
    uint64_t end = rdtsc() + us * tsc_khz / 1000;
    while ((int64_t)(rdtsc() - end) < 0)
        cpu_relax();
}
