/*
 * multicall - HYPERVISOR_multicall: several hypercalls for one entry.
 *
 * The batch runs in order and each entry gets its own call's result: a
 * failing entry (unknown hypercall, bad pointer) does not stop the rest
 * and does not fail the multicall itself, which returns 0.  A multicall
 * inside a multicall is refused in its entry.  0 entries is fine,
 * MULTICALL_MAX entries is fine, one more is refused whole, as is an
 * unreadable array.
 */
#include "lib.h"

const char test_title[] = "multicall: batched hypercalls, per-entry results, limits";

static struct multicall_entry calls[MULTICALL_MAX + 1];
static char extra[VERSION_EXTRA_LEN];
static const char msg[] = "multicall: console write from entry 2\n";

static void set(unsigned i, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2)
{
    calls[i] = (struct multicall_entry){ .op = op, .result = 0x5a5a5a5a, .args = { a0, a1, a2 } };
}

void test_main(void)
{
    set(0, HYPERCALL_version, VERSION_interface, 0, 0);
    set(1, HYPERCALL_version, VERSION_extra, (uint64_t)extra, 0);
    set(2, HYPERCALL_console_io, CONSOLEIO_write, sizeof msg - 1, (uint64_t)msg);
    set(3, 29, 0, 0, 0);                                    /* no such hypercall */
    set(4, HYPERCALL_version, VERSION_extra, 0xffff808000000000ull, 0);   /* bad pointer */
    set(5, HYPERCALL_sched_op, SCHEDOP_yield, 0, 0);
    set(6, HYPERCALL_multicall, (uint64_t)&calls[0], 1, 0); /* nested */
    set(7, HYPERCALL_version, VERSION_interface, 0, 0);

    long rc = HYPERVISOR_multicall(calls, 8);
    if (rc != 0) {
        xtf_failure("multicall of 8: %s, expected 0", errstr(rc));
    } else {
        if (calls[0].result != PARAVANE_INTERFACE_VERSION)
            xtf_failure("entry 0 (VERSION_interface): %s", errstr(calls[0].result));
        if (calls[1].result != 0 || strncmp(extra, "Paravane", 8) != 0)
            xtf_failure("entry 1 (VERSION_extra): %s, string '%.32s'", errstr(calls[1].result), extra);
        if (calls[2].result < 0)
            xtf_failure("entry 2 (console write): %s", errstr(calls[2].result));
        if (calls[3].result != -PV_ENOSYS)
            xtf_failure("entry 3 (hypercall 29): %s, expected -ENOSYS", errstr(calls[3].result));
        if (calls[4].result != -PV_EFAULT)
            xtf_failure("entry 4 (VERSION_extra to the hypervisor): %s, expected -EFAULT",
                        errstr(calls[4].result));
        if (calls[5].result != 0)
            xtf_failure("entry 5 (yield): %s", errstr(calls[5].result));
        if (calls[6].result >= 0)
            xtf_failure("entry 6 (a nested multicall) was accepted: %s", errstr(calls[6].result));
        if (calls[7].result != PARAVANE_INTERFACE_VERSION)
            xtf_failure("entry 7 (after the failures): %s", errstr(calls[7].result));
    }

    rc = HYPERVISOR_multicall(calls, 0);
    if (rc != 0)
        xtf_failure("multicall of 0 entries: %s", errstr(rc));

    for (unsigned i = 0; i <= MULTICALL_MAX; i++)
        set(i, HYPERCALL_version, VERSION_interface, 0, 0);
    rc = HYPERVISOR_multicall(calls, MULTICALL_MAX);
    if (rc != 0)
        xtf_failure("multicall of MULTICALL_MAX entries: %s", errstr(rc));
    else
        for (unsigned i = 0; i < MULTICALL_MAX; i++)
            if (calls[i].result != PARAVANE_INTERFACE_VERSION) {
                xtf_failure("MULTICALL_MAX batch: entry %u result %s", i, errstr(calls[i].result));
                break;
            }

    for (unsigned i = 0; i <= MULTICALL_MAX; i++)
        calls[i].result = 0x5a5a5a5a;
    rc = HYPERVISOR_multicall(calls, MULTICALL_MAX + 1);
    if (rc != -PV_EINVAL && rc != -PV_E2BIG)
        xtf_failure("multicall of MULTICALL_MAX + 1 entries: %s, expected -EINVAL or -E2BIG", errstr(rc));
    else if (calls[0].result != 0x5a5a5a5a)
        xtf_failure("the refused oversized multicall still ran entry 0");

    rc = HYPERVISOR_multicall((void *)0xffff830000000000ull, 1);
    if (rc != -PV_EFAULT)
        xtf_failure("multicall array in the hypervisor: %s, expected -EFAULT", errstr(rc));
    rc = HYPERVISOR_multicall(NULL, 1);
    if (rc != -PV_EFAULT)
        xtf_failure("multicall array at NULL: %s, expected -EFAULT", errstr(rc));

    if (!xtf_has_failed())
        xtf_success();
}
