/*
 * bench.c - the cost of the transitions a hypervisor is built from,
 * measured at boot with the "bench" option: a ring 3 -> 0 -> 3 round trip
 * by syscall/sysret and by int/iret, a CR3 reload, and an IPI round trip.
 * These are the floor the hypercall path is measured against
 * (docs/benchmarks.md).  Each figure is the median of RUNS runs, with the
 * spread, in TSC cycles and ns.
 */
#include "selftest.h"
#include "mm.h"
#include "smp.h"
#include "time.h"
#include "printk.h"
#include "string.h"
#include <asm/cpu.h>
#include <asm/traps.h>
#include <asm/x86.h>

#define RUNS        7
#define USER_CODE   0x400000ull
#define USER_STACK  0x800000ull

extern char bench_user_start[], bench_user_end[];
extern char bench_exit_gate[], bench_int80[], bench_syscall[];
uint64_t bench_enter_user(uint64_t rip, uint64_t rsp, uint64_t iterations, uint64_t mode);

static void sort(uint64_t *v, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j] < v[j - 1]; j--) {
            uint64_t t = v[j]; v[j] = v[j - 1]; v[j - 1] = t;
        }
}

/* Print one result line; 'per_op' holds RUNS per-operation cycle counts. */
static void report(const char *name, uint64_t *per_op, uint64_t iterations)
{
    sort(per_op, RUNS);
    uint64_t med = per_op[RUNS / 2];
    printk(LOG_NOTICE, "bench %-14s median %6lu cycles (%5lu ns), min %lu, max %lu, %d runs x %lu\n",
           name, (unsigned long)med, (unsigned long)tsc_to_ns(med), (unsigned long)per_op[0],
           (unsigned long)per_op[RUNS - 1], RUNS, (unsigned long)iterations);
}

static void bench_ring3(void)
{
    enum { ITER = 100000 };
    uint64_t code = alloc_frames(0), stack = alloc_frames(0);
    if (!code || !stack || map_page(USER_CODE, code, PTE_U) ||
        map_page(USER_STACK, stack, PTE_U | PTE_W | pte_nx)) {
        pr_err("bench: out of memory\n");
        return;
    }
    memcpy(phys_to_virt(code), bench_user_start, (size_t)(bench_user_end - bench_user_start));

    idt_set_gate(0x80, (uint64_t)bench_int80, 0, 3);
    idt_set_gate(0x81, (uint64_t)bench_exit_gate, 0, 3);
    /* sysret to SEL_USER_CS/DS: STAR[63:48] + 16 / + 8. */
    wrmsr(MSR_STAR, ((uint64_t)(SEL_USER_DS - 8) << 48) | ((uint64_t)SEL_HYP_CS << 32));
    wrmsr(MSR_LSTAR, (uint64_t)bench_syscall);
    wrmsr(MSR_SFMASK, X86_RFLAGS_IF);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);

    uint64_t cycles[RUNS];
    for (uint64_t mode = 0; mode < 2; mode++) {
        for (int r = 0; r < RUNS; r++)
            cycles[r] = bench_enter_user(USER_CODE, USER_STACK + PAGE_SIZE, ITER, mode) / ITER;
        report(mode ? "int/iret" : "syscall/sysret", cycles, ITER);
    }

    /* Leave nothing behind: guests get these vectors and the low half. */
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) & ~EFER_SCE);
    wrmsr(MSR_LSTAR, 0);
    idt_set_gate(0x80, idt_stub(0x80), 0, 0);
    idt_set_gate(0x81, idt_stub(0x81), 0, 0);
    paging_clear_l4_slot(0);
    free_frames(code, 0);
    free_frames(stack, 0);
}

static void bench_cr3(void)
{
    enum { ITER = 10000 };
    uint64_t cycles[RUNS], cr3 = read_cr3();
    for (int r = 0; r < RUNS; r++) {
        uint64_t t0 = rdtsc();
        for (int i = 0; i < ITER; i++)
            write_cr3(cr3);
        cycles[r] = (rdtsc() - t0) / ITER;
    }
    report("cr3-reload", cycles, ITER);
}

static void nop(void *arg) { (void)arg; }

static void bench_ipi(void)
{
    enum { ITER = 2000 };
    uint64_t cycles[RUNS];
    unsigned target = 0;
    for (unsigned i = 1; i < ncpus_present; i++)
        if (cpus[i].online) {
            target = i;
            break;
        }
    if (!target) {
        pr_info("bench ipi-roundtrip   skipped: only one CPU online\n");
        return;
    }
    for (int r = 0; r < RUNS; r++) {
        uint64_t t0 = rdtsc();
        for (int i = 0; i < ITER; i++)
            if (smp_call_function(target, nop, NULL)) {
                pr_err("bench: CPU %u did not answer an IPI\n", target);
                return;
            }
        cycles[r] = (rdtsc() - t0) / ITER;
    }
    report("ipi-roundtrip", cycles, ITER);
}

void bench_run(void)
{
    printk(LOG_NOTICE, "bench: start (TSC %lu kHz)\n", (unsigned long)tsc_khz);
    bench_ring3();
    bench_cr3();
    bench_ipi();
    printk(LOG_NOTICE, "bench: done\n");
}
