/*
 * hypercall-abi - the calling convention of paravane.h, register by
 * register.
 *
 * `int $0x82` returns in rax and "every other register is preserved":
 * the argument registers too, and rbx, rbp, r9, r11-r15, rcx, which a
 * hypervisor entry path that forgets to restore a register would
 * silently clobber (the guest kernel's compiled code then misbehaves far
 * from the cause).  Checked for a successful call, a failing one, an
 * unknown hypercall number and a call that copies to and from guest
 * memory.  Also: a guest may enter with DF set (the hypervisor must clear
 * it for its own string operations, and give it back), and an unknown
 * number, even a huge one, is -ENOSYS.
 */
#include "lib.h"

const char test_title[] = "hypercall-abi: registers preserved, rax returned, -ENOSYS";

struct regs {
    uint64_t rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
};
static const char *const reg_names[] = {
    "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

/* What one raw hypercall loads and what it finds afterwards (offsets used by the asm). */
struct ctx {
    struct regs in;                 /*   0 */
    struct regs out;                /* 112 */
    uint64_t nr;                    /* 224 */
    uint64_t df;                    /* 232 */
    uint64_t rax;                   /* 240 */
    uint64_t flags;                 /* 248 */
};
_Static_assert(sizeof(struct regs) == 112, "struct regs layout");

/*
 * Load every register from c->in (rax = c->nr, DF = c->df), int $0x82,
 * store every register to c->out, rax to c->rax, rflags to c->flags.
 * rbp is loaded too, so it is saved by hand (it cannot be a clobber).
 */
static void raw_hypercall(struct ctx *c)
{
    __asm__ volatile(
        "push %%rbp\n\t"
        "push %%rax\n\t"                 /* c */
        "mov 0(%%rax), %%rbx\n\t"
        "mov 8(%%rax), %%rcx\n\t"
        "mov 16(%%rax), %%rdx\n\t"
        "mov 24(%%rax), %%rsi\n\t"
        "mov 32(%%rax), %%rdi\n\t"
        "mov 40(%%rax), %%rbp\n\t"
        "mov 48(%%rax), %%r8\n\t"
        "mov 56(%%rax), %%r9\n\t"
        "mov 64(%%rax), %%r10\n\t"
        "mov 72(%%rax), %%r11\n\t"
        "mov 80(%%rax), %%r12\n\t"
        "mov 88(%%rax), %%r13\n\t"
        "mov 96(%%rax), %%r14\n\t"
        "mov 104(%%rax), %%r15\n\t"
        "testq $1, 232(%%rax)\n\t"
        "mov 224(%%rax), %%rax\n\t"      /* mov leaves the flags alone */
        "jz 1f\n\t"
        "std\n"
        "1:\n\t"
        "int $0x82\n\t"
        "pushfq\n\t"
        "cld\n\t"
        "xchg %%rax, 8(%%rsp)\n\t"       /* rax = c; the slot keeps the result */
        "mov %%rbx, 112(%%rax)\n\t"
        "mov %%rcx, 120(%%rax)\n\t"
        "mov %%rdx, 128(%%rax)\n\t"
        "mov %%rsi, 136(%%rax)\n\t"
        "mov %%rdi, 144(%%rax)\n\t"
        "mov %%rbp, 152(%%rax)\n\t"
        "mov %%r8, 160(%%rax)\n\t"
        "mov %%r9, 168(%%rax)\n\t"
        "mov %%r10, 176(%%rax)\n\t"
        "mov %%r11, 184(%%rax)\n\t"
        "mov %%r12, 192(%%rax)\n\t"
        "mov %%r13, 200(%%rax)\n\t"
        "mov %%r14, 208(%%rax)\n\t"
        "mov %%r15, 216(%%rax)\n\t"
        "popq 248(%%rax)\n\t"            /* flags */
        "popq 240(%%rax)\n\t"            /* the hypercall's rax */
        "pop %%rbp\n\t"
        : "+a"(c)
        :
        : "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14",
          "r15", "memory", "cc");
}

#define ANY_NONNEG  (-1000000L)     /* expect: any rc >= 0 */

static bool check_call(const char *what, uint64_t nr, struct regs in, long expect, bool df)
{
    struct ctx c = { .in = in, .nr = nr, .df = df };
    raw_hypercall(&c);
    long rc = (long)c.rax;
    bool ok = true;

    if (expect == ANY_NONNEG ? rc < 0 : rc != expect) {
        xtf_failure("%s: returned %s, expected %s", what, errstr(rc),
                    expect == ANY_NONNEG ? ">= 0" : errstr(expect));
        ok = false;
    }
    const uint64_t *a = (const uint64_t *)&c.in, *b = (const uint64_t *)&c.out;
    for (size_t i = 0; i < ARRAY_SIZE(reg_names); i++)
        if (a[i] != b[i]) {
            xtf_failure("%s: %s changed from %#lx to %#lx", what, reg_names[i], a[i], b[i]);
            ok = false;
        }
    if (!!(c.flags & X86_FLAGS_DF) != df) {
        xtf_failure("%s: DF was %d before the call and %d after", what, df, !df);
        ok = false;
    }
    return ok;
}

static struct regs pattern(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct regs r = {
        .rbx = 0x1111111111111111, .rcx = 0x2222222222222222, .rbp = 0x3333333333333333,
        .r9 = 0x4444444444444444, .r11 = 0x5555555555555555, .r12 = 0x6666666666666666,
        .r13 = 0x7777777777777777, .r14 = 0x8888888888888888, .r15 = 0x9999999999999999,
        .rdi = a1, .rsi = a2, .rdx = a3, .r10 = a4, .r8 = a5,
    };
    return r;
}

void test_main(void)
{
    static char extra[VERSION_EXTRA_LEN];
    static const char msg[] = "hypercall-abi: console write with every register loaded\n";

    check_call("version(VERSION_interface)", HYPERCALL_version,
               pattern(VERSION_interface, 0xdead0001, 0xdead0002, 0xdead0003, 0xdead0004),
               PARAVANE_INTERFACE_VERSION, false);
    check_call("version(99)", HYPERCALL_version,
               pattern(99, 0xdead0001, 0xdead0002, 0xdead0003, 0xdead0004), -PV_ENOSYS, false);
    check_call("hypercall 31", 31, pattern(1, 2, 3, 4, 5), -PV_ENOSYS, false);
    check_call("hypercall 16 (NR_HYPERCALLS)", NR_HYPERCALLS, pattern(1, 2, 3, 4, 5), -PV_ENOSYS, false);
    check_call("hypercall 0x100000000", 0x100000000ull, pattern(0, 0, 0, 0, 0), -PV_ENOSYS, false);
    check_call("hypercall -1", ~0ull, pattern(0, 0, 0, 0, 0), -PV_ENOSYS, false);

    /* A copy out of the hypervisor with DF set on entry. */
    memset(extra, 0, sizeof extra);
    if (check_call("version(VERSION_extra) with DF=1", HYPERCALL_version,
                   pattern(VERSION_extra, (uint64_t)extra, 7, 8, 9), 0, true) &&
        strncmp(extra, "Paravane", 8) != 0)
        xtf_failure("VERSION_extra with DF=1 copied '%.32s' (backwards copy?)", extra);

    /* A copy into the hypervisor, also with DF set. */
    check_call("console_io(write)", HYPERCALL_console_io,
               pattern(CONSOLEIO_write, sizeof msg - 1, (uint64_t)msg, 0xdead0003, 0xdead0004),
               ANY_NONNEG, false);
    check_call("console_io(write) with DF=1", HYPERCALL_console_io,
               pattern(CONSOLEIO_write, sizeof msg - 1, (uint64_t)msg, 0xdead0003, 0xdead0004),
               ANY_NONNEG, true);

    if (!xtf_has_failed())
        xtf_success();
}
