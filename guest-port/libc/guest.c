/*
 * guest.c - the calls only this kernel has (<guest.h>).
 */
#include <guest.h>

#include "syscall.h"

int
poweroff(int code)
{
    return (int)SYSCALL1(SYS_poweroff, code);
}

int
reboot(void)
{
    return (int)SYSCALL0(SYS_reboot);
}

int
hal_counters(struct hal_counters *c)
{
    return (int)SYSCALL1(SYS_hal_counters, c);
}
