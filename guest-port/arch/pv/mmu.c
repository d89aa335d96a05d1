/*
 * mmu.c - page-table updates, queued and sent in one hypervisor entry.
 *
 * Every entry into the hypervisor costs two CR3 writes, so nothing here
 * calls it per update.  Updates (mmu_update requests) and extended ops
 * (pin, unpin, new base pointer, invlpg) go into one ordered queue of
 * segments; pv_flush() sends it as a single multicall (or a single direct
 * call when there is one segment), with the TLB flushes the updates need
 * and a pending stack_switch tacked on.  Order matters and is kept: a
 * frame is remapped read-only in the physmap before it becomes a table,
 * and unpinned before it is remapped writable.
 *
 * mfn -> pfn: page tables hold machine frames, and the kernel reads them
 * through the physmap by pseudo-physical frame, so a hash table built at
 * boot maps each of the domain's mfns back to its pfn.
 */
#include "pv.h"
#include "defs.h"
#include <paravane/trap.h>

#define EXT_MAX   128                   /* extended ops per flush */
#define SEG_MAX   (MULTICALL_MAX - 2)   /* leave room for the flush ops and stack_switch */
#define INVLPG_MAX 8                    /* more than this: flush the whole TLB */

enum seg_kind { SEG_MMU, SEG_EXT };

struct seg {
    enum seg_kind kind;
    unsigned first, count;              /* in mmu_q or ext_q */
};

static struct mmu_update mmu_q[MMU_MAX_BATCH];
static struct mmuext_op ext_q[EXT_MAX + INVLPG_MAX];
static struct seg segs[SEG_MAX + 1];   /* + the TLB-flush segment */
static struct multicall_entry calls[MULTICALL_MAX];
static unsigned n_mmu, n_ext, n_seg;
static uint64_t invlpg_va[INVLPG_MAX];
static unsigned n_invlpg;
static bool flush_all;
static uint64_t kstack_want, kstack_loaded;

/*
 * An index of the queued entry updates by address, so reading an entry
 * through the queue (pv_pte_read, on every walk) costs one probe instead
 * of a scan of up to MMU_MAX_BATCH entries: forking an 8 MiB process
 * walks about 6,000 entries, and the scans made it take 30 ms.  A slot is
 * live only while its generation is the queue's; a flush starts a new one.
 */
#define QIDX_SLOTS (4 * MMU_MAX_BATCH)  /* a power of two: probes stay short */
static struct { uint32_t gen; uint16_t idx; } qidx[QIDX_SLOTS];
static uint32_t qgen = 1;

static unsigned qidx_slot(uint64_t ptr)
{
    unsigned i = (unsigned)((ptr * 0x9e3779b97f4a7c15ull) >> 40) & (QIDX_SLOTS - 1);
    while (qidx[i].gen == qgen && mmu_q[qidx[i].idx].ptr != ptr)
        i = (i + 1) & (QIDX_SLOTS - 1);
    return i;
}

/* ---- mfn -> pfn ------------------------------------------------------------- */

static uint32_t *m2p_slot;          /* pfn + 1, 0 = empty; open addressing */
static uint64_t m2p_mask;

static uint64_t m2p_hash(uint64_t mfn)
{
    return (mfn * 0x9e3779b97f4a7c15ull) >> 20;
}

/* Slots: a power of two at least twice the frames, so probes stay short. */
static uint64_t m2p_slots(uint64_t nr_pages)
{
    uint64_t n = 1024;
    while (n < 2 * nr_pages)
        n <<= 1;
    return n;
}

uint64_t pv_m2p_frames(uint64_t nr_pages)
{
    return (m2p_slots(nr_pages) * sizeof(uint32_t) + PAGE_SIZE - 1) / PAGE_SIZE;
}

