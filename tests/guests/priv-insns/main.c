/*
 * priv-insns - ring 1 is not ring 0: every privileged instruction faults
 * and the fault comes back to the guest kernel.
 *
 * The guest kernel runs in ring 1 with IOPL 0.  Each instruction below
 * must raise #GP (with the error code the CPU gives) that the hypervisor
 * bounces to our handler - not be emulated, not crash the hypervisor,
 * not go unnoticed.  Some are the classic ways a PV guest could escape if
 * a selector, a gate DPL or IOPL were set wrong:
 *   - cli/sti/hlt/in/out (IOPL must be 0, and popf must not raise it);
 *   - control, debug and model-specific registers; invlpg, wbinvd, invd,
 *     clts, lmsw, swapgs; lgdt/lidt/lldt/ltr;
 *   - `int n` on the hypervisor's own vectors (NMI, #DF, #PF, the APIC
 *     timer 0x20, the spurious 0xff, 0x80 with no handler registered):
 *     their gates must have DPL 0 so that ring 1 cannot forge them;
 *   - loading the hypervisor's selectors: ss = 0x10, ds = 0x08, a far
 *     jump and an iretq to cs 0x08.
 * Controls: rdtsc and cpuid are allowed; icebp (int1) is a #DB trap the
 * hypervisor must bounce, not swallow.
 */
#include "lib.h"

const char test_title[] = "priv-insns: privileged instructions in ring 1 fault to the guest";

#define SIMPLE(fn, insn)                                                \
    static exinfo_t fn(void)                                           \
    {                                                                   \
        ex_clear();                                                     \
        __asm__ volatile("1: " insn "\n2:" _ASM_EXTABLE(1b, 2b)        \
                         ::: "rax", "rcx", "rdx", "memory");            \
        return ex_get();                                                \
    }

SIMPLE(do_cli, "cli")
SIMPLE(do_sti, "sti")
SIMPLE(do_hlt, "hlt")
SIMPLE(do_in_imm, "inb $0x80, %%al")
SIMPLE(do_out_imm, "outb %%al, $0x80")
SIMPLE(do_rd_cr0, "mov %%cr0, %%rax")
SIMPLE(do_rd_cr2, "mov %%cr2, %%rax")
SIMPLE(do_rd_cr3, "mov %%cr3, %%rax")
SIMPLE(do_rd_cr4, "mov %%cr4, %%rax")
SIMPLE(do_rd_cr8, "mov %%cr8, %%rax")
SIMPLE(do_rd_dr7, "mov %%dr7, %%rax")
SIMPLE(do_clts, "clts")
SIMPLE(do_wbinvd, "wbinvd")
SIMPLE(do_invd, "invd")
SIMPLE(do_swapgs, "swapgs")
SIMPLE(do_int_02, "int $0x02")
SIMPLE(do_int_08, "int $0x08")
SIMPLE(do_int_0e, "int $0x0e")
SIMPLE(do_int_20, "int $0x20")
SIMPLE(do_int_80, "int $0x80")
SIMPLE(do_int_ff, "int $0xff")
SIMPLE(do_rdtsc, "rdtsc")

static exinfo_t do_in_dx(void)
{
    ex_clear();
    __asm__ volatile("mov $0x80, %%edx\n1: inb %%dx, %%al\n2:" _ASM_EXTABLE(1b, 2b) ::: "rax", "rdx", "memory");
    return ex_get();
}

static exinfo_t do_out_dx(void)
{
    ex_clear();
    __asm__ volatile("mov $0x80, %%edx\n1: outb %%al, %%dx\n2:" _ASM_EXTABLE(1b, 2b) ::: "rax", "rdx", "memory");
    return ex_get();
}

static exinfo_t do_wr_cr0(void)
{
    ex_clear();
    __asm__ volatile("mov $0x80050033, %%eax\n1: mov %%rax, %%cr0\n2:" _ASM_EXTABLE(1b, 2b) ::: "rax", "memory");
    return ex_get();
}

static exinfo_t do_wr_cr3(void)
{
    ex_clear();
    __asm__ volatile("xor %%eax, %%eax\n1: mov %%rax, %%cr3\n2:" _ASM_EXTABLE(1b, 2b) ::: "rax", "memory");
    return ex_get();
}

static exinfo_t do_wr_cr4(void)
{
    ex_clear();
    __asm__ volatile("xor %%eax, %%eax\n1: mov %%rax, %%cr4\n2:" _ASM_EXTABLE(1b, 2b) ::: "rax", "memory");
    return ex_get();
}

static exinfo_t do_wr_dr7(void)
{
    ex_clear();
    __asm__ volatile("xor %%eax, %%eax\n1: mov %%rax, %%dr7\n2:" _ASM_EXTABLE(1b, 2b) ::: "rax", "memory");
    return ex_get();
}

static exinfo_t do_lmsw(void)
{
    ex_clear();
    __asm__ volatile("mov $0x33, %%eax\n1: lmsw %%ax\n2:" _ASM_EXTABLE(1b, 2b) ::: "rax", "memory");
    return ex_get();
}

