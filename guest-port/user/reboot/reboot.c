/*
 * reboot - restart the machine (native) or the domain (PV).  Only init may
 * make the call, so this asks it: SIGUSR2 to pid 1.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>

int
main(void)
{
    if (kill(1, SIGUSR2) < 0) {
        fprintf(stderr, "reboot: cannot signal init: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}
