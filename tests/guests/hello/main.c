/*
 * hello - the smallest guest: start, print, report SUCCESS, power off.
 *
 * Everything else builds on this path: the hypervisor loads the ELF,
 * builds the bootstrap mapping, enters _start in ring 1 with start_info in
 * rsi; the guest prints over console_io and shuts down with sched_op.  If
 * this fails, no other guest can pass.
 */
#include "lib.h"

const char test_title[] = "hello: boot, print and power off";

void test_main(void)
{
    printk("Hello from a Paravane test guest\n");
    xtf_success();
}
