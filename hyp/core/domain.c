/*
 * domain.c - creating, crashing, shutting down and destroying domains.
 *
 * A domain's memory is a fixed list of frames allocated at creation
 * (d->p2m).  Destruction is deferred until none of its vCPUs is on a pCPU:
 * a crashing vCPU cannot free the page tables it is running on.  The
 * reaper (domain_reap, from the softirq path) then unpins the domain's
 * page tables, checks that no frame is still referenced, frees every
 * frame and reports the frame accounting.
 */
#include "domain.h"
#include "evtchn.h"
#include "pv.h"
#include "mm.h"
#include "printk.h"
#include "panic.h"
#include "string.h"
#include "format.h"
#include "errno.h"
#include "options.h"
#include <paravane/sched.h>
#include "machine.h"
#include "time.h"
#include "sched/sched.h"
#include <asm/cpu.h>
#include <asm/x86.h>

struct domain *domains[MAX_DOMAINS];
static struct spinlock domlist_lock = SPINLOCK_INIT("domlist");
extern struct boot_options hyp_options;

/* Free frames when the first domain was created, for the accounting check. */
static uint64_t free_frames_at_start;
static bool accounting_started;

struct domain *domain_by_id(domid_t id)
{
    return id < MAX_DOMAINS ? domains[id] : NULL;
}

static const char *shutdown_name(unsigned reason)
{
    switch (reason) {
    case SHUTDOWN_poweroff: return "poweroff";
    case SHUTDOWN_reboot:   return "reboot";
    case SHUTDOWN_crash:    return "crash";
    default:                return "unknown reason";
    }
}

/* Allocate one zeroed frame owned by d.  0 if none. */
static uint64_t alloc_domain_frame(struct domain *d)
{
    uint64_t pa = alloc_frames(0);
    if (!pa)
        return 0;
    struct frame *f = frame_of(mm_frame_table(), pa >> PAGE_SHIFT);
    f->owner = d->id;
    f->type = FT_NONE;
    f->u.use.type_count = f->u.use.ref_count = 0;
    return pa;
}

static void free_domain_frame(uint64_t pa)
{
    struct frame *f = frame_of(mm_frame_table(), pa >> PAGE_SHIFT);
    f->owner = DOMID_HYP;               /* buddy_free wants it allocated, not owned by a guest */
    f->type = FT_NONE;
    free_frames(pa, 0);
}

static unsigned p2m_order(uint64_t nr_pages)
{
    uint64_t bytes = nr_pages * sizeof(uint64_t);
    unsigned order = 0;
    while ((PAGE_SIZE << order) < bytes)
        order++;
    return order;
}

struct domain *domain_create(domid_t id, uint64_t nr_pages, unsigned max_vcpus, bool privileged)
{
    if (id >= MAX_DOMAINS || max_vcpus == 0 || max_vcpus > PV_MAX_VCPUS || nr_pages == 0)
        return NULL;
    if (!accounting_started) {
        free_frames_at_start = mm_free_frames();
        accounting_started = true;
    }
    struct domain *d = alloc_page();
    if (!d)
        return NULL;
    d->id = id;
    d->privileged = privileged;
    d->max_vcpus = max_vcpus;
    d->state = DOM_PAUSED;
    spin_init(&d->lock, "domain");
    spin_init(&d->mm_lock, "domain_mm");
    snprintf(d->name, sizeof d->name, "domain %u", id);

    uint64_t p2m_pa = alloc_frames(p2m_order(nr_pages));
    if (!p2m_pa)
        goto fail;
    d->p2m = phys_to_virt(p2m_pa);
    for (d->nr_pages = 0; d->nr_pages < nr_pages; d->nr_pages++) {
        uint64_t pa = alloc_domain_frame(d);
        if (!pa)
            goto fail;
        d->p2m[d->nr_pages] = pa >> PAGE_SHIFT;
    }

    /* shared_info: the guest's, but writable forever (never a page table). */
    uint64_t si = alloc_domain_frame(d);
    if (!si)
        goto fail;
    d->shared_info_mfn = si >> PAGE_SHIFT;
    d->shared_info = phys_to_virt(si);
    if (get_page_type(pv_pt_env(), d->shared_info_mfn, FT_WRITABLE, d->id))
        panic("domain: shared_info frame refused");

    /* Wall-clock time at system time 0 (version protocol as for vcpu time). */
    d->shared_info->wc_version = 1;
    d->shared_info->wc_sec = (uint32_t)boot_wallclock;
    d->shared_info->wc_sec_hi = (uint32_t)(boot_wallclock >> 32);
    d->shared_info->wc_nsec = 0;
    d->shared_info->wc_version = 2;

