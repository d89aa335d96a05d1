/*
 * time.c - system time from the TSC scale the hypervisor publishes in
 * vcpu_info (shared_info.h), the wall clock, and the one-shot timer.
 * hal_time_ns() is Paravane system time: ns since the hypervisor booted,
 * the same clock set_timer_op takes.
 */
#include "pv.h"
#include "defs.h"

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

uint64_t hal_time_ns(void)
{
    const volatile struct vcpu_time_info *t = &pv_vcpu->time;
    uint32_t v;
    uint64_t ns;
    do {
        v = t->version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        uint64_t d = rdtsc() - t->tsc_timestamp;
        if ((int64_t)d < 0)
            d = 0;                  /* another pCPU's TSC a hair behind */
        int8_t shift = t->tsc_shift;
        d = shift >= 0 ? d << shift : d >> -shift;
        ns = t->system_time + (uint64_t)(((unsigned __int128)d * t->tsc_to_system_mul) >> 32);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((v & 1) || v != t->version);
    return ns;
}

uint64_t hal_wallclock_ns(void)
{
    uint32_t v;
    uint64_t sec, nsec;
    do {
        v = pv_shared->wc_version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        sec = ((uint64_t)pv_shared->wc_sec_hi << 32) | pv_shared->wc_sec;
        nsec = pv_shared->wc_nsec;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((v & 1) || v != pv_shared->wc_version);
    return sec * 1000000000ull + nsec;
}

void hal_timer_set(uint64_t deadline_ns)
{
    HYPERVISOR_set_timer_op(deadline_ns);
}
