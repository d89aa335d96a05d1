/*
 * hypercall-fuzz - 100000 random hypercalls; the hypervisor must answer
 * each with a result (>= 0 or a PV_E* code) and stay up, and so must we.
 *
 * A xorshift PRNG with a fixed seed (so a failure can be replayed) picks
 * the hypercall number (0..31, now and then any 64-bit value) and its
 * arguments from a mix: small integers, edge values (~0, 1 << 31, ...),
 * pointers into the hypervisor's range, non-canonical values, raw random
 * numbers, PTE values naming our own frames or the hypervisor's, and
 * valid pointers to structures built in a scratch area (multicall arrays,
 * mmu_update requests, poll port lists, event-channel structs, with
 * fields drawn from the same mix).  Every negative result must be one of
 * the PV_E* codes of paravane.h.
 *
 * What keeps the guest itself alive (the test must not shoot itself):
 *   - never SCHEDOP_shutdown, never SCHEDOP_block (events stay masked, so
 *     nothing would wake us), poll always has a timeout within 200 us;
 *   - page-table changes only at the L1 entry of one dedicated page that
 *     nothing uses (mmu_update requests name that entry or an address
 *     that is not one of our page tables; update_va_mapping names that
 *     page or an unmappable address); NEW_BASEPTR only to our own L4 or
 *     a frame that is not ours; pins only on fresh frames or bad ones;
 *   - set_trap_table, set_callbacks and VCPUOP_initialise get only
 *     hypervisor or non-canonical pointers, which must be refused;
 *     domctl and sysctl likewise;
 *   - the hypervisor writes outputs only into each call's own part of the
 *     scratch area, so it never rewrites a request that is still to run.
 * At the end the count of each result is printed, and SUCCESS means we
 * are alive, the trap table still works, and every result was valid.
 */
#include "lib.h"

const char test_title[] = "hypercall-fuzz: 100000 random hypercalls, still alive";

#define ITERATIONS 100000
#define NR_FRESH   64

static uint64_t seed = 0x9e3779b97f4a7c15ull;
static uint8_t area_a[4096] __page_aligned;     /* multicall arrays */
static uint8_t area_b[4096] __page_aligned;     /* structures, outputs */
static uint8_t fuzz_page[4096] __page_aligned;  /* the one VA whose mapping we fuzz */
static uint64_t fuzz_l1e, fuzz_old;
static size_t b_off;
static uint64_t image_pages, fresh_lo, fresh_n;
static bool low_mfns_ours;
static struct multicall_entry harmless[2];

static uint32_t rc_count[131];         /* [0] = 0, [1..127] = -errno, [128] other < 0, [129] > 0 */
static uint32_t nr_count[33];
static unsigned bad_results;

static uint64_t rnd(void)
{
    return xorshift64(&seed);
}

static uint64_t rndn(uint64_t n)
{
    return rnd() % n;
}

/* ---- value generators ---------------------------------------------------- */

static uint64_t hyp_addr(void)
{
    switch (rndn(4)) {
    case 0: return PV_HYPERVISOR_VIRT_START + (rnd() & 0x7fffffffff8ull);
    case 1: return 0xffff808000200000ull + (rnd() & 0xfffff);
    case 2: return 0xffff830000000000ull + (rnd() & 0xfffffff);
    default: return 0xffff87fffffff000ull + (rnd() & 0xfff);
    }
}

static uint64_t noncanon(void)
{
    return rndn(2) ? (rnd() | (1ull << 47)) & ~(1ull << 63) : (rnd() & ~(1ull << 47)) | (1ull << 63);
}

/* A pointer that must be refused: hypervisor, non-canonical, NULL, wrapping. */
static uint64_t bad_ptr(void)
{
    switch (rndn(4)) {
    case 0: return hyp_addr();
    case 1: return noncanon();
    case 2: return 0;
    default: return ~0ull - rndn(8);
    }
}

static uint64_t small(void)
{
    return rndn(4) ? rndn(64) : rndn(4097);
}

