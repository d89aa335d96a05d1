/*
 * pv_mm.c - the hypervisor's side of the page-type rules (pagetype.c):
 * how to reach a frame, how to flush the TLBs a domain may have filled,
 * and how a changed guest L4 reaches the per-pCPU copies of it.
 */
#include "pv.h"
#include "mm.h"
#include "smp.h"
#include <asm/cpu.h>
#include <asm/x86.h>

void percpu_sync_l4_entry(unsigned index);

static uint64_t *map_frame(void *ctx, pfn_t pfn)
{
    (void)ctx;
    return phys_to_virt(pfn << PAGE_SHIFT);
}

static void flush_local(void *arg)
{
    (void)arg;
    write_cr3(read_cr3());
    if (this_cpu()->curr)
        this_cpu()->curr->counters.cr3_writes++;
}

void domain_flush_tlbs(struct domain *d)
{
    flush_local(NULL);
    uint64_t mask = d ? d->dirty_cpus : 0;
    for (unsigned i = 0; i < ncpus_present; i++)
        if ((mask & (1ull << i)) && (int)i != cpu_id() && cpus[i].online)
            smp_call_function(i, flush_local, NULL);
}

static void flush_tlbs(void *ctx, uint16_t owner)
{
    (void)ctx;
    domain_flush_tlbs(domain_by_id(owner));
}

struct l4_sync { uint64_t l4; unsigned index; };

static void sync_l4(void *arg)
{
    const struct l4_sync *s = arg;
    struct cpu *c = this_cpu();
    if (c->loaded_l4 == s->l4) {
        percpu_sync_l4_entry(s->index);
        write_cr3(read_cr3());
    }
}

/*
 * Every pCPU that has this L4 copied into its roots must take the new
 * entry before the caller drops the old entry's reference: run the copy
 * there and wait for it.
 */
static void l4_changed(void *ctx, pfn_t l4, unsigned index)
{
    (void)ctx;
    struct l4_sync s = { l4 << PAGE_SHIFT, index };
    /* The entry is written: order that before reading who has it loaded (percpu.c). */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    for (unsigned i = 0; i < ncpus_present; i++)
        if (cpus[i].online && cpus[i].loaded_l4 == s.l4)
            smp_call_function(i, sync_l4, &s);
}

static struct pt_env env;

struct pt_env *pv_pt_env(void)
{
    if (!env.ft) {
        env.ft = mm_frame_table();
        env.map_frame = map_frame;
        env.flush_tlbs = flush_tlbs;
        env.l4_changed = l4_changed;
    }
    return &env;
}
