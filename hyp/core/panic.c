/*
 * panic.c - the hypervisor found its own invariants broken: say so, show
 * where, stop every CPU, and halt, reboot or exit QEMU as panic= says.
 */
#include "panic.h"
#include "printk.h"
#include "format.h"
#include "symbols.h"
#include "machine.h"
#include "options.h"
#include "smp.h"
#include <asm/cpu.h>
#include <asm/x86.h>
#include <asm/traps.h>

extern struct boot_options hyp_options;
static volatile int panicking;

bool panic_in_progress(void) { return panicking != 0; }

void panic_stop(void)
{
    extern volatile unsigned cpus_stopped;
    smp_stop_others();
    /* Wait (briefly) for them to say they stopped, so the report is true. */
    unsigned others = ncpus_online > 0 ? ncpus_online - 1 : 0;
    for (uint64_t i = 0; i < 50000000ull && cpus_stopped < others; i++)
        cpu_relax();
    printk(LOG_EMERG, "%u of %u other CPUs stopped\n", cpus_stopped, others);
    switch (hyp_options.panic) {
    case PANIC_QEMU_EXIT:
        machine_qemu_exit(QEMU_EXIT_PANIC);
    case PANIC_REBOOT:
        printk(LOG_EMERG, "Rebooting in 5 seconds.\n");
        for (volatile uint64_t i = 0; i < 2000000000ull; i++)
            ;
        machine_reboot();
    case PANIC_HALT:
    default:
        printk(LOG_EMERG, "System halted.\n");
        machine_halt();
    }
}

void panic_enter(void)
{
    irq_disable();
    if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST))
        machine_halt();         /* another CPU is already reporting */
    printk_bust_lock();
}

void panic(const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    panic_enter();
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    printk(LOG_EMERG, "\n**************************************\n");
    printk(LOG_EMERG, "PANIC on CPU %d: %s\n", cpu_id(), msg);
    printk(LOG_EMERG, "**************************************\n");
    uint64_t lo, hi, rbp = read_rbp();
    stack_bounds(rbp, &lo, &hi);
    /* Start at panic()'s caller: its return address and its frame. */
    const uint64_t *frame = (const uint64_t *)rbp;
    if (hi)
        backtrace_print(frame[1], frame[0], lo, hi);
    else
        printk(LOG_EMERG, "(no backtrace: not on a known stack)\n");
    panic_stop();
}