static uint64_t edge(void)
{
    static const uint64_t e[] = {
        ~0ull, 0xffffffff, 0x80000000, 0x7fffffff, 0x100000000ull, 1ull << 63,
        DOMID_SELF, 0xffff, 4096, 4095, 512, 513, 64, 65, 128, 129,
    };
    return e[rndn(ARRAY_SIZE(e))];
}

/* An mfn that is certainly not ours. */
static uint64_t bad_mfn(void)
{
    switch (rndn(4)) {
    case 0: return low_mfns_ours ? ~0ull : 0x200 + rndn(0x200);     /* the hypervisor image */
    case 1: return low_mfns_ours ? ~0ull : rndn(0x100);             /* the first MiB */
    case 2: return (1ull << 36) + (rnd() & 0xffffffff);              /* far beyond RAM */
    default: return ~0ull >> rndn(30);
    }
}

/* One of our frames that is never a page table: the image, or a fresh one. */
static uint64_t own_mfn(void)
{
    if (fresh_n && rndn(2))
        return pfn_to_mfn(fresh_lo + rndn(fresh_n));
    return pfn_to_mfn(rndn(image_pages));
}

static uint64_t fresh_mfn(void)
{
    return fresh_n ? pfn_to_mfn(fresh_lo + rndn(fresh_n)) : bad_mfn();
}

static uint64_t pte_flags(void)
{
    uint64_t f = rnd() & (PV_PTE_P | PV_PTE_W | PV_PTE_U | PV_PTE_PWT | PV_PTE_PCD | PV_PTE_A |
                          PV_PTE_D | PV_PTE_AVAIL);
    if (rndn(2))
        f |= PV_PTE_P;
    if (!rndn(8))
        f |= rndn(2) ? PV_PTE_G : PV_PTE_PS;
    if (!rndn(8))
        f |= rndn(2) ? PV_PTE_NX : (1ull << (52 + rndn(11)));
    return f;
}

static uint64_t pte_val(void)
{
    switch (rndn(6)) {
    case 0: return 0;
    case 1:
    case 2: return pte(own_mfn(), pte_flags());
    case 3: return pte(bad_mfn() & 0xffffffffffull, pte_flags());
    case 4: return pte(rnd() & 0xffffffffull, pte_flags());
    default: return rnd();
    }
}

/* Scalars of every kind, but never a pointer the hypervisor could write through. */
static uint64_t any_arg(void)
{
    switch (rndn(10)) {
    case 0: case 1: case 2: return small();
    case 3: return 0;
    case 4: return hyp_addr();
    case 5: return noncanon();
    case 6: return edge();
    case 7: return rnd();
    case 8: return pte_val();
    default: return start_info->pt_base + (rnd() & 0xff8);   /* read-only guest memory */
    }
}

/* Space for this call's structures in area_b, 8-byte aligned or not. */
static void *balloc(size_t size)
{
    size_t mis = rndn(4) ? 0 : rndn(8);
    if (b_off + mis + size > sizeof area_b)
        b_off = 0;                  /* only for oversized requests; see gen_call */
    void *p = area_b + b_off + mis;
    b_off = (b_off + mis + size + 7) & ~(size_t)7;
    return p;
}

static uint32_t huge_count(void)
{
    static const uint32_t h[] = { 65, 129, 513, 4097, 0x10000, 0x80000000u, 0xffffffffu };
    return h[rndn(ARRAY_SIZE(h))];
}

static uint32_t port_val(void)
{
    static const uint32_t e[] = { 0, 4095, 4096, 0xffffffffu, 0x80000000u };
    return rndn(4) ? (uint32_t)rndn(80) : e[rndn(ARRAY_SIZE(e))];
}

static uint16_t dom_val(void)
{
    static const uint16_t d[] = { 0, 1, 1234, 0x7ff1, 0x7ff2, 0xffff };
    return rndn(3) ? DOMID_SELF : d[rndn(ARRAY_SIZE(d))];
}

static uint32_t vcpu_val(void)
{
    static const uint32_t v[] = { 1, 31, 32, 1000, 0xffffffffu };
    return rndn(4) ? 0 : v[rndn(ARRAY_SIZE(v))];
}

