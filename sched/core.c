/*
 * core.c - which scheduling policy runs (the sched= boot option), the
 * hooks the credit policy needs from the hypervisor, and dom0's controls
 * routed to the policy's operations.
 */
#include "sched.h"
#include "credit.h"
#include "string.h"
#include "time.h"
#include "printk.h"
#include "pv.h"
#include "errno.h"
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

/* ---- controls: the policy's operation, or -ENOSYS ---- */

int sched_set_params(domid_t d, unsigned weight, unsigned cap)
{
    return sched->set_params ? sched->set_params(d, weight, cap) : -ENOSYS;
}

int sched_get_params(domid_t d, unsigned *weight, unsigned *cap)
{
    return sched->get_params ? sched->get_params(d, weight, cap) : -ENOSYS;
}

int sched_pin(struct vcpu *v, uint64_t hard, uint64_t soft)
{
    return sched->set_affinity ? sched->set_affinity(v, hard, soft ? soft : hard) : -ENOSYS;
}

int sched_vcpu_stats(struct vcpu *v, struct sched_vcpu_stats *out)
{
    return sched->vcpu_stats ? sched->vcpu_stats(v, out) : -ENOSYS;
}

int sched_pcpu_stats(unsigned cpu, struct sched_pcpu_stats *out)
{
    return sched->pcpu_stats ? sched->pcpu_stats(cpu, out) : -ENOSYS;
}
