/*
 * pagetype.h - the frame type and reference-count state machine behind
 * direct paging: the rules that keep a PV guest from ever writing its own
 * page tables or mapping memory that is not its own.
 *
 * Every frame (struct frame in frame.h) has an owner, a type and two
 * counts:
 *   u.use.ref_count   general references: each mapping of the frame, each
 *                     type reference, a pin, a loaded base pointer;
 *   u.use.type_count  how many of those use it *as* its type (as an L1 in
 *                     N L2 entries, as writable in N writable L1 entries).
 *
 * A frame's type can only change while type_count is 0.  Taking the first
 * type reference of a page-table type (L1..L4) validates the whole frame:
 * every present entry must be allowed (below) and takes its own
 * reference on the frame it points to, recursively.  Dropping the last
 * type reference devalidates: every entry's reference is dropped.  So a
 * frame is a validated page table or writable, never both, and a frame
 * still referenced by anything cannot be freed.
 *
 * Entry rules (guest tables; PV_PTE_* in paravane/memory.h):
 *   - the target frame must exist and belong to the table's owner;
 *   - L1: W set -> the target takes a FT_WRITABLE type reference,
 *         W clear -> a plain reference (read-only mappings of page
 *         tables are allowed: that is how a guest reads them);
 *   - L2, L3, L4: the target takes a type reference of the next level
 *         down (L2 -> L1, ...); PS (superpages) is refused;
 *   - L4 entries 256..271 (the hypervisor's slots) must not be present;
 *   - G, PAT/PS in L1, and reserved bits 52..62 are refused.
 * Because levels strictly decrease, no table can reference itself or a
 * table of its own level (no "linear page table" tricks).
 *
 * TLBs: when a frame takes a type different from the one it last had
 * (writable -> L1, L1 -> writable, ...), env->flush_tlbs(owner) is called
 * first, because another CPU may still hold a stale TLB or paging-
 * structure entry for the frame's old use.
 *
 * Not locked: the caller holds the owning domain's lock.
 * Return values: 0, or -EINVAL (bad entry / wrong type / not owned),
 * -EBUSY (frame in use as another type), -ENOENT (no such frame).
 */
#ifndef HYP_PAGETYPE_H
#define HYP_PAGETYPE_H

#include <stdint.h>
#include "frame.h"

#define PT_ENTRIES 512

struct pt_env {
    struct frame_table *ft;
    /* The 512 entries of frame pfn, readable and writable by the hypervisor. */
    uint64_t *(*map_frame)(void *ctx, pfn_t pfn);
    /* Flush every TLB that may hold entries of this domain's (see above). */
    void (*flush_tlbs)(void *ctx, uint16_t owner);
    /* An L4 entry changed (pt_mod_entry on an L4): per-CPU copies must follow. */
    void (*l4_changed)(void *ctx, pfn_t l4, unsigned index);
    void *ctx;
};

/* Level of a page-table type (FT_L1 -> 1 ... FT_L4 -> 4), 0 for others. */
int pt_level(enum frame_type t);

/* General reference on a frame owned by 'owner'. */
int get_page(struct pt_env *env, pfn_t pfn, uint16_t owner);
void put_page(struct pt_env *env, pfn_t pfn);

/*
 * A type reference (and a general one) on a frame owned by 'owner' as
 * 'type' (FT_WRITABLE or FT_L1..FT_L4), validating it if it had none.
 */
int get_page_type(struct pt_env *env, pfn_t pfn, enum frame_type type, uint16_t owner);
void put_page_type(struct pt_env *env, pfn_t pfn);

/*
 * Check one entry for a table of 'level' and take the reference it needs
 * (pt_get_entry), or drop it (pt_put_entry).  'index' is the entry's slot
 * (it matters for L4: the hypervisor's slots).
 */
int pt_get_entry(struct pt_env *env, int level, unsigned index, uint64_t entry, uint16_t owner);
void pt_put_entry(struct pt_env *env, int level, uint64_t entry);

/*
 * mmu_update's core: write 'entry' into slot 'index' of frame 'table',
 * which must be a validated page table (type_count > 0) owned by 'owner'.
 * The new entry's reference is taken before the write and the old one's
 * dropped after it, so a failing update changes nothing.
 */
int pt_mod_entry(struct pt_env *env, pfn_t table, unsigned index, uint64_t entry, uint16_t owner);

/*
 * Pin: take a type reference of 'level' that lasts until pt_unpin, and
 * set FRAME_F_PINNED.  -EINVAL if already pinned / not pinned.
 */
int pt_pin(struct pt_env *env, pfn_t pfn, int level, uint16_t owner);
int pt_unpin(struct pt_env *env, pfn_t pfn, uint16_t owner);

/*
 * Domain teardown: unpin every pinned frame in pfns[0..n-1] (the
 * domain's frames).  Returns how many frames still have references
 * afterwards (0 when the caller has dropped its base pointers first).
 */
uint64_t pt_relinquish(struct pt_env *env, const uint64_t *pfns, uint64_t n, uint16_t owner);

#endif
