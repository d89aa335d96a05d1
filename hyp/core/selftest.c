/*
 * selftest.c - built-in tests for tests/system, chosen with test=NAME.
 *
 * Each test checks one behaviour of the running hypervisor and ends the
 * run: "selftest NAME: PASS ..." and QEMU exit status 33, or
 * "selftest NAME: FAIL ..." and 35.  The fault tests end in a panic on
 * purpose (status 37); tests/system checks what the panic printed.
 */
#include "selftest.h"
#include "machine.h"
#include "printk.h"
#include "panic.h"
#include "smp.h"
#include "apic.h"
#include "time.h"
#include "mm.h"
#include "string.h"
#include "format.h"
#include "version.h"
#include "crc32.h"
#include "bootinfo.h"
#include <asm/cpu.h>
#include <asm/traps.h>
#include <asm/x86.h>

static void __attribute__((noreturn)) verdict(const char *name, bool pass, const char *detail)
{
    printk(LOG_NOTICE, "selftest %s: %s%s%s\n", name, pass ? "PASS" : "FAIL",
           detail[0] ? ": " : "", detail);
    machine_qemu_exit(pass ? QEMU_EXIT_PASS : QEMU_EXIT_FAIL);
}

/* Booting that far was the test. */
static void test_boot(void)
{
    verdict("boot", true, "");
}

/* A write to an unmapped address: expect a page-fault dump and a panic. */
static void __attribute__((noinline)) selftest_fault_victim(volatile uint64_t *p)
{
    *p = 0x5afe;
}

static void test_fault(void)
{
    pr_info("selftest fault: writing to unmapped address 0x10\n");
    static volatile uint64_t target = 0x10;     /* opaque to the compiler */
    selftest_fault_victim((volatile uint64_t *)target);
    verdict("fault", false, "the write did not fault");
}

/* Runaway recursion into the stack's guard page: expect #DF on its IST stack. */
static volatile int recurse_forever = 1;

static int __attribute__((noinline)) selftest_recurse(int depth)
{
    volatile char pad[256];
    pad[0] = (char)depth;
    if (!recurse_forever)
        return 0;
    return selftest_recurse(depth + 1) + pad[0];
}

static void test_stack_overflow(void)
{
    pr_info("selftest stack-overflow: recursing until the guard page\n");
    selftest_recurse(0);
    verdict("stack-overflow", false, "recursion returned");
}

/* Executing from the data segment must fault when NX is on. */
static void test_nx(void)
{
    static uint8_t code[16] = { 0xc3 };     /* ret */
    if (!pte_nx)
        verdict("nx", true, "skipped: no NX on this CPU");
    pr_info("selftest nx: calling into .data\n");
    ((void (*)(void))code)();
    verdict("nx", false, "executed code in .data");
}

/* Writing to the text segment must fault: it is mapped read-only. */
static void test_wp(void)
{
    pr_info("selftest wp: writing to .text\n");
    *(volatile uint8_t *)(uint64_t)test_boot = 0x90;
    verdict("wp", false, "wrote to .text");
}

static void test_panic(void)
{
    panic("selftest panic: deliberate");
}

/* An IPI reaches every online CPU, which runs the function and answers. */
static volatile uint32_t ipi_seen_apic[MAX_CPUS];
static volatile int ipi_seen_cpu[MAX_CPUS];

static void ipi_record(void *arg)
{
    unsigned i = (unsigned)(uint64_t)arg;
    ipi_seen_cpu[i] = cpu_id();
    ipi_seen_apic[i] = apic_id();
}

static void test_ipi(void)
{
    char detail[128];
    unsigned reached = 0, online = 0;
    for (unsigned i = 0; i < ncpus_present; i++) {
        ipi_seen_cpu[i] = -1;
        if (!cpus[i].online)
            continue;
        online++;
        int rc = smp_call_function(i, ipi_record, (void *)(uint64_t)i);
        bool ok = rc == 0 && ipi_seen_cpu[i] == (int)i && ipi_seen_apic[i] == cpus[i].apic_id;
        pr_info("selftest ipi: CPU %u (APIC %u): %s\n", i, cpus[i].apic_id,
                ok ? "answered" : rc ? "no answer" : "wrong CPU answered");
        reached += ok;
    }
    snprintf(detail, sizeof detail, "%u of %u online CPUs ran the function", reached, online);
    verdict("ipi", reached == online && online == ncpus_online, detail);
}