static uint64_t out_ptr(size_t size)
{
    return rndn(6) ? (uint64_t)balloc(size) : bad_ptr();
}

/* ---- per-hypercall argument builders ------------------------------------- */

static void gen_mmu_update(uint64_t *a)
{
    unsigned n = (unsigned)rndn(9);
    struct mmu_update *r = balloc(n * sizeof *r);
    for (unsigned i = 0; i < n; i++) {
        uint64_t ptr;
        switch (rndn(8)) {
        case 0: ptr = 0x200000 + rndn(512) * 8; break;              /* hypervisor image */
        case 1: ptr = (own_mfn() << PAGE_SHIFT) + rndn(512) * 8; break;   /* not a page table */
        case 2: ptr = fuzz_l1e + 4; break;                          /* misaligned */
        case 3: ptr = rnd() & 0x000ffffffffff000ull; break;
        default: ptr = fuzz_l1e; break;
        }
        if (!rndn(8))
            ptr |= rndn(4);         /* commands other than MMU_NORMAL_PT_UPDATE */
        r[i].ptr = ptr;
        r[i].val = pte_val();
    }
    a[0] = rndn(8) ? (uint64_t)r : bad_ptr();
    a[1] = rndn(8) ? n : huge_count();
    a[2] = rndn(3) ? 0 : out_ptr(4);
    a[3] = rndn(8) ? DOMID_SELF : any_arg();
}

static void gen_mmuext(uint64_t *a)
{
    unsigned n = (unsigned)rndn(5);
    struct mmuext_op *o = balloc(n * sizeof *o);
    for (unsigned i = 0; i < n; i++) {
        uint32_t cmd = rndn(8) ? (uint32_t)rndn(10) : (uint32_t)rnd();
        uint64_t arg;
        switch (cmd) {
        case MMUEXT_PIN_L1_TABLE:
        case MMUEXT_PIN_L2_TABLE:
        case MMUEXT_PIN_L3_TABLE:
        case MMUEXT_PIN_L4_TABLE:
        case MMUEXT_UNPIN_TABLE:
            arg = rndn(3) ? fresh_mfn() : bad_mfn();
            break;
        case MMUEXT_NEW_BASEPTR:
            arg = rndn(2) ? l4_mfn() : bad_mfn();
            break;
        case MMUEXT_INVLPG_LOCAL:
        case MMUEXT_INVLPG_ALL:
            arg = rndn(2) ? (uint64_t)fuzz_page : any_arg();
            break;
        default:                    /* TLB flushes take no argument; unknown ops none we know */
            arg = cmd < 10 ? 0 : any_arg();
            break;
        }
        o[i] = (struct mmuext_op){ .cmd = cmd, .pad = (uint32_t)rnd(), .arg1 = arg };
    }
    a[0] = rndn(8) ? (uint64_t)o : bad_ptr();
    a[1] = rndn(8) ? n : huge_count();
    a[2] = rndn(3) ? 0 : out_ptr(4);
    a[3] = rndn(8) ? DOMID_SELF : any_arg();
}

static void gen_update_va(uint64_t *a)
{
    switch (rndn(6)) {
    case 0: a[0] = hyp_addr(); break;
    case 1: a[0] = noncanon(); break;
    case 2: a[0] = small(); break;                                  /* slot 0: no L1 */
    case 3: a[0] = 0xffffffffffe00000ull + rndn(0x200000); break;   /* no L1 there */
    default: a[0] = (uint64_t)fuzz_page + rndn(4096); break;
    }
    a[1] = pte_val();
    a[2] = rndn(4) ? rndn(8) : any_arg();
}

static void gen_console(uint64_t *a)
{
    switch (rndn(5)) {
    case 0:                         /* write nothing from a good buffer */
        a[0] = CONSOLEIO_write; a[1] = 0; a[2] = (uint64_t)balloc(8);
        break;
    case 1:                         /* write with a count that must be refused first */
        a[0] = CONSOLEIO_write; a[1] = rndn(2) ? huge_count() : (uint32_t)rnd(); a[2] = (uint64_t)balloc(8);
        if (a[1] <= CONSOLEIO_MAX)
            a[1] = CONSOLEIO_MAX + 1;
        break;
    case 2:                         /* write from a bad buffer */
        a[0] = CONSOLEIO_write; a[1] = rndn(5000); a[2] = bad_ptr();
        break;
    case 3:                         /* read */
        a[0] = CONSOLEIO_read; a[1] = rndn(64); a[2] = out_ptr(64);
        break;
    default:
        a[0] = 2 + rndn(1000); a[1] = any_arg(); a[2] = any_arg();
        break;
    }
}

