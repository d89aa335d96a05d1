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

/* ---- controls ---- */

int sched_set_params(domid_t d, unsigned weight, unsigned cap)
{
    return sched == &sched_credit ? credit_set_params(d, weight, cap) : -ENOSYS;
}

int sched_get_params(domid_t d, unsigned *weight, unsigned *cap)
{
    return sched == &sched_credit ? credit_get_params(d, weight, cap) : -ENOSYS;
}

int sched_pin(struct vcpu *v, uint64_t hard, uint64_t soft)
{
    if (sched == &sched_credit)
        return credit_pin(v, hard, soft ? soft : hard);
    return rr_pin(v, hard);
}

int sched_vcpu_stats(struct vcpu *v, struct sched_vcpu_stats *out)
{
    if (sched == &sched_credit) {
        struct credit_vcpu_stats cs;
        int rc = credit_get_stats(v->dom->id, v->id, &cs);
        if (rc)
            return rc;
        *out = (struct sched_vcpu_stats){ cs.run_ns, cs.wait_ns, cs.blocked_ns, cs.migrations, cs.switches };
        return 0;
    }
    /* Round-robin keeps run time only. */
    *out = (struct sched_vcpu_stats){ .run_ns = v->runtime_ns };
    return 0;
}

int sched_pcpu_stats(unsigned cpu, struct sched_pcpu_stats *out)
{
    if (sched != &sched_credit)
        return -ENOSYS;
    struct credit_pcpu_stats cs;
    int rc = credit_get_pcpu_stats(cpu, &cs);
    if (!rc)
        *out = (struct sched_pcpu_stats){ cs.busy_ns, cs.idle_ns, cs.switches };
    return rc;
}
