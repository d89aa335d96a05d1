/*
 * pagetype.c - frame types and reference counts for direct paging (see
 * pagetype.h, which is the contract).
 *
 * The state machine of one frame, for its owner:
 *
 *   type_count == 0   the frame has no type; 'type' only remembers the
 *                     last one it had, for the TLB-flush rule.
 *   type_count  > 0   the frame is in use as 'type' (writable, or a
 *                     validated L1..L4) and its type cannot change.
 *
 * 0 -> 1 (get_page_type): flush if the type differs from the last one,
 * then validate if it is a page-table type.  1 -> 0 (put_page_type):
 * devalidate.  Every other step just counts.  While a frame is being
 * validated it already holds its new type with type_count 1, so a
 * reference back to it from below (its own entries, or any table under
 * it) asks for a different type and is refused with -EBUSY: levels
 * strictly decrease, so nothing below can legitimately want it.
 *
 * Counts saturate at PT_COUNT_MAX: a guest that maps one frame a few
 * billion times gets -EBUSY rather than a wrapped count.
 *
 * Where the header leaves room, this file takes the stricter reading:
 * plain references too are refused on FT_DESC/FT_HYP_PT/FT_HEAP frames;
 * pt_mod_entry refuses any change to the L4 hypervisor slots, present or
 * not, and devalidation never drops references for them; a failed
 * validation restores the frame's type field as well as its counts.
 *
 * Not locked: the caller holds the owning domain's lock.
 */
#include <stddef.h>
#include <stdint.h>
#include <paravane/memory.h>
#include "errno.h"
#include "frame.h"
#include "pagetype.h"
#include "panic.h"

#define PT_COUNT_MAX    0x7fffffffu

/* Bits a guest may set in a present entry; the rest (PS, G, 52..62) are refused. */
#define PT_ALLOWED (PV_PTE_P | PV_PTE_W | PV_PTE_U | PV_PTE_PWT | PV_PTE_PCD | \
                    PV_PTE_A | PV_PTE_D | PV_PTE_AVAIL | PV_PTE_NX | PV_PTE_ADDR)

/* The hypervisor's slots in every L4. */
#define PT_L4_HYP_FIRST 256u
#define PT_L4_HYP_END   272u

int
pt_level(enum frame_type t)
{
    switch (t) {
    case FT_L1: return 1;
    case FT_L2: return 2;
    case FT_L3: return 3;
    case FT_L4: return 4;
    default:    return 0;
    }
}

/* The type a table of 'level' (2..4) needs its entries' targets to have. */
static enum frame_type
pt_next_type(int level)
{
    return (enum frame_type)(FT_L1 + (level - 2));
}

static int
pt_hyp_slot(int level, unsigned index)
{
    return level == 4 && index >= PT_L4_HYP_FIRST && index < PT_L4_HYP_END;
}

static pfn_t
pt_entry_pfn(uint64_t entry)
{
    return (entry & PV_PTE_ADDR) >> PAGE_SHIFT;
}

/* One 64-bit load / store, never split or repeated by the compiler. */
static uint64_t
pt_read(const uint64_t *slot)
{
    return *(const volatile uint64_t *)slot;
}

static void
pt_write(uint64_t *slot, uint64_t entry)
{
    *(volatile uint64_t *)slot = entry;
}

/*
 * May 'owner' reference frame f at all?  Only a real domain, only its own
 * frames, and only frames of a type a guest can have.
 */
static int
pt_frame_ok(const struct frame *f, uint16_t owner)
{
    if (owner >= DOMID_FIRST_RESERVED || f->owner != owner)
        return 0;
    return f->type == FT_NONE || f->type == FT_WRITABLE || pt_level(f->type) != 0;
}

/* The frame of a reference being dropped: it must exist (else a hypervisor bug). */
static struct frame *
pt_frame_held(struct pt_env *env, pfn_t pfn)
{
    struct frame *f = frame_of(env->ft, pfn);

    if (f == NULL)
        panic("pagetype: dropping a reference on pfn %#llx outside the frame table",
              (unsigned long long)pfn);
    return f;
}