static void gen_sched(uint64_t *a)
{
    switch (rndn(4)) {
    case 0:
        a[0] = SCHEDOP_yield;
        break;
    case 1: {
        struct sched_poll *sp = balloc(sizeof *sp);
        uint32_t nr = rndn(6) ? 1 + (uint32_t)rndn(8) : (uint32_t)edge();
        uint32_t written = nr < 16 ? nr : 16;
        evtchn_port_t *ports = balloc(written * sizeof *ports);
        for (uint32_t i = 0; i < written; i++)
            ports[i] = port_val();
        uint64_t now = now_ns();
        *sp = (struct sched_poll){
            .ports = rndn(6) ? (uint64_t)ports : bad_ptr(), .nr_ports = nr, .pad = (uint32_t)rnd(),
            .timeout = rndn(4) && now ? now + rndn(200 * US) : 1,
        };
        a[0] = SCHEDOP_poll;
        a[1] = rndn(8) ? (uint64_t)sp : bad_ptr();
        break;
    }
    case 2:
        a[0] = SCHEDOP_poll;        /* the struct itself unreadable */
        a[1] = bad_ptr();
        break;
    default:
        a[0] = 4 + rndn(1000);      /* no such command (never block or shutdown) */
        if (!rndn(4))
            a[0] = (uint64_t)1 << (32 + rndn(32));
        break;
    }
}

static void gen_evtchn(uint64_t *a)
{
    uint64_t cmd = rndn(8) ? rndn(12) : any_arg();
    void *s = balloc(32);
    switch (cmd) {
    case EVTCHNOP_bind_interdomain:
        *(struct evtchn_bind_interdomain *)s = (struct evtchn_bind_interdomain){
            .remote_dom = dom_val(), .remote_port = port_val() };
        break;
    case EVTCHNOP_bind_virq:
        *(struct evtchn_bind_virq *)s = (struct evtchn_bind_virq){
            .virq = rndn(4) ? (uint32_t)rndn(10) : (uint32_t)edge(), .vcpu = vcpu_val() };
        break;
    case EVTCHNOP_close:
    case EVTCHNOP_send:
    case EVTCHNOP_unmask:
        *(evtchn_port_t *)s = port_val();
        break;
    case EVTCHNOP_status:
        *(struct evtchn_status *)s = (struct evtchn_status){ .dom = dom_val(), .port = port_val() };
        break;
    case EVTCHNOP_alloc_unbound:
        *(struct evtchn_alloc_unbound *)s = (struct evtchn_alloc_unbound){
            .dom = dom_val(), .remote_dom = dom_val() };
        break;
    case EVTCHNOP_bind_ipi:
        *(struct evtchn_bind_ipi *)s = (struct evtchn_bind_ipi){ .vcpu = vcpu_val() };
        break;
    default:
        memset(s, (int)rnd(), 32);
        break;
    }
    a[0] = cmd;
    a[1] = rndn(8) ? (uint64_t)s : bad_ptr();
}

static void gen_vcpu(uint64_t *a)
{
    a[0] = rndn(8) ? rndn(5) : any_arg();
    a[1] = rndn(4) ? rndn(4) : edge();
    a[2] = a[0] == VCPUOP_initialise ? bad_ptr() : any_arg();
}

static void gen_version(uint64_t *a)
{
    a[0] = rndn(8) ? rndn(5) : any_arg();
    a[1] = rndn(3) ? out_ptr(VERSION_EXTRA_LEN) : rndn(2) ? bad_ptr() : start_info->pt_base + (rnd() & 0xfc0);
}

static void gen_call(uint64_t nr, uint64_t *a, int depth);

