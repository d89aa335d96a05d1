/*
 * dom0_build.c - building the first domain from the dom0 kernel module.
 *
 * The layout is the one start_info.h promises: the domain's first frames
 * mapped contiguously at the kernel's base address, holding the kernel,
 * the modules, start_info, the frame list, the initial page tables (mapped
 * read-only) and a boot stack.  The page tables are written here and then
 * pinned through the same validation every guest update goes through
 * (pagetype.c), so the builder cannot hand a guest anything a guest could
 * not have built itself.
 */
#include "domain.h"
#include "pv.h"
#include "mm.h"
#include "elf64.h"
#include "printk.h"
#include "string.h"
#include "errno.h"
#include "bootinfo.h"
#include "panic.h"
#include "hypercall.h"
#include "sched/sched.h"
#include <paravane/start_info.h>
#include <paravane/elfnote.h>

#define PTE_GUEST_TABLE  (PTE_P | PTE_W | PTE_U)   /* non-leaf: leaves decide */

/* Does the image carry a "Paravane" ABI note with our interface version? */
static int find_pv_note(const uint8_t *img, size_t size, const char **why)
{
    const struct elf64_ehdr *eh = (const void *)img;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        const struct elf64_phdr *ph = elf64_phdr(img, i);
        if (ph->p_type != ELF_PT_NOTE)
            continue;
        if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset)
            continue;
        const uint8_t *p = img + ph->p_offset, *end = p + ph->p_filesz;
        while (end - p >= 12) {
            uint32_t namesz, descsz, type;
            memcpy(&namesz, p, 4);
            memcpy(&descsz, p + 4, 4);
            memcpy(&type, p + 8, 4);
            uint64_t name_len = ALIGN_UP((uint64_t)namesz, 4), desc_len = ALIGN_UP((uint64_t)descsz, 4);
            if (name_len + desc_len > (uint64_t)(end - p) - 12)
                break;
            const uint8_t *name = p + 12, *desc = name + name_len;
            if (namesz == sizeof PV_ELFNOTE_NAME && memcmp(name, PV_ELFNOTE_NAME, namesz) == 0 &&
                type == PV_ELFNOTE_ABI && descsz == 4) {
                uint32_t ver;
                memcpy(&ver, desc, 4);
                if (ver == PARAVANE_INTERFACE_VERSION)
                    return 0;
                *why = "its Paravane ELF note asks for another interface version";
                return -EINVAL;
            }
            p += 12 + name_len + desc_len;
        }
    }
    *why = "not a Paravane PV kernel (no \"Paravane\" ELF note)";
    return -EINVAL;
}

/* Number of page-table frames needed to map [va, va + pages * 4 KiB). */
static uint64_t tables_needed(uint64_t va, uint64_t pages)
{
    uint64_t end = va + pages * PAGE_SIZE - 1, n = 1;          /* the L4 */
    for (int shift = 39; shift >= 21; shift -= 9)              /* L3s, L2s, L1s */
        n += (end >> shift) - (va >> shift) + 1;
    return n;
}

struct layout {
    uint64_t v_start;
    uint64_t kernel_pfn, kernel_pages;
    uint64_t mod_pfn[START_INFO_MAX_MODULES], mod_pages[START_INFO_MAX_MODULES];
    uint64_t si_pfn, mfn_list_pfn, mfn_list_pages, pt_pfn, pt_pages, stack_pfn;
    uint64_t nr_bootstrap;
};

static void *frame_va(const struct domain *d, uint64_t pfn)
{
    return phys_to_virt(d->p2m[pfn] << PAGE_SHIFT);
}

static uint64_t pfn_va(const struct layout *l, uint64_t pfn)
{
    return l->v_start + pfn * PAGE_SIZE;
}

