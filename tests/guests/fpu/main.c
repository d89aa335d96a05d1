/*
 * fpu - the guest's SSE and x87 state survives the hypervisor.
 *
 * The hypervisor saves and restores a vCPU's FPU state when it switches
 * vCPUs (struct vcpu.fpu, fxsave format).  A missed save, a lazy-switch
 * bug (CR0.TS left set, #NM not handled) or a hypervisor path that uses
 * SSE itself would corrupt the guest's registers without any fault.  So:
 * load xmm0-15 with a pattern, a non-default MXCSR and x87 control word,
 * then - inside the same asm statement, so the compiler cannot touch them
 * - yield many times, and block on timer events (a real sleep: the pCPU
 * goes idle or runs something else, and the vCPU comes back), and check
 * every register afterwards.  The event upcalls that run in between are
 * the library's, compiled without SSE.
 *
 * This guest is built with SSE enabled (GUEST_SSE in guests.mk).
 */
#include "lib.h"

const char test_title[] = "fpu: xmm0-15, MXCSR and FCW survive yields and timer sleeps";

#define ROUNDS 20

static uint8_t pattern[16][16] __attribute__((aligned(16)));
static uint8_t result[16][16] __attribute__((aligned(16)));
static uint64_t deadlines[ROUNDS];
static evtchn_port_t timer_port;

#define LOAD(n)  "movdqa " #n "*16(%[p]), %%xmm" #n "\n\t"
#define STORE(n) "movdqa %%xmm" #n ", " #n "*16(%[r])\n\t"
#define ALL(M) M(0) M(1) M(2) M(3) M(4) M(5) M(6) M(7) M(8) M(9) M(10) M(11) M(12) M(13) M(14) M(15)
#define XMM_CLOBBERS "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", \
    "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"

static bool check_xmm(const char *when)
{
    for (int i = 0; i < 16; i++)
        if (memcmp(pattern[i], result[i], 16) != 0) {
            uint64_t w[2], g[2];
            memcpy(w, pattern[i], 16);
            memcpy(g, result[i], 16);
            xtf_failure("%s: xmm%d is %016lx%016lx, expected %016lx%016lx",
                        when, i, g[1], g[0], w[1], w[0]);
            return false;
        }
    return true;
}

/*
 * Load the pattern, MXCSR and FCW; then n times: if deadlines, set the
 * timer to deadlines[i] and block, else yield; then store everything.
 */
/*
 * What each domain loads: a second copy of this test running as a domU on
 * the same pCPU uses other values, so a state leaking between the two
 * domains shows up as a mismatch in either.
 */
static uint32_t mxcsr_want = 0x1f80 | 0x6000;   /* all masked, round toward zero */
static uint16_t fcw_want = 0x037f ^ 0x0c00;     /* default, but round toward zero */

static void run(unsigned n, const uint64_t *dl, uint32_t *mxcsr_out, uint16_t *fcw_out)
{
    uint32_t mxcsr_in = mxcsr_want;
    uint16_t fcw_in = fcw_want;
    uint64_t i = 0;

    memset(result, 0, sizeof result);
    __asm__ volatile(
        ALL(LOAD)
        "ldmxcsr %[mi]\n\t"
        "fldcw %[fi]\n"
        "1:\n\t"
        "cmp %[n], %[i]\n\t"
        "jae 3f\n\t"
        "test %[dl], %[dl]\n\t"
        "jz 2f\n\t"
        /*
         * Mask events first: block unmasks and re-checks in one step, so a
         * timer that fires before we block stays pending instead of being
         * taken by an upcall here and leaving the block with nothing to
         * wake it.
         */
        "movb $1, (%[mask])\n\t"
        "mov $" "10" ", %%eax\n\t"              /* HYPERCALL_set_timer_op */
        "mov (%[dl],%[i],8), %%rdi\n\t"
        "int $0x82\n\t"
        "mov $9, %%eax\n\t"                     /* HYPERCALL_sched_op */
        "mov $1, %%edi\n\t"                     /* SCHEDOP_block */
        "xor %%esi, %%esi\n\t"
        "int $0x82\n\t"
        "inc %[i]\n\t"
        "jmp 1b\n"
        "2:\n\t"
        "mov $9, %%eax\n\t"
        "xor %%edi, %%edi\n\t"                  /* SCHEDOP_yield */
        "xor %%esi, %%esi\n\t"
        "int $0x82\n\t"
        "inc %[i]\n\t"
        "jmp 1b\n"
        "3:\n\t"
        ALL(STORE)
        "stmxcsr %[mo]\n\t"
        "fnstcw %[fo]\n\t"
        "ldmxcsr %[md]\n\t"
        "fninit\n\t"
        : [i] "+r"(i), [mo] "=m"(*mxcsr_out), [fo] "=m"(*fcw_out)
        : [p] "r"(pattern), [r] "r"(result), [n] "r"((uint64_t)n), [dl] "r"(dl),
          [mask] "r"(dl ? &vcpu_info0()->evtchn_upcall_mask : NULL),
          [mi] "m"(mxcsr_in), [fi] "m"(fcw_in), [md] "m"((uint32_t){ 0x1f80 })
        : "rax", "rdi", "rsi", "memory", "cc", XMM_CLOBBERS);
    (void)mxcsr_in;
}

