/*
 * apic.c - the local APIC.
 *
 * In x2APIC mode register r is MSR 0x800 + r/16 and the ICR is one 64-bit
 * MSR; in xAPIC mode registers are 32-bit words in a 4 KiB MMIO page and
 * the ICR is two words, high (destination) first.  The boot CPU picks the
 * mode; every CPU then uses the same one.
 */
#include "apic.h"
#include "mm.h"
#include "time.h"
#include "printk.h"
#include "panic.h"
#include <asm/cpu.h>
#include <asm/x86.h>

#define APIC_ID        0x020
#define APIC_VERSION   0x030
#define APIC_TPR       0x080
#define APIC_EOI       0x0b0
#define APIC_SVR       0x0f0
#define APIC_ESR       0x280
#define APIC_ICR_LO    0x300
#define APIC_ICR_HI    0x310
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define APIC_TIMER_INIT 0x380
#define APIC_TIMER_CUR 0x390
#define APIC_TIMER_DIV 0x3e0

#define APIC_BASE_EN   (1ul << 11)
#define APIC_BASE_EXTD (1ul << 10)
#define LVT_MASKED     (1u << 16)
#define LVT_PERIODIC   (1u << 17)
#define ICR_BUSY       (1u << 12)

bool apic_x2;
uint32_t apic_timer_khz;
static volatile uint32_t *apic_mmio;

static uint32_t apic_read(uint32_t reg)
{
    if (apic_x2)
        return (uint32_t)rdmsr(0x800 + (reg >> 4));
    return apic_mmio[reg / 4];
}

static void apic_write(uint32_t reg, uint32_t v)
{
    if (apic_x2)
        wrmsr(0x800 + (reg >> 4), v);
    else
        apic_mmio[reg / 4] = v;
}

void apic_init_cpu(void)
{
    uint32_t a, b, c, d;
    uint64_t base = rdmsr(MSR_APIC_BASE);

    if (cpu_id() == 0) {
        cpuid(1, 0, &a, &b, &c, &d);
        if (!(d & (1u << 9)))
            panic("apic: this CPU has no local APIC");
        apic_x2 = (c & (1u << 21)) != 0;
        if (!apic_x2) {
            apic_mmio = ioremap(base & ~0xfffull, 4096);
            if (!apic_mmio)
                panic("apic: cannot map the APIC registers");
        }
    }
    /* The legacy 8259 PICs stay silent: every interrupt comes through the APIC. */
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
    base |= APIC_BASE_EN;
    wrmsr(MSR_APIC_BASE, base);
    if (apic_x2)
        wrmsr(MSR_APIC_BASE, base | APIC_BASE_EXTD);

    apic_write(APIC_TPR, 0);
    apic_write(APIC_LVT_TIMER, LVT_MASKED);
    apic_write(APIC_LVT_LINT0, LVT_MASKED);
    apic_write(APIC_LVT_LINT1, LVT_MASKED);
    apic_write(APIC_LVT_ERROR, LVT_MASKED);
    apic_write(APIC_ESR, 0);
    apic_write(APIC_SVR, 0x100 | VEC_SPURIOUS);     /* software enable */
    apic_write(APIC_EOI, 0);
}

uint32_t apic_id(void)
{
    uint32_t id = apic_read(APIC_ID);
    return apic_x2 ? id : id >> 24;
}

void apic_eoi(void) { apic_write(APIC_EOI, 0); }

void apic_send_ipi(uint32_t dest, uint32_t low)
{
    if (apic_x2) {
        wrmsr(0x800 + (APIC_ICR_LO >> 4), ((uint64_t)dest << 32) | low);
        return;
    }
    /* Two writes: an interrupt between them must not send its own IPI. */
    uint64_t flags = read_rflags();
    irq_disable();
    apic_mmio[APIC_ICR_HI / 4] = dest << 24;
    apic_mmio[APIC_ICR_LO / 4] = low;
    for (int i = 0; i < 1000000 && (apic_mmio[APIC_ICR_LO / 4] & ICR_BUSY); i++)
        cpu_relax();
    if (flags & X86_RFLAGS_IF)
        irq_enable();
}

void apic_timer_calibrate(void)
{
    enum { WINDOW_US = 10000 };
    apic_write(APIC_TIMER_DIV, 0x3);                /* divide by 16 */
    apic_write(APIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
    apic_write(APIC_TIMER_INIT, 0xffffffff);
    uint32_t start = apic_read(APIC_TIMER_CUR);
    pit_wait_us(WINDOW_US);
    uint32_t end = apic_read(APIC_TIMER_CUR);
    apic_write(APIC_TIMER_INIT, 0);
    apic_timer_khz = (start - end) / (WINDOW_US / 1000);
    if (apic_timer_khz == 0)
        panic("apic: the timer does not count");
    pr_info("apic: %s mode, timer %u kHz (bus clock / 16)\n", apic_x2 ? "x2APIC" : "xAPIC", apic_timer_khz);
}

void apic_timer_periodic(uint32_t hz)
{
    if (!hz) {
        apic_write(APIC_TIMER_INIT, 0);
        apic_write(APIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
        return;
    }
    apic_write(APIC_TIMER_DIV, 0x3);
    apic_write(APIC_LVT_TIMER, LVT_PERIODIC | VEC_TIMER);
    apic_write(APIC_TIMER_INIT, (uint32_t)((uint64_t)apic_timer_khz * 1000 / hz));
}

void apic_timer_oneshot(uint64_t ns)
{
    /* Round up (never early), and do not overflow for far deadlines. */
    uint64_t ticks = ns > 60000000000ull ? 0xffffffffull : (ns * apic_timer_khz + 999999) / 1000000;
    if (ticks == 0)
        ticks = 1;
    if (ticks > 0xffffffff)
        ticks = 0xffffffff;
    apic_write(APIC_TIMER_DIV, 0x3);
    apic_write(APIC_LVT_TIMER, VEC_TIMER);
    apic_write(APIC_TIMER_INIT, (uint32_t)ticks);
}
