/*
 * int82-from-ring3 - guest user code cannot make hypercalls, and what it
 * can do reaches the guest kernel, not the hypervisor.
 *
 * The hypercall gate (int $0x82) has DPL 1: from ring 3 the CPU raises
 * #GP with error code 0x82 << 3 | 2 (IDT, vector 0x82), which the
 * hypervisor must bounce to the guest kernel's #GP handler - and not run
 * the hypercall (rax must come back unchanged).  The frame must show the
 * user cs/ss and the faulting rip.  Also from ring 3:
 *   - int $0x80, registered with dpl 3, enters the guest kernel's handler
 *     directly (it sees cs 0x33) and iretq's back;
 *   - a read of the hypervisor's reserved slot is a #PF with the U bit;
 *   - int3 is bounced as #BP with rip after it; cli is #GP(0).
 * Ring 3 runs from fresh frames in L4 slot 0, mapped with U at every
 * level (lib/user.c).
 */
#include "lib.h"

const char test_title[] = "int82-from-ring3: user code gets #GP, not a hypercall";

volatile uint32_t syscall_hits;
volatile uint64_t syscall_cs;
extern char syscall_stub[];
extern char user_blob[], user_blob_end[];
extern char ua_start[], ua_int[], ub_start[], ub_after[], uc_start[], uc_read[];
extern char ud_start[], ud_after[], ue_start[], ue_cli[];

__asm__(".pushsection .text\n"
        /* ring 1: the int $0x80 handler */
        "syscall_stub:\n\t"
        "push %rax\n\t"
        "mov 16(%rsp), %rax\n\t"            /* the frame's cs */
        "mov %rax, syscall_cs(%rip)\n\t"
        "pop %rax\n\t"
        "lock incl syscall_hits(%rip)\n\t"
        "iretq\n"
        /* ring 3: copied to USER_CODE_VA; each part ends in ud2 */
        "user_blob:\n"
        "ua_start:\n\t"
        "mov $13, %eax\n\t"                 /* HYPERCALL_version */
        "mov $1, %edi\n\t"                  /* VERSION_interface */
        "xor %esi, %esi\n"
        "ua_int:\n\t"
        "int $0x82\n\t"
        "ud2\n"
        "ub_start:\n\t"
        "mov $0x1234, %eax\n\t"
        "int $0x80\n"
        "ub_after:\n\t"
        "ud2\n"
        "uc_start:\n\t"
        "movabs $0xffff800000000000, %rax\n"
        "uc_read:\n\t"
        "mov (%rax), %al\n\t"
        "ud2\n"
        "ud_start:\n\t"
        "int3\n"
        "ud_after:\n\t"
        "ud2\n"
        "ue_start:\n"
        "ue_cli:\n\t"
        "cli\n\t"
        "ud2\n"
        "user_blob_end:\n"
        ".popsection");

#define UVA(sym) (USER_CODE_VA + (uint64_t)((sym) - user_blob))

static void expect(const char *what, exinfo_t got, exinfo_t want, uint64_t rip)
{
    char b1[24], b2[24];
    const struct exc_frame *f = &user_last_frame;
    if (!exinfo_match(got, want)) {
        xtf_failure("%s: took %s, expected %s (at user rip %#lx)", what, exinfo_str(got, b1),
                    exinfo_str(want, b2), f->rip);
        return;
    }
    if (f->rip != rip)
        xtf_failure("%s: frame rip %#lx, expected %#lx", what, f->rip, rip);
    if (f->cs != PV_USER_CS || f->ss != PV_USER_DS)
        xtf_failure("%s: frame cs:ss %#lx:%#lx, expected %#x:%#x", what, f->cs, f->ss, PV_USER_CS, PV_USER_DS);
}

void test_main(void)
{
    if (user_init(user_blob, (size_t)(user_blob_end - user_blob))) {
        xtf_failure("could not set up a ring-3 mapping (see above)");
        return;
    }

    /* The library's table plus vector 0x80 with dpl 3. */
    static struct trap_info t[40];
    unsigned n = 0;
    for (; lib_traps[n].address; n++)
        t[n] = lib_traps[n];
    t[n++] = (struct trap_info){ .vector = SYSCALL_VECTOR, .dpl = 3, .cs = PV_KERNEL_CS,
                                 .address = (uint64_t)syscall_stub };
    t[n] = (struct trap_info){ 0 };
    long rc = HYPERVISOR_set_trap_table(t);
    if (rc)
        xtf_failure("set_trap_table with vector 0x80 (dpl 3): %s", errstr(rc));

    exinfo_t e = exec_user(UVA(ua_start));
    expect("int $0x82 from ring 3", e, EXINFO_SYM(GP, 0x82 << 3 | 2), UVA(ua_int));
    if (user_last_frame.rax != 13)
        xtf_failure("int $0x82 from ring 3: rax came back %#lx: the hypercall RAN", user_last_frame.rax);

    if (rc == 0) {
        e = exec_user(UVA(ub_start));
        expect("int $0x80 from ring 3, then ud2", e, EXINFO_SYM(UD, 0), UVA(ub_after));
        if (syscall_hits != 1)
            xtf_failure("the int $0x80 handler ran %u times, expected once", syscall_hits);
        else if (syscall_cs != PV_USER_CS)
            xtf_failure("the int $0x80 handler saw cs %#lx, expected %#x", syscall_cs, PV_USER_CS);
        if (user_last_frame.rax != 0x1234)
            xtf_failure("int $0x80: rax %#lx after the handler", user_last_frame.rax);
    }

    e = exec_user(UVA(uc_start));
    if (exinfo_vec(e) != X86_EXC_PF || !(exinfo_ec(e) & PFEC_USER) || (exinfo_ec(e) & PFEC_WRITE)) {
        char b[24];
        xtf_failure("a ring-3 read of the reserved slot took %s, expected #PF with U set", exinfo_str(e, b));
    } else {
        if (user_last_frame.rip != UVA(uc_read))
            xtf_failure("reserved-slot read: frame rip %#lx, expected %#lx", user_last_frame.rip, UVA(uc_read));
        if (ex_last_cr2 != 0xffff800000000000ull)
            xtf_failure("reserved-slot read: cr2 %#lx", ex_last_cr2);
    }

    e = exec_user(UVA(ud_start));
    expect("int3 from ring 3", e, EXINFO_SYM(BP, 0), UVA(ud_after));

    e = exec_user(UVA(ue_start));
    expect("cli from ring 3", e, EXINFO_SYM(GP, 0), UVA(ue_cli));

    /* The kernel is still fine. */
    if (HYPERVISOR_version(VERSION_interface, NULL) != PARAVANE_INTERFACE_VERSION)
        xtf_failure("hypercalls from ring 1 no longer work after the ring-3 excursions");

    if (!xtf_has_failed())
        xtf_success();
}