static void check_ctl(const char *when, uint32_t mxcsr, uint16_t fcw)
{
    /* The exception flags (bits 0..5) may be set by the work itself. */
    if ((mxcsr & 0xffc0) != (mxcsr_want & 0xffc0))
        xtf_failure("%s: MXCSR %#x, expected %#x", when, mxcsr, mxcsr_want);
    if (fcw != fcw_want)
        xtf_failure("%s: x87 control word %#x, expected %#x", when, fcw, fcw_want);
}

void test_main(void)
{
    uint32_t mxcsr;
    uint16_t fcw;

    /* SSE must be usable in ring 1 at all (CR4.OSFXSR, CR0.EM clear). */
    ex_clear();
    __asm__ volatile("1: xorps %%xmm0, %%xmm0\n2:" _ASM_EXTABLE(1b, 2b) ::: "xmm0", "memory");
    if (ex_get()) {
        char b[24];
        xtf_failure("an SSE instruction in ring 1 took %s", exinfo_str(ex_get(), b));
        return;
    }

    uint64_t seed = 0x5eed5eed5eed5eedull ^ ((uint64_t)start_info->domid * 0x9e3779b97f4a7c15ull);
    if (start_info->domid != 0) {
        mxcsr_want = 0x1f80 | 0x4000;           /* round up */
        fcw_want = 0x037f ^ 0x0800;             /* round up */
    }
    for (int i = 0; i < 16; i++)
        for (int j = 0; j < 16; j += 8) {
            uint64_t v = xorshift64(&seed);
            memcpy(&pattern[i][j], &v, 8);
        }

    run(0, NULL, &mxcsr, &fcw);
    check_xmm("with no hypercall in between");
    check_ctl("with no hypercall in between", mxcsr, fcw);

    run(200, NULL, &mxcsr, &fcw);
    check_xmm("after 200 yields");
    check_ctl("after 200 yields", mxcsr, fcw);

    if (!shared || events_init() != 0 || evtchn_bind_virq(VIRQ_TIMER, 0, &timer_port) != 0) {
        xtf_error("cannot set up timer events (shared_info, set_callbacks or bind_virq)");
        return;
    }
    evtchn_unmask_port(timer_port);
    uint32_t before = evtchn_hits[timer_port];
    uint64_t now = now_ns();
    for (int i = 0; i < ROUNDS; i++)
        deadlines[i] = now + (uint64_t)(i + 1) * 2 * MS;
    run(ROUNDS, deadlines, &mxcsr, &fcw);
    check_xmm("after blocking on timer events");
    check_ctl("after blocking on timer events", mxcsr, fcw);
    printk("%u timer events during the blocking rounds\n", evtchn_hits[timer_port] - before);
    if (evtchn_hits[timer_port] == before)
        xtf_failure("no timer event arrived: the blocking rounds did not sleep");

    if (!xtf_has_failed())
        xtf_success();
}