int
get_page(struct pt_env *env, pfn_t pfn, uint16_t owner)
{
    struct frame *f = frame_of(env->ft, pfn);

    if (f == NULL)
        return -ENOENT;
    if (!pt_frame_ok(f, owner))
        return -EINVAL;
    if (f->u.use.ref_count >= PT_COUNT_MAX)
        return -EBUSY;
    f->u.use.ref_count++;
    return 0;
}

void
put_page(struct pt_env *env, pfn_t pfn)
{
    struct frame *f = pt_frame_held(env, pfn);

    if (f->u.use.ref_count == 0 || f->u.use.ref_count <= f->u.use.type_count)
        panic("pagetype: put_page on pfn %#llx with ref %u type %u",
              (unsigned long long)pfn, f->u.use.ref_count, f->u.use.type_count);
    f->u.use.ref_count--;
}

/* Drop the references of entries [0, end) of table pfn (a table of 'level'). */
static void
pt_put_entries(struct pt_env *env, pfn_t pfn, int level, unsigned end)
{
    uint64_t *t = env->map_frame(env->ctx, pfn);

    for (unsigned i = 0; i < end; i++)
        if (!pt_hyp_slot(level, i))
            pt_put_entry(env, level, pt_read(&t[i]));
}

/*
 * Take every entry's reference; on failure drop the ones taken (so the
 * frame and everything below are as before) and return the error.
 */
static int
pt_validate(struct pt_env *env, pfn_t pfn, int level, uint16_t owner)
{
    uint64_t *t = env->map_frame(env->ctx, pfn);
    unsigned i;
    int rc = 0;

    for (i = 0; i < PT_ENTRIES; i++) {
        rc = pt_get_entry(env, level, i, pt_read(&t[i]), owner);
        if (rc != 0)
            break;
    }
    if (rc != 0)
        pt_put_entries(env, pfn, level, i);
    return rc;
}

int
get_page_type(struct pt_env *env, pfn_t pfn, enum frame_type type, uint16_t owner)
{
    struct frame *f;
    enum frame_type last;
    int level = pt_level(type), rc;

    if (type != FT_WRITABLE && level == 0)
        return -EINVAL;
    f = frame_of(env->ft, pfn);
    if (f == NULL)
        return -ENOENT;
    if (!pt_frame_ok(f, owner))
        return -EINVAL;
    if (f->u.use.ref_count >= PT_COUNT_MAX || f->u.use.type_count >= PT_COUNT_MAX)
        return -EBUSY;

    if (f->u.use.type_count > 0) {
        if (f->type != type)
            return -EBUSY;      /* in use as something else (or being validated) */
        f->u.use.type_count++;
        f->u.use.ref_count++;
        return 0;
    }

    /*
     * First type reference.  Flush before anything else: another CPU may
     * still have a TLB entry from the old use (a writable mapping of what
     * is about to become a table), and validation must read contents that
     * nobody can change any more.
     */
    last = (enum frame_type)f->type;
    if (last != type && last != FT_NONE && env->flush_tlbs != NULL)
        env->flush_tlbs(env->ctx, owner);

    /* Hold the new type while validating: references back to f are refused. */
    f->type = (uint8_t)type;
    f->u.use.type_count = 1;
    f->u.use.ref_count++;
    if (level != 0) {
        rc = pt_validate(env, pfn, level, owner);
        if (rc != 0) {
            f->u.use.ref_count--;
            f->u.use.type_count = 0;
            f->type = (uint8_t)last;
            return rc;
        }
    }
    return 0;
}

void
put_page_type(struct pt_env *env, pfn_t pfn)
{
    struct frame *f = pt_frame_held(env, pfn);
    int level = pt_level((enum frame_type)f->type);

    if (f->u.use.type_count == 0 || f->u.use.ref_count < f->u.use.type_count)
        panic("pagetype: put_page_type on pfn %#llx with ref %u type %u",
              (unsigned long long)pfn, f->u.use.ref_count, f->u.use.type_count);
    /*
     * Last type reference of a table: drop its entries' references while
     * it still holds its type (nothing below can reference it as one).
     * The type field stays, as the last type it had.
     */
    if (f->u.use.type_count == 1 && level != 0)
        pt_put_entries(env, pfn, level, PT_ENTRIES);
    f->u.use.type_count--;
    f->u.use.ref_count--;
}