    if (evtchn_init(d))
        goto fail;
    /*
     * A domU's console: a ring page (writable forever, like shared_info)
     * and a port that dom0 will bind to serve it.
     */
    if (!privileged) {
        uint64_t con = alloc_domain_frame(d);
        if (!con)
            goto fail;
        d->console_mfn = con >> PAGE_SHIFT;
        if (get_page_type(pv_pt_env(), d->console_mfn, FT_WRITABLE, d->id))
            panic("domain: console frame refused");
        int port = evtchn_alloc_unbound(d, DOM0_ID);
        if (port < 0)
            goto fail;
        d->console_port = (evtchn_port_t)port;
    }
    for (unsigned i = 0; i < max_vcpus; i++) {
        struct vcpu *v = alloc_page();
        if (!v)
            goto fail;
        BUG_ON(sizeof *v > PAGE_SIZE);
        v->dom = d;
        v->id = i;
        v->state = VCPU_DOWN;
        v->info = &d->shared_info->vcpu_info[i];
        v->info->evtchn_upcall_mask = 1;
        fpu_init_state(v->fpu);
        d->vcpus[i] = v;
        sched->insert(v);
    }

    uint64_t f = spin_lock_irqsave(&domlist_lock);
    if (domains[id]) {
        spin_unlock_irqrestore(&domlist_lock, f);
        goto fail;
    }
    domains[id] = d;
    spin_unlock_irqrestore(&domlist_lock, f);
    return d;

fail:
    pr_err("domain %u: cannot create (out of memory?)\n", id);
    d->state = DOM_DYING;
    /* Nothing references these frames yet: give them straight back. */
    for (unsigned i = 0; i < max_vcpus; i++)
        if (d->vcpus[i])
            free_page(d->vcpus[i]);
    if (d->evtchn)
        evtchn_destroy(d);
    if (d->shared_info) {
        put_page_type(pv_pt_env(), d->shared_info_mfn);
        free_domain_frame(d->shared_info_mfn << PAGE_SHIFT);
    }
    if (d->console_mfn) {
        put_page_type(pv_pt_env(), d->console_mfn);
        free_domain_frame(d->console_mfn << PAGE_SHIFT);
    }
    for (uint64_t i = 0; i < d->nr_pages; i++)
        free_domain_frame(d->p2m[i] << PAGE_SHIFT);
    if (d->p2m)
        free_frames(virt_to_phys(d->p2m), p2m_order(nr_pages));
    free_page(d);
    return NULL;
}

/* ---- deferred frees: pages of destroyed domains, freed after a grace period ---- */

struct grave {
    void *page;
    uint64_t qs[MAX_CPUS];              /* each pCPU's qs_count when it was buried */
};
static struct grave graves[64];
static volatile unsigned nr_graves;
static struct spinlock grave_lock = SPINLOCK_INIT("graveyard");

static void bury(void *page)
{
    uint64_t f = spin_lock_irqsave(&grave_lock);
    if (nr_graves == ARRAY_SIZE(graves)) {
        /* Full: wait for a slot (other pCPUs keep passing quiescent points). */
        spin_unlock_irqrestore(&grave_lock, f);
        while (nr_graves == ARRAY_SIZE(graves))
            domain_free_deferred();
        f = spin_lock_irqsave(&grave_lock);
    }
    struct grave *g = &graves[nr_graves];
    g->page = page;
    for (unsigned i = 0; i < ncpus_present; i++)
        g->qs[i] = __atomic_load_n(&cpus[i].qs_count, __ATOMIC_SEQ_CST);
    nr_graves++;
    spin_unlock_irqrestore(&grave_lock, f);
}

void domain_free_deferred(void)
{
    if (!nr_graves)
        return;
    uint64_t f = spin_lock_irqsave(&grave_lock);
    for (unsigned n = 0; n < nr_graves; ) {
        struct grave *g = &graves[n];
        bool done = true;
        for (unsigned i = 0; i < ncpus_present && done; i++)
            if (cpus[i].online && (int)i != cpu_id() && !cpus[i].idle_halted &&
                __atomic_load_n(&cpus[i].qs_count, __ATOMIC_SEQ_CST) <= g->qs[i])
                done = false;
        if (done) {
            free_page(g->page);
            graves[n] = graves[--nr_graves];
        } else {
            n++;
        }
    }
    spin_unlock_irqrestore(&grave_lock, f);
}

