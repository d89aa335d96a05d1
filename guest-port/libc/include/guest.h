/*
 * guest.h - system calls particular to the Paravane guest kernel.
 */
#ifndef GUEST_H
#define GUEST_H

#include <stdint.h>

/*
 * Ends the machine (native) or the domain (PV); code is the exit status a
 * test harness sees.  Only init (pid 1) may: -1 with errno EPERM otherwise.
 * Does not return on success.
 */
int poweroff(int code);

/* Restarts the machine or the domain.  Only init may, as for poweroff.
 * (The poweroff and reboot commands ask init with SIGUSR1 and SIGUSR2.) */
int reboot(void);

/* What the PV build has cost so far, machine-wide (uapi_hal_counters). */
struct hal_counters {
    uint64_t hypercalls;    /* hypervisor entries by int $0x82 */
    uint64_t exceptions;    /* exceptions the hypervisor took and bounced */
    uint64_t interrupts;
    uint64_t cr3_writes;
};

/* Fills c: 0, or -1 with errno (ENOSYS on the native build). */
int hal_counters(struct hal_counters *c);

#endif
