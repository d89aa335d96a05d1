/*
 * sysctl.c - host controls for dom0: scheduler parameters, vCPU pinning,
 * scheduler statistics (include/paravane/sysctl.h).
 */
#include "hypercall.h"
#include "errno.h"
#include "guest_access.h"
#include "sched/sched.h"
#include <paravane/sysctl.h>

static struct vcpu *find_vcpu(domid_t dom, uint32_t vcpu)
{
    struct domain *d = domain_by_id(dom);
    if (!d || d->state != DOM_RUNNING || vcpu >= d->max_vcpus)
        return NULL;
    return d->vcpus[vcpu];
}

long do_sysctl(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a3; (void)a4; (void)a5;
    if (!v->dom->privileged)
        return -EPERM;
    if (cmd > SYSCTL_pcpu_stats)
        return -ENOSYS;
    switch (cmd) {
    case SYSCTL_sched_get:
    case SYSCTL_sched_set: {
        struct sysctl_sched s;
        if (copy_from_guest(&s, arg, sizeof s))
            return -EFAULT;
        if (!domain_by_id(s.dom))
            return -ESRCH;
        if (cmd == SYSCTL_sched_set)
            return sched_set_params(s.dom, s.weight, s.cap);
        unsigned w, c;
        int rc = sched_get_params(s.dom, &w, &c);
        if (rc)
            return rc;
        s.weight = w;
        s.cap = c;
        return copy_to_guest(arg, &s, sizeof s) ? -EFAULT : 0;
    }
    case SYSCTL_vcpu_pin: {
        struct sysctl_vcpu_pin p;
        if (copy_from_guest(&p, arg, sizeof p))
            return -EFAULT;
        struct vcpu *t = find_vcpu(p.dom, p.vcpu);
        if (!t)
            return -ESRCH;
        return sched_pin(t, p.hard, p.soft);
    }
    case SYSCTL_vcpu_stats: {
        struct sysctl_vcpu_stats s;
        struct sched_vcpu_stats cs;
        if (copy_from_guest(&s, arg, sizeof s))
            return -EFAULT;
        struct vcpu *t = find_vcpu(s.dom, s.vcpu);
        if (!t)
            return -ESRCH;
        int rc = sched_vcpu_stats(t, &cs);
        if (rc)
            return rc;
        s.run_ns = cs.run_ns;
        s.wait_ns = cs.wait_ns;
        s.blocked_ns = cs.blocked_ns;
        s.migrations = cs.migrations;
        s.switches = cs.switches;
        s.cpu = t->processor;
        return copy_to_guest(arg, &s, sizeof s) ? -EFAULT : 0;
    }
    case SYSCTL_pcpu_stats: {
        struct sysctl_pcpu_stats s;
        struct sched_pcpu_stats cs;
        if (copy_from_guest(&s, arg, sizeof s))
            return -EFAULT;
        int rc = sched_pcpu_stats(s.cpu, &cs);
        if (rc)
            return rc;
        s.busy_ns = cs.busy_ns;
        s.idle_ns = cs.idle_ns;
        s.switches = cs.switches;
        return copy_to_guest(arg, &s, sizeof s) ? -EFAULT : 0;
    }
    default:
        return -ENOSYS;
    }
}
