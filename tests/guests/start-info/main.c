/*
 * start-info - the boot contract of start_info.h, as the guest sees it.
 *
 * A PV kernel trusts what it finds at _start: start_info in rsi, the boot
 * stack in rsp, the bootstrap mapping laid out in the documented order
 * (kernel, modules, start_info, mfn_list, page tables, stack), the page
 * tables mapped read-only, a zeroed bss, events masked, ring 1.  A builder
 * that gets any of this wrong breaks every guest in a way that is hard to
 * see from inside, so check each point once, here, and say which one.
 *
 * Booted as dom0 with no further modules: nr_modules must be 0 and the
 * flags must say privileged and initial domain.
 */
#include "lib.h"

const char test_title[] = "start-info: the start_info contract at _start";

static int data_canary = 0x5a5a1234;        /* .data must arrive initialised */

static void check(bool ok, const char *what)
{
    if (!ok)
        xtf_failure("%s", what);
}

void test_main(void)
{
    const struct start_info *si = start_info;
    uint64_t base = si->virt_base, end = base + si->nr_bootstrap * PAGE_SIZE;
    uint64_t si_va = (uint64_t)si;

    printk("start_info %p: nr_pages %lu, nr_bootstrap %lu, virt_base %#lx\n",
           (void *)si, si->nr_pages, si->nr_bootstrap, si->virt_base);
    printk("  pt_base %#lx (%lu frames), mfn_list %#lx, stack_top %#lx, boot rsp %#lx\n",
           si->pt_base, si->nr_pt_frames, si->mfn_list, si->stack_top, boot_rsp);
    printk("  shared_info %#lx, flags %#x, domid %u, nr_vcpus %u, nr_modules %u, cmdline '%.64s'\n",
           si->shared_info, si->flags, si->domid, si->nr_vcpus, si->nr_modules, si->cmd_line);

    check(read_cs() == PV_KERNEL_CS, "cs is not PV_KERNEL_CS: not running in ring 1 with the PV selector");
    check((read_ss() & ~3) == (PV_KERNEL_DS & ~3) && (read_ss() & 3) == 1, "ss is not PV_KERNEL_DS");
    check(!boot_bss_dirty, "the bss was not zeroed");
    check(data_canary == 0x5a5a1234, ".data was not loaded");
    check(base == (uint64_t)__image_start, "virt_base is not the kernel's lowest PT_LOAD address");
    check(si->nr_bootstrap > 0 && si->nr_bootstrap <= si->nr_pages, "nr_bootstrap is 0 or above nr_pages");
    check((si->flags & (SIF_PRIVILEGED | SIF_INITDOMAIN)) == (SIF_PRIVILEGED | SIF_INITDOMAIN),
          "dom0 lacks SIF_PRIVILEGED or SIF_INITDOMAIN");
    check(si->domid == 0, "dom0's domid is not 0");
    check(si->nr_vcpus >= 1 && si->nr_vcpus <= PV_MAX_VCPUS, "nr_vcpus out of range");
    check(si->nr_modules == 0, "nr_modules is not 0 (only the kernel was given)");
    check(strnlen(si->cmd_line, START_INFO_CMDLINE) < START_INFO_CMDLINE, "cmd_line is not NUL-terminated");
    check((si->shared_info & (PAGE_SIZE - 1)) == 0 && si->shared_info, "shared_info is not a page address");

    /* The documented order, each part page aligned and inside the mapping. */
    check((si_va & (PAGE_SIZE - 1)) == 0, "start_info is not page aligned");
    check(si_va >= (uint64_t)__image_end, "start_info overlaps the kernel image");
    check(si->mfn_list == si_va + PAGE_SIZE, "mfn_list does not follow the start_info page");
    uint64_t list_pages = (si->nr_pages * 8 + PAGE_SIZE - 1) / PAGE_SIZE;
    check(si->pt_base == si->mfn_list + list_pages * PAGE_SIZE, "the page tables do not follow mfn_list");
    check(si->nr_pt_frames >= 4, "fewer than 4 page-table frames");
    uint64_t stack_lo = si->pt_base + si->nr_pt_frames * PAGE_SIZE;
    check(si->stack_top == stack_lo + PV_BOOT_STACK_PAGES * PAGE_SIZE, "the boot stack does not follow the page tables");
    check(si->stack_top == end, "the boot stack is not the end of the bootstrap mapping");
    check(boot_rsp == si->stack_top, "rsp at _start is not stack_top");

    /* Events masked at entry (read when shared_info was first mapped). */
    if (!shared)
        xtf_failure("shared_info could not be mapped");
    else
        check(boot_upcall_mask == 1, "events were not masked at entry (evtchn_upcall_mask != 1)");

    /* Every bootstrap page maps mfn_list[pfn]; page tables read-only. */
    uint64_t pt_lo = (si->pt_base - base) / PAGE_SIZE, pt_hi = pt_lo + si->nr_pt_frames;
    unsigned bad = 0;
    for (uint64_t pfn = 0; pfn < si->nr_bootstrap; pfn++) {
        uint64_t va = base + pfn * PAGE_SIZE, e;
        if (!pte_maddr(va, 1, &e)) {
            xtf_failure("cannot walk the page tables to va %#lx", va);
            break;
        }
        if ((uint8_t *)va >= (uint8_t *)shared && (uint8_t *)va < (uint8_t *)shared + PAGE_SIZE)
            continue;               /* we remapped it to shared_info */
        bool pt = pfn >= pt_lo && pfn < pt_hi;
        if (!(e & PV_PTE_P) || pte_mfn(e) != pfn_to_mfn(pfn) || (pt && (e & PV_PTE_W))) {
            if (bad++ < 5)
                xtf_failure("pfn %lu (va %#lx): L1 entry %#lx, expected mfn %#lx%s",
                            pfn, va, e, pfn_to_mfn(pfn), pt ? " read-only" : "");
        }
    }

    /* The bootstrap frames are distinct (each against the whole list). */
    for (uint64_t i = 0; i < si->nr_bootstrap; i++) {
        uint64_t m = pfn_to_mfn(i);
        for (uint64_t j = i + 1; j < si->nr_pages; j++)
            if (pfn_to_mfn(j) == m) {
                xtf_failure("mfn %#lx appears at pfn %lu and %lu", m, i, j);
                break;
            }
    }

    /* Time runs and is monotonic. */
    if (shared) {
        uint64_t t0 = now_ns(), prev = t0;
        for (int i = 0; i < 10000; i++) {
            uint64_t t = now_ns();
            if (t < prev) {
                xtf_failure("system time went backwards: %lu then %lu", prev, t);
                break;
            }
            prev = t;
        }
        printk("system time %lu ns\n", prev);
        check(t0 > 0, "system time is 0");
    }

    if (!xtf_has_failed())
        xtf_success();
}