/* Take d off every pCPU: its vCPUs stop being runnable. */
static void domain_stop_vcpus(struct domain *d)
{
    for (unsigned i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpus[i];
        if (!v)
            continue;
        v->paused = true;
        sched->sleep(v);
        if (v->state == VCPU_RUNNING && v->processor != cpu_id())
            raise_softirq((unsigned)v->processor, SOFTIRQ_SCHEDULE);
    }
    raise_softirq((unsigned)cpu_id(), SOFTIRQ_SCHEDULE | SOFTIRQ_REAPER);
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
    char why[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);

    enum domain_state s = d->state;
    do {
        if (s == DOM_CRASHED || s == DOM_DYING || s == DOM_SHUTDOWN)
            return;
    } while (!__atomic_compare_exchange_n(&d->state, &s, DOM_CRASHED, false, __ATOMIC_SEQ_CST,
                                          __ATOMIC_SEQ_CST));
    struct cpu *c = this_cpu();
    pr_err("domain %u: crashed: %s\n", d->id, why);
    if (c->curr && c->curr->dom == d) {
        const struct cpu_regs *r = guest_frame();
        pr_err("domain %u vcpu %u: rip %04lx:%016lx rsp %04lx:%016lx rflags %08lx\n", d->id,
               c->curr->id, (unsigned long)r->cs, (unsigned long)r->rip, (unsigned long)r->ss,
               (unsigned long)r->rsp, (unsigned long)r->rflags);
        pr_err("  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", r->rax, r->rbx, r->rcx, r->rdx);
        pr_err("  rsi %016lx rdi %016lx rbp %016lx r8  %016lx\n", r->rsi, r->rdi, r->rbp, r->r8);
        pr_err("  r9  %016lx r10 %016lx r11 %016lx r12 %016lx\n", r->r9, r->r10, r->r11, r->r12);
        pr_err("  r13 %016lx r14 %016lx r15 %016lx cr3 %016lx\n", r->r13, r->r14, r->r15,
               (unsigned long)c->curr->cr3);
    }
    domain_stop_vcpus(d);
}

void domain_shutdown(struct domain *d, unsigned reason)
{
    enum domain_state s = d->state;
    /* Once only, whoever gets here first (the guest, or dom0 ending). */
    do {
        if (s != DOM_RUNNING && s != DOM_PAUSED)
            return;
    } while (!__atomic_compare_exchange_n(&d->state, &s, DOM_SHUTDOWN, false, __ATOMIC_SEQ_CST,
                                          __ATOMIC_SEQ_CST));
    d->shutdown_reason = reason;
    pr_notice("domain %u: shut down (%s)\n", d->id, shutdown_name(reason));
    domain_stop_vcpus(d);
}

/* Is any vCPU of d still on a pCPU (running, or being loaded)? */
static bool domain_on_cpus(const struct domain *d)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    for (unsigned i = 0; i < ncpus_present; i++)
        if (cpus[i].online && cpus[i].curr && cpus[i].curr->dom == d)
            return true;
    for (unsigned i = 0; i < d->max_vcpus; i++)
        if (d->vcpus[i] && __atomic_load_n(&d->vcpus[i]->on_cpu, __ATOMIC_SEQ_CST))
            return true;
    return false;
}

/*
 * Free everything d owns.  Only when no vCPU of it is on a pCPU.  Returns
 * the number of frames that could not be freed because something still
 * referenced them (0 unless the page-type accounting is broken).
 */
static uint64_t domain_destroy(struct domain *d)
{
    struct pt_env *env = pv_pt_env();
    uint64_t leaked = 0;

    /* Close its channels while peers can still find it, then unpublish it. */
    evtchn_destroy(d);
    uint64_t f = spin_lock_irqsave(&domlist_lock);
    domains[d->id] = NULL;
    spin_unlock_irqrestore(&domlist_lock, f);

    for (unsigned i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpus[i];
        if (!v)
            continue;
        if (v->cr3)
            put_page_type(env, v->cr3 >> PAGE_SHIFT);   /* the loaded base pointer */
        v->cr3 = 0;
        sched->remove(v);
    }
    put_page_type(env, d->shared_info_mfn);
    leaked += pt_relinquish(env, d->p2m, d->nr_pages, d->id);
    /*
     * No stale TLB entries can map these frames: every pCPU that ran the
     * domain wrote CR3 when it left it (no global pages, no PCID), and an
     * idle pCPU drops the guest's L4 entries from its roots.
     */
    struct frame_table *ft = mm_frame_table();
    for (uint64_t i = 0; i < d->nr_pages; i++) {
        struct frame *fr = frame_of(ft, d->p2m[i]);
        if (fr && fr->owner == d->id && fr->u.use.ref_count == 0)
            free_domain_frame(d->p2m[i] << PAGE_SHIFT);
        else if (fr)
            pr_err("domain %u: frame %#lx still referenced (refs %u, type %u x%u), not freed\n",
                   d->id, (unsigned long)d->p2m[i], fr->u.use.ref_count, fr->type,
                   fr->u.use.type_count);
    }
    struct frame *sf = frame_of(ft, d->shared_info_mfn);
    if (sf->u.use.ref_count == 0)
        free_domain_frame(d->shared_info_mfn << PAGE_SHIFT);
    else
        leaked++;
    if (d->console_mfn) {
        put_page_type(env, d->console_mfn);
        struct frame *cf = frame_of(ft, d->console_mfn);
        if (cf->u.use.ref_count == 0)
            free_domain_frame(d->console_mfn << PAGE_SHIFT);
        else
            leaked++;
    }
    free_frames(virt_to_phys(d->p2m), p2m_order(d->nr_pages));
    d->p2m = NULL;
    /* Other pCPUs may still hold pointers to these: free them after a grace period. */
    for (unsigned i = 0; i < d->max_vcpus; i++)
        if (d->vcpus[i])
            bury(d->vcpus[i]);
    return leaked;
}

