/*
 * hypercall.c - the hypercall table, multicall, and the version call.
 *
 * The number in rax indexes a table (bounds-checked); arguments come from
 * rdi, rsi, rdx, r10, r8 (paravane.h).  An unknown number is -ENOSYS and
 * a log line (rate-limited: a guest must not flood the console).
 */
#include "hypercall.h"
#include "evtchn.h"
#include "printk.h"
#include "errno.h"
#include "string.h"
#include "version.h"
#include "guest_access.h"
#include "pv.h"
#include <asm/cpu.h>
#include <paravane/version.h>

static long do_evtchn(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a3; (void)a4; (void)a5;
    return do_event_channel_op(v, (unsigned)cmd, arg);
}

static const hypercall_fn table[NR_HYPERCALLS] = {
    [HYPERCALL_set_trap_table]    = do_set_trap_table,
    [HYPERCALL_mmu_update]        = do_mmu_update,
    [HYPERCALL_mmuext_op]         = do_mmuext_op,
    [HYPERCALL_update_va_mapping] = do_update_va_mapping,
    [HYPERCALL_stack_switch]      = do_stack_switch,
    [HYPERCALL_set_callbacks]     = do_set_callbacks,
    [HYPERCALL_set_segment_base]  = do_set_segment_base,
    [HYPERCALL_multicall]         = do_multicall,
    [HYPERCALL_console_io]        = do_console_io,
    [HYPERCALL_sched_op]          = do_sched_op,
    [HYPERCALL_set_timer_op]      = do_set_timer_op,
    [HYPERCALL_event_channel_op]  = do_evtchn,
    [HYPERCALL_vcpu_op]           = do_vcpu_op,
    [HYPERCALL_version]           = do_version,
    [HYPERCALL_sysctl]            = do_sysctl,
};

static __attribute__((hot)) long dispatch(struct vcpu *v, uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3,
                     uint64_t a4, uint64_t a5)
{
    static uint64_t unknown_logged;
    if (nr >= NR_HYPERCALLS || !table[nr]) {
        if (unknown_logged++ < 16)
            pr_info("domain %u: unknown hypercall %lu: -ENOSYS\n", v->dom->id, (unsigned long)nr);
        return -ENOSYS;
    }
    return table[nr](v, a1, a2, a3, a4, a5);
}

__attribute__((hot)) long do_hypercall(struct vcpu *v, const struct cpu_regs *r)
{
    return dispatch(v, r->rax, r->rdi, r->rsi, r->rdx, r->r10, r->r8);
}

long do_multicall(struct vcpu *v, uint64_t calls, uint64_t count, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a3; (void)a4; (void)a5;
    if (count > MULTICALL_MAX)
        return -E2BIG;
    uint64_t i = 0;
    for (; i < count; i++) {
        struct multicall_entry e;
        uint64_t at = calls + i * sizeof e;
        if (copy_from_guest(&e, at, sizeof e))
            return -EFAULT;
        if (e.op == HYPERCALL_multicall)
            e.result = -EINVAL;             /* no nesting */
        else
            e.result = dispatch(v, e.op, e.args[0], e.args[1], e.args[2], e.args[3], e.args[4]);
        if (copy_to_guest(at + offsetof(struct multicall_entry, result), &e.result, sizeof e.result))
            return -EFAULT;
        /*
         * A call that blocked the vCPU (block, poll) or ended the domain
         * ends the batch: the vCPU may already be queued on another pCPU,
         * and nothing more may run on it here.  The calls not made get
         * -EAGAIN.  (A yield only takes effect after the batch.)
         */
        if (v->dom->state != DOM_RUNNING || v->state != VCPU_RUNNING) {
            i++;
            break;
        }
    }
    for (; i < count; i++) {
        int64_t again = -EAGAIN;
        uint64_t at = calls + i * sizeof(struct multicall_entry) + offsetof(struct multicall_entry, result);
        if (copy_to_guest(at, &again, sizeof again))
            return -EFAULT;
    }
    return 0;
}

long do_version(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)v; (void)a3; (void)a4; (void)a5;
    switch (cmd) {
    case VERSION_version:
        return (0 << 16) | 1;               /* 0.1, as PARAVANE_VERSION */
    case VERSION_interface:
        return PARAVANE_INTERFACE_VERSION;
    case VERSION_extra: {
        char s[VERSION_EXTRA_LEN];
        memset(s, 0, sizeof s);
        strlcpy(s, "Paravane " PARAVANE_VERSION, sizeof s);
        return copy_to_guest(arg, s, sizeof s) ? -EFAULT : 0;
    }
    case VERSION_features:
        return PVFEAT_MULTICALL | PVFEAT_EVTCHN;
    default:
        return -ENOSYS;
    }
}
