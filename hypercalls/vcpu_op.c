/*
 * vcpu_op.c - bringing a domain's other vCPUs up and down.
 */
#include "hypercall.h"
#include "pv.h"
#include "mm.h"
#include "errno.h"
#include "string.h"
#include "guest_access.h"
#include "sched/sched.h"
#include <asm/cpu.h>
#include <paravane/vcpu.h>

static int initialise(struct vcpu *t, uint64_t arg)
{
    struct vcpu_guest_context ctx;
    if (copy_from_guest(&ctx, arg, sizeof ctx))
        return -EFAULT;
    if (!guest_va_ok(ctx.rip) || !guest_va_ok(ctx.rsp - 1) || !guest_va_ok(ctx.kernel_sp - 1) ||
        (ctx.event_callback && !guest_va_ok(ctx.event_callback)) ||
        (ctx.failsafe_callback && !guest_va_ok(ctx.failsafe_callback)) || (ctx.cr3 & (PAGE_SIZE - 1)))
        return -EINVAL;
    struct domain *d = t->dom;
    /*
     * Check, take the L4 and fill in the context as one step: two vCPUs
     * initialising the same target must not both take a reference, nor
     * rewrite registers that VCPUOP_up may already have handed to a pCPU.
     */
    spin_lock(&d->mm_lock);
    int rc = t->state != VCPU_DOWN || t->cr3 ? -EEXIST
             : get_page_type(pv_pt_env(), ctx.cr3 >> PAGE_SHIFT, FT_L4, d->id);
    if (rc == 0) {
        memset(&t->regs, 0, sizeof t->regs);
        t->regs.rip = ctx.rip;
        t->regs.rsp = ctx.rsp;
        t->regs.rdi = ctx.rdi;
        t->regs.rsi = ctx.rsi;
        t->regs.cs = PV_KERNEL_CS;
        t->regs.ss = PV_KERNEL_DS;
        t->regs.rflags = 0x202;
        t->kernel_sp = ctx.kernel_sp;
        t->event_callback = ctx.event_callback;
        t->failsafe_callback = ctx.failsafe_callback;
        t->info->evtchn_upcall_mask = 1;
        /* Last: a non-zero cr3 is what VCPUOP_up takes as "initialised". */
        __atomic_store_n(&t->cr3, ctx.cr3, __ATOMIC_RELEASE);
    }
    spin_unlock(&d->mm_lock);
    return rc;
}

long do_vcpu_op(struct vcpu *v, uint64_t cmd, uint64_t vcpu, uint64_t arg, uint64_t a4, uint64_t a5)
{
    (void)a4; (void)a5;
    struct domain *d = v->dom;
    if (vcpu >= d->max_vcpus || !d->vcpus[vcpu])
        return -ENOENT;
    struct vcpu *t = d->vcpus[vcpu];
    switch (cmd) {
    case VCPUOP_initialise:
        return initialise(t, arg);
    case VCPUOP_up:
        if (!__atomic_load_n(&t->cr3, __ATOMIC_ACQUIRE))
            return -EINVAL;
        t->going_down = false;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        if (t->state == VCPU_DOWN) {
            t->state = VCPU_BLOCKED;
            vcpu_wake(t);
        } else if (t->state == VCPU_RUNNABLE && !t->on_cpu) {
            /* Caught on its way down after leaving the queue: queue it again. */
            sched->wake(t);
            raise_softirq((unsigned)t->processor, SOFTIRQ_SCHEDULE);
        }
        return 0;
    case VCPUOP_down: {
        if (t->state == VCPU_DOWN)
            return 0;
        /* The last vCPU up stays up: a domain that wants to stop shuts down. */
        unsigned others_up = 0;
        for (unsigned i = 0; i < d->max_vcpus; i++)
            if (d->vcpus[i] && d->vcpus[i] != t && d->vcpus[i]->state != VCPU_DOWN &&
                !d->vcpus[i]->going_down)
                others_up++;
        if (!others_up)
            return -EBUSY;
        /*
         * It leaves at its next switch: at once if queued or blocked, at
         * the next reschedule of its pCPU if running (asked for here).
         * It resumes where it stopped when brought up again.
         */
        t->going_down = true;
        sched->sleep(t);
        if (t->state == VCPU_BLOCKED || t->state == VCPU_RUNNABLE) {
            if (!t->on_cpu)
                t->state = VCPU_DOWN;
        }
        if (t->processor >= 0)
            raise_softirq((unsigned)t->processor, SOFTIRQ_SCHEDULE);
        return 0;
    }
    case VCPUOP_is_up:
        return t->state != VCPU_DOWN && !t->going_down;
    case VCPUOP_get_counters: {
        struct vcpu_counters snap = t->counters;
        return copy_to_guest(arg, &snap, sizeof snap) ? -EFAULT : 0;
    }
    default:
        return -ENOSYS;
    }
}
