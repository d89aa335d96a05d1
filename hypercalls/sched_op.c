/*
 * sched_op.c - sched_op (yield, block, poll, shutdown) and set_timer_op.
 *
 * Blocking never loses a wake-up: the vCPU is marked blocked first and the
 * pending events are checked after, while an event sender sets the pending
 * bit first and checks for a blocked vCPU after (vcpu_kick).  One of the
 * two always sees the other.
 */
#include "hypercall.h"
#include "pv.h"
#include "time.h"
#include "errno.h"
#include "guest_access.h"
#include "sched/sched.h"
#include <asm/cpu.h>
#include <paravane/sched.h>

/* Block v unless 'ready' says an event is already there; then reschedule. */
static void block_unless(struct vcpu *v, bool (*ready)(struct vcpu *))
{
    v->state = VCPU_BLOCKED;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (ready(v)) {
        enum vcpu_state blocked = VCPU_BLOCKED;
        __atomic_compare_exchange_n(&v->state, &blocked, VCPU_RUNNING, false,
                                    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    }
    raise_softirq(this_cpu()->id, SOFTIRQ_SCHEDULE);
}

static bool upcall_pending(struct vcpu *v)
{
    return v->info->evtchn_upcall_pending != 0;
}

static bool port_pending(struct vcpu *v)
{
    const uint64_t *pending = v->dom->shared_info->evtchn_pending;
    for (unsigned i = 0; i < v->poll_nr; i++) {
        evtchn_port_t p = v->poll_ports[i];
        if (__atomic_load_n(&pending[p / 64], __ATOMIC_SEQ_CST) & (1ull << (p % 64)))
            return true;
    }
    return false;
}

static long do_poll(struct vcpu *v, uint64_t arg)
{
    struct sched_poll p;
    if (copy_from_guest(&p, arg, sizeof p))
        return -EFAULT;
    if (p.nr_ports == 0 || p.nr_ports > ARRAY_SIZE(v->poll_ports))
        return -EINVAL;
    evtchn_port_t ports[ARRAY_SIZE(v->poll_ports)];
    if (copy_from_guest(ports, p.ports, p.nr_ports * sizeof ports[0]))
        return -EFAULT;
    for (unsigned i = 0; i < p.nr_ports; i++)
        if (ports[i] >= PV_NR_EVTCHN)
            return -EINVAL;
    for (unsigned i = 0; i < p.nr_ports; i++)
        v->poll_ports[i] = ports[i];
    v->poll_deadline = p.timeout;
    __atomic_store_n(&v->poll_nr, p.nr_ports, __ATOMIC_SEQ_CST);
    if (port_pending(v) || (p.timeout && p.timeout <= time_ns())) {
        v->poll_nr = 0;
        return 0;
    }
    block_unless(v, port_pending);
    if (v->state == VCPU_RUNNING) {         /* a port was pending after all: not blocked */
        v->poll_nr = 0;
        v->poll_deadline = 0;
    }
    timer_reprogram();
    return 0;
}

long do_sched_op(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a3; (void)a4; (void)a5;
    switch (cmd) {
    case SCHEDOP_yield:
        if (sched->yield)
            sched->yield(v);
        raise_softirq(this_cpu()->id, SOFTIRQ_SCHEDULE);
        return 0;
    case SCHEDOP_block:
        v->info->evtchn_upcall_mask = 0;        /* blocking enables events */
        block_unless(v, upcall_pending);
        return 0;
    case SCHEDOP_shutdown: {
        struct sched_shutdown s;
        if (copy_from_guest(&s, arg, sizeof s))
            return -EFAULT;
        if (s.reason != SHUTDOWN_poweroff && s.reason != SHUTDOWN_reboot && s.reason != SHUTDOWN_crash)
            return -EINVAL;
        domain_shutdown(v->dom, s.reason);
        return 0;
    }
    case SCHEDOP_poll:
        return do_poll(v, arg);
    default:
        return -ENOSYS;
    }
}

long do_set_timer_op(struct vcpu *v, uint64_t deadline, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a2; (void)a3; (void)a4; (void)a5;
    v->timer_deadline = deadline;
    if (deadline && deadline <= time_ns())
        raise_softirq(this_cpu()->id, SOFTIRQ_TIMER);     /* already due: fire now */
    else
        timer_reprogram();
    return 0;
}