static exinfo_t do_invlpg(void)
{
    ex_clear();
    __asm__ volatile("1: invlpg (%0)\n2:" _ASM_EXTABLE(1b, 2b) :: "r"(__image_start) : "memory");
    return ex_get();
}

static exinfo_t do_wrmsr(void)
{
    ex_clear();
    __asm__ volatile("mov $0xc0000100, %%ecx\n\t"   /* FS base: 0 is harmless */
                     "xor %%eax, %%eax\n\txor %%edx, %%edx\n"
                     "1: wrmsr\n2:" _ASM_EXTABLE(1b, 2b) ::: "rax", "rcx", "rdx", "memory");
    return ex_get();
}

static exinfo_t do_rdmsr(void)
{
    ex_clear();
    __asm__ volatile("mov $0x1b, %%ecx\n1: rdmsr\n2:" _ASM_EXTABLE(1b, 2b) ::: "rax", "rcx", "rdx", "memory");
    return ex_get();
}

static uint8_t dtr[16];

static exinfo_t do_lgdt(void)
{
    ex_clear();
    __asm__ volatile("1: lgdt %0\n2:" _ASM_EXTABLE(1b, 2b) :: "m"(dtr) : "memory");
    return ex_get();
}

static exinfo_t do_lidt(void)
{
    ex_clear();
    __asm__ volatile("1: lidt %0\n2:" _ASM_EXTABLE(1b, 2b) :: "m"(dtr) : "memory");
    return ex_get();
}

static exinfo_t do_lldt(void)
{
    ex_clear();
    __asm__ volatile("xor %%eax, %%eax\n1: lldt %%ax\n2:" _ASM_EXTABLE(1b, 2b) ::: "rax", "memory");
    return ex_get();
}

static exinfo_t do_ltr(void)
{
    ex_clear();
    __asm__ volatile("mov $0x38, %%eax\n1: ltr %%ax\n2:" _ASM_EXTABLE(1b, 2b) ::: "rax", "memory");
    return ex_get();
}

static exinfo_t do_mov_ss_hyp(void)
{
    ex_clear();
    __asm__ volatile("mov %%ss, %%ecx\n\t"
                     "mov $0x10, %%eax\n"
                     "1: mov %%ax, %%ss\n"
                     "2: mov %%cx, %%ss\n\t" _ASM_EXTABLE(1b, 2b) ::: "rax", "rcx", "memory");
    return ex_get();
}

static exinfo_t do_mov_ds_hyp_cs(void)
{
    ex_clear();
    __asm__ volatile("mov %%ds, %%ecx\n\t"
                     "mov $0x08, %%eax\n"
                     "1: mov %%ax, %%ds\n"
                     "2: mov %%cx, %%ds\n\t" _ASM_EXTABLE(1b, 2b) ::: "rax", "rcx", "memory");
    return ex_get();
}

/* A far jump through an m16:32 pointer to 0x08:<label>. */
static exinfo_t do_ljmp_hyp(void)
{
    static struct __attribute__((packed)) { uint32_t off; uint16_t sel; } fp = { 0, 0x08 };
    ex_clear();
    __asm__ volatile("1: ljmpl *%0\n2:" _ASM_EXTABLE(1b, 2b) :: "m"(fp) : "memory");
    return ex_get();
}

/* iretq to cs 0x08 / ss 0x10: the fixup pops the frame the faulting iretq left. */
static exinfo_t do_iret_hyp(void)
{
    ex_clear();
    __asm__ volatile("mov %%rsp, %%rax\n\t"
                     "pushq $0x10\n\t"
                     "push %%rax\n\t"
                     "pushfq\n\t"
                     "pushq $0x08\n\t"
                     "lea 3f(%%rip), %%rcx\n\t"
                     "push %%rcx\n"
                     "1: iretq\n"
                     "2: add $40, %%rsp\n"
                     "3:" _ASM_EXTABLE(1b, 2b) ::: "rax", "rcx", "memory");
    return ex_get();
}

static exinfo_t do_cpuid(void)
{
    ex_clear();
    __asm__ volatile("xor %%eax, %%eax\n\txor %%ecx, %%ecx\n1: cpuid\n2:" _ASM_EXTABLE(1b, 2b)
                     ::: "rax", "rbx", "rcx", "rdx", "memory");
    return ex_get();
}

/* icebp (0xf1): a trap, so the frame's rip is the next instruction. */
static exinfo_t do_icebp(void)
{
    ex_clear();
    /* #DB is a trap (rip after the instruction), #UD a fault (rip at it): fix up both. */
    __asm__ volatile("1: .byte 0xf1\n2:" _ASM_EXTABLE(2b, 2b) _ASM_EXTABLE(1b, 2b) ::: "memory");
    return ex_get();
}

#define GP0 EXINFO_SYM(GP, 0)
#define GP_IDT(v) EXINFO_SYM(GP, (v) << 3 | 2)

