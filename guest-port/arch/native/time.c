/*
 * time.c - clocks and the one-shot timer.  At boot the PIT, whose rate
 * is fixed, measures the TSC and the local APIC timer; from then on the
 * TSC is the monotonic clock (hal_time_ns) and the APIC timer the alarm.
 * The CMOS RTC (UTC) is read once to anchor the wall clock.
 */
#include "hal.h"
#include "native.h"
#include "x86.h"

#define PIT_HZ        1193182u
#define PIT_CH2       0x42
#define PIT_MODE      0x43
#define PIT_GATE_PORT 0x61      /* bit 0 gate of channel 2, bit 5 its output */
#define CAL_MS        10
#define CAL_PIT_TICKS (PIT_HZ * CAL_MS / 1000)
#define NS_PER_SEC    1000000000ull

#define CMOS_INDEX    0x70
#define CMOS_DATA     0x71

static uint64_t tsc_at_zero;    /* TSC when hal_time_ns() was 0 */
static uint64_t ns_per_tsc;     /* ns = (tsc ticks * ns_per_tsc) >> 32 */
static uint64_t apic_per_ns;    /* APIC ticks = (ns * apic_per_ns) >> 32 */
static uint64_t wall_at_zero;   /* ns since 1970 when hal_time_ns() was 0 */
static uint64_t deadline;       /* armed deadline, 0 if none */

static uint64_t mul_shift32(uint64_t a, uint64_t b)
{
    return (uint64_t)(((unsigned __int128)a * b) >> 32);
}

/* Count CAL_MS on PIT channel 2 (mode 0: its output rises at the end)
 * while the TSC and the APIC timer run. */
static void calibrate(void)
{
    uint8_t gate = inb(PIT_GATE_PORT);
    outb(PIT_GATE_PORT, (gate & ~0x02) | 0x01);   /* gate on, speaker off */
    outb(PIT_MODE, 0xb0);                         /* ch 2, lo/hi byte, mode 0 */
    outb(PIT_CH2, CAL_PIT_TICKS & 0xff);
    outb(PIT_CH2, CAL_PIT_TICKS >> 8);            /* counting starts here */
    uint64_t t0 = rdtsc();
    lapic_timer_oneshot(0xffffffffu);

    unsigned long spins = 0;
    while (!(inb(PIT_GATE_PORT) & 0x20))
        if (++spins > 10000000ul)
            boot_die("the PIT does not count");
    uint64_t t1 = rdtsc();
    uint32_t apic_ticks = 0xffffffffu - lapic_timer_current();
    lapic_timer_oneshot(0);
    outb(PIT_GATE_PORT, gate);

    uint64_t tsc_hz = (t1 - t0) * (1000 / CAL_MS);
    uint64_t apic_hz = (uint64_t)apic_ticks * (1000 / CAL_MS);
    if (tsc_hz < 1000000 || apic_hz < 1000)
        boot_die("TSC or APIC timer too slow to use");
    tsc_at_zero = t0;
    ns_per_tsc = (NS_PER_SEC << 32) / tsc_hz;
    apic_per_ns = (apic_hz << 32) / NS_PER_SEC;
}

uint64_t hal_time_ns(void)
{
    return mul_shift32(rdtsc() - tsc_at_zero, ns_per_tsc);
}

uint64_t hal_wallclock_ns(void)
{
    return wall_at_zero;
}

/* Program the APIC for what is left until deadline (at least one tick;
 * capped at the 32-bit counter, timer_fired() rearms if that is early). */
static void timer_arm(void)
{
    uint64_t now = hal_time_ns();
    uint64_t ticks = deadline > now ? mul_shift32(deadline - now, apic_per_ns) + 1 : 1;
    if (ticks > 0xffffffffu)
        ticks = 0xffffffffu;
    lapic_timer_oneshot((uint32_t)ticks);
}

void hal_timer_set(uint64_t deadline_ns)
{
    deadline = deadline_ns;
    if (deadline)
        timer_arm();
    else
        lapic_timer_oneshot(0);
}

/* The APIC timer interrupted: true if the deadline has come (it is then
 * consumed), false if it was cancelled or the alarm was early. */
bool timer_fired(void)
{
    if (!deadline)
        return false;
    if (hal_time_ns() >= deadline) {
        deadline = 0;
        return true;
    }
    timer_arm();
    return false;
}

static uint8_t cmos_read(uint8_t reg)
{
    outb(CMOS_INDEX, reg);
    return inb(CMOS_DATA);
}

struct rtc_time {
    uint8_t sec, min, hour, day, month, year, century;
};

static void rtc_sample(struct rtc_time *t)
{
    /* Wait out an update in progress (bounded: a missing RTC reads 0xff). */
    for (int i = 0; i < 1000000 && (cmos_read(0x0a) & 0x80); i++)
        ;
    t->sec = cmos_read(0x00);
    t->min = cmos_read(0x02);
    t->hour = cmos_read(0x04);
    t->day = cmos_read(0x07);
    t->month = cmos_read(0x08);
    t->year = cmos_read(0x09);
    t->century = cmos_read(0x32);
}

static unsigned bcd(uint8_t v)
{
    return (v & 0x0f) + (v >> 4) * 10;
}

static bool leap(unsigned y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Seconds since 1970 from the RTC (UTC), read twice until it agrees. */
static uint64_t rtc_seconds(void)
{
    struct rtc_time a, b;
    rtc_sample(&a);
    for (int i = 0; i < 5; i++) {
        rtc_sample(&b);
        if (a.sec == b.sec && a.min == b.min && a.hour == b.hour && a.day == b.day &&
            a.month == b.month && a.year == b.year)
            break;
        a = b;
    }
    uint8_t status_b = cmos_read(0x0b);
    bool pm = (b.hour & 0x80) != 0;
    b.hour &= 0x7f;
    unsigned sec = b.sec, min = b.min, hour = b.hour, day = b.day,
             month = b.month, year = b.year, century = b.century;
    if (!(status_b & 0x04)) {   /* BCD */
        sec = bcd(b.sec); min = bcd(b.min); hour = bcd(b.hour);
        day = bcd(b.day); month = bcd(b.month); year = bcd(b.year);
        century = bcd(b.century);
    }
    if (!(status_b & 0x02)) {   /* 12-hour clock */
        hour %= 12;
        if (pm)
            hour += 12;
    }
    year += (century >= 19 && century <= 21) ? century * 100 : 2000;
    if (month < 1 || month > 12 || day < 1 || day > 31 || year < 1970)
        return 0;

    static const unsigned short month_days[12] = {
        31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    uint64_t days = 0;
    for (unsigned y = 1970; y < year; y++)
        days += leap(y) ? 366 : 365;
    for (unsigned m = 1; m < month; m++)
        days += month_days[m - 1] + (m == 2 && leap(year));
    days += day - 1;
    return ((days * 24 + hour) * 60 + min) * 60 + sec;
}

void time_init(void)
{
    calibrate();
    uint64_t wall = rtc_seconds() * NS_PER_SEC, now = hal_time_ns();
    wall_at_zero = wall > now ? wall - now : 0;     /* 0: the RTC is unusable */
}
