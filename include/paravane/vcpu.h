/*
 * vcpu.h - HYPERVISOR_vcpu_op(unsigned cmd, unsigned vcpu, void *arg):
 * a domain's extra vCPUs.
 *
 *   VCPUOP_initialise  struct vcpu_guest_context: set the initial state
 *                      of a vCPU that is down (-EEXIST if initialised).
 *   VCPUOP_up          start an initialised vCPU (-EINVAL if not).
 *   VCPUOP_down        stop a vCPU (itself too); it keeps its state and
 *                      resumes where it stopped on VCPUOP_up.  The last
 *                      vCPU up cannot go down (-EBUSY): shut down instead.
 *   VCPUOP_is_up       returns 1 if the vCPU is up, 0 if not.
 *   VCPUOP_get_counters struct vcpu_counters: how often the vCPU entered
 *                      the hypervisor, and the CR3 writes made for it
 *                      (the costs docs/benchmarks.md reports).
 * vcpu must be below start_info.nr_vcpus, else -ENOENT.
 */
#ifndef PARAVANE_VCPU_H
#define PARAVANE_VCPU_H

#include "paravane.h"

#define VCPUOP_initialise 0
#define VCPUOP_up         1
#define VCPUOP_down       2
#define VCPUOP_is_up      3
#define VCPUOP_get_counters 4

struct vcpu_guest_context {
    uint64_t rip, rsp, rflags;        /* starts in ring 1 with these */
    uint64_t rdi, rsi;                /* two arguments for the entry point */
    uint64_t cr3;                     /* machine address of a validated L4 */
    uint64_t kernel_sp;               /* ring-1 stack for entries from ring 3 */
    uint64_t event_callback;          /* as set_callbacks */
    uint64_t failsafe_callback;
};                                    /* 72 bytes */

struct vcpu_counters {
    uint64_t hypercalls;              /* int $0x82 entries */
    uint64_t exceptions;              /* exceptions taken into the hypervisor (and bounced) */
    uint64_t interrupts;              /* interrupts that arrived while it ran */
    uint64_t cr3_writes;              /* two per entry, plus switches, flushes, base pointers */
};                                    /* 32 bytes */

#endif
