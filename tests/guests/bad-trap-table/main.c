/*
 * bad-trap-table - set_trap_table refuses handlers a guest must not have,
 * and a refused table changes nothing.
 *
 * A trap-table entry becomes an address the hypervisor jumps to, in ring
 * 1 with the entry's cs.  So cs must be PV_KERNEL_CS: 0x08 would run the
 * handler in ring 0, 0x10 is a data segment, 0x33 would run a "kernel"
 * handler in ring 3.  The address must be canonical and outside the
 * hypervisor's range (a handler at 0xffff8080... would execute or fault
 * in hypervisor mappings).  The vector must be 0..31 or 0x80, and dpl 0
 * except for 0x80 (1 or 3): a guest-chosen dpl on, say, #PF would let
 * ring 3 forge page faults with `int $14`.  Each bad table - including one
 * whose first entry is good and whose second is bad, and one that runs
 * into an unmapped page before its terminator - must be refused whole
 * with -EINVAL (-EFAULT for the unmapped one), and ud2 must still reach
 * the old #UD handler, not the one the good entry named.
 */
#include "lib.h"

const char test_title[] = "bad-trap-table: bad selectors, addresses, vectors and dpl are refused";

volatile uint32_t rogue_hits;
extern char rogue_ud_stub[];
__asm__(".pushsection .text\n"
        "rogue_ud_stub:\n\t"
        "lock incl rogue_hits(%rip)\n\t"
        "jmp *exc_stubs + 6 * 8(%rip)\n"
        ".popsection");

static uint8_t pages[2][4096] __page_aligned;

static void ud2_goes_to_old_handler(const char *after)
{
    uint32_t before = rogue_hits;
    ex_clear();
    __asm__ volatile("1: ud2\n2:" _ASM_EXTABLE(1b, 2b) ::: "memory");
    if (ex_get() != EXINFO_SYM(UD, 0))
        xtf_failure("after %s, ud2 no longer reaches our #UD handler", after);
    else if (rogue_hits != before)
        xtf_failure("after %s, ud2 went to the handler of the refused table", after);
}

void test_main(void)
{
    uint64_t good = (uint64_t)rogue_ud_stub;
    static const struct {
        const char *name;
        uint8_t vector, dpl;
        uint16_t cs;
        uint64_t address;
    } bad[] = {
        { "cs 0x08 (ring-0 code)", 13, 0, 0x08, 0 },
        { "cs 0x10 (ring-0 data)", 13, 0, 0x10, 0 },
        { "cs 0x1b (ring-3 RPL on the kernel code selector)", 13, 0, 0x1b, 0 },
        { "cs 0x33 (user code)", 13, 0, PV_USER_CS, 0 },
        { "cs 0x38 (the TSS)", 13, 0, 0x38, 0 },
        { "an address in the hypervisor image", 13, 0, PV_KERNEL_CS, 0xffff808000200000ull },
        { "an address in the reserved slot", 13, 0, PV_KERNEL_CS, 0xffff800000000000ull },
        { "an address in the direct map", 13, 0, PV_KERNEL_CS, 0xffff830000001000ull },
        { "a non-canonical address", 13, 0, PV_KERNEL_CS, 0x0000800000000000ull },
        { "a non-canonical address (high)", 13, 0, PV_KERNEL_CS, 0x8000000000001000ull },
        { "vector 32", 32, 0, PV_KERNEL_CS, 0 },
        { "vector 0x82 (the hypercall gate)", 0x82, 0, PV_KERNEL_CS, 0 },
        { "vector 255", 255, 0, PV_KERNEL_CS, 0 },
        { "dpl 3 on #PF", 14, 3, PV_KERNEL_CS, 0 },
        { "dpl 1 on #GP", 13, 1, PV_KERNEL_CS, 0 },
        { "dpl 0 on vector 0x80", 0x80, 0, PV_KERNEL_CS, 0 },
        { "dpl 2 on vector 0x80", 0x80, 2, PV_KERNEL_CS, 0 },
        { "dpl 4 on vector 0x80", 0x80, 4, PV_KERNEL_CS, 0 },
    };

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        /* Entry 0 is good (and would redirect #UD); entry 1 is the bad one. */
        struct trap_info t[3] = {
            { .vector = X86_EXC_UD, .cs = PV_KERNEL_CS, .address = good },
            { .vector = bad[i].vector, .dpl = bad[i].dpl, .cs = bad[i].cs,
              .address = bad[i].address ? bad[i].address : (uint64_t)exc_stubs[13] },
            { 0 },
        };
        long rc = HYPERVISOR_set_trap_table(t);
        if (rc >= 0) {
            xtf_failure("a trap entry with %s was ACCEPTED", bad[i].name);
            install_trap_table();
        } else if (rc != -PV_EINVAL) {
            xtf_failure("a trap entry with %s: %s, expected -EINVAL", bad[i].name, errstr(rc));
        }
        ud2_goes_to_old_handler(bad[i].name);
    }

    /* A table that runs into an unmapped page before its terminator. */
    if (HYPERVISOR_update_va_mapping((uint64_t)pages[1], 0, UVMF_INVLPG) == 0) {
        struct trap_info *t = (struct trap_info *)pages[1] - 2;
        t[0] = (struct trap_info){ .vector = X86_EXC_UD, .cs = PV_KERNEL_CS, .address = good };
        t[1] = (struct trap_info){ .vector = X86_EXC_BP, .cs = PV_KERNEL_CS, .address = exc_stubs[3] };
        long rc = HYPERVISOR_set_trap_table(t);
        if (rc != -PV_EFAULT)
            xtf_failure("a trap table running into an unmapped page: %s, expected -EFAULT", errstr(rc));
        if (rc >= 0)
            install_trap_table();
        ud2_goes_to_old_handler("a table running into an unmapped page");
        HYPERVISOR_update_va_mapping((uint64_t)pages[1], pte(virt_to_mfn(pages[1]), PTE_RW), UVMF_INVLPG);
    } else {
        xtf_error("cannot unmap a page of ours");
    }

    /* Control: the same good entry alone is accepted and used. */
    struct trap_info ok[2] = { { .vector = X86_EXC_UD, .cs = PV_KERNEL_CS, .address = good }, { 0 } };
    long rc = HYPERVISOR_set_trap_table(ok);
    if (rc) {
        xtf_failure("the good entry alone: %s", errstr(rc));
    } else {
        uint32_t before = rogue_hits;
        ex_clear();
        __asm__ volatile("1: ud2\n2:" _ASM_EXTABLE(1b, 2b) ::: "memory");
        if (rogue_hits != before + 1)
            xtf_failure("the accepted table's #UD handler did not run");
    }
    install_trap_table();

    if (!xtf_has_failed())
        xtf_success();
}
