/*
 * rtc.c - the CMOS real-time clock, read once at boot for the wall-clock
 * time guests see in shared_info (wc_sec at system time 0).
 */
#include <stdbool.h>
#include "time.h"
#include <asm/x86.h>

static uint8_t cmos(uint8_t reg)
{
    outb(0x70, reg);
    return inb(0x71);
}

static unsigned from_bcd(uint8_t v, bool bcd)
{
    return bcd ? (v & 0x0f) + (v >> 4) * 10 : v;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static uint64_t days_since_epoch(unsigned y, unsigned m, unsigned d)
{
    /* Shift the year to start in March so the leap day is last. */
    y -= m <= 2;
    uint64_t era = y / 400, yoe = y - era * 400;
    uint64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    uint64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

uint64_t rtc_read_epoch(void)
{
    /* Wait out an update in progress, then read twice until stable. */
    uint8_t s, mi, h, d, mo, y, s2;
    for (int tries = 0; tries < 1000; tries++) {
        while (cmos(0x0a) & 0x80)
            cpu_relax();
        s = cmos(0x00); mi = cmos(0x02); h = cmos(0x04);
        d = cmos(0x07); mo = cmos(0x08); y = cmos(0x09);
        s2 = cmos(0x00);
        if (s == s2)
            break;
    }
    uint8_t b = cmos(0x0b);
    bool bcd = !(b & 0x04), h12 = !(b & 0x02);
    unsigned hour = from_bcd(h & 0x7f, bcd);
    if (h12 && (h & 0x80))
        hour = (hour % 12) + 12;
    unsigned year = 2000 + from_bcd(y, bcd);
    uint64_t days = days_since_epoch(year, from_bcd(mo, bcd), from_bcd(d, bcd));
    return days * 86400 + hour * 3600 + from_bcd(mi, bcd) * 60 + from_bcd(s, bcd);
}
