/*
 * bad-pointers - every guest pointer a hypercall reads or writes is
 * checked: -EFAULT, never a hypervisor fault, never a read or write of
 * the hypervisor's own memory on the guest's behalf.
 *
 * Each hypercall that takes a pointer gets, in turn: NULL; an unmapped
 * low address; the reserved slot (which ring 1 may be able to read, but
 * the hypervisor must not treat as guest memory); the hypervisor's image,
 * direct map and last page; non-canonical addresses; a range that wraps
 * past 2^64 or crosses from the low half into the non-canonical hole; an
 * unmapped page of ours; a range that starts mapped and runs into it.
 * All must be -EFAULT (but set_trap_table(NULL), which clears the table).
 * A bad set_trap_table must keep the old table.
 * Outputs aimed at a read-only page of ours must be -EFAULT too, and the
 * page must be unchanged: the hypervisor writes guest memory with the
 * guest's permissions, not through its direct map.
 */
#include "lib.h"

const char test_title[] = "bad-pointers: hypercalls with bad guest pointers return -EFAULT";

static uint8_t pages[2][4096] __page_aligned;

static struct { const char *name; uint64_t p; } ptrs[] = {
    { "NULL", 0 },
    { "unmapped 0x1000", 0x1000 },
    { "the reserved slot", 0xffff800000000000ull },
    { "the hypervisor image", 0xffff808000200000ull },
    { "the hypervisor's direct map", 0xffff830000000000ull },
    { "the last hypervisor page", 0xffff87fffffff000ull },
    { "non-canonical 0x0000800000000000", 0x0000800000000000ull },
    { "non-canonical 0x8000000000000000", 0x8000000000000000ull },
    { "a range wrapping past 2^64", 0xfffffffffffffffeull },
    { "a range crossing into the non-canonical hole", 0x00007ffffffffffeull },
    { "an unmapped page of ours", 0 },                  /* filled in below */
    { "a range running into an unmapped page", 0 },
};

static unsigned checked;

static void expect_efault(const char *call, const char *ptr, long rc)
{
    checked++;
    if (rc != -PV_EFAULT)
        xtf_failure("%s with %s: %s, expected -EFAULT", call, ptr, errstr(rc));
}

static void ud2_still_handled(const char *after)
{
    ex_clear();
    __asm__ volatile("1: ud2\n2:" _ASM_EXTABLE(1b, 2b) ::: "memory");
    if (ex_get() != EXINFO_SYM(UD, 0))
        xtf_failure("after %s, ud2 no longer reaches our handler", after);
}

void test_main(void)
{
    if (HYPERVISOR_update_va_mapping((uint64_t)pages[1], 0, UVMF_INVLPG)) {
        xtf_error("cannot unmap our own pages");
        return;
    }
    ptrs[10].p = (uint64_t)pages[1];
    ptrs[11].p = (uint64_t)pages[1] - 2;

    for (size_t i = 0; i < ARRAY_SIZE(ptrs); i++) {
        const char *n = ptrs[i].name;
        void *p = (void *)ptrs[i].p;
        long rc;

        rc = HYPERVISOR_set_trap_table(p);
        if (p == NULL) {
            /* NULL is not a bad pointer here: it clears the table (as in Xen, docs/abi.md). */
            if (rc != 0)
                xtf_failure("set_trap_table(NULL) (clear the table): %s, expected 0", errstr(rc));
            install_trap_table();
        } else {
            expect_efault("set_trap_table", n, rc);
            if (rc == 0)
                install_trap_table();   /* it may have cleared our table: put it back first */
        }
        ud2_still_handled("a refused set_trap_table");

        expect_efault("mmu_update", n, HYPERVISOR_mmu_update(p, 1, NULL, DOMID_SELF));
        expect_efault("mmuext_op", n, HYPERVISOR_mmuext_op(p, 1, NULL, DOMID_SELF));
        expect_efault("multicall", n, HYPERVISOR_multicall(p, 1));
        expect_efault("console_io(write, 16)", n, HYPERVISOR_console_io(CONSOLEIO_write, 16, p));
        expect_efault("sched_op(poll)", n, HYPERVISOR_sched_op(SCHEDOP_poll, p));
        expect_efault("EVTCHNOP_bind_ipi", n, HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, p));
        expect_efault("EVTCHNOP_bind_virq", n, HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, p));
        expect_efault("EVTCHNOP_alloc_unbound", n, HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, p));
        expect_efault("EVTCHNOP_close", n, HYPERVISOR_event_channel_op(EVTCHNOP_close, p));
        expect_efault("EVTCHNOP_send", n, HYPERVISOR_event_channel_op(EVTCHNOP_send, p));
        expect_efault("EVTCHNOP_status", n, HYPERVISOR_event_channel_op(EVTCHNOP_status, p));
        expect_efault("EVTCHNOP_unmask", n, HYPERVISOR_event_channel_op(EVTCHNOP_unmask, p));
        expect_efault("version(VERSION_extra)", n, HYPERVISOR_version(VERSION_extra, p));
        if (start_info->nr_vcpus > 1)
            expect_efault("vcpu_op(VCPUOP_initialise, 1)", n, HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, p));

        /* A good struct whose own pointer is bad. */
        struct sched_poll sp = { .ports = (uint64_t)p, .nr_ports = 1, .timeout = now_ns() + MS };
        expect_efault("sched_op(poll) with a bad ports array", n, HYPERVISOR_sched_op(SCHEDOP_poll, &sp));
    }
    printk("%u bad-pointer calls checked\n", checked);

    /* Outputs to a read-only page of ours. */
    evtchn_port_t port;
    uint64_t g = alloc_frame();
    if (!g || evtchn_bind_ipi(0, &port)) {
        xtf_error("cannot prepare the read-only page (frame or bind_ipi)");
    } else {
        static uint8_t img[4096];
        struct evtchn_status *st = (void *)img;
        struct evtchn_bind_ipi *bi = (void *)(img + 256);
        st->dom = DOMID_SELF;
        st->port = port;
        bi->vcpu = 0;
        memset(img + 512, 0x77, 64);
        if (frame_fill(g, img, sizeof img) || scratch_map(6, g, PTE_RO)) {
            xtf_error("cannot map the read-only page");
        } else {
            uint8_t *ro = scratch_va(6);
            expect_efault("version(VERSION_extra)", "a read-only page", HYPERVISOR_version(VERSION_extra, ro + 512));
            expect_efault("EVTCHNOP_status", "a read-only page (output)",
                          HYPERVISOR_event_channel_op(EVTCHNOP_status, ro));
            expect_efault("EVTCHNOP_bind_ipi", "a read-only page (output)",
                          HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, ro + 256));
            if (memcmp(ro, img, sizeof img) != 0)
                xtf_failure("the hypervisor wrote into our read-only page");
        }
    }

    scratch_restore(6);
    HYPERVISOR_update_va_mapping((uint64_t)pages[1], pte(virt_to_mfn(pages[1]), PTE_RW), UVMF_INVLPG);
    ud2_still_handled("all of it");
    if (!xtf_has_failed())
        xtf_success();
}
