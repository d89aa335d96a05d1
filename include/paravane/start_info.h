/*
 * start_info.h - what a PV guest kernel finds when it starts.
 *
 * A guest kernel starts in ring 1 at its ELF entry point with
 *   rsi = virtual address of its struct start_info,
 *   rsp = top of a boot stack inside the bootstrap mapping,
 *   interrupts (events) masked (vcpu_info.evtchn_upcall_mask = 1).
 *
 * BOOTSTRAP MAPPING: the domain's pseudo-physical frames 0..nr_bootstrap-1
 * are mapped contiguously from virt_base (the kernel's lowest PT_LOAD
 * address, rounded down to a page), pfn i at virt_base + i * 4096, in
 * this order:
 *   the kernel's loadable segments (bss zeroed),
 *   the modules (ramdisks), each page aligned,
 *   the start_info page,
 *   the frame list (mfn_list: nr_pages x uint64_t),
 *   the initial page tables (pt_base: the L4 first, nr_pt_frames in all),
 *     mapped read-only,
 *   the boot stack (PV_BOOT_STACK_PAGES pages).
 * The rest of the domain's frames are not mapped; mfn_list names them all.
 */
#ifndef PARAVANE_START_INFO_H
#define PARAVANE_START_INFO_H

#include "paravane.h"

#define START_INFO_MAGIC     "paravane-1-x86_64"
#define PV_BOOT_STACK_PAGES  4
#define START_INFO_MAX_MODULES 8
#define START_INFO_CMDLINE   512
#define START_INFO_MODSTR    64

/* flags */
#define SIF_PRIVILEGED   (1u << 0)   /* may use privileged hypercalls (dom0) */
#define SIF_INITDOMAIN   (1u << 1)   /* the first domain, built by the hypervisor */

struct start_info_module {
    uint64_t va;              /* where the module is mapped */
    uint64_t len;             /* bytes */
    char     cmdline[START_INFO_MODSTR];   /* its module2 arguments, NUL-terminated */
};                            /* 80 bytes */

struct start_info {
    char     magic[32];       /* START_INFO_MAGIC, NUL-padded */
    uint64_t nr_pages;        /* frames the domain owns */
    uint64_t shared_info;     /* machine address of the shared_info frame */
    uint32_t flags;           /* SIF_* */
    domid_t  domid;
    uint16_t nr_vcpus;        /* vCPUs the domain may bring up (vcpu 0 is running) */
    uint64_t console_mfn;     /* domU: console ring frame (0 for dom0) */
    uint32_t console_evtchn;  /* domU: its event channel */
    uint32_t nr_modules;
    uint64_t virt_base;       /* start of the bootstrap mapping */
    uint64_t nr_bootstrap;    /* pages in the bootstrap mapping */
    uint64_t pt_base;         /* virtual address of the initial L4 */
    uint64_t nr_pt_frames;    /* initial page-table frames (L4 first) */
    uint64_t mfn_list;        /* virtual address of the frame list */
    uint64_t stack_top;       /* top of the boot stack (initial rsp) */
    struct start_info_module modules[START_INFO_MAX_MODULES];
    char     cmd_line[START_INFO_CMDLINE];  /* the domain's command line */
};

#endif