/* Build the table in frames [first_pfn, first_pfn + frames), already in the physmap. */
void pv_m2p_init(uint64_t first_pfn, uint64_t frames)
{
    uint64_t slots = m2p_slots(pv_nr_pages);
    m2p_slot = pfn_to_va(first_pfn);
    m2p_mask = slots - 1;
    memset(m2p_slot, 0, frames * PAGE_SIZE);
    for (uint64_t pfn = 0; pfn < pv_nr_pages; pfn++) {
        uint64_t i = m2p_hash(pv_mfn(pfn)) & m2p_mask;
        while (m2p_slot[i])
            i = (i + 1) & m2p_mask;
        m2p_slot[i] = (uint32_t)(pfn + 1);
    }
}

uint64_t pv_mfn_to_pfn(uint64_t mfn)
{
    for (uint64_t i = m2p_hash(mfn) & m2p_mask; m2p_slot[i]; i = (i + 1) & m2p_mask)
        if (pv_mfn(m2p_slot[i] - 1) == mfn)
            return m2p_slot[i] - 1;
    return ~0ull;
}

/* ---- the queue ----------------------------------------------------------------- */

/* The segment of kind to append to (a new one if the last is another kind). */
static struct seg *seg_for(enum seg_kind kind)
{
    if (n_seg && segs[n_seg - 1].kind == kind)
        return &segs[n_seg - 1];
    if (n_seg == SEG_MAX)
        pv_flush();
    segs[n_seg] = (struct seg){ .kind = kind, .first = kind == SEG_MMU ? n_mmu : n_ext };
    return &segs[n_seg++];
}

/* Queue "write val into the page-table entry at machine address maddr". */
void pv_queue_pte(uint64_t maddr, uint64_t val)
{
    if (n_mmu == MMU_MAX_BATCH)
        pv_flush();
    struct seg *s = seg_for(SEG_MMU);
    uint64_t ptr = maddr | MMU_NORMAL_PT_UPDATE;
    unsigned slot = qidx_slot(ptr);
    qidx[slot].gen = qgen;
    qidx[slot].idx = (uint16_t)n_mmu;      /* the latest write to ptr wins */
    mmu_q[n_mmu++] = (struct mmu_update){ .ptr = ptr, .val = val };
    s->count++;
}

/* Queue an MMUEXT_* op. */
void pv_queue_ext(unsigned cmd, uint64_t arg)
{
    if (n_ext == EXT_MAX)
        pv_flush();
    struct seg *s = seg_for(SEG_EXT);
    ext_q[n_ext++] = (struct mmuext_op){ .cmd = cmd, .arg1 = arg };
    s->count++;
}

/* The current page table's entry for va changed: flush it at pv_flush(). */
void pv_queue_invlpg(uint64_t va)
{
    if (n_invlpg < INVLPG_MAX)
        invlpg_va[n_invlpg++] = va & ~(PAGE_SIZE - 1);
    else
        flush_all = true;
}

uint64_t pv_pte_read(uint64_t table_pfn, unsigned idx)
{
    uint64_t ptr = pv_pte_maddr(table_pfn, idx) | MMU_NORMAL_PT_UPDATE;
    unsigned slot = qidx_slot(ptr);
    if (qidx[slot].gen == qgen)
        return mmu_q[qidx[slot].idx].val;
    return ((const volatile uint64_t *)pfn_to_va(table_pfn))[idx];
}

void pv_table_read(uint64_t table_pfn, uint64_t out[512])
{
    memcpy(out, pfn_to_va(table_pfn), PAGE_SIZE);
    uint64_t base = pv_mfn(table_pfn) << PAGE_SHIFT;
    for (unsigned i = 0; i < n_mmu; i++)
        if ((mmu_q[i].ptr & ~(PAGE_SIZE - 1)) == base)
            out[(mmu_q[i].ptr & (PAGE_SIZE - 1)) / 8] = mmu_q[i].val;
}

void pv_physmap_set(uint64_t pfn, bool writable)
{
    uint64_t l1 = pv_physmap_l1_pfn + pfn / 512;
    uint64_t e = (pv_mfn(pfn) << PAGE_SHIFT) | PV_PTE_P | PV_PTE_A | PV_PTE_D | pv_pte_nx;
    pv_queue_pte(pv_pte_maddr(l1, (unsigned)(pfn % 512)), writable ? e | PV_PTE_W : e);
    pv_queue_invlpg((uint64_t)pfn_to_va(pfn));
}

