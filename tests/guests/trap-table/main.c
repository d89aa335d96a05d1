/*
 * trap-table - set_trap_table and the exception bounce (trap.h).
 *
 * The hypervisor takes a guest kernel's exceptions in ring 0 and bounces
 * them to the ring-1 handler in the guest's trap table, pushing on the
 * current ring-1 stack exactly the frame the CPU would: [error code,]
 * rip, cs, rflags, rsp, ss.  The handler returns with iretq.  So check
 * the frame field by field for a fault (ud2: rip at the instruction), a
 * trap (int3: rip after it), a fault without error code (#DE), and faults
 * with one (#GP from a non-canonical access, #GP from `int $0x81` whose
 * gate is not ours: error code = vector << 3 | 2).
 *
 * Then replace the table: a new handler for #UD must be the one used,
 * and the old one after restoring.  Vector 0x80 with dpl 3 becomes a
 * direct IDT gate: `int $0x80` enters our handler without an exception.
 */
#include "lib.h"

const char test_title[] = "trap-table: set_trap_table, the bounce frame, replacing handlers";

volatile uint32_t alt_ud_hits, syscall_hits;
extern char alt_ud_stub[], syscall_stub[];

/* A second #UD handler that counts, then runs the library's; a trivial int $0x80 handler. */
__asm__(".pushsection .text\n"
        "alt_ud_stub:\n\t"
        "lock incl alt_ud_hits(%rip)\n\t"
        "jmp *exc_stubs + 6 * 8(%rip)\n"
        "syscall_stub:\n\t"
        "lock incl syscall_hits(%rip)\n\t"
        "iretq\n"
        ".popsection");

static void check_frame(const char *what, exinfo_t got, exinfo_t want, uint64_t rip, uint64_t rsp)
{
    char b1[24], b2[24];
    const struct exc_frame *f = &ex_last_frame;

    if (!exinfo_match(got, want)) {
        xtf_failure("%s: took %s, expected %s", what, exinfo_str(got, b1), exinfo_str(want, b2));
        return;
    }
    if (f->rip != rip)
        xtf_failure("%s: frame rip %#lx, expected %#lx", what, f->rip, rip);
    if (f->cs != PV_KERNEL_CS)
        xtf_failure("%s: frame cs %#lx, expected %#x", what, f->cs, PV_KERNEL_CS);
    if (f->ss != PV_KERNEL_DS)
        xtf_failure("%s: frame ss %#lx, expected %#x", what, f->ss, PV_KERNEL_DS);
    if (f->rsp != rsp)
        xtf_failure("%s: frame rsp %#lx, expected %#lx (the rsp at the instruction)", what, f->rsp, rsp);
    if (!(f->rflags & 2) || (f->rflags & X86_FLAGS_IOPL))
        xtf_failure("%s: frame rflags %#lx: bit 1 clear or IOPL not 0", what, f->rflags);
}

static void test_ud2(const char *what, exinfo_t want)
{
    uint64_t rip, rsp;
    ex_clear();
    __asm__ volatile("lea 1f(%%rip), %0\n\t"
                     "mov %%rsp, %1\n"
                     "1: ud2\n"
                     "2:" _ASM_EXTABLE(1b, 2b)
                     : "=&r"(rip), "=&r"(rsp) : : "memory");
    check_frame(what, ex_get(), want, rip, rsp);
}

void test_main(void)
{
    uint64_t rip, rsp;

    test_ud2("ud2", EXINFO_SYM(UD, 0));

    /* int3 is a trap: the frame's rip is the next instruction. */
    ex_clear();
    __asm__ volatile("lea 2f(%%rip), %0\n\t"
                     "mov %%rsp, %1\n"
                     "1: int3\n"
                     "2:" _ASM_EXTABLE(2b, 2b)
                     : "=&r"(rip), "=&r"(rsp) : : "memory");
    check_frame("int3", ex_get(), EXINFO_SYM(BP, 0), rip, rsp);

    ex_clear();
    __asm__ volatile("lea 1f(%%rip), %0\n\t"
                     "mov %%rsp, %1\n\t"
                     "xor %%edx, %%edx\n\t"
                     "mov $1, %%eax\n\t"
                     "xor %%ecx, %%ecx\n"
                     "1: div %%ecx\n"
                     "2:" _ASM_EXTABLE(1b, 2b)
                     : "=&r"(rip), "=&r"(rsp) : : "rax", "rcx", "rdx", "memory");
    check_frame("div by zero", ex_get(), EXINFO_SYM(DE, 0), rip, rsp);

    ex_clear();
    __asm__ volatile("lea 1f(%%rip), %0\n\t"
                     "mov %%rsp, %1\n\t"
                     "movabs $0x0000800000000000, %%rax\n"
                     "1: mov (%%rax), %%rax\n"
                     "2:" _ASM_EXTABLE(1b, 2b)
                     : "=&r"(rip), "=&r"(rsp) : : "rax", "memory");
    check_frame("non-canonical read", ex_get(), EXINFO_SYM(GP, 0), rip, rsp);

    ex_clear();
    __asm__ volatile("lea 1f(%%rip), %0\n\t"
                     "mov %%rsp, %1\n"
                     "1: int $0x81\n"
                     "2:" _ASM_EXTABLE(1b, 2b)
                     : "=&r"(rip), "=&r"(rsp) : : "memory");
    check_frame("int $0x81", ex_get(), EXINFO_SYM(GP, 0x81 << 3 | 2), rip, rsp);

    /*
     * Replace the table: the library's, but #UD goes to alt_ud_stub, and
     * vector 0x80 becomes a gate.  (Whether vectors a new table leaves out
     * keep their old handlers is not written down, so the new table lists
     * them all.)
     */
    static struct trap_info t[40];
    unsigned n = 0;
    for (; lib_traps[n].address; n++) {
        t[n] = lib_traps[n];
        if (t[n].vector == X86_EXC_UD)
            t[n].address = (uint64_t)alt_ud_stub;
    }
    t[n++] = (struct trap_info){ .vector = SYSCALL_VECTOR, .dpl = 3, .cs = PV_KERNEL_CS,
                                 .address = (uint64_t)syscall_stub };
    t[n] = (struct trap_info){ 0 };
    long rc = HYPERVISOR_set_trap_table(t);
    if (rc) {
        xtf_failure("set_trap_table with a new #UD handler and vector 0x80: %s", errstr(rc));
    } else {
        test_ud2("ud2 with the new handler", EXINFO_SYM(UD, 0));
        if (alt_ud_hits != 1)
            xtf_failure("the new #UD handler ran %u times, expected once", alt_ud_hits);

        ex_clear();
        uint64_t rax = 0x1234;
        __asm__ volatile("1: int $0x80\n2:" _ASM_EXTABLE(1b, 2b) : "+a"(rax) : : "memory");
        char b[24];
        if (ex_get())
            xtf_failure("int $0x80 from ring 1 with a dpl-3 gate took %s", exinfo_str(ex_get(), b));
        else if (syscall_hits != 1 || rax != 0x1234)
            xtf_failure("int $0x80: handler ran %u times, rax %#lx", syscall_hits, rax);
    }

    rc = install_trap_table();
    if (rc)
        xtf_failure("restoring the library's trap table: %s", errstr(rc));
    alt_ud_hits = 0;
    test_ud2("ud2 after restoring", EXINFO_SYM(UD, 0));
    if (alt_ud_hits != 0)
        xtf_failure("the replaced #UD handler still ran");

    if (!xtf_has_failed())
        xtf_success();
}