/* The APIC timer, programmed periodic at HZ on every CPU, fires at that rate. */
#define TIMER_HZ     1000
#define TIMER_MS     200

static void timer_tick(struct cpu_regs *r) { (void)r; this_cpu()->timer_ticks++; }
static void timer_start(void *arg) { (void)arg; this_cpu()->timer_ticks = 0; apic_timer_periodic(TIMER_HZ); }
static void timer_stop(void *arg) { (void)arg; apic_timer_periodic(0); }

static void test_timer(void)
{
    char detail[160];
    irq_register(VEC_TIMER, timer_tick);
    uint64_t t0 = time_ns();
    for (unsigned i = 0; i < ncpus_present; i++)
        if (cpus[i].online)
            smp_call_function(i, timer_start, NULL);
    irq_enable();
    while (time_ns() - t0 < TIMER_MS * 1000000ull)
        halt();
    irq_disable();
    for (unsigned i = 0; i < ncpus_present; i++)
        if (cpus[i].online)
            smp_call_function(i, timer_stop, NULL);
    uint64_t elapsed = time_ns() - t0;
    uint64_t expect = elapsed * TIMER_HZ / 1000000000ull;
    bool ok = true;
    for (unsigned i = 0; i < ncpus_present; i++) {
        if (!cpus[i].online)
            continue;
        uint64_t n = cpus[i].timer_ticks;
        /* Loose: emulation on a loaded host can lose or bunch ticks. */
        bool in = n * 2 >= expect && n <= expect * 3 / 2;
        pr_info("selftest timer: CPU %u: %lu ticks in %lu ms, expected ~%lu\n", i,
                (unsigned long)n, (unsigned long)(elapsed / 1000000), (unsigned long)expect);
        ok &= in;
    }
    snprintf(detail, sizeof detail, "%u Hz on %u CPUs over %lu ms", TIMER_HZ, ncpus_online,
             (unsigned long)(elapsed / 1000000));
    verdict("timer", ok, detail);
}

/*
 * Heap and frame allocator churn: after a warm-up round (the heap keeps
 * the pages it carved, for reuse), further rounds must leave exactly as
 * many free frames as before them, or something leaks.
 */
static void *churn_objs[512];

static bool churn(void)
{
    enum { N = ARRAY_SIZE(churn_objs) };
    for (int i = 0; i < N; i++) {
        size_t size = (size_t)16 << (i % 10);
        if (!(churn_objs[i] = kzalloc(size)))
            return false;
        memset(churn_objs[i], 0xa5, size);
    }
    for (int i = 0; i < N; i += 2)
        kfree(churn_objs[i]);
    for (int i = 1; i < N; i += 2)
        kfree(churn_objs[i]);
    uint64_t pa[64];
    for (int i = 0; i < 64; i++)
        if (!(pa[i] = alloc_frames((unsigned)(i % 5))))
            return false;
    for (int i = 0; i < 64; i++)
        free_frames(pa[i], (unsigned)(i % 5));
    return true;
}

static void test_memory(void)
{
    char detail[160];
    if (!churn())
        verdict("memory", false, "allocation failed in the warm-up round");
    uint64_t before = mm_free_frames();
    for (int round = 0; round < 4; round++)
        if (!churn())
            verdict("memory", false, "allocation failed");
    uint64_t after = mm_free_frames();
    snprintf(detail, sizeof detail, "free frames %lu before, %lu after 4 rounds",
             (unsigned long)before, (unsigned long)after);
    verdict("memory", after == before, detail);
}

/*
 * Boot modules are safe from the allocator: take every free frame, fill
 * it, and the modules' checksums must not change; then give all back.
 */
