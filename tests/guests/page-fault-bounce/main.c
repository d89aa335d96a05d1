/*
 * page-fault-bounce - #PF from ring 1 reaches the guest kernel, with the
 * fault address in vcpu_info.cr2 and the hardware error code, and the
 * guest can fix the mapping and retry.
 *
 * Only ring 0 can read CR2, so the hypervisor takes every guest page
 * fault, copies CR2 into shared_info and bounces the fault.  Here a page
 * of our own bss is unmapped with update_va_mapping and touched: a read
 * must give error code 0 (not present, read, supervisor - ring 1 is a
 * supervisor ring), a write 2, with cr2 the exact byte address.  Then a
 * #PF handler maps the page back and returns with iretq: the faulting
 * instruction runs again and sees the data the frame kept.  Same with a
 * read-only mapping and a write (error code 3), fixed by upgrading to
 * writable.  A non-canonical address is #GP(0), not #PF.
 */
#include "lib.h"

const char test_title[] = "page-fault-bounce: cr2 and error code, fix up and retry";

static uint8_t victim[4096] __page_aligned;
static uint64_t victim_mfn;
static volatile unsigned hook_calls;
static volatile uint64_t hook_cr2, hook_ec, hook_fix;

/* Map the victim back with flags hook_fix if the fault is on it. */
static bool pf_hook(struct exc_frame *f, uint64_t cr2)
{
    if (cr2 < (uint64_t)victim || cr2 >= (uint64_t)victim + PAGE_SIZE)
        return false;
    hook_calls++;
    hook_cr2 = cr2;
    hook_ec = f->error_code;
    if (hook_calls > 1)             /* no endless loop if the fix does not take */
        return false;
    return HYPERVISOR_update_va_mapping((uint64_t)victim, pte(victim_mfn, hook_fix), UVMF_INVLPG) == 0;
}

static void expect_fault(const char *what, exinfo_t got, exinfo_t want, uint64_t addr)
{
    char b1[24], b2[24];
    if (got != want)
        xtf_failure("%s: took %s, expected %s", what, exinfo_str(got, b1), exinfo_str(want, b2));
    else if (exinfo_vec(want) == X86_EXC_PF && ex_last_cr2 != addr)
        xtf_failure("%s: cr2 %#lx, expected %#lx", what, ex_last_cr2, addr);
}

void test_main(void)
{
    if (!shared) {
        xtf_error("shared_info is not mapped: cannot read cr2");
        return;
    }
    victim_mfn = virt_to_mfn(victim);
    volatile uint64_t *v = (volatile uint64_t *)victim;
    v[0] = 0x1122334455667788ull;
    v[100] = 0xcafef00dull;

    long rc = HYPERVISOR_update_va_mapping((uint64_t)victim, 0, UVMF_INVLPG);
    if (rc) {
        xtf_failure("update_va_mapping to unmap our own bss page: %s", errstr(rc));
        return;
    }
    expect_fault("read of an unmapped page", probe_read(victim + 0x123), EXINFO_SYM(PF, 0),
                 (uint64_t)victim + 0x123);
    expect_fault("write to an unmapped page", probe_write(victim + 0x200, 0x77), EXINFO_SYM(PF, PFEC_WRITE),
                 (uint64_t)victim + 0x200);

    /* A handler that maps the page back; the read is retried and succeeds. */
    set_exc_hook(X86_EXC_PF, pf_hook);
    hook_calls = 0;
    hook_fix = PTE_RW;
    uint64_t got = v[100];
    if (hook_calls != 1)
        xtf_failure("the #PF hook ran %u times for one read, expected once", hook_calls);
    else if (hook_cr2 != (uint64_t)&v[100] || hook_ec != 0)
        xtf_failure("the hook saw cr2 %#lx error code %#lx, expected %p and 0",
                    hook_cr2, hook_ec, (void *)&v[100]);
    if (got != 0xcafef00dull || v[0] != 0x1122334455667788ull)
        xtf_failure("after remapping, the page reads %#lx / %#lx: contents lost", got, v[0]);

    /* Read-only, then a write: error code P|W, fixed by making it writable. */
    rc = HYPERVISOR_update_va_mapping((uint64_t)victim, pte(victim_mfn, PTE_RO), UVMF_INVLPG);
    if (rc) {
        xtf_failure("update_va_mapping to map our page read-only: %s", errstr(rc));
    } else {
        if (v[0] != 0x1122334455667788ull)
            xtf_failure("the read-only mapping shows other data");
        set_exc_hook(X86_EXC_PF, NULL);
        expect_fault("write to a read-only page", probe_write(victim + 8, 0x77), EXINFO_SYM(PF, PFEC_PRESENT | PFEC_WRITE),
                     (uint64_t)victim + 8);
        set_exc_hook(X86_EXC_PF, pf_hook);
        hook_calls = 0;
        v[1] = 0xabcdefull;
        if (hook_calls != 1 || hook_ec != (PFEC_PRESENT | PFEC_WRITE))
            xtf_failure("write to read-only: hook ran %u times, error code %#lx", hook_calls, hook_ec);
        if (v[1] != 0xabcdefull)
            xtf_failure("the retried write did not land");
    }
    set_exc_hook(X86_EXC_PF, NULL);

    /* A fault inside a fault handler's reach: cr2 of a far address. */
    expect_fault("read of an unmapped address in our own slot", probe_read((void *)0xffffffffff000000ull),
                 EXINFO_SYM(PF, 0), 0xffffffffff000000ull);
    expect_fault("read of a non-canonical address", probe_read((void *)0x0000800000000000ull),
                 EXINFO_SYM(GP, 0), 0);

    /* The mapping is as we left it: writable and present. */
    HYPERVISOR_update_va_mapping((uint64_t)victim, pte(victim_mfn, PTE_RW), UVMF_INVLPG);
    if (probe_write(victim + 4000, 0x77) != 0)
        xtf_failure("our page is not writable after the test");

    if (!xtf_has_failed())
        xtf_success();
}