static void gen_multicall(uint64_t *a, int depth)
{
    if (depth > 0) {                /* nested: must be refused; harmless if it is not */
        a[0] = rndn(2) ? (uint64_t)harmless : bad_ptr();
        a[1] = rndn(3);
        return;
    }
    unsigned n = (unsigned)rndn(9);
    size_t off = rndn(sizeof area_a - 8 * sizeof(struct multicall_entry));
    if (rndn(4))
        off &= ~(size_t)7;
    struct multicall_entry *m = (struct multicall_entry *)(area_a + off);
    for (unsigned i = 0; i < n; i++) {
        uint64_t op = rndn(32) ? rndn(32) : any_arg();
        uint64_t args[6] = { 0 };
        gen_call(op, args, depth + 1);
        m[i].op = op;
        m[i].result = (int64_t)0xdeadbeefdeadbeefull;
        memcpy(m[i].args, args, sizeof args);
    }
    a[0] = rndn(8) ? (uint64_t)m : bad_ptr();
    a[1] = rndn(8) ? n : huge_count();
}

static void gen_call(uint64_t nr, uint64_t *a, int depth)
{
    for (int i = 0; i < 6; i++)
        a[i] = any_arg();
    switch (nr) {
    case HYPERCALL_set_trap_table: a[0] = rndn(2) ? hyp_addr() : noncanon(); break;
    case HYPERCALL_mmu_update: gen_mmu_update(a); break;
    case HYPERCALL_mmuext_op: gen_mmuext(a); break;
    case HYPERCALL_update_va_mapping: gen_update_va(a); break;
    case HYPERCALL_stack_switch: if (rndn(2)) a[0] = PV_KERNEL_DS; break;
    case HYPERCALL_set_callbacks:
        a[0] = rndn(2) ? hyp_addr() : noncanon();
        a[1] = rndn(2) ? hyp_addr() : noncanon();
        break;
    case HYPERCALL_set_segment_base: a[0] = rndn(4) ? rndn(3) : any_arg(); break;
    case HYPERCALL_multicall: gen_multicall(a, depth); break;
    case HYPERCALL_console_io: gen_console(a); break;
    case HYPERCALL_sched_op: gen_sched(a); break;
    case HYPERCALL_set_timer_op: if (rndn(2)) a[0] = now_ns() + rndn(MS); break;
    case HYPERCALL_event_channel_op: gen_evtchn(a); break;
    case HYPERCALL_vcpu_op: gen_vcpu(a); break;
    case HYPERCALL_version: gen_version(a); break;
    case HYPERCALL_domctl:
    case HYPERCALL_sysctl: a[0] = bad_ptr(); a[1] = bad_ptr(); break;
    default: break;                 /* unknown: anything goes, nothing may be read */
    }
}

/* ---- the loop ------------------------------------------------------------ */

static bool valid_rc(int64_t rc)
{
    static const int codes[] = {
        PV_EPERM, PV_ENOENT, PV_ESRCH, PV_EINTR, PV_E2BIG, PV_EBADF, PV_EAGAIN, PV_ENOMEM,
        PV_EACCES, PV_EFAULT, PV_EBUSY, PV_EEXIST, PV_ENODEV, PV_EINVAL, PV_ENOSPC, PV_ERANGE,
        PV_ENOSYS, PV_ETIMEDOUT,
    };
    if (rc >= 0)
        return true;
    for (size_t i = 0; i < ARRAY_SIZE(codes); i++)
        if (rc == -codes[i])
            return true;
    return false;
}

static void tally(int64_t rc)
{
    if (rc == 0)
        rc_count[0]++;
    else if (rc > 0)
        rc_count[129]++;
    else if (rc >= -127)
        rc_count[-rc]++;
    else
        rc_count[128]++;
}

static void bad_result(unsigned iter, const char *where, uint64_t nr, const uint64_t *a, int64_t rc)
{
    if (bad_results++ < 10)
        xtf_failure("call %u%s: hypercall %#lx(%#lx, %#lx, %#lx, %#lx, %#lx) returned %ld: not a PV_E* code",
                    iter, where, nr, a[0], a[1], a[2], a[3], a[4], rc);
}

