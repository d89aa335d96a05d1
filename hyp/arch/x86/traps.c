/*
 * traps.c - what happens on an interrupt or exception.
 *
 * Interrupts (vectors >= 32) go to the handler registered for them.
 * An exception in the hypervisor is a hypervisor bug unless the faulting
 * instruction has a fixup: then we print everything a developer needs
 * (registers, control registers, the faulting address, a symbolised
 * backtrace) and panic.  Guest exceptions arrive with the PV-domain work
 * and will crash only the guest.
 */
#include "printk.h"
#include "panic.h"
#include "symbols.h"
#include "apic.h"
#include "pv.h"
#include <asm/cpu.h>
#include <asm/traps.h>
#include <asm/x86.h>

static const char *const exc_names[32] = {
    [0] = "#DE divide error",        [1] = "#DB debug",
    [2] = "NMI",                     [3] = "#BP breakpoint",
    [4] = "#OF overflow",            [5] = "#BR bound range",
    [6] = "#UD invalid opcode",      [7] = "#NM device not available",
    [8] = "#DF double fault",        [9] = "coprocessor segment overrun",
    [10] = "#TS invalid TSS",        [11] = "#NP segment not present",
    [12] = "#SS stack fault",        [13] = "#GP general protection",
    [14] = "#PF page fault",         [16] = "#MF x87 error",
    [17] = "#AC alignment check",    [18] = "#MC machine check",
    [19] = "#XM SIMD error",         [20] = "#VE virtualization",
    [21] = "#CP control protection", [29] = "#VC VMM communication",
    [30] = "#SX security",
};

static irq_handler_t irq_handlers[256];
volatile unsigned cpus_stopped;     /* CPUs halted by a panic's NMI */

void irq_register(unsigned vector, irq_handler_t fn)
{
    if (vector >= 32 && vector < 256)
        irq_handlers[vector] = fn;
}

extern const struct extable_entry __extable_start[], __extable_end[];

static uint64_t fixup_for(uint64_t rip)
{
    for (const struct extable_entry *e = __extable_start; e < __extable_end; e++)
        if (e->insn == rip)
            return e->fixup;
    return 0;
}

/* The stack (normal or IST) that 'addr' lies on, for a safe backtrace. */
void stack_bounds(uint64_t addr, uint64_t *lo, uint64_t *hi)
{
    extern char boot_stack_bottom[], boot_stack_top[];
    int id = cpu_id();
    *lo = *hi = 0;
    if (id < 0) {                       /* early boot: the boot CPU's first stack */
        if (addr >= (uint64_t)boot_stack_bottom && addr < (uint64_t)boot_stack_top) {
            *lo = (uint64_t)boot_stack_bottom;
            *hi = (uint64_t)boot_stack_top;
        }
        return;
    }
    struct cpu *c = &cpus[id];
    if (addr >= c->stack_bottom && addr < c->stack_top) {
        *lo = c->stack_bottom;
        *hi = c->stack_top;
    }
    if (addr >= c->hv_stack_bottom && addr < c->hv_stack_top) {
        *lo = c->hv_stack_bottom;
        *hi = c->hv_stack_top;
    }
    for (int i = 0; i <= 3; i++)        /* entry stack, IST stacks */
        if (addr >= PCPU_STACK_BOTTOM(i) && addr < PCPU_STACK_TOP(i)) {
            *lo = PCPU_STACK_BOTTOM(i);
            *hi = PCPU_STACK_TOP(i);
        }
}

static void describe_pf(uint64_t err, uint64_t cr2)
{
    printk(LOG_EMERG, "Page fault at %016lx: %s, %s, %s mode%s%s\n", (unsigned long)cr2,
           err & 1 ? "protection violation" : "page not present",
           err & 2 ? "write" : "read", err & 4 ? "user" : "supervisor",
           err & 8 ? ", reserved bit set" : "", err & 16 ? ", instruction fetch" : "");
}

