/*
 * debug.c - the state dump behind the console's debug key (Ctrl-]):
 * every pCPU's current vCPU, pending work and the scheduler's queue, every
 * vCPU's state, timers and event flags.  Reads without locks: it is for looking at a system
 * that may be stuck.
 */
#include "domain.h"
#include "printk.h"
#include "time.h"
#include "sched/sched.h"
#include <asm/cpu.h>

void debug_dump(void)
{
    printk(LOG_NOTICE, "--- debug dump at %lu ns ---\n", (unsigned long)time_ns());
    for (unsigned i = 0; i < ncpus_present; i++) {
        const struct cpu *c = &cpus[i];
        if (!c->online)
            continue;
        printk(LOG_NOTICE, "cpu %u: running %s%u.%u, softirqs %#x, timer interrupts %lu\n", i,
               c->curr ? "d" : "idle", c->curr ? c->curr->dom->id : 0, c->curr ? c->curr->id : 0,
               c->softirq_pending, (unsigned long)c->timer_ticks);
        if (sched->dump)
            sched->dump(i);
    }
    for (unsigned id = 0; id < MAX_DOMAINS; id++) {
        const struct domain *d = domains[id];
        if (!d)
            continue;
        printk(LOG_NOTICE, "domain %u: state %d, %lu pages\n", id, d->state, (unsigned long)d->nr_pages);
        for (unsigned i = 0; i < d->max_vcpus; i++) {
            const struct vcpu *v = d->vcpus[i];
            if (!v)
                continue;
            printk(LOG_NOTICE, "  vcpu %u: state %d cpu %d on_cpu %d paused %d down %d timer %lu "
                   "poll %u/%lu mask %u pending %u rip %lx hcalls %lu\n", i, v->state, v->processor,
                   v->on_cpu, v->paused, v->going_down, (unsigned long)v->timer_deadline, v->poll_nr,
                   (unsigned long)v->poll_deadline, v->info->evtchn_upcall_mask,
                   v->info->evtchn_upcall_pending, (unsigned long)v->regs.rip,
                   (unsigned long)v->counters.hypercalls);
        }
    }
}