static void test_modules_safe(void)
{
    const struct boot_info *bi = &hyp_boot_info;
    uint32_t crc_before[BOOT_MODULES_MAX];
    char detail[160];

    for (unsigned i = 0; i < bi->nmodules; i++)
        crc_before[i] = crc32(0, phys_to_virt(bi->modules[i].start),
                              bi->modules[i].end - bi->modules[i].start);
    uint64_t free_before = mm_free_frames();

    /* Chain the taken blocks through their own first word: no other memory needed. */
    uint64_t head = 0, taken = 0;
    for (int order = 10; order >= 0; order--) {
        uint64_t pa;
        while ((pa = alloc_frames((unsigned)order)) != 0) {
            /*
             * Dirty the start of every frame: a module starts on a page
             * boundary, so a frame shared with one would change its CRC.
             * (Filling whole frames makes a 5 GiB run take half a minute.)
             */
            for (uint64_t f = 0; f < (1ull << order); f++)
                memset((uint8_t *)phys_to_virt(pa) + f * PAGE_SIZE, 0xee, 64);
            ((uint64_t *)phys_to_virt(pa))[0] = head;
            ((uint64_t *)phys_to_virt(pa))[1] = (uint64_t)order;
            head = pa;
            taken += 1ull << order;
        }
    }
    bool ok = mm_free_frames() == 0;
    for (unsigned i = 0; i < bi->nmodules; i++) {
        const struct boot_module *m = &bi->modules[i];
        uint32_t crc = crc32(0, phys_to_virt(m->start), m->end - m->start);
        struct frame *f = frame_of(mm_frame_table(), m->start >> PAGE_SHIFT);
        bool same = crc == crc_before[i] && f && f->owner == DOMID_BOOT;
        pr_info("selftest modules-safe: module %u crc32 %08x %s, owner %#x\n", i, crc,
                crc == crc_before[i] ? "unchanged" : "CHANGED", f ? f->owner : 0);
        ok &= same;
    }
    while (head) {
        uint64_t next = ((uint64_t *)phys_to_virt(head))[0];
        free_frames(head, (unsigned)((uint64_t *)phys_to_virt(head))[1]);
        head = next;
    }
    snprintf(detail, sizeof detail, "filled %lu free frames, %u modules intact, %lu frames free again",
             (unsigned long)taken, bi->nmodules, (unsigned long)mm_free_frames());
    verdict("modules-safe", ok && taken == free_before && mm_free_frames() == free_before, detail);
}

/* The log ring holds everything printed since boot and reads back in order. */
static void test_dmesg(void)
{
    static char text[64 * 1024];
    char detail[160];
    const struct logbuf *lb = printk_log();
    uint64_t seq = 0;
    size_t n = 0, got;
    while ((got = logbuf_read(lb, &seq, text + n, sizeof text - 1 - n)) > 0)
        n += got;
    text[n] = 0;
    const char *want[] = { "Paravane " PARAVANE_VERSION " starting", "Memory map from", "CPUs online" };
    bool ok = true;
    for (unsigned i = 0; i < ARRAY_SIZE(want); i++) {
        bool found = false;
        for (size_t j = 0; !found && j + strlen(want[i]) <= n; j++)
            found = memcmp(text + j, want[i], strlen(want[i])) == 0;
        if (!found)
            pr_err("selftest dmesg: '%s' not in the log ring\n", want[i]);
        ok &= found;
    }
    snprintf(detail, sizeof detail, "read back %lu bytes, head at %lu", (unsigned long)n,
             (unsigned long)lb->head);
    verdict("dmesg", ok && n == lb->head, detail);
}

static const struct {
    const char *name;
    void (*fn)(void);
} tests[] = {
    { "boot", test_boot },
    { "fault", test_fault },
    { "stack-overflow", test_stack_overflow },
    { "nx", test_nx },
    { "wp", test_wp },
    { "panic", test_panic },
    { "ipi", test_ipi },
    { "timer", test_timer },
    { "memory", test_memory },
    { "dmesg", test_dmesg },
    { "modules-safe", test_modules_safe },
};

void selftest_run(const char *name)
{
    for (unsigned i = 0; i < ARRAY_SIZE(tests); i++)
        if (strcmp(tests[i].name, name) == 0) {
            tests[i].fn();
            verdict(name, false, "test returned without a verdict");
        }
    pr_err("selftest: unknown test '%s'; known:", name);
    for (unsigned i = 0; i < ARRAY_SIZE(tests); i++)
        printk(LOG_ERR, " %s", tests[i].name);
    printk(LOG_ERR, "\n");
    verdict(name, false, "unknown test");
}
