/*
 * boot.c - from start_info to kmain().
 *
 * The hypervisor maps our first nr_bootstrap frames from virt_base (the
 * kernel, the modules, start_info, the frame list, the initial page
 * tables read-only, the boot stack) and nothing else.  We add the
 * physmap: every frame pfn at PHYSMAP_BASE + pfn * 4096 with 4 KiB pages,
 * writable except frames that are page tables (the hypervisor refuses
 * writable mappings of those).  Its tables come from the frames just
 * above nr_bootstrap, which nothing maps yet: to fill them we link a
 * window L1 (a page of our bss, filled first, then made read-only) into
 * an unused 2 MiB slot of the bootstrap L2, write the tables through it,
 * then in one mmu_update unlink the window and link the physmap's L3 into
 * the boot L4.  Then the mfn -> pfn table, struct hal_boot, and kmain().
 */
#include "pv.h"
#include "defs.h"
#include <paravane/sched.h>
#include <paravane/console.h>

#define PT_TABLE (PV_PTE_P | PV_PTE_W | PV_PTE_A)   /* non-leaf kernel entry */
#define PHYSMAP_SLOT ((PHYSMAP_BASE >> 39) & 511)
#define MB2 (2ull << 20)

const struct start_info *pv_si;
const uint64_t *pv_mfn_list;
uint64_t pv_nr_pages;
uint64_t pv_physmap_l1_pfn;
uint64_t pv_boot_l4_pfn;
uint64_t pv_pte_nx;

uint8_t pv_shared_page[4096] __attribute__((aligned(4096), section(".bss.page_aligned")));
static uint64_t window_l1[512] __attribute__((aligned(4096), section(".bss.page_aligned")));

static struct hal_boot boot;
static char cmdline[START_INFO_CMDLINE];

/* The physmap's own tables: [tab0, tab0 + ntab): the L3, nl2 L2s, nl1 L1s. */
static uint64_t tab0, ntab, nl1, nl2;

/* Something is wrong before the kernel can print: say so and crash. */
void pv_fatal(const char *msg)
{
    static const char prefix[] = "pv boot: ";
    HYPERVISOR_console_io(CONSOLEIO_write, sizeof prefix - 1, (void *)prefix);
    HYPERVISOR_console_io(CONSOLEIO_write, (unsigned)strlen(msg), (void *)msg);
    HYPERVISOR_console_io(CONSOLEIO_write, 1, "\n");
    struct sched_shutdown sd = { .reason = SHUTDOWN_crash };
    for (;;)
        HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd);
}

static uint64_t boot_pfn(uint64_t va)
{
    return (va - pv_si->virt_base) >> PAGE_SHIFT;
}

static void *boot_va(uint64_t pfn)
{
    return (void *)(pv_si->virt_base + pfn * PAGE_SIZE);
}

/* The initial page table an entry points to (they are all in the bootstrap mapping). */
static uint64_t boot_table_pfn(uint64_t entry)
{
    uint64_t mfn = (entry & PV_PTE_ADDR) >> PAGE_SHIFT, first = boot_pfn(pv_si->pt_base);
    if (!(entry & PV_PTE_P))
        pv_fatal("the bootstrap tables do not reach the window slot");
    for (uint64_t p = first; p < first + pv_si->nr_pt_frames; p++)
        if (pv_mfn(p) == mfn)
            return p;
    pv_fatal("a bootstrap table outside the initial page-table frames");
}

static bool cpu_has_nx(void)
{
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000000u), "c"(0));
    if (a < 0x80000001u)
        return false;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000001u), "c"(0));
    return (d >> 20) & 1;
}

static bool is_page_table(uint64_t pfn)
{
    uint64_t pt = boot_pfn(pv_si->pt_base);
    return (pfn >= pt && pfn < pt + pv_si->nr_pt_frames) || (pfn >= tab0 && pfn < tab0 + ntab);
}

/* Write physmap table number t (0 = the L3, then the L2s, then the L1s) at dst. */
static void fill_table(uint64_t t, uint64_t *dst)
{
    for (unsigned j = 0; j < 512; j++) {
        uint64_t e = 0;
        if (t == 0) {
            if (j < nl2)
                e = (pv_mfn(tab0 + 1 + j) << PAGE_SHIFT) | PT_TABLE;
        } else if (t <= nl2) {
            uint64_t l1 = (t - 1) * 512 + j;
            if (l1 < nl1)
                e = (pv_mfn(tab0 + 1 + nl2 + l1) << PAGE_SHIFT) | PT_TABLE;
        } else {
            uint64_t pfn = (t - 1 - nl2) * 512 + j;
            if (pfn < pv_nr_pages)
                e = (pv_mfn(pfn) << PAGE_SHIFT) | PV_PTE_P | PV_PTE_A | PV_PTE_D | pv_pte_nx |
                    (is_page_table(pfn) ? 0 : PV_PTE_W);
        }
        dst[j] = e;
    }
}

