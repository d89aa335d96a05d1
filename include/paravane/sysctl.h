/*
 * sysctl.h - HYPERVISOR_sysctl(unsigned cmd, void *arg): the host
 * controls a privileged domain (dom0) uses on other domains.  Any other
 * caller gets -EPERM.  Errors: -EINVAL (out-of-range field), -ESRCH (no
 * such domain or vCPU), -ENOSYS (unknown cmd, or the running scheduling
 * policy has no such control), -EFAULT.
 *
 *   SYSCTL_sched_get / SYSCTL_sched_set  struct sysctl_sched: a domain's
 *       credit-scheduler weight (1..65535, default 256) and cap (percent
 *       of one pCPU, 0 = none).
 *   SYSCTL_vcpu_pin  struct sysctl_vcpu_pin: hard affinity (the vCPU runs
 *       only on these pCPUs) and soft affinity (preferred); a mask must
 *       name at least one online pCPU.  The vCPU moves promptly.
 *   SYSCTL_vcpu_stats  struct sysctl_vcpu_stats: what the scheduler has
 *       measured for a vCPU, in ns since it was created.
 *   SYSCTL_pcpu_stats  struct sysctl_pcpu_stats: a pCPU's busy and idle
 *       time and the vCPUs switched in, since boot.
 */
#ifndef PARAVANE_SYSCTL_H
#define PARAVANE_SYSCTL_H

#include "paravane.h"

#define SYSCTL_sched_get   0
#define SYSCTL_sched_set   1
#define SYSCTL_vcpu_pin    2
#define SYSCTL_vcpu_stats  3
#define SYSCTL_pcpu_stats  4

struct sysctl_sched {
    domid_t  dom;                 /* IN */
    uint16_t pad;
    uint32_t weight;              /* IN (set) / OUT (get) */
    uint32_t cap;                 /* IN (set) / OUT (get) */
    uint32_t pad2;
};                                /* 16 bytes */

struct sysctl_vcpu_pin {
    domid_t  dom;                 /* IN */
    uint16_t pad;
    uint32_t vcpu;                /* IN */
    uint64_t hard;                /* IN: bit n = pCPU n */
    uint64_t soft;                /* IN: 0 = none */
};                                /* 24 bytes */

struct sysctl_vcpu_stats {
    domid_t  dom;                 /* IN */
    uint16_t pad;
    uint32_t vcpu;                /* IN */
    uint64_t run_ns, wait_ns, blocked_ns;   /* OUT */
    uint64_t migrations, switches;          /* OUT */
    int32_t  cpu;                 /* OUT: the pCPU it runs on or last ran on */
    uint32_t pad2;
};                                /* 56 bytes */

struct sysctl_pcpu_stats {
    uint32_t cpu;                 /* IN */
    uint32_t pad;
    uint64_t busy_ns, idle_ns, switches;    /* OUT */
};                                /* 32 bytes */

static inline long HYPERVISOR_sysctl(unsigned cmd, void *arg)
{
    long ret;
    register unsigned long a1 __asm__("rdi") = cmd;
    register unsigned long a2 __asm__("rsi") = (unsigned long)arg;
    __asm__ volatile("int $0x82" : "=a"(ret), "+r"(a1), "+r"(a2)
                     : "a"((unsigned long)HYPERCALL_sysctl) : "rdx", "r10", "r8", "memory");
    return ret;
}

#endif
