/*
 * main.c - the boot CPU's way from boot.S to a running hypervisor.
 */
#include "bootinfo.h"
#include "options.h"
#include "printk.h"
#include "serial.h"
#include "panic.h"
#include "mm.h"
#include "time.h"
#include "apic.h"
#include "acpi.h"
#include "smp.h"
#include "crc32.h"
#include "elf64.h"
#include "string.h"
#include "selftest.h"
#include "version.h"
#include "domain.h"
#include "pv.h"
#include "sched/sched.h"
#include "console_input.h"
#include <asm/cpu.h>
#include <asm/x86.h>

#define MB2_BOOT_MAGIC 0x36d76289

struct boot_options hyp_options;
struct boot_info hyp_boot_info;

extern char boot_stack_bottom[], boot_stack_top[];
void smp_set_cpus(const uint32_t *apic_ids, unsigned n);

static void report(const char *msg) { pr_warn("%s\n", msg); }

static const char *mmap_type_name(uint32_t type)
{
    switch (type) {
    case MMAP_AVAILABLE: return "available";
    case MMAP_RESERVED:  return "reserved";
    case MMAP_ACPI:      return "ACPI data";
    case MMAP_NVS:       return "ACPI NVS";
    case MMAP_BADRAM:    return "bad RAM";
    default:             return "unknown";
    }
}

static void print_memory_map(const struct boot_info *bi)
{
    pr_info("Memory map from %s:\n", bi->loader[0] ? bi->loader : "the boot loader");
    for (unsigned i = 0; i < bi->nmmap; i++)
        pr_info("  %016lx - %016lx  %s\n", (unsigned long)bi->mmap[i].base,
                (unsigned long)(bi->mmap[i].base + bi->mmap[i].len), mmap_type_name(bi->mmap[i].type));
    uint64_t ram = bootinfo_ram_bytes(bi);
    pr_info("RAM: %lu KiB available (%lu MiB)\n", (unsigned long)(ram >> 10), (unsigned long)(ram >> 20));
}

/*
 * Report each module with its checksum, and check that the first one (the
 * dom0 kernel) is a well-formed ELF64 image.  Starting dom0 arrives with
 * the PV-domain work; a bad kernel is reported here, not crashed on later.
 */
static void check_modules(const struct boot_info *bi)
{
    if (bi->nmodules == 0) {
        pr_warn("modules: none given: no dom0 kernel to start (add a module2 line for it)\n");
        return;
    }
    for (unsigned i = 0; i < bi->nmodules; i++) {
        const struct boot_module *m = &bi->modules[i];
        uint64_t size = m->end - m->start;
        uint32_t crc = size ? crc32(0, phys_to_virt(m->start), size) : 0;
        pr_info("module %u: %#lx-%#lx size %lu crc32 %08x '%s'\n", i, (unsigned long)m->start,
                (unsigned long)m->end, (unsigned long)size, crc, m->string);
    }
    const struct boot_module *k = &bi->modules[0];
    struct elf64_info info;
    const char *why = "empty module";
    if (k->end > k->start &&
        elf64_check(phys_to_virt(k->start), k->end - k->start, &info, &why) == 0)
        pr_info("dom0 kernel: ELF64 x86-64, entry %#lx, %u loadable segments, %#lx-%#lx\n",
                (unsigned long)info.entry, info.nload, (unsigned long)info.vaddr_start,
                (unsigned long)info.vaddr_end);
    else
        pr_err("dom0 kernel (module 0): rejected: %s\n", why);
}

static void check_low_memory(const struct boot_info *bi)
{
    /* The AP trampoline and its tables use 0x8000-0xc000. */
    for (unsigned i = 0; i < bi->nmmap; i++)
        if (bi->mmap[i].type == MMAP_AVAILABLE && bi->mmap[i].base <= 0x8000 &&
            bi->mmap[i].base + bi->mmap[i].len >= 0xc000)
            return;
    panic("smp: 0x8000-0xc000 is not free RAM; cannot start other CPUs");
}

void pv_init(void);
void start_boot_domains(const struct boot_info *bi);

/* Set once the boot CPU has built dom0: every CPU then starts running guests. */
volatile bool guests_go;

void hyp_start(uint32_t magic, uint32_t mbi_phys)
{
    struct cpu *bsp = &cpus[0];
    bsp->stack_bottom = (uint64_t)boot_stack_bottom;
    bsp->stack_top = (uint64_t)boot_stack_top;

    serial_init(COM1_PORT);
    printk(LOG_NOTICE, "\nParavane %s starting\n", PARAVANE_VERSION);
    if (magic != MB2_BOOT_MAGIC)
        panic("not started by a Multiboot2 loader (magic %#x)", magic);

    /* Everything below 4 GiB is mapped 1:1 into the direct map by boot.S. */
    const char *why = NULL;
    const uint32_t *mbi = phys_to_virt(mbi_phys);
    if (multiboot2_parse(mbi, mbi_phys, 1u << 20, &hyp_boot_info, report, &why) != 0)
        panic("bad Multiboot2 information: %s", why ? why : "?");

    options_defaults(&hyp_options);
    options_parse(hyp_boot_info.cmdline, &hyp_options, report);
    printk_set_level(hyp_options.loglvl);
    if (hyp_options.console == CONSOLE_NONE)
        printk_console_off();
    else if (hyp_options.console == CONSOLE_COM2)
        serial_init(COM2_PORT);
    pr_info("Command line: %s\n", hyp_boot_info.cmdline);

    print_memory_map(&hyp_boot_info);
    uint32_t apic_ids[MAX_CPUS];
    smp_set_cpus(apic_ids, acpi_find_cpus(&hyp_boot_info, apic_ids, MAX_CPUS));
    acpi_power_init(&hyp_boot_info);
    check_modules(&hyp_boot_info);
    check_low_memory(&hyp_boot_info);

    mm_init(&hyp_boot_info);
    idt_init();
    percpu_setup(bsp);
    percpu_activate(bsp);
    time_init();
    apic_init_cpu();
    apic_timer_calibrate();
    bsp->online = true;

    smp_boot_aps(hyp_options.maxcpus);
    pr_info("smp: %u of %u CPUs online\n", ncpus_online, ncpus_present);
    if (ncpus_online == (hyp_options.maxcpus && hyp_options.maxcpus < ncpus_present ?
                         hyp_options.maxcpus : ncpus_present))
        pr_info("All CPUs online\n");

    printk(LOG_NOTICE, "Paravane %s: %u CPUs online, %lu MiB RAM (%lu MiB free), %u modules, TSC %lu MHz\n",
           PARAVANE_VERSION, ncpus_online, (unsigned long)(mm_total_frames() >> 8),
           (unsigned long)(mm_free_frames() >> 8), hyp_boot_info.nmodules, (unsigned long)(tsc_khz / 1000));

    if (hyp_options.bench)
        bench_run();
    if (hyp_options.test[0])
        selftest_run(hyp_options.test);

    pv_init();
    sched_setup(hyp_options.sched, ncpus_present);
    console_input_init();
    start_boot_domains(&hyp_boot_info);
    __atomic_store_n(&guests_go, true, __ATOMIC_RELEASE);
    pv_cpu_run();
}