static void build_physmap(void)
{
    nl1 = (pv_nr_pages + 511) / 512;
    nl2 = (nl1 + 511) / 512;
    if (nl2 > 512)
        pv_fatal("more memory than one L4 slot of physmap maps");
    ntab = 1 + nl2 + nl1;
    tab0 = pv_si->nr_bootstrap;
    pv_physmap_l1_pfn = tab0 + 1 + nl2;

    /* The window: the first 2 MiB-aligned slot after the bootstrap mapping. */
    uint64_t win = (pv_si->virt_base + pv_si->nr_bootstrap * PAGE_SIZE + MB2 - 1) & ~(MB2 - 1);
    const uint64_t *l4 = boot_va(pv_boot_l4_pfn);
    uint64_t l3 = boot_table_pfn(l4[(win >> 39) & 511]);
    uint64_t l2 = boot_table_pfn(((const uint64_t *)boot_va(l3))[(win >> 30) & 511]);
    unsigned l2_idx = (win >> 21) & 511;
    if (((const uint64_t *)boot_va(l2))[l2_idx] & PV_PTE_P)
        pv_fatal("the window slot is in use");
    uint64_t win_pfn = boot_pfn((uint64_t)window_l1);

    for (uint64_t first = 0; first < ntab; first += 512) {
        uint64_t n = ntab - first < 512 ? ntab - first : 512;
        if (first == 0) {
            /* Fill the window L1 while it is ours to write, then make it a table. */
            for (unsigned i = 0; i < 512; i++)
                window_l1[i] = i < n ? (pv_mfn(tab0 + i) << PAGE_SHIFT) | PV_PTE_P | PV_PTE_W |
                                       PV_PTE_A | PV_PTE_D | pv_pte_nx : 0;
            if (HYPERVISOR_update_va_mapping((uint64_t)window_l1,
                                             (pv_mfn(win_pfn) << PAGE_SHIFT) | PV_PTE_P |
                                             PV_PTE_A | pv_pte_nx, UVMF_INVLPG))
                pv_fatal("cannot make the window L1 read-only");
            pv_queue_pte(pv_pte_maddr(l2, l2_idx), (pv_mfn(win_pfn) << PAGE_SHIFT) | PT_TABLE);
        } else {
            for (unsigned i = 0; i < 512; i++)
                pv_queue_pte(pv_pte_maddr(win_pfn, i),
                             i < n ? (pv_mfn(tab0 + first + i) << PAGE_SHIFT) | PV_PTE_P |
                                     PV_PTE_W | PV_PTE_A | PV_PTE_D | pv_pte_nx : 0);
            pv_queue_tlb_flush();
        }
        pv_flush();
        for (uint64_t i = 0; i < n; i++)
            fill_table(first + i, (uint64_t *)(win + i * PAGE_SIZE));
    }
    /* Unlink the window (dropping its writable mappings), then link the physmap. */
    pv_queue_pte(pv_pte_maddr(l2, l2_idx), 0);
    pv_queue_pte(pv_pte_maddr(pv_boot_l4_pfn, PHYSMAP_SLOT), (pv_mfn(tab0) << PAGE_SHIFT) | PT_TABLE);
    pv_queue_tlb_flush();
    pv_flush();
}

static void add_free(uint64_t first, uint64_t end)
{
    if (first >= end)
        return;
    if (boot.nr_free == HAL_MAX_RANGES)
        pv_fatal("too many free ranges");
    boot.free[boot.nr_free++] = (struct hal_range){ .pfn = first, .count = end - first };
}

/* The entry point (head.S), on the boot stack with events masked. */
void pv_start(const struct start_info *si) __attribute__((noreturn));

void pv_start(const struct start_info *si)
{
    pv_si = si;
    if (memcmp(si->magic, START_INFO_MAGIC, sizeof START_INFO_MAGIC) != 0)
        pv_fatal("bad start_info magic");
    pv_mfn_list = (const uint64_t *)si->mfn_list;
    pv_nr_pages = si->nr_pages;
    pv_boot_l4_pfn = boot_pfn(si->pt_base);
    pv_pte_nx = cpu_has_nx() ? PV_PTE_NX : 0;
    pv_kernel_stack_booted(si->stack_top);

    if (HYPERVISOR_update_va_mapping((uint64_t)pv_shared_page,
                                     (si->shared_info & PV_PTE_ADDR) | PV_PTE_P | PV_PTE_W |
                                     PV_PTE_A | PV_PTE_D | pv_pte_nx, UVMF_INVLPG))
        pv_fatal("cannot map shared_info");
    pv_console_init();
    pv_traps_init();
    pv_events_init();
    build_physmap();

    uint64_t m2p_first = tab0 + ntab, m2p_frames = pv_m2p_frames(pv_nr_pages);
    uint64_t reserved_end = m2p_first + m2p_frames;
    if (reserved_end >= pv_nr_pages)
        pv_fatal("too little memory for the physmap");
    pv_m2p_init(m2p_first, m2p_frames);

    /* Frames of the modules after the initrd are not needed; the rest of the bootstrap is. */
    uint64_t si_pfn = boot_pfn((uint64_t)si);
    if (si->nr_modules) {
        boot.initrd = (const void *)si->modules[0].va;
        boot.initrd_len = si->modules[0].len;
        add_free(boot_pfn(PAGE_ROUND_UP(si->modules[0].va + si->modules[0].len)), si_pfn);
    }
    add_free(reserved_end, pv_nr_pages);
    memcpy(cmdline, si->cmd_line, sizeof cmdline - 1);
    boot.cmdline = cmdline;
    boot.build = "pv";
    boot.total_pages = pv_nr_pages;
    kmain(&boot);
}