void pv_queue_tlb_flush(void)
{
    flush_all = true;
}

void pv_kernel_stack_want(uint64_t top)
{
    kstack_want = top;
}

void pv_kernel_stack_booted(uint64_t top)
{
    kstack_want = kstack_loaded = top;
}

/* Append an op without the limit checks: ext_q and segs keep room for these. */
static void ext_append(unsigned cmd, uint64_t arg)
{
    if (!n_seg || segs[n_seg - 1].kind != SEG_EXT)
        segs[n_seg++] = (struct seg){ .kind = SEG_EXT, .first = n_ext };
    ext_q[n_ext++] = (struct mmuext_op){ .cmd = cmd, .arg1 = arg };
    segs[n_seg - 1].count++;
}

static void queue_tlb_flushes(void)
{
    if (flush_all) {
        ext_append(MMUEXT_TLB_FLUSH_LOCAL, 0);
    } else {
        for (unsigned i = 0; i < n_invlpg; i++)
            ext_append(MMUEXT_INVLPG_LOCAL, invlpg_va[i]);
    }
    n_invlpg = 0;
    flush_all = false;
}

static void report_failure(unsigned i, int64_t rc)
{
    const struct multicall_entry *c = &calls[i];
    panic("pv_flush: hypercall %lu (entry %u of the batch) failed: %ld (first request %#lx -> %#lx)",
          (unsigned long)c->op, i, (long)rc,
          c->op == HYPERCALL_mmu_update ? (unsigned long)((struct mmu_update *)c->args[0])->ptr
          : c->op == HYPERCALL_mmuext_op ? (unsigned long)((struct mmuext_op *)c->args[0])->cmd : 0ul,
          c->op == HYPERCALL_mmu_update ? (unsigned long)((struct mmu_update *)c->args[0])->val
          : c->op == HYPERCALL_mmuext_op ? (unsigned long)((struct mmuext_op *)c->args[0])->arg1 : 0ul);
}

/*
 * Send everything queued, in order, in one hypervisor entry.  A failure
 * is a kernel bug (the kernel only asks for what the rules allow): panic.
 */
void pv_flush(void)
{
    if (n_seg == 0 && n_invlpg == 0 && !flush_all && kstack_want == kstack_loaded)
        return;
    if (n_mmu || n_ext)
        queue_tlb_flushes();
    else
        n_invlpg = 0, flush_all = false;    /* nothing changed since they were asked for */
    unsigned n = 0;
    for (unsigned i = 0; i < n_seg; i++) {
        struct seg *s = &segs[i];
        calls[n] = (struct multicall_entry){
            .op = s->kind == SEG_MMU ? HYPERCALL_mmu_update : HYPERCALL_mmuext_op,
            .args = { s->kind == SEG_MMU ? (uint64_t)&mmu_q[s->first] : (uint64_t)&ext_q[s->first],
                      s->count, 0, DOMID_SELF },
        };
        n++;
    }
    if (kstack_want != kstack_loaded) {
        calls[n++] = (struct multicall_entry){
            .op = HYPERCALL_stack_switch, .args = { PV_KERNEL_DS, kstack_want },
        };
        kstack_loaded = kstack_want;
    }
    n_mmu = n_ext = n_seg = 0;
    if (++qgen == 0) {                  /* every index slot is stale now */
        memset(qidx, 0, sizeof qidx);   /* (after 2^32 flushes: start the generations again) */
        qgen = 1;
    }
    if (n == 1) {
        const struct multicall_entry *c = &calls[0];
        long rc = pv_hypercall5(c->op, c->args[0], c->args[1], c->args[2], c->args[3], c->args[4]);
        if (rc != 0)
            report_failure(0, rc);
        return;
    }
    long rc = HYPERVISOR_multicall(calls, n);
    if (rc != 0)
        panic("pv_flush: multicall of %u failed: %ld", n, rc);
    for (unsigned i = 0; i < n; i++)
        if (calls[i].result != 0)
            report_failure(i, calls[i].result);
}

void pv_sync_for_user(void)
{
    pv_flush();
}