/* Write the mapping of bootstrap page pfn into the tables being built. */
static void map_bootstrap_page(struct domain *d, const struct layout *l, uint64_t pfn,
                               uint64_t *next_pt)
{
    uint64_t va = pfn_va(l, pfn);
    uint64_t *table = frame_va(d, l->pt_pfn);                   /* the L4 */
    for (int level = 4; level > 1; level--) {
        unsigned idx = (va >> (12 + 9 * (level - 1))) & 511;
        if (!(table[idx] & PTE_P))
            table[idx] = (d->p2m[(*next_pt)++] << PAGE_SHIFT) | PTE_GUEST_TABLE;
        uint64_t mfn = table[idx] >> PAGE_SHIFT & 0xffffffffffull;
        table = phys_to_virt(mfn << PAGE_SHIFT);
    }
    bool is_table = pfn >= l->pt_pfn && pfn < l->pt_pfn + l->pt_pages;
    table[(va >> 12) & 511] = (d->p2m[pfn] << PAGE_SHIFT) | PTE_P | (is_table ? 0 : PTE_W);
}

/*
 * Build domain d (created with its frames, all zero) from the kernel image
 * and modules.  Returns 0, or a negative errno with *why set; then d must
 * be destroyed by the caller.
 */
int pv_build(struct domain *d, const uint8_t *img, size_t size, const struct boot_module *mods,
             unsigned nmods, const char *cmdline, const char **why)
{
    struct elf64_info info;
    struct layout l;
    memset(&l, 0, sizeof l);

    if (elf64_check(img, size, &info, why))
        return -EINVAL;
    if (find_pv_note(img, size, why))
        return -EINVAL;
    l.v_start = ALIGN_DOWN(info.vaddr_start, PAGE_SIZE);
    if (!guest_va_ok(l.v_start)) {
        *why = "its addresses are not guest addresses (hypervisor range or non-canonical)";
        return -EINVAL;
    }
    if (nmods > START_INFO_MAX_MODULES) {
        *why = "too many modules for start_info";
        return -E2BIG;
    }

    /* Lay out the bootstrap region, pfn by pfn. */
    uint64_t pfn = 0;
    l.kernel_pages = (ALIGN_UP(info.vaddr_end, PAGE_SIZE) - l.v_start) >> PAGE_SHIFT;
    pfn += l.kernel_pages;
    for (unsigned i = 0; i < nmods; i++) {
        l.mod_pfn[i] = pfn;
        l.mod_pages[i] = ALIGN_UP(mods[i].end - mods[i].start, PAGE_SIZE) >> PAGE_SHIFT;
        pfn += l.mod_pages[i];
    }
    l.si_pfn = pfn++;
    l.mfn_list_pfn = pfn;
    l.mfn_list_pages = ALIGN_UP(d->nr_pages * 8, PAGE_SIZE) >> PAGE_SHIFT;
    pfn += l.mfn_list_pages;
    l.pt_pfn = pfn;
    /* The tables map themselves: grow until the count is stable. */
    for (l.pt_pages = 1;; ) {
        uint64_t total = pfn + l.pt_pages + PV_BOOT_STACK_PAGES;
        uint64_t need = tables_needed(l.v_start, total);
        if (need <= l.pt_pages)
            break;
        l.pt_pages = need;
    }
    pfn += l.pt_pages;
    l.stack_pfn = pfn;
    pfn += PV_BOOT_STACK_PAGES;
    l.nr_bootstrap = pfn;
    if (l.nr_bootstrap > d->nr_pages) {
        *why = "the domain's memory is too small for its kernel and modules (dom0_mem=)";
        return -ENOMEM;
    }
    if (!guest_va_ok(pfn_va(&l, l.nr_bootstrap) - 1) || pfn_va(&l, l.nr_bootstrap) < l.v_start) {
        *why = "the bootstrap mapping would run into the hypervisor's range";
        return -EINVAL;
    }

    /* The kernel's segments. */
    for (unsigned i = 0; i < ((const struct elf64_ehdr *)img)->e_phnum; i++) {
        const struct elf64_phdr *ph = elf64_phdr(img, i);
        if (ph->p_type != ELF_PT_LOAD)
            continue;
        for (uint64_t off = 0; off < ph->p_filesz; ) {
            uint64_t va = ph->p_vaddr + off;
            uint64_t in_page = va & (PAGE_SIZE - 1), n = MIN(PAGE_SIZE - in_page, ph->p_filesz - off);
            uint8_t *dst = (uint8_t *)frame_va(d, (va - l.v_start) >> PAGE_SHIFT) + in_page;
            memcpy(dst, img + ph->p_offset + off, n);
            off += n;
        }
    }
    /* The modules. */
    struct start_info *si = frame_va(d, l.si_pfn);
    for (unsigned i = 0; i < nmods; i++) {
        uint64_t len = mods[i].end - mods[i].start;
        for (uint64_t off = 0; off < len; off += PAGE_SIZE)
            memcpy(frame_va(d, l.mod_pfn[i] + off / PAGE_SIZE), phys_to_virt(mods[i].start + off),
                   MIN(PAGE_SIZE, len - off));
        si->modules[i].va = pfn_va(&l, l.mod_pfn[i]);
        si->modules[i].len = len;
        strlcpy(si->modules[i].cmdline, mods[i].string, sizeof si->modules[i].cmdline);
    }
    /* The frame list. */
    for (uint64_t i = 0; i < d->nr_pages; i++)
        ((uint64_t *)frame_va(d, l.mfn_list_pfn + i / 512))[i % 512] = d->p2m[i];
    /* The page tables. */
    uint64_t next_pt = l.pt_pfn + 1;
    for (uint64_t i = 0; i < l.nr_bootstrap; i++)
        map_bootstrap_page(d, &l, i, &next_pt);
    if (next_pt > l.pt_pfn + l.pt_pages)
        panic("pv_build: page-table count wrong (%lu > %lu)", (unsigned long)(next_pt - l.pt_pfn),
              (unsigned long)l.pt_pages);

    strlcpy(si->magic, START_INFO_MAGIC, sizeof si->magic);
    si->nr_pages = d->nr_pages;
    si->shared_info = d->shared_info_mfn << PAGE_SHIFT;
    si->flags = d->privileged ? SIF_PRIVILEGED | SIF_INITDOMAIN : 0;
    si->domid = d->id;
    si->nr_vcpus = (uint16_t)d->max_vcpus;
    si->nr_modules = nmods;
    si->console_mfn = d->console_mfn;
    si->console_evtchn = d->console_port;
    si->virt_base = l.v_start;
    si->nr_bootstrap = l.nr_bootstrap;
    si->pt_base = pfn_va(&l, l.pt_pfn);
    si->nr_pt_frames = l.pt_pages;
    si->mfn_list = pfn_va(&l, l.mfn_list_pfn);
    si->stack_top = pfn_va(&l, l.stack_pfn + PV_BOOT_STACK_PAGES);
    strlcpy(si->cmd_line, cmdline, sizeof si->cmd_line);

    /* Validate what we built, as any guest's tables are, and load it. */
    struct pt_env *env = pv_pt_env();
    uint64_t l4 = d->p2m[l.pt_pfn];
    spin_lock(&d->mm_lock);
    int rc = pt_pin(env, l4, 4, d->id);
    if (!rc)
        rc = get_page_type(env, l4, FT_L4, d->id);          /* vCPU 0's base pointer */
    spin_unlock(&d->mm_lock);
    if (rc) {
        *why = "the initial page tables did not validate (hypervisor bug)";
        return rc;
    }

    struct vcpu *v = d->vcpus[0];
    memset(&v->regs, 0, sizeof v->regs);
    v->regs.rip = info.entry;
    v->regs.rsp = si->stack_top;
    v->regs.rsi = pfn_va(&l, l.si_pfn);
    v->regs.cs = PV_KERNEL_CS;
    v->regs.ss = PV_KERNEL_DS;
    v->regs.rflags = 0x202;             /* IF (the real one: events are masked in vcpu_info) */
    v->cr3 = l4 << PAGE_SHIFT;
    v->kernel_sp = si->stack_top;

    pr_info("%s: kernel %#lx-%#lx entry %#lx, %lu bootstrap pages at %#lx, %lu page-table frames\n",
            d->name, (unsigned long)info.vaddr_start, (unsigned long)info.vaddr_end,
            (unsigned long)info.entry, (unsigned long)l.nr_bootstrap, (unsigned long)l.v_start,
            (unsigned long)l.pt_pages);
    return 0;
}

/* Start vCPU 0 of a built domain. */
void pv_start(struct domain *d)
{
    d->state = DOM_RUNNING;
    struct vcpu *v = d->vcpus[0];
    v->state = VCPU_BLOCKED;
    vcpu_wake(v);
}
