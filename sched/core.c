/*
 * core.c - which scheduling policy runs (the sched= boot option), and the
 * hooks the credit policy needs from the hypervisor.
 */
#include "sched.h"
#include "credit.h"
#include "string.h"
#include "time.h"
#include "printk.h"
#include "pv.h"
#include <asm/cpu.h>

const struct scheduler *sched = &sched_credit;

static uint64_t hook_now(void) { return time_ns(); }
static void hook_tickle(unsigned cpu) { raise_softirq(cpu, SOFTIRQ_SCHEDULE); }

static uint64_t hook_online(void)
{
    uint64_t mask = 0;
    for (unsigned i = 0; i < ncpus_present && i < 64; i++)
        if (cpus[i].online)
            mask |= 1ull << i;
    return mask;
}

void sched_setup(const char *name, unsigned ncpus)
{
    static const struct credit_hooks hooks = {
        .now = hook_now, .tickle = hook_tickle, .online = hook_online,
    };
    sched = strcmp(name, "rr") == 0 ? &sched_rr : &sched_credit;
    credit_set_hooks(&hooks);
    sched->init(ncpus);
    pr_info("sched: %s policy on %u CPUs\n", sched->name, ncpus);
}
