/*
 * smp.c - starting the application processors and talking to them.
 *
 * Start-up is one CPU at a time: the boot CPU copies the trampoline to low
 * memory, gives it a stack and sends INIT-SIPI-SIPI, then waits for the AP
 * to mark itself online.  An AP ends in its idle loop (halted until an
 * interrupt).  Calls to another CPU go through a per-CPU mailbox and the
 * VEC_CALL_FUNC IPI.
 */
#include "smp.h"
#include "apic.h"
#include "mm.h"
#include "time.h"
#include "printk.h"
#include "panic.h"
#include "spinlock.h"
#include "string.h"
#include "errno.h"
#include "pv.h"
#include <asm/cpu.h>
#include <asm/traps.h>
#include <asm/x86.h>

/* Low frames for the AP start-up page tables (below 1 MiB, never allocated). */
#define TR_L4_PHYS    0x9000
#define TR_L3_PHYS    0xa000
#define TR_L2_PHYS    0xb000

extern char trampoline_start[], trampoline_end[];
extern char tr_cr3[], tr_efer[], tr_stack[], tr_entry[];

static struct cpu *volatile ap_starting;
static struct spinlock call_lock[MAX_CPUS];

/* Where trampoline field 'f' lives in the low-memory copy. */
static void *tr_field(char *f)
{
    return phys_to_virt(TRAMPOLINE_PHYS + (uint64_t)(f - trampoline_start));
}

static void call_func_irq(struct cpu_regs *regs)
{
    (void)regs;
    struct cpu *c = this_cpu();
    uint32_t req = c->call.requested;
    if (req != c->call.done) {
        c->call.fn(c->call.arg);
        __atomic_store_n(&c->call.done, req, __ATOMIC_RELEASE);
    }
}

int smp_call_function(unsigned cpu, void (*fn)(void *), void *arg)
{
    if (cpu >= MAX_CPUS || !cpus[cpu].online)
        return -EINVAL;
    struct cpu *c = &cpus[cpu];
    if ((int)cpu == cpu_id()) {
        fn(arg);
        return 0;
    }
    spin_lock(&call_lock[cpu]);
    c->call.fn = fn;
    c->call.arg = arg;
    uint32_t req = c->call.requested + 1;
    __atomic_store_n(&c->call.requested, req, __ATOMIC_RELEASE);
    apic_send_ipi(c->apic_id, ICR_FIXED | VEC_CALL_FUNC);
    /*
     * A CPU that does not answer within a second is broken or stuck with
     * interrupts off: its mailbox cannot be reused safely, so stop here.
     */
    uint64_t deadline = rdtsc() + tsc_khz * 1000;
    while (__atomic_load_n(&c->call.done, __ATOMIC_ACQUIRE) != req)
        if ((int64_t)(rdtsc() - deadline) > 0)
            panic("smp: CPU %u did not answer a function call within 1 s", cpu);
    spin_unlock(&call_lock[cpu]);
    return 0;
}

void smp_stop_others(void)
{
    int self = cpu_id();
    for (unsigned i = 0; i < ncpus_present; i++)
        if ((int)i != self && cpus[i].online)
            apic_send_ipi(cpus[i].apic_id, ICR_NMI);
}

/* The AP's first C code: running on its own stack, in the trampoline's tables. */
static void __attribute__((noreturn)) ap_entry(void)
{
    struct cpu *c = ap_starting;
    percpu_activate(c);
    apic_init_cpu();
    c->apic_id = apic_id();
    __atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
    /* Answer IPIs (self tests, benchmarks) until the boot CPU has built dom0. */
    extern volatile bool guests_go;
    irq_enable();
    while (!__atomic_load_n(&guests_go, __ATOMIC_ACQUIRE))
        cpu_relax();
    irq_disable();
    pv_cpu_run();
}

