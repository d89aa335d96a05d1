/*
 * cpu.c - kernel contexts, the ring-1 stack for entries from ring 3,
 * FPU state, and the end of the domain.
 */
#include "pv.h"
#include "defs.h"
#include <paravane/sched.h>
#include <paravane/vcpu.h>

/* What hal_switch (entry.S) pushes, lowest address first. */
struct hal_context {
    uint64_t r15, r14, r13, r12, rbx, rbp, rip;
};

extern char pv_thread_start[];

struct hal_context *hal_context_init(void *stack_top, void (*fn)(void))
{
    struct hal_context *c = (struct hal_context *)(((uint64_t)stack_top & ~15ull) - sizeof *c);
    memset(c, 0, sizeof *c);
    c->r12 = (uint64_t)fn;          /* pv_thread_start calls it */
    c->rip = (uint64_t)pv_thread_start;
    return c;
}

/* Takes effect with the next flush: every return to ring 3 flushes first. */
void hal_set_kernel_stack(uint64_t top)
{
    pv_kernel_stack_want(top);
}

void hal_enter_user(struct trapframe *tf)
{
    pv_sync_for_user();
    pv_resume_user(tf);
}

void hal_fpu_init(struct hal_fpu *f)
{
    memset(f, 0, sizeof *f);
    f->area[0] = 0x7f;              /* FCW 0x37f: all exceptions masked, extended precision */
    f->area[1] = 0x03;
    uint32_t mxcsr = 0x1f80;        /* all SSE exceptions masked, round to nearest */
    memcpy(&f->area[24], &mxcsr, sizeof mxcsr);
}

void hal_fpu_save(struct hal_fpu *f)
{
    __asm__ volatile("fxsave64 %0" : "=m"(*f));
}

void hal_fpu_restore(const struct hal_fpu *f)
{
    __asm__ volatile("fxrstor64 %0" : : "m"(*f));
}

void hal_poweroff(int code)
{
    struct sched_shutdown sd = { .reason = code == 0 ? SHUTDOWN_poweroff : SHUTDOWN_crash };
    pv_flush();
    HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd);
    for (;;)                        /* the domain is stopped: never scheduled again */
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
}

void hal_reboot(void)
{
    struct sched_shutdown sd = { .reason = SHUTDOWN_reboot };
    pv_flush();
    HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd);
    for (;;)
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
}

int hal_counters(struct uapi_hal_counters *c)
{
    struct vcpu_counters vc;
    if (HYPERVISOR_vcpu_op(VCPUOP_get_counters, 0, &vc) != 0)
        return -ENOSYS;
    c->hypercalls = vc.hypercalls;
    c->exceptions = vc.exceptions;
    c->interrupts = vc.interrupts;
    c->cr3_writes = vc.cr3_writes;
    return 0;
}
