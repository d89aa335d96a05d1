/*
 * traps.c - how a guest kernel is entered: set_trap_table, stack_switch,
 * set_callbacks, set_segment_base.  Every address must be a guest address
 * and every selector the guest kernel's: a guest can never make the CPU
 * enter ring 0, or jump into the hypervisor.
 */
#include "hypercall.h"
#include "errno.h"
#include "string.h"
#include "guest_access.h"
#include <asm/x86.h>
#include <paravane/trap.h>

#define MAX_TRAP_ENTRIES 256

static bool canonical(uint64_t va)
{
    return va < 0x0000800000000000ull || va >= 0xffff800000000000ull;
}

long do_set_trap_table(struct vcpu *v, uint64_t table, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a2; (void)a3; (void)a4; (void)a5;
    struct trap_info traps[32];
    uint64_t syscall = 0;
    uint8_t syscall_dpl = 0;

    memset(traps, 0, sizeof traps);
    if (table) {
        /* Decode the whole table first: one bad entry and nothing changes. */
        for (unsigned i = 0;; i++) {
            struct trap_info t;
            if (i == MAX_TRAP_ENTRIES)
                return -E2BIG;
            if (copy_from_guest(&t, table + i * sizeof t, sizeof t))
                return -EFAULT;
            if (t.address == 0)
                break;
            if (t.cs != PV_KERNEL_CS || !guest_va_ok(t.address) || t.dpl > 3)
                return -EINVAL;
            if (t.vector == SYSCALL_VECTOR) {
                if (t.dpl != 3 && t.dpl != 1)
                    return -EINVAL;
                syscall = t.address;
                syscall_dpl = t.dpl;
            } else if (t.vector < 32 && t.vector != 2 && t.vector != 8 && t.vector != 18 &&
                       t.dpl == 0) {
                traps[t.vector] = t;        /* NMI, #DF, #MC stay the hypervisor's */
            } else {
                return -EINVAL;
            }
        }
    }
    memcpy(v->traps, traps, sizeof traps);
    v->syscall_handler = syscall;
    v->syscall_dpl = syscall_dpl;
    pv_reload_vcpu_entry(v);
    return 0;
}

long do_stack_switch(struct vcpu *v, uint64_t ss, uint64_t sp, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a3; (void)a4; (void)a5;
    if (ss != PV_KERNEL_DS || !guest_va_ok(sp - 1))
        return -EINVAL;
    v->kernel_sp = sp;
    pv_reload_vcpu_entry(v);
    return 0;
}

long do_set_callbacks(struct vcpu *v, uint64_t event, uint64_t failsafe, uint64_t flags,
                      uint64_t a4, uint64_t a5)
{
    (void)a4; (void)a5;
    if (flags != 0 || (event && !guest_va_ok(event)) || (failsafe && !guest_va_ok(failsafe)))
        return -EINVAL;
    v->event_callback = event;
    v->failsafe_callback = failsafe;
    return 0;
}

long do_set_segment_base(struct vcpu *v, uint64_t which, uint64_t base, uint64_t a3, uint64_t a4,
                         uint64_t a5)
{
    (void)a3; (void)a4; (void)a5;
    if (!canonical(base))
        return -EINVAL;                 /* wrmsr would #GP in the hypervisor */
    switch (which) {
    case SEGBASE_FS:
        v->fs_base = base;
        wrmsr(MSR_FS_BASE, base);
        return 0;
    case SEGBASE_GS:
        v->gs_base = base;
        wrmsr(MSR_GS_BASE, base);
        return 0;
    default:
        return -EINVAL;
    }
}