/* Tables that map the trampoline page 1:1 and everything the hypervisor maps. */
static void build_trampoline_tables(void)
{
    uint64_t *l4 = phys_to_virt(TR_L4_PHYS), *l3 = phys_to_virt(TR_L3_PHYS);
    uint64_t *l2 = phys_to_virt(TR_L2_PHYS);
    memcpy(l4, phys_to_virt(paging_root()), PAGE_SIZE);
    memset(l3, 0, PAGE_SIZE);
    memset(l2, 0, PAGE_SIZE);
    l4[0] = TR_L3_PHYS | PTE_P | PTE_W;
    l3[0] = TR_L2_PHYS | PTE_P | PTE_W;
    l2[0] = 0 | PTE_P | PTE_W | PTE_PS;            /* 0..2 MiB, 1:1 */
}

static int start_ap(struct cpu *c)
{
    c->stack_top = stack_alloc(&c->stack_bottom);
    if (!c->stack_top)
        return -ENOMEM;
    percpu_setup(c);
    ap_starting = c;
    /* As if called: the ABI wants RSP + 8 16-byte aligned at entry. */
    *(uint64_t *)tr_field(tr_stack) = c->stack_top - 8;

    apic_send_ipi(c->apic_id, ICR_INIT | ICR_ASSERT | ICR_LEVEL);
    udelay(10000);
    for (int i = 0; i < 2 && !c->online; i++) {
        apic_send_ipi(c->apic_id, ICR_STARTUP | (TRAMPOLINE_PHYS >> 12));
        udelay(200);
    }
    uint64_t deadline = rdtsc() + tsc_khz * 1000;       /* one second */
    while (!__atomic_load_n(&c->online, __ATOMIC_ACQUIRE))
        if ((int64_t)(rdtsc() - deadline) > 0) {
            /* Put it back to wait-for-SIPI before its stack and data are reused. */
            apic_send_ipi(c->apic_id, ICR_INIT | ICR_ASSERT | ICR_LEVEL);
            udelay(10000);
            return -ETIMEDOUT;
        }
    return 0;
}

/* Remember the CPUs from the MADT (called early, while ACPI is mapped). */
void smp_set_cpus(const uint32_t *apic_ids, unsigned n)
{
    ncpus_present = n ? n : 1;
    for (unsigned i = 0; i < ncpus_present; i++) {
        cpus[i].id = i;
        cpus[i].apic_id = n ? apic_ids[i] : 0;
    }
}

void smp_boot_aps(unsigned maxcpus)
{
    for (unsigned i = 0; i < MAX_CPUS; i++)
        spin_init(&call_lock[i], "smp_call");
    irq_register(VEC_CALL_FUNC, call_func_irq);

    /* The boot CPU must be cpus[0]: swap entries if the MADT lists it later. */
    uint32_t self = apic_id();
    for (unsigned i = 1; i < ncpus_present; i++)
        if (cpus[i].apic_id == self) {
            cpus[i].apic_id = cpus[0].apic_id;
            cpus[0].apic_id = self;
        }
    cpus[0].apic_id = self;

    unsigned want = ncpus_present;
    if (maxcpus && maxcpus < want) {
        pr_info("smp: %u CPUs present, maxcpus=%u: starting %u\n", ncpus_present, maxcpus, maxcpus);
        want = maxcpus;
    }
    ncpus_online = 1;
    if (want == 1)
        return;

    memcpy(phys_to_virt(TRAMPOLINE_PHYS), trampoline_start, (size_t)(trampoline_end - trampoline_start));
    build_trampoline_tables();
    *(uint32_t *)tr_field(tr_cr3) = TR_L4_PHYS;
    *(uint32_t *)tr_field(tr_efer) = (uint32_t)(EFER_LME | (pte_nx ? EFER_NXE : 0));
    *(uint64_t *)tr_field(tr_entry) = (uint64_t)ap_entry;

    for (unsigned i = 1; i < want; i++) {
        int rc = start_ap(&cpus[i]);
        if (rc) {
            pr_err("smp: CPU %u (APIC id %u) did not start (%s)\n", i, cpus[i].apic_id,
                   rc == -ETIMEDOUT ? "no answer within 1 s" : "out of memory");
            continue;
        }
        ncpus_online++;
    }
}