static bool ud2_works(void)
{
    ex_clear();
    __asm__ volatile("1: ud2\n2:" _ASM_EXTABLE(1b, 2b) ::: "memory");
    return ex_get() == EXINFO_SYM(UD, 0);
}

void test_main(void)
{
    fuzz_l1e = pte_maddr((uint64_t)fuzz_page, 1, &fuzz_old);
    if (!fuzz_l1e) {
        xtf_error("cannot walk to the fuzz page's L1 entry");
        return;
    }
    image_pages = ((uint64_t)__image_end - start_info->virt_base) / PAGE_SIZE;
    fresh_lo = start_info->nr_bootstrap;
    fresh_n = start_info->nr_pages > fresh_lo ? start_info->nr_pages - fresh_lo : 0;
    if (fresh_n > NR_FRESH)
        fresh_n = NR_FRESH;
    for (uint64_t i = 0; i < start_info->nr_pages; i++)
        if (pfn_to_mfn(i) < 0x400)
            low_mfns_ours = true;
    harmless[0] = (struct multicall_entry){ .op = HYPERCALL_version, .args = { VERSION_interface } };
    harmless[1] = harmless[0];
    if (shared)
        events_disable();
    printk("seed %#lx, %u iterations, %lu fresh frames, %lu image pages\n", seed, ITERATIONS, fresh_n, image_pages);

    for (unsigned iter = 0; iter < ITERATIONS; iter++) {
        uint64_t nr = rndn(64) ? rndn(32) : any_arg();
        uint64_t a[6];
        b_off = 0;
        gen_call(nr, a, 0);
        nr_count[nr < 32 ? nr : 32]++;

        int64_t rc = pv_hypercall5(nr, a[0], a[1], a[2], a[3], a[4]);
        tally(rc);
        if (!valid_rc(rc))
            bad_result(iter, "", nr, a, rc);
        if (nr == HYPERCALL_multicall && rc == 0 && a[0] >= (uint64_t)area_a &&
            a[0] < (uint64_t)area_a + sizeof area_a) {
            const struct multicall_entry *m = (const struct multicall_entry *)a[0];
            for (unsigned i = 0; i < a[1] && i < 8; i++)
                if (!valid_rc(m[i].result) || m[i].result == (int64_t)0xdeadbeefdeadbeefull)
                    bad_result(iter, " (multicall entry)", m[i].op, m[i].args, m[i].result);
        }

        if ((iter + 1) % 10000 == 0) {
            printk("fuzz: %u calls\n", iter + 1);
            if (!ud2_works()) {
                xtf_failure("after %u calls, ud2 no longer reaches our handler", iter + 1);
                break;
            }
        }
    }

    HYPERVISOR_set_timer_op(0);
    long rc = HYPERVISOR_update_va_mapping((uint64_t)fuzz_page, pte(virt_to_mfn(fuzz_page), PTE_RW), UVMF_INVLPG);
    if (rc)
        xtf_warning("restoring the fuzz page: %s", errstr(rc));
    if (HYPERVISOR_version(VERSION_interface, NULL) != PARAVANE_INTERFACE_VERSION)
        xtf_failure("VERSION_interface is wrong after the fuzzing");
    if (!ud2_works())
        xtf_failure("ud2 no longer reaches our handler after the fuzzing");

    printk("results:\n");
    if (rc_count[0])
        printk("  %-12s %u\n", "0", rc_count[0]);
    if (rc_count[129])
        printk("  %-12s %u\n", "> 0", rc_count[129]);
    for (int e = 1; e <= 127; e++)
        if (rc_count[e])
            printk("  %-12s %u\n", errstr(-e), rc_count[e]);
    if (rc_count[128])
        printk("  %-12s %u\n", "< -127", rc_count[128]);
    printk("calls per hypercall number:");
    for (int i = 0; i <= 32; i++)
        printk("%s%u", i % 8 ? " " : "\n  ", nr_count[i]);
    printk("  (last: other numbers)\n");

    if (!xtf_has_failed())
        xtf_success();
}