/* After the last domain is gone: does every frame it had come back? */
static void health_check(unsigned reason, bool crashed, uint64_t leaked)
{
    static volatile int once;
    if (__atomic_exchange_n(&once, 1, __ATOMIC_SEQ_CST))
        return;
    /* The last structs wait for a grace period: the other pCPUs are idle by now. */
    for (uint64_t spins = 0; nr_graves && spins < 100000000ull; spins++) {
        domain_free_deferred();
        cpu_relax();
    }
    uint64_t now = mm_free_frames();
    bool ok = leaked == 0 && now == free_frames_at_start;
    printk(LOG_NOTICE, "health: %lu frames free, %lu before the first domain, %lu leaked: %s\n",
           (unsigned long)now, (unsigned long)free_frames_at_start, (unsigned long)leaked,
           ok ? "OK" : "FRAME ACCOUNTING BROKEN");
    if (hyp_options.panic == PANIC_QEMU_EXIT)
        machine_qemu_exit(ok ? QEMU_EXIT_PASS : QEMU_EXIT_FAIL);
    if (!crashed && reason == SHUTDOWN_reboot)
        machine_reboot();
    if (!crashed && reason == SHUTDOWN_poweroff) {
        printk(LOG_NOTICE, "dom0 powered off: powering the machine off.\n");
        machine_poweroff();             /* halts if ACPI does not say how */
    }
    printk(LOG_NOTICE, "No domains left: halting.\n");
    machine_halt();
}

/* Softirq: destroy every crashed or shut-down domain that has left all pCPUs. */
void domain_reap(void)
{
    static bool dom0_gone, dom0_crashed;
    static unsigned dom0_reason;
    static uint64_t leaked_total;
    static struct spinlock reap_lock = SPINLOCK_INIT("reap");
    bool any_left = false;

    spin_lock(&reap_lock);          /* two pCPUs must not destroy one domain twice */

    for (unsigned id = 0; id < MAX_DOMAINS; id++) {
        struct domain *d = domains[id];
        if (!d)
            continue;
        enum domain_state s = d->state;
        if (s != DOM_CRASHED && s != DOM_SHUTDOWN && s != DOM_DYING) {
            any_left = true;
            continue;
        }
        bool crashed = s == DOM_CRASHED || d->crashed;
        d->crashed = crashed;
        /* DYING first, then look for its vCPUs on pCPUs (context_switch does the reverse). */
        __atomic_store_n(&d->state, DOM_DYING, __ATOMIC_SEQ_CST);
        if (domain_on_cpus(d)) {
            any_left = true;
            continue;                       /* retried when it leaves (context_switch raises REAPER) */
        }
        unsigned reason = d->shutdown_reason;
        uint64_t leaked = domain_destroy(d);
        leaked_total += leaked;
        pr_info("domain %u: destroyed, %s\n", id, leaked ? "some frames leaked" : "all frames returned");
        bury(d);
        if (id == DOM0_ID) {
            dom0_gone = true;
            dom0_crashed = crashed;
            dom0_reason = reason;
        }
    }
    spin_unlock(&reap_lock);
    if (!dom0_gone)
        return;
    /* dom0 gone: the machine's work is done (as with Xen); stop the rest. */
    if (any_left) {
        for (unsigned id = 0; id < MAX_DOMAINS; id++)
            if (domains[id] && domains[id]->state == DOM_RUNNING)
                domain_shutdown(domains[id], SHUTDOWN_poweroff);
        return;
    }
    health_check(dom0_reason, dom0_crashed, leaked_total);
}