static const struct {
    const char *name;
    exinfo_t (*fn)(void);
    exinfo_t want, alt;             /* alt: also acceptable (0 = none) */
} insns[] = {
    { "cli", do_cli, GP0, 0 },
    { "sti", do_sti, GP0, 0 },
    { "hlt", do_hlt, GP0, 0 },
    { "in $0x80", do_in_imm, GP0, 0 },
    { "in (%dx = 0x80)", do_in_dx, GP0, 0 },
    { "out $0x80", do_out_imm, GP0, 0 },
    { "out (%dx = 0x80)", do_out_dx, GP0, 0 },
    { "mov %cr0, %rax", do_rd_cr0, GP0, 0 },
    { "mov %cr2, %rax", do_rd_cr2, GP0, 0 },
    { "mov %cr3, %rax", do_rd_cr3, GP0, 0 },
    { "mov %cr4, %rax", do_rd_cr4, GP0, 0 },
    { "mov %cr8, %rax", do_rd_cr8, GP0, 0 },
    { "mov %rax, %cr0", do_wr_cr0, GP0, 0 },
    { "mov %rax, %cr3", do_wr_cr3, GP0, 0 },
    { "mov %rax, %cr4", do_wr_cr4, GP0, 0 },
    { "mov %dr7, %rax", do_rd_dr7, GP0, 0 },
    { "mov %rax, %dr7", do_wr_dr7, GP0, 0 },
    { "lmsw", do_lmsw, GP0, 0 },
    { "clts", do_clts, GP0, 0 },
    { "invlpg", do_invlpg, GP0, 0 },
    { "wbinvd", do_wbinvd, GP0, 0 },
    { "invd", do_invd, GP0, 0 },
    { "wrmsr (FS base)", do_wrmsr, GP0, 0 },
    { "rdmsr (APIC base)", do_rdmsr, GP0, 0 },
    { "swapgs", do_swapgs, GP0, 0 },
    { "lgdt", do_lgdt, GP0, 0 },
    { "lidt", do_lidt, GP0, 0 },
    { "lldt", do_lldt, GP0, 0 },
    { "ltr", do_ltr, GP0, 0 },
    { "int $0x02 (NMI)", do_int_02, GP_IDT(0x02), 0 },
    { "int $0x08 (#DF)", do_int_08, GP_IDT(0x08), 0 },
    { "int $0x0e (#PF)", do_int_0e, GP_IDT(0x0e), 0 },
    { "int $0x20 (APIC timer)", do_int_20, GP_IDT(0x20), 0 },
    { "int $0xff", do_int_ff, GP_IDT(0xff), 0 },
    { "int $0x80 (no handler registered)", do_int_80, GP_IDT(0x80), EXINFO_SYM(NP, 0x80 << 3 | 2) },
    { "mov $0x10, %ss (hypervisor data)", do_mov_ss_hyp, EXINFO_SYM(GP, 0x10), 0 },
    { "mov $0x08, %ds (hypervisor code)", do_mov_ds_hyp_cs, EXINFO_SYM(GP, 0x08), 0 },
    { "ljmp to 0x08:0", do_ljmp_hyp, EXINFO_SYM(GP, 0x08), 0 },
    { "iretq to cs 0x08", do_iret_hyp, EXINFO_SYM(GP, 0x08), 0 },
    { "rdtsc (allowed)", do_rdtsc, 0, 0 },
    { "cpuid (allowed)", do_cpuid, 0, 0 },
    /* QEMU 7.2's TCG raises #UD for icebp (0xf1); hardware raises #DB.  Either is bounced. */
    { "icebp (#DB, bounced)", do_icebp, EXINFO_SYM(DB, 0), EXINFO_SYM(UD, 0) },
};

void test_main(void)
{
    char b1[24], b2[24];

    for (size_t i = 0; i < ARRAY_SIZE(insns); i++) {
        exinfo_t got = insns[i].fn();
        if (exinfo_match(got, insns[i].want) || (insns[i].alt && exinfo_match(got, insns[i].alt)))
            printk("  %-36s %s\n", insns[i].name, exinfo_str(got, b1));
        else
            xtf_failure("%s: took %s, expected %s", insns[i].name, exinfo_str(got, b1),
                        exinfo_str(insns[i].want, b2));
    }

    /* popf cannot raise IOPL (or clear IF) from ring 1. */
    uint64_t before = read_flags(), after;
    __asm__ volatile("pushfq\n\t"
                     "orq $0x3000, (%%rsp)\n\t"      /* IOPL 3 */
                     "andq $~0x200, (%%rsp)\n\t"     /* IF 0 */
                     "popfq\n\t"
                     "pushfq\n\t"
                     "pop %0\n\t"
                     "push %1\n\t"
                     "popfq" : "=&r"(after) : "r"(before) : "memory", "cc");
    if (after & X86_FLAGS_IOPL)
        xtf_failure("popf raised IOPL to %lu in ring 1", (after & X86_FLAGS_IOPL) >> 12);
    if ((before & X86_FLAGS_IF) && !(after & X86_FLAGS_IF))
        xtf_failure("popf cleared the real IF in ring 1");

    if (!xtf_has_failed())
        xtf_success();
}
