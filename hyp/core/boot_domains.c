/*
 * boot_domains.c - the domains the hypervisor starts by itself at boot.
 *
 * Module 0 is dom0's kernel.  A later module whose command line starts
 * with the word "domU" is the kernel of an extra, unprivileged domain
 * started at boot (as Xen's dom0less does), with optional "mem=SIZE" and
 * "vcpus=N" words after it; the rest of its line is its command line.
 * A module whose line starts with "domU-ramdisk" is a ramdisk of the
 * nearest domU kernel before it.  Every other module is one of dom0's
 * ramdisks.  Boot-time domUs are how
 * tests and benchmarks get a second domain before dom0's toolstack can
 * create one.
 */
#include "domain.h"
#include "mm.h"
#include "bootinfo.h"
#include "options.h"
#include "printk.h"
#include "string.h"
#include "errno.h"
#include <asm/cpu.h>

int pv_build(struct domain *d, const uint8_t *img, size_t size, const struct boot_module *mods,
             unsigned nmods, const char *cmdline, const char **why);
void pv_start(struct domain *d);

extern struct boot_options hyp_options;

#define DOM0_DEFAULT_MEM  (64ull << 20)
#define DOMU_DEFAULT_MEM  (16ull << 20)

/* Does 's' start with the word 'w'?  Sets *rest past it and any spaces. */
static bool first_word(const char *s, const char *w, const char **rest)
{
    size_t n = strlen(w);
    if (strncmp(s, w, n) != 0 || (s[n] != 0 && s[n] != ' '))
        return false;
    s += n;
    while (*s == ' ')
        s++;
    *rest = s;
    return true;
}

static struct domain *build(domid_t id, const struct boot_module *k, const struct boot_module *mods,
                            unsigned nmods, const char *cmdline, uint64_t bytes, unsigned vcpus,
                            bool privileged)
{
    uint64_t free_bytes = mm_free_frames() << PAGE_SHIFT;
    if (bytes + (16ull << 20) > free_bytes) {
        pr_warn("domain %u: %lu MiB asked, %lu MiB free: giving it %lu MiB\n", id,
                (unsigned long)(bytes >> 20), (unsigned long)(free_bytes >> 20),
                (unsigned long)((free_bytes >> 20) / 2));
        bytes = free_bytes / 2;
    }
    struct domain *d = domain_create(id, bytes >> PAGE_SHIFT, vcpus, privileged);
    if (!d) {
        pr_err("domain %u: cannot create it\n", id);
        return NULL;
    }
    const char *why = "?";
    if (pv_build(d, phys_to_virt(k->start), k->end - k->start, mods, nmods, cmdline, &why)) {
        pr_err("domain %u: not started: %s\n", id, why);
        domain_crash(d, "could not be built");
        return NULL;
    }
    pr_info("domain %u: %lu MiB, %u vCPUs%s\n", id, (unsigned long)(bytes >> 20), vcpus,
            privileged ? ", privileged" : "");
    return d;
}

/* Parse "mem=SIZE vcpus=N" words at the start of a domU line. */
static const char *domu_params(const char *s, uint64_t *bytes, unsigned *vcpus)
{
    for (;;) {
        const char *rest = s;
        if (strncmp(s, "mem=", 4) == 0 || strncmp(s, "vcpus=", 6) == 0) {
            char word[32];
            size_t n = 0;
            while (s[n] && s[n] != ' ' && n < sizeof word - 1) {
                word[n] = s[n];
                n++;
            }
            word[n] = 0;
            rest = s + n;
            while (*rest == ' ')
                rest++;
            uint64_t v;
            if (word[0] == 'm' && parse_size(word + 4, &v) == 0 && v >= (1 << 20))
                *bytes = v;
            else if (word[0] == 'v' && parse_size(word + 6, &v) == 0 && v >= 1 && v <= PV_MAX_VCPUS)
                *vcpus = (unsigned)v;
            else
                pr_warn("domU: bad parameter '%s' ignored\n", word);
            s = rest;
            continue;
        }
        return s;
    }
}

void start_boot_domains(const struct boot_info *bi)
{
    static struct boot_module ramdisks[BOOT_MODULES_MAX];
    unsigned nramdisks = 0;
    const char *rest;

    if (bi->nmodules == 0)
        return;
    for (unsigned i = 1; i < bi->nmodules; i++)
        if (!first_word(bi->modules[i].string, "domU", &rest) &&
            !first_word(bi->modules[i].string, "domU-ramdisk", &rest))
            ramdisks[nramdisks++] = bi->modules[i];

    unsigned vcpus0 = ncpus_online < PV_MAX_VCPUS ? ncpus_online : PV_MAX_VCPUS;
    struct domain *dom0 = build(DOM0_ID, &bi->modules[0], ramdisks, nramdisks, bi->modules[0].string,
                                hyp_options.dom0_mem ? hyp_options.dom0_mem : DOM0_DEFAULT_MEM,
                                vcpus0, true);
    if (!dom0)
        return;

    domid_t next = 1;
    struct domain *domus[BOOT_MODULES_MAX];
    unsigned ndomus = 0;
    for (unsigned i = 1; i < bi->nmodules; i++) {
        if (!first_word(bi->modules[i].string, "domU", &rest))
            continue;
        uint64_t bytes = DOMU_DEFAULT_MEM;
        unsigned vcpus = 1;
        rest = domu_params(rest, &bytes, &vcpus);
        /* Its ramdisks: the "domU-ramdisk" modules right after it. */
        unsigned first = i + 1, n = 0;
        const char *r;
        while (first + n < bi->nmodules && first_word(bi->modules[first + n].string, "domU-ramdisk", &r))
            n++;
        struct domain *d = build(next++, &bi->modules[i], n ? &bi->modules[first] : NULL, n, rest,
                                 bytes, vcpus, false);
        if (d)
            domus[ndomus++] = d;
    }
    pv_start(dom0);
    for (unsigned i = 0; i < ndomus; i++)
        pv_start(domus[i]);
}