static void dump_regs(const struct cpu_regs *r)
{
    uint64_t off;
    const char *sym = symbol_lookup(r->rip, &off);
    printk(LOG_EMERG, "CPU %d  RIP %04lx:%016lx  %s+0x%lx\n", cpu_id(), (unsigned long)r->cs,
           (unsigned long)r->rip, sym ? sym : "?", sym ? (unsigned long)off : 0ul);
    printk(LOG_EMERG, "RSP %04lx:%016lx  RFLAGS %016lx  ERR %016lx\n", (unsigned long)r->ss,
           (unsigned long)r->rsp, (unsigned long)r->rflags, (unsigned long)r->error_code);
    printk(LOG_EMERG, "RAX %016lx  RBX %016lx  RCX %016lx\n", r->rax, r->rbx, r->rcx);
    printk(LOG_EMERG, "RDX %016lx  RSI %016lx  RDI %016lx\n", r->rdx, r->rsi, r->rdi);
    printk(LOG_EMERG, "RBP %016lx  R8  %016lx  R9  %016lx\n", r->rbp, r->r8, r->r9);
    printk(LOG_EMERG, "R10 %016lx  R11 %016lx  R12 %016lx\n", r->r10, r->r11, r->r12);
    printk(LOG_EMERG, "R13 %016lx  R14 %016lx  R15 %016lx\n", r->r13, r->r14, r->r15);
    printk(LOG_EMERG, "CR0 %016lx  CR2 %016lx  CR3 %016lx  CR4 %016lx\n",
           read_cr0(), read_cr2(), read_cr3(), read_cr4());
}

static void fatal_exception(struct cpu_regs *r)
{
    uint64_t v = r->vector, cr2 = read_cr2();

    panic_enter();
    printk(LOG_EMERG, "\n*** Hypervisor exception %lu: %s, error code %#lx ***\n",
           (unsigned long)v, exc_names[v] ? exc_names[v] : "reserved", (unsigned long)r->error_code);
    if (v == X86_EXC_PF)
        describe_pf(r->error_code, cr2);
    int id = cpu_id();
    bool guard = id >= 0 && ((cr2 >= cpus[id].stack_bottom - 4096 && cr2 < cpus[id].stack_bottom) ||
                             (cr2 >= cpus[id].hv_stack_bottom - 4096 && cr2 < cpus[id].hv_stack_bottom));
    for (int i = 0; i <= 3; i++)
        guard |= cr2 >= PCPU_STACK_BOTTOM(i) - 4096 && cr2 < PCPU_STACK_BOTTOM(i);
    if ((v == X86_EXC_PF || v == X86_EXC_DF) && guard)
        printk(LOG_EMERG, "Stack overflow: %016lx is in the guard page below CPU %d's stack\n",
               (unsigned long)cr2, id);
    dump_regs(r);
    uint64_t lo, hi;
    stack_bounds(r->rbp, &lo, &hi);
    backtrace_print(r->rip, r->rbp, lo, hi);
    printk(LOG_EMERG, "PANIC on CPU %d: fatal exception %lu in the hypervisor\n", id, (unsigned long)v);
    panic_stop();
}

/* An interrupt (vector >= 32): its handler, then the EOI. */
void trap_irq(struct cpu_regs *r)
{
    uint64_t v = r->vector;
    if (irq_handlers[v])
        irq_handlers[v](r);
    else if (v != VEC_SPURIOUS)
        pr_warn("traps: unexpected interrupt %lu on CPU %d\n", (unsigned long)v, cpu_id());
    if (v != VEC_SPURIOUS)
        apic_eoi();
}

static volatile uint64_t nmi_count;

__attribute__((hot)) void trap_handler(struct cpu_regs *r)
{
    uint64_t v = r->vector;

    if (v == X86_EXC_NMI) {
        if (panic_in_progress()) {
            __atomic_fetch_add(&cpus_stopped, 1, __ATOMIC_SEQ_CST);
            for (;;) { irq_disable(); halt(); }   /* another CPU panicked: stop here */
        }
        nmi_count++;                /* no printk: this CPU may hold the console lock */
        return;
    }
    if (v == X86_EXC_DF || v == X86_EXC_MC)
        fatal_exception(r);         /* the hypervisor's own state is broken, wherever it hit */
    if (guest_mode(r)) {
        pv_trap(r);
        return;
    }
    if (v >= 32) {
        trap_irq(r);
        return;
    }
    uint64_t fixup = fixup_for(r->rip);
    if (fixup) {
        r->rip = fixup;
        return;
    }
    fatal_exception(r);
}