int
pt_get_entry(struct pt_env *env, int level, unsigned index, uint64_t entry, uint16_t owner)
{
    pfn_t pfn = pt_entry_pfn(entry);

    if (level < 1 || level > 4 || index >= PT_ENTRIES)
        return -EINVAL;
    if (!(entry & PV_PTE_P))
        return 0;
    if (pt_hyp_slot(level, index))
        return -EINVAL;
    if (entry & ~PT_ALLOWED)
        return -EINVAL;         /* PS (PAT in L1), G, reserved 52..62 */
    if (level == 1)
        return (entry & PV_PTE_W) ? get_page_type(env, pfn, FT_WRITABLE, owner)
                                  : get_page(env, pfn, owner);
    return get_page_type(env, pfn, pt_next_type(level), owner);
}

void
pt_put_entry(struct pt_env *env, int level, uint64_t entry)
{
    pfn_t pfn = pt_entry_pfn(entry);

    if (!(entry & PV_PTE_P))
        return;
    if (level == 1 && !(entry & PV_PTE_W))
        put_page(env, pfn);
    else
        put_page_type(env, pfn);
}

int
pt_mod_entry(struct pt_env *env, pfn_t table, unsigned index, uint64_t entry, uint16_t owner)
{
    struct frame *f;
    uint64_t *t, old;
    int level, rc;

    if (index >= PT_ENTRIES)
        return -EINVAL;
    f = frame_of(env->ft, table);
    if (f == NULL)
        return -ENOENT;
    if (!pt_frame_ok(f, owner))
        return -EINVAL;
    level = pt_level((enum frame_type)f->type);
    if (level == 0 || f->u.use.type_count == 0)
        return -EINVAL;         /* not a validated page table */

    t = env->map_frame(env->ctx, table);
    old = pt_read(&t[index]);
    if (old == entry)
        return 0;
    /* The hypervisor's L4 slots are not the guest's, present or not. */
    if (pt_hyp_slot(level, index))
        return -EINVAL;

    rc = pt_get_entry(env, level, index, entry, owner);
    if (rc != 0)
        return rc;
    pt_write(&t[index], entry);
    if (level == 4 && env->l4_changed != NULL)
        env->l4_changed(env->ctx, table, index);
    pt_put_entry(env, level, old);
    return 0;
}

int
pt_pin(struct pt_env *env, pfn_t pfn, int level, uint16_t owner)
{
    struct frame *f;
    int rc;

    if (level < 1 || level > 4)
        return -EINVAL;
    f = frame_of(env->ft, pfn);
    if (f == NULL)
        return -ENOENT;
    if (!pt_frame_ok(f, owner))
        return -EINVAL;
    if (f->flags & FRAME_F_PINNED)
        return -EINVAL;
    rc = get_page_type(env, pfn, (enum frame_type)(FT_L1 + (level - 1)), owner);
    if (rc != 0)
        return rc;
    f->flags |= FRAME_F_PINNED;
    return 0;
}

int
pt_unpin(struct pt_env *env, pfn_t pfn, uint16_t owner)
{
    struct frame *f = frame_of(env->ft, pfn);

    if (f == NULL)
        return -ENOENT;
    if (!pt_frame_ok(f, owner) || !(f->flags & FRAME_F_PINNED))
        return -EINVAL;
    f->flags &= ~FRAME_F_PINNED;
    put_page_type(env, pfn);
    return 0;
}

uint64_t
pt_relinquish(struct pt_env *env, const uint64_t *pfns, uint64_t n, uint16_t owner)
{
    uint64_t busy = 0;

    for (uint64_t i = 0; i < n; i++) {
        struct frame *f = frame_of(env->ft, pfns[i]);

        if (f != NULL && f->owner == owner && (f->flags & FRAME_F_PINNED))
            pt_unpin(env, pfns[i], owner);
    }
    /* Count afterwards: unpinning a later frame can release an earlier one. */
    for (uint64_t i = 0; i < n; i++) {
        struct frame *f = frame_of(env->ft, pfns[i]);

        /* Only owned frames: a free frame's counts are its free-list links. */
        if (f != NULL && f->owner == owner && f->u.use.ref_count > 0)
            busy++;
    }
    return busy;
}
