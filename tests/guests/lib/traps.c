/*
 * traps.c - the guest kernel's exception handling: the trap table, the
 * fixup table, per-vector hooks, and the report for an exception nobody
 * expected (a FAILURE: the test ends).
 */
#include "lib.h"

struct extable_entry {
    uint64_t fault, fixup;
};
extern const struct extable_entry __extable_start[], __extable_end[];

volatile exinfo_t ex_last;
struct exc_frame ex_last_frame;
volatile uint64_t ex_last_cr2;

static exc_hook_t hooks[32];

/* In user.c: the ring-3 excursion in progress. */
extern volatile bool user_active;
extern uint64_t user_saved_rsp;
extern struct exc_frame user_last_frame;
extern char user_return[];

/*
 * Vectors the library handles: all 0..31 but NMI, #DF and #MC, which are
 * the hypervisor's own business (see the report for this choice).
 */
struct trap_info lib_traps[33];

long install_trap_table(void)
{
    unsigned n = 0;
    for (unsigned v = 0; v < 32; v++) {
        if (v == X86_EXC_NMI || v == X86_EXC_DF || v == X86_EXC_MC)
            continue;
        lib_traps[n++] = (struct trap_info){
            .vector = (uint8_t)v, .dpl = 0, .cs = PV_KERNEL_CS, .address = exc_stubs[v],
        };
    }
    lib_traps[n] = (struct trap_info){ 0 };
    return HYPERVISOR_set_trap_table(lib_traps);
}

void set_exc_hook(unsigned vector, exc_hook_t fn)
{
    if (vector < 32)
        hooks[vector] = fn;
}

const char *exc_name(unsigned v)
{
    static const char *const names[32] = {
        "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#09", "#TS",
        "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
        "#22", "#23", "#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31",
    };
    if (v < 32)
        return names[v];
    if (v == VEC_EVENT)
        return "event";
    if (v == VEC_FAILSAFE)
        return "failsafe";
    return "#??";
}

static bool has_error_code(unsigned v)
{
    return v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 || v == 29 || v == 30;
}

const char *exinfo_str(exinfo_t e, char *buf)
{
    if (!(e & EXINFO_EXPECTED))
        snprintf(buf, 24, "none");
    else if (has_error_code(exinfo_vec(e)))
        snprintf(buf, 24, "%s[%04x]", exc_name(exinfo_vec(e)), exinfo_ec(e));
    else if (exinfo_ec(e))
        snprintf(buf, 24, "%s[%04x?]", exc_name(exinfo_vec(e)), exinfo_ec(e));
    else
        snprintf(buf, 24, "%s", exc_name(exinfo_vec(e)));
    return buf;
}

static const struct extable_entry *extable_find(uint64_t rip)
{
    for (const struct extable_entry *e = __extable_start; e < __extable_end; e++)
        if (e->fault == rip)
            return e;
    return NULL;
}

static void dump_frame(const struct exc_frame *f, uint64_t cr2)
{
    printk("  vector %lu (%s) error code %#lx\n", f->vector, exc_name((unsigned)f->vector), f->error_code);
    printk("  RIP %04lx:%016lx  RFLAGS %016lx  RSP %04lx:%016lx\n",
           f->cs, f->rip, f->rflags, f->ss, f->rsp);
    if (f->vector == X86_EXC_PF)
        printk("  CR2 %016lx\n", cr2);
    printk("  RAX %016lx RBX %016lx RCX %016lx RDX %016lx\n", f->rax, f->rbx, f->rcx, f->rdx);
    printk("  RSI %016lx RDI %016lx RBP %016lx R8  %016lx\n", f->rsi, f->rdi, f->rbp, f->r8);
    printk("  R9  %016lx R10 %016lx R11 %016lx R12 %016lx\n", f->r9, f->r10, f->r11, f->r12);
    printk("  R13 %016lx R14 %016lx R15 %016lx\n", f->r13, f->r14, f->r15);
}

static void shutdown_now(void)
{
    printk("Test result: FAILURE\n");
    struct sched_shutdown sd = { .reason = SHUTDOWN_poweroff };
    HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd);
    for (;;)
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
}

static int in_fatal;

/* Called by entry.S for every bounced exception. */
void do_exception(struct exc_frame *f);

void do_exception(struct exc_frame *f)
{
    unsigned vec = (unsigned)f->vector;
    uint64_t cr2 = 0;
    if (vec == X86_EXC_PF && shared)
        cr2 = shared->vcpu_info[0].cr2;

    if (vec < 32 && hooks[vec] && hooks[vec](f, cr2))
        return;

    exinfo_t ex = EXINFO(vec, f->error_code);

    /* The end of a ring-3 excursion: back to exec_user's caller, in ring 1. */
    if ((f->cs & 3) == 3 && user_active) {
        user_last_frame = *f;
        ex_last_cr2 = cr2;
        f->rax = ex;
        f->rip = (uint64_t)user_return;
        f->cs = PV_KERNEL_CS;
        f->ss = PV_KERNEL_DS;
        f->rsp = user_saved_rsp;
        f->rflags &= ~(X86_FLAGS_TF | X86_FLAGS_DF | X86_FLAGS_AC | X86_FLAGS_NT);
        return;
    }

    const struct extable_entry *e = (f->cs & 3) == 1 ? extable_find(f->rip) : NULL;
    if (e) {
        ex_last_frame = *f;
        ex_last_cr2 = cr2;
        ex_last = ex;
        f->rip = e->fixup;
        return;
    }

    if (in_fatal++) {
        printk("Exception %s at %#lx while reporting an unexpected exception\n",
               exc_name(vec), f->rip);
        shutdown_now();
    }
    printk("Unexpected exception %s in %s mode:\n", exc_name(vec),
           (f->cs & 3) == 3 ? "user" : "kernel");
    dump_frame(f, cr2);
    xtf_failure("unexpected exception %s, error code %#lx, at rip %#lx%s",
                exc_name(vec), f->error_code, f->rip,
                vec == X86_EXC_PF ? " (see CR2 above)" : "");
    xtf_exit();
}

/* The failsafe callback: the hypervisor could not return to us. */
void do_failsafe(struct exc_frame *f);

void do_failsafe(struct exc_frame *f)
{
    printk("Failsafe callback entered:\n");
    dump_frame(f, 0);
    xtf_failure("the hypervisor entered the failsafe callback");
    xtf_exit();
}

exinfo_t probe_read(const volatile void *p)
{
    ex_clear();
    __asm__ volatile("1: movb (%0), %%al; 2:" _ASM_EXTABLE(1b, 2b)
                     : : "r"(p) : "rax", "memory");
    return ex_get();
}

exinfo_t probe_write(volatile void *p, uint8_t val)
{
    ex_clear();
    __asm__ volatile("1: movb %1, (%0); 2:" _ASM_EXTABLE(1b, 2b)
                     : : "r"(p), "q"(val) : "memory");
    return ex_get();
}

exinfo_t probe_rewrite(volatile void *p)
{
    ex_clear();
    __asm__ volatile("1: movb (%0), %%al\n"
                     "2: movb %%al, (%0)\n"
                     "3:" _ASM_EXTABLE(1b, 3b) _ASM_EXTABLE(2b, 3b)
                     : : "r"(p) : "rax", "memory");
    return ex_get();
}
