/*
 * test_pagetype.c - hyp/mm/pagetype.c: frame types, reference counts and
 * page-table validation for direct paging, over hyp/mm/frame.c.
 *
 * The frame table covers 64 frames from pfn BASE (not 0, so a pfn/offset
 * mix-up shows); each frame's contents live in mem[].  Domain DOM owns
 * most frames; the rest belong to another domain, the hypervisor, the
 * allocator, I/O, boot modules, or are DOM's but of a type no guest may
 * have (descriptor, hypervisor page table, heap).
 *
 * Each case names the hole it checks: most are the classic ones
 * (a writable mapping of a page table, a linear page table, a reference
 * count wrapped by mapping a frame many times, a half-validated table
 * left holding references).  test_random then runs thousands of random
 * updates, pins and unpins and recomputes every count from scratch after
 * each one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <paravane/memory.h>
#include "unit.h"
#include "errno.h"
#include "frame.h"
#include "pagetype.h"
#include "panic.h"

#define BASE    0x100u
#define NF      64u
#define COUNT_MAX 0x7fffffffu      /* the limit pagetype.c promises not to pass */

#define DOM     1u
#define OTHER   2u

/* Frames that are not DOM's ordinary frames. */
#define F_OTHER   (BASE + 48)   /* 48..55: OTHER's */
#define F_HYP     (BASE + 56)
#define F_FREE    (BASE + 57)
#define F_IO      (BASE + 58)
#define F_DESC    (BASE + 59)   /* DOM's, but FT_DESC */
#define F_HYPPT   (BASE + 60)   /* DOM's, but FT_HYP_PT */
#define F_HEAP    (BASE + 61)   /* DOM's, but FT_HEAP */
#define F_BOOT    (BASE + 62)   /* 62..63 */
#define F_PAST    (BASE + NF)   /* past the table */
#define F_BELOW   (BASE - 1)    /* below it */
#define NDOM      48u           /* DOM owns BASE .. BASE+47 */

#define P   PV_PTE_P
#define W   PV_PTE_W
#define U   PV_PTE_U

static struct frame store[NF];
static uint64_t mem[NF][PT_ENTRIES];
static struct frame_table ft;
static struct pt_env env;

static int flushes;
static uint16_t flush_owner;
static uint32_t flush_seen_ref;     /* ref_count of 'flush_watch' when flush_tlbs ran */
static pfn_t flush_watch;
static int l4_calls;
static pfn_t l4_table;
static unsigned l4_index;
static uint64_t l4_seen_entry;      /* the slot's value when l4_changed ran */
static void (*flush_hook)(void);    /* extra work in flush_tlbs (test_random) */

static uint64_t *
M(pfn_t pfn)
{
    if (pfn - BASE >= NF) {
        fprintf(stderr, "mem of pfn %#llx: outside the table\n", (unsigned long long)pfn);
        abort();
    }
    return mem[pfn - BASE];
}

static struct frame *
F(pfn_t pfn)
{
    struct frame *f = frame_of(&ft, pfn);

    if (f == NULL) {
        fprintf(stderr, "frame of pfn %#llx: outside the table\n", (unsigned long long)pfn);
        abort();
    }
    return f;
}

static uint64_t
E(pfn_t pfn, uint64_t flags)
{
    return ((uint64_t)pfn << PAGE_SHIFT) | flags;
}

static uint64_t *
fake_map_frame(void *ctx, pfn_t pfn)
{
    CHECK(ctx == &env);
    /* pagetype.c must only map frames it has checked are in the table. */
    return M(pfn);
}

static void
fake_flush_tlbs(void *ctx, uint16_t owner)
{
    CHECK(ctx == &env);
    flushes++;
    flush_owner = owner;
    if (flush_watch != 0)
        flush_seen_ref = F(flush_watch)->u.use.ref_count;
    if (flush_hook != NULL)
        flush_hook();
}

static void
fake_l4_changed(void *ctx, pfn_t l4, unsigned index)
{
    CHECK(ctx == &env);
    l4_calls++;
    l4_table = l4;
    l4_index = index;
    l4_seen_entry = M(l4)[index];
}

/* panic() for the unit test: a case may expect one (panic_armed), otherwise abort. */
static jmp_buf panic_jmp;
static volatile int panic_armed, panic_calls;

void
panic(const char *fmt, ...)
{
    va_list ap;

    panic_calls++;
    if (panic_armed) {
        panic_armed = 0;
        longjmp(panic_jmp, 1);
    }
    va_start(ap, fmt);
    fprintf(stderr, "unexpected panic: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    abort();
}

/* A fresh world: every case starts here. */
static void
setup(void)
{
    frame_table_init(&ft, store, BASE, NF);
    frame_set_range(&ft, BASE, BASE + NDOM, DOM, FT_NONE);
    frame_set_range(&ft, F_OTHER, F_OTHER + 8, OTHER, FT_NONE);
    frame_set_range(&ft, F_HYP, F_HYP + 1, DOMID_HYP, FT_HEAP);
    frame_set_range(&ft, F_FREE, F_FREE + 1, DOMID_FREE, FT_NONE);
    /* F_IO stays DOMID_IO from frame_table_init. */
    frame_set_range(&ft, F_DESC, F_DESC + 1, DOM, FT_DESC);
    frame_set_range(&ft, F_HYPPT, F_HYPPT + 1, DOM, FT_HYP_PT);
    frame_set_range(&ft, F_HEAP, F_HEAP + 1, DOM, FT_HEAP);
    frame_set_range(&ft, F_BOOT, F_BOOT + 2, DOMID_BOOT, FT_NONE);
    memset(mem, 0, sizeof(mem));
    env.ft = &ft;
    env.map_frame = fake_map_frame;
    env.flush_tlbs = fake_flush_tlbs;
    env.l4_changed = fake_l4_changed;
    env.ctx = &env;
    flushes = 0;
    flush_owner = 0xFFFF;
    flush_watch = 0;
    flush_seen_ref = 0;
    flush_hook = NULL;
    l4_calls = 0;
    l4_table = 0;
    l4_index = 0;
    panic_armed = 0;
    panic_calls = 0;
}

#define CHECK_COUNTS(pfn, tc, rc) do { \
        CHECK_EQ(F(pfn)->u.use.type_count, (tc)); \
        CHECK_EQ(F(pfn)->u.use.ref_count, (rc)); \
    } while (0)

/* Every frame's counts and flags, and all memory, to compare with later. */
static struct frame snap_frames[NF];
static uint64_t snap_mem[NF][PT_ENTRIES];

static void
snapshot(void)
{
    memcpy(snap_frames, store, sizeof(store));
    memcpy(snap_mem, mem, sizeof(mem));
}

/* Counts, flags and memory unchanged since snapshot() (types may differ: the last type). */
static int
unchanged(const char *file, int line)
{
    for (unsigned i = 0; i < NF; i++) {
        struct frame *a = &snap_frames[i], *b = &store[i];

        if (a->owner != b->owner || a->flags != b->flags ||
            a->u.use.type_count != b->u.use.type_count ||
            a->u.use.ref_count != b->u.use.ref_count) {
            unit_fail(file, line, "frame %#x: owner %u flags %u counts %u/%u, was %u %u %u/%u",
                      BASE + i, b->owner, b->flags, b->u.use.type_count, b->u.use.ref_count,
                      a->owner, a->flags, a->u.use.type_count, a->u.use.ref_count);
            return 0;
        }
        if (a->u.use.type_count > 0 && a->type != b->type) {
            unit_fail(file, line, "frame %#x in use changed type %u -> %u", BASE + i,
                      a->type, b->type);
            return 0;
        }
    }
    if (memcmp(snap_mem, mem, sizeof(mem)) != 0) {
        unit_fail(file, line, "memory changed");
        return 0;
    }
    return 1;
}
#define CHECK_UNCHANGED() unchanged(__FILE__, __LINE__)

/* Every frame of the table has counts 0 and no pin. */
static int
all_zero(const char *file, int line)
{
    for (unsigned i = 0; i < NF; i++) {
        struct frame *f = &store[i];

        if (f->owner == DOMID_FREE)
            continue;       /* its counts are free-list links */
        if (f->u.use.type_count != 0 || f->u.use.ref_count != 0 || (f->flags & FRAME_F_PINNED)) {
            unit_fail(file, line, "frame %#x: counts %u/%u flags %u", BASE + i,
                      f->u.use.type_count, f->u.use.ref_count, f->flags);
            return 0;
        }
    }
    return 1;
}
#define CHECK_ALL_ZERO() all_zero(__FILE__, __LINE__)

/*
 * The standard hierarchy: L4 -> L3 -> L2 -> L1 -> a writable data frame
 * and a read-only one, at assorted slots.
 */
#define H_L4    (BASE + 0)
#define H_L3    (BASE + 1)
#define H_L2    (BASE + 2)
#define H_L1    (BASE + 3)
#define H_DW    (BASE + 4)
#define H_DR    (BASE + 5)

static void
build_hierarchy(void)
{
    M(H_L4)[0] = E(H_L3, P | W | U);
    M(H_L4)[255] = 0xfffffffffffff000ull;   /* not present: anything goes */
    M(H_L4)[272] = E(H_L3, P | U);            /* the same L3 again, past the hypervisor's slots */
    M(H_L3)[5] = E(H_L2, P | W);
    M(H_L2)[7] = E(H_L1, P | W | U | PV_PTE_A);
    M(H_L1)[0] = E(H_DW, P | W | U | PV_PTE_A | PV_PTE_D | PV_PTE_NX);
    M(H_L1)[1] = E(H_DR, P | U | PV_PTE_AVAIL | PV_PTE_PCD | PV_PTE_PWT);
}

/* ---------------------------------------------------------------- */

static void
test_pt_level(void)
{
    CHECK_EQ(pt_level(FT_NONE), 0);
    CHECK_EQ(pt_level(FT_WRITABLE), 0);
    CHECK_EQ(pt_level(FT_L1), 1);
    CHECK_EQ(pt_level(FT_L2), 2);
    CHECK_EQ(pt_level(FT_L3), 3);
    CHECK_EQ(pt_level(FT_L4), 4);
    CHECK_EQ(pt_level(FT_DESC), 0);
    CHECK_EQ(pt_level(FT_HYP_PT), 0);
    CHECK_EQ(pt_level(FT_HEAP), 0);
}

/* Plain references: only a real domain, only its own frames, only guest types. */
static void
test_get_page_rules(void)
{
    setup();
    CHECK_EQ(get_page(&env, BASE + 7, DOM), 0);
    CHECK_COUNTS(BASE + 7, 0, 1);
    CHECK_EQ(get_page(&env, BASE + 7, DOM), 0);
    CHECK_COUNTS(BASE + 7, 0, 2);
    put_page(&env, BASE + 7);
    put_page(&env, BASE + 7);
    CHECK_COUNTS(BASE + 7, 0, 0);

    snapshot();
    CHECK_EQ(get_page(&env, F_OTHER, DOM), -EINVAL);
    CHECK_EQ(get_page(&env, F_HYP, DOM), -EINVAL);
    CHECK_EQ(get_page(&env, F_FREE, DOM), -EINVAL);
    CHECK_EQ(get_page(&env, F_IO, DOM), -EINVAL);
    CHECK_EQ(get_page(&env, F_BOOT, DOM), -EINVAL);
    CHECK_EQ(get_page(&env, F_DESC, DOM), -EINVAL);
    CHECK_EQ(get_page(&env, F_HYPPT, DOM), -EINVAL);
    CHECK_EQ(get_page(&env, F_HEAP, DOM), -EINVAL);
    CHECK_EQ(get_page(&env, F_PAST, DOM), -ENOENT);
    CHECK_EQ(get_page(&env, F_BELOW, DOM), -ENOENT);
    CHECK_EQ(get_page(&env, (pfn_t)-1, DOM), -ENOENT);
    /* Reserved owners are never "the owner", even of their own frames. */
    CHECK_EQ(get_page(&env, F_HYP, DOMID_HYP), -EINVAL);
    CHECK_EQ(get_page(&env, F_FREE, DOMID_FREE), -EINVAL);
    CHECK_EQ(get_page(&env, F_IO, DOMID_IO), -EINVAL);
    CHECK_EQ(get_page(&env, F_BOOT, DOMID_BOOT), -EINVAL);
    /* The same refusals for type references. */
    CHECK_EQ(get_page_type(&env, F_OTHER, FT_WRITABLE, DOM), -EINVAL);
    CHECK_EQ(get_page_type(&env, F_HYP, FT_WRITABLE, DOMID_HYP), -EINVAL);
    CHECK_EQ(get_page_type(&env, F_FREE, FT_L1, DOM), -EINVAL);
    CHECK_EQ(get_page_type(&env, F_DESC, FT_WRITABLE, DOM), -EINVAL);
    CHECK_EQ(get_page_type(&env, F_HYPPT, FT_L4, DOM), -EINVAL);
    CHECK_EQ(get_page_type(&env, F_HEAP, FT_WRITABLE, DOM), -EINVAL);
    CHECK_EQ(get_page_type(&env, F_PAST, FT_WRITABLE, DOM), -ENOENT);
    /* Only writable and L1..L4 can be asked for. */
    CHECK_EQ(get_page_type(&env, BASE + 7, FT_NONE, DOM), -EINVAL);
    CHECK_EQ(get_page_type(&env, BASE + 7, FT_DESC, DOM), -EINVAL);
    CHECK_EQ(get_page_type(&env, BASE + 7, FT_HYP_PT, DOM), -EINVAL);
    CHECK_EQ(get_page_type(&env, BASE + 7, FT_HEAP, DOM), -EINVAL);
    CHECK_EQ(get_page_type(&env, BASE + 7, (enum frame_type)200, DOM), -EINVAL);
    CHECK_UNCHANGED();
    CHECK_EQ(flushes, 0);
}

/* Writable type references count, and exclude every other type. */
static void
test_writable_type(void)
{
    setup();
    CHECK_EQ(get_page_type(&env, BASE + 9, FT_WRITABLE, DOM), 0);
    CHECK_EQ(get_page_type(&env, BASE + 9, FT_WRITABLE, DOM), 0);
    CHECK_EQ(F(BASE + 9)->type, FT_WRITABLE);
    CHECK_COUNTS(BASE + 9, 2, 2);
    CHECK_EQ(get_page(&env, BASE + 9, DOM), 0);
    CHECK_COUNTS(BASE + 9, 2, 3);
    for (int l = 1; l <= 4; l++)
        CHECK_EQ(pt_pin(&env, BASE + 9, l, DOM), -EBUSY);
    CHECK_EQ(get_page_type(&env, BASE + 9, FT_L2, DOM), -EBUSY);
    CHECK_COUNTS(BASE + 9, 2, 3);
    CHECK_EQ(F(BASE + 9)->flags, 0);
    put_page_type(&env, BASE + 9);
    put_page_type(&env, BASE + 9);
    CHECK_COUNTS(BASE + 9, 0, 1);
    CHECK_EQ(F(BASE + 9)->type, FT_WRITABLE);   /* remembered as the last type */
    put_page(&env, BASE + 9);
    CHECK_ALL_ZERO();
}

/* A 4-level hierarchy validates from its L4, each table once, and tears down to nothing. */
static void
test_validate_hierarchy(void)
{
    setup();
    build_hierarchy();
    snapshot();
    CHECK_EQ(pt_pin(&env, H_L4, 4, DOM), 0);
    CHECK_EQ(F(H_L4)->type, FT_L4);
    CHECK_EQ(F(H_L3)->type, FT_L3);
    CHECK_EQ(F(H_L2)->type, FT_L2);
    CHECK_EQ(F(H_L1)->type, FT_L1);
    CHECK_EQ(F(H_DW)->type, FT_WRITABLE);
    CHECK_EQ(F(H_DR)->type, FT_NONE);
    CHECK_EQ(F(H_L4)->flags, FRAME_F_PINNED);
    CHECK_EQ(F(H_L3)->flags, 0);
    CHECK_COUNTS(H_L4, 1, 1);       /* the pin */
    CHECK_COUNTS(H_L3, 2, 2);       /* L4 slots 0 and 272 */
    CHECK_COUNTS(H_L2, 1, 1);
    CHECK_COUNTS(H_L1, 1, 1);
    CHECK_COUNTS(H_DW, 1, 1);
    CHECK_COUNTS(H_DR, 0, 1);
    for (pfn_t p = BASE + 6; p < BASE + NF; p++)
        if (p != F_FREE)
            CHECK_COUNTS(p, 0, 0);
    CHECK_EQ(flushes, 0);           /* first use of every frame */
    CHECK(memcmp(snap_mem, mem, sizeof(mem)) == 0);     /* validation writes nothing */

    CHECK_EQ(pt_unpin(&env, H_L4, DOM), 0);
    CHECK_ALL_ZERO();
    /* The last types are remembered. */
    CHECK_EQ(F(H_L4)->type, FT_L4);
    CHECK_EQ(F(H_L1)->type, FT_L1);
    CHECK_EQ(F(H_DW)->type, FT_WRITABLE);
    CHECK(memcmp(snap_mem, mem, sizeof(mem)) == 0);

    /* Again, and this time pin the L1 first: the L2 then shares it. */
    CHECK_EQ(pt_pin(&env, H_L1, 1, DOM), 0);
    CHECK_EQ(pt_pin(&env, H_L4, 4, DOM), 0);
    CHECK_COUNTS(H_L1, 2, 2);
    CHECK_COUNTS(H_DW, 1, 1);       /* validated once, not twice */
    CHECK_COUNTS(H_DR, 0, 1);
    CHECK_EQ(pt_unpin(&env, H_L4, DOM), 0);
    CHECK_COUNTS(H_L1, 1, 1);
    CHECK_COUNTS(H_L2, 0, 0);
    CHECK_COUNTS(H_DW, 1, 1);
    CHECK_EQ(pt_unpin(&env, H_L1, DOM), 0);
    CHECK_ALL_ZERO();
    CHECK_EQ(flushes, 0);           /* same types as before: nothing stale */
}

/* XSA-style: a validated table can never also be writable. */
static void
test_no_writable_mapping_of_tables(void)
{
    setup();
    build_hierarchy();
    REQUIRE(pt_pin(&env, H_L4, 4, DOM) == 0);
    /* Directly, and through an L1 entry. */
    CHECK_EQ(get_page_type(&env, H_L1, FT_WRITABLE, DOM), -EBUSY);
    CHECK_EQ(get_page_type(&env, H_L4, FT_WRITABLE, DOM), -EBUSY);
    snapshot();
    CHECK_EQ(pt_mod_entry(&env, H_L1, 2, E(H_L1, P | W), DOM), -EBUSY);   /* the L1 itself */
    CHECK_EQ(pt_mod_entry(&env, H_L1, 2, E(H_L2, P | W), DOM), -EBUSY);
    CHECK_EQ(pt_mod_entry(&env, H_L1, 2, E(H_L3, P | W), DOM), -EBUSY);
    CHECK_EQ(pt_mod_entry(&env, H_L1, 2, E(H_L4, P | W), DOM), -EBUSY);
    /* Nor turn the existing read-only mapping writable in place. */
    CHECK_EQ(pt_mod_entry(&env, H_L1, 1, E(H_DR, P | W), DOM), 0);    /* data: fine */
    CHECK_EQ(pt_mod_entry(&env, H_L1, 1, E(H_DR, P | U | PV_PTE_AVAIL | PV_PTE_PCD | PV_PTE_PWT), DOM), 0);
    CHECK_UNCHANGED();
    /* Read-only mappings of page tables are how a guest reads them. */
    CHECK_EQ(pt_mod_entry(&env, H_L1, 2, E(H_L1, P), DOM), 0);
    CHECK_EQ(pt_mod_entry(&env, H_L1, 3, E(H_L2, P | U), DOM), 0);
    CHECK_EQ(pt_mod_entry(&env, H_L1, 4, E(H_L3, P), DOM), 0);
    CHECK_EQ(pt_mod_entry(&env, H_L1, 5, E(H_L4, P | PV_PTE_NX), DOM), 0);
    CHECK_COUNTS(H_L1, 1, 2);
    CHECK_COUNTS(H_L2, 1, 2);
    CHECK_COUNTS(H_L3, 2, 3);
    CHECK_COUNTS(H_L4, 1, 2);
    /* And a read-only mapping does not stop a type change later. */
    CHECK_EQ(pt_unpin(&env, H_L4, DOM), 0);
    CHECK_ALL_ZERO();
}

/* The other way round: a frame mapped writable cannot become a table. */
static void
test_no_table_of_writable_frame(void)
{
    setup();
    pfn_t l1 = BASE + 10, data = BASE + 11, l2 = BASE + 12;

    M(l1)[0] = E(data, P | W);
    REQUIRE(pt_pin(&env, l1, 1, DOM) == 0);
    CHECK_COUNTS(data, 1, 1);
    snapshot();
    CHECK_EQ(pt_pin(&env, data, 1, DOM), -EBUSY);
    CHECK_EQ(pt_pin(&env, data, 2, DOM), -EBUSY);
    CHECK_EQ(get_page_type(&env, data, FT_L1, DOM), -EBUSY);
    /* Nor through an L2 entry. */
    M(l2)[3] = E(data, P);
    CHECK_EQ(pt_pin(&env, l2, 2, DOM), -EBUSY);
    M(l2)[3] = 0;
    REQUIRE(pt_pin(&env, l2, 2, DOM) == 0);
    CHECK_EQ(pt_mod_entry(&env, l2, 3, E(data, P | W), DOM), -EBUSY);
    CHECK_EQ(M(l2)[3], 0);
    CHECK_EQ(pt_unpin(&env, l2, DOM), 0);
    CHECK_UNCHANGED();
    /* Once the writable mapping goes, it may (after a flush). */
    CHECK_EQ(pt_mod_entry(&env, l1, 0, 0, DOM), 0);
    CHECK_COUNTS(data, 0, 0);
    CHECK_EQ(flushes, 0);
    CHECK_EQ(pt_pin(&env, data, 1, DOM), 0);
    CHECK_EQ(flushes, 1);
    CHECK_EQ(pt_unpin(&env, data, DOM), 0);
    CHECK_EQ(pt_unpin(&env, l1, DOM), 0);
    CHECK_ALL_ZERO();
}

/* Entries naming frames the domain does not own, or no frame at all. */
static void
test_foreign_targets(void)
{
    static const struct { pfn_t pfn; int err; } bad[] = {
        { F_OTHER, -EINVAL }, { F_HYP, -EINVAL }, { F_FREE, -EINVAL }, { F_IO, -EINVAL },
        { F_BOOT, -EINVAL }, { F_DESC, -EINVAL }, { F_HYPPT, -EINVAL }, { F_HEAP, -EINVAL },
        { F_PAST, -ENOENT }, { F_BELOW, -ENOENT }, { 0xffffffffffull, -ENOENT },
        /* Address bits 48..51 are part of the frame number, not to be dropped. */
        { BASE + (1ull << 36), -ENOENT }, { BASE + (1ull << 39), -ENOENT },
    };

    setup();
    pfn_t l1 = BASE + 10, l2 = BASE + 12;

    M(l1)[0] = E(BASE + 11, P | W);     /* a good entry first: it must be rolled back */
    for (unsigned i = 0; i < UNIT_COUNT(bad); i++) {
        for (int wr = 0; wr < 2; wr++) {
            M(l1)[9] = E(bad[i].pfn, P | (wr ? W : 0));
            snapshot();
            CHECK_EQ(pt_pin(&env, l1, 1, DOM), bad[i].err);
            CHECK_UNCHANGED();
        }
        M(l2)[1] = E(bad[i].pfn, P | W);
        CHECK_EQ(pt_pin(&env, l2, 2, DOM), bad[i].err);
        M(l2)[1] = 0;
    }
    CHECK_ALL_ZERO();

    /* The same through pt_mod_entry into validated tables. */
    M(l1)[9] = 0;
    REQUIRE(pt_pin(&env, l1, 1, DOM) == 0);
    REQUIRE(pt_pin(&env, l2, 2, DOM) == 0);
    for (unsigned i = 0; i < UNIT_COUNT(bad); i++) {
        snapshot();
        CHECK_EQ(pt_mod_entry(&env, l1, 4, E(bad[i].pfn, P), DOM), bad[i].err);
        CHECK_EQ(pt_mod_entry(&env, l1, 4, E(bad[i].pfn, P | W), DOM), bad[i].err);
        CHECK_EQ(pt_mod_entry(&env, l2, 4, E(bad[i].pfn, P), DOM), bad[i].err);
        CHECK_UNCHANGED();
    }
    /* OTHER cannot touch DOM's tables, nor pin or unpin DOM's frames. */
    snapshot();
    CHECK_EQ(pt_mod_entry(&env, l1, 4, 0x1234, OTHER), -EINVAL);
    CHECK_EQ(pt_mod_entry(&env, l1, 4, E(F_OTHER, P), OTHER), -EINVAL);
    CHECK_EQ(pt_pin(&env, BASE + 20, 1, OTHER), -EINVAL);
    CHECK_EQ(pt_unpin(&env, l1, OTHER), -EINVAL);
    CHECK_EQ(pt_unpin(&env, l1, DOMID_HYP), -EINVAL);
    CHECK_UNCHANGED();
    CHECK_EQ(pt_unpin(&env, l1, DOM), 0);
    CHECK_EQ(pt_unpin(&env, l2, DOM), 0);
    CHECK_ALL_ZERO();
}

/* One entry at one level, through pt_get_entry and (for a table) a pin. */
static int
try_entry(int level, unsigned index, uint64_t e)
{
    pfn_t t = BASE + 30;
    int rc, rc2;

    memset(M(t), 0, sizeof(mem[0]));
    M(t)[index] = e;
    rc = pt_pin(&env, t, level, DOM);
    if (rc == 0)
        pt_unpin(&env, t, DOM);
    M(t)[index] = 0;
    rc2 = pt_get_entry(&env, level, index, e, DOM);
    if (rc2 == 0)
        pt_put_entry(&env, level, e);
    return rc == rc2 ? rc : -1000;
}

/* Superpages, global pages and reserved bits are refused at every level where they mean anything. */
static void
test_entry_bits(void)
{
    setup();
    /* Targets that are fine at each level: a data frame for L1, and empty tables above. */
    pfn_t tgt = BASE + 31;

    for (int level = 1; level <= 4; level++) {
        CHECK_EQ(try_entry(level, 0, E(tgt, P | W | U | PV_PTE_A | PV_PTE_D)), 0);
        CHECK_EQ(try_entry(level, 0, E(tgt, P | PV_PTE_NX | PV_PTE_AVAIL | PV_PTE_PCD | PV_PTE_PWT)), 0);
        CHECK_EQ(try_entry(level, 0, E(tgt, P | PV_PTE_PS)), -EINVAL);    /* PS; PAT in an L1 */
        CHECK_EQ(try_entry(level, 0, E(tgt, P | PV_PTE_G)), -EINVAL);
        CHECK_EQ(try_entry(level, 0, E(tgt, P | W | PV_PTE_G)), -EINVAL);
        for (int bit = 52; bit <= 62; bit++)
            CHECK_EQ(try_entry(level, 0, E(tgt, P) | (1ull << bit)), -EINVAL);
        /* Not present: nothing is checked and nothing taken. */
        CHECK_EQ(try_entry(level, 0, 0xfffffffffffffffeull), 0);
        CHECK_EQ(try_entry(level, 0, E(F_HYP, W | PV_PTE_PS | PV_PTE_G)), 0);
        CHECK_ALL_ZERO();
    }
    CHECK_EQ(pt_get_entry(&env, 0, 0, E(tgt, P), DOM), -EINVAL);
    CHECK_EQ(pt_get_entry(&env, 5, 0, E(tgt, P), DOM), -EINVAL);
    CHECK_EQ(pt_get_entry(&env, 1, PT_ENTRIES, E(tgt, P), DOM), -EINVAL);
    CHECK_ALL_ZERO();
}

/* The hypervisor's L4 slots 256..271 stay empty. */
static void
test_l4_hypervisor_slots(void)
{
    setup();
    pfn_t l3 = BASE + 32;

    CHECK_EQ(try_entry(4, 255, E(l3, P)), 0);
    CHECK_EQ(try_entry(4, 256, E(l3, P)), -EINVAL);
    CHECK_EQ(try_entry(4, 263, E(l3, P | W | U)), -EINVAL);
    CHECK_EQ(try_entry(4, 271, E(l3, P)), -EINVAL);
    CHECK_EQ(try_entry(4, 272, E(l3, P)), 0);
    CHECK_EQ(try_entry(4, 256, E(l3, 0)), 0);           /* not present */
    /* Only L4s have them. */
    CHECK_EQ(try_entry(3, 256, E(l3 + 1, P)), 0);
    CHECK_EQ(try_entry(1, 260, E(l3, P | W)), 0);
    CHECK_ALL_ZERO();

    /* pt_mod_entry may not write them at all, present or not. */
    pfn_t l4 = BASE + 33;
    REQUIRE(pt_pin(&env, l4, 4, DOM) == 0);
    snapshot();
    CHECK_EQ(pt_mod_entry(&env, l4, 256, E(l3, P), DOM), -EINVAL);
    CHECK_EQ(pt_mod_entry(&env, l4, 271, E(l3, P | W), DOM), -EINVAL);
    CHECK_EQ(pt_mod_entry(&env, l4, 260, 0xdead000, DOM), -EINVAL);
    CHECK_EQ(pt_mod_entry(&env, l4, 260, 0, DOM), 0);   /* no change */
    CHECK_UNCHANGED();
    CHECK_EQ(l4_calls, 0);
    CHECK_EQ(pt_mod_entry(&env, l4, 272, E(l3, P), DOM), 0);
    CHECK_EQ(pt_mod_entry(&env, l4, 255, E(l3, P), DOM), 0);
    CHECK_COUNTS(l3, 2, 2);
    /*
     * Should the hypervisor put its own entries into those slots of a
     * validated L4, devalidation must not drop references they never took.
     */
    M(l4)[256] = E(BASE + 34, P | W);
    M(l4)[271] = E(l3, P | W);
    CHECK_EQ(pt_unpin(&env, l4, DOM), 0);
    CHECK_ALL_ZERO();
}

/* No linear page tables: no table references itself or a table of its own level. */
static void
test_no_self_or_same_level(void)
{
    setup();
    pfn_t a = BASE + 34, b = BASE + 35;

    /* An L4 entry pointing at the L4 itself (it would be used as an L3). */
    for (int level = 2; level <= 4; level++) {
        memset(M(a), 0, sizeof(mem[0]));
        M(a)[0] = E(BASE + 36, P);      /* a good entry first */
        M(a)[1] = E(a, P | W);
        snapshot();
        CHECK_EQ(pt_pin(&env, a, level, DOM), -EBUSY);
        CHECK_UNCHANGED();
        CHECK_EQ(F(a)->type, FT_NONE);  /* not left typed either */
    }
    /* The same via pt_mod_entry into a validated table. */
    for (int level = 2; level <= 4; level++) {
        memset(M(a), 0, sizeof(mem[0]));
        REQUIRE(pt_pin(&env, a, level, DOM) == 0);
        snapshot();
        CHECK_EQ(pt_mod_entry(&env, a, 1, E(a, P), DOM), -EBUSY);
        CHECK_EQ(pt_mod_entry(&env, a, 1, E(a, P | W | U), DOM), -EBUSY);
        CHECK_UNCHANGED();
        CHECK_EQ(pt_unpin(&env, a, DOM), 0);
    }
    /* Same level: L3 -> L3 (b pinned as L3, so a wants an L2 of it and is refused), L4 -> L4, L2 -> L2. */
    memset(M(a), 0, sizeof(mem[0]));
    for (int level = 2; level <= 4; level++) {
        REQUIRE(pt_pin(&env, b, level, DOM) == 0);
        M(a)[8] = E(b, P);
        snapshot();
        CHECK_EQ(pt_pin(&env, a, level, DOM), -EBUSY);
        CHECK_UNCHANGED();
        M(a)[8] = 0;
        REQUIRE(pt_pin(&env, a, level, DOM) == 0);
        CHECK_EQ(pt_mod_entry(&env, a, 8, E(b, P), DOM), -EBUSY);
        /* Nor an upward reference (an L2 naming an L3). */
        if (level < 4) {
            CHECK_EQ(pt_unpin(&env, b, DOM), 0);
            REQUIRE(pt_pin(&env, b, level + 1, DOM) == 0);
            CHECK_EQ(pt_mod_entry(&env, a, 8, E(b, P), DOM), -EBUSY);
        }
        CHECK_EQ(pt_unpin(&env, a, DOM), 0);
        CHECK_EQ(pt_unpin(&env, b, DOM), 0);
    }
    /* A two-table loop: b (L3) -> a (as L2) -> b (as L1): refused, b is being validated as L3. */
    memset(M(a), 0, sizeof(mem[0]));
    memset(M(b), 0, sizeof(mem[0]));
    M(b)[0] = E(a, P);
    M(a)[0] = E(b, P);
    snapshot();
    CHECK_EQ(pt_pin(&env, b, 3, DOM), -EBUSY);
    CHECK_UNCHANGED();
    /* An L1 may map itself read-only, not writable. */
    memset(M(a), 0, sizeof(mem[0]));
    M(a)[0] = E(a, P);
    CHECK_EQ(pt_pin(&env, a, 1, DOM), 0);
    CHECK_COUNTS(a, 1, 2);
    CHECK_EQ(pt_unpin(&env, a, DOM), 0);
    M(a)[0] = E(a, P | W);
    CHECK_EQ(pt_pin(&env, a, 1, DOM), -EBUSY);
    CHECK_ALL_ZERO();
}

/* One L1 in two slots of an L2 is validated once and counted twice. */
static void
test_l1_twice(void)
{
    setup();
    pfn_t l2 = BASE + 12, l1 = BASE + 13, d = BASE + 14;

    M(l1)[0] = E(d, P | W);
    M(l2)[0] = E(l1, P);
    M(l2)[511] = E(l1, P | W | U);
    REQUIRE(pt_pin(&env, l2, 2, DOM) == 0);
    CHECK_COUNTS(l1, 2, 2);
    CHECK_COUNTS(d, 1, 1);
    CHECK_EQ(pt_mod_entry(&env, l2, 0, 0, DOM), 0);
    CHECK_COUNTS(l1, 1, 1);
    CHECK_COUNTS(d, 1, 1);
    CHECK_EQ(pt_mod_entry(&env, l2, 511, 0, DOM), 0);
    CHECK_COUNTS(l1, 0, 0);
    CHECK_COUNTS(d, 0, 0);          /* devalidated with its last reference */
    CHECK_EQ(pt_unpin(&env, l2, DOM), 0);
    CHECK_ALL_ZERO();
}

/*
 * A failure deep inside a big validation undoes everything: three
 * subtrees validate, the fourth fails at its L1's entry 300.
 */
static void
build_failing_tree(pfn_t l4)
{
    pfn_t l3 = BASE + 41, l2a = BASE + 42, l2b = BASE + 43, l1a = BASE + 44, l1b = BASE + 45;

    M(l1a)[0] = E(BASE + 46, P | W);
    M(l1a)[1] = E(BASE + 47, P);
    M(l1a)[2] = E(l1a, P);              /* itself, read-only */
    M(l2a)[0] = E(l1a, P);
    M(l2a)[1] = E(l1a, P);
    M(l3)[0] = E(l2a, P);
    M(l3)[1] = E(l2b, P);
    M(l2b)[0] = E(l1a, P);
    M(l2b)[1] = E(l1b, P);
    for (unsigned i = 0; i < 300; i++)
        M(l1b)[i] = E(BASE + 46 + (i & 1), P | (i & 1 ? 0 : W));
    M(l1b)[300] = E(F_OTHER, P);        /* the bad one */
    M(l1b)[301] = E(BASE + 47, P);
    M(l4)[0] = E(l3, P);
    M(l4)[1] = E(l3, P);
}

static void
test_partial_failure_rolls_back(void)
{
    setup();
    pfn_t l4 = BASE + 40;

    build_failing_tree(l4);
    /* Something already holding references, which must survive untouched. */
    REQUIRE(get_page(&env, BASE + 47, DOM) == 0);
    REQUIRE(get_page_type(&env, BASE + 46, FT_WRITABLE, DOM) == 0);
    REQUIRE(pt_pin(&env, BASE + 44, 1, DOM) == 0);
    snapshot();
    CHECK_EQ(pt_pin(&env, l4, 4, DOM), -EINVAL);
    CHECK_UNCHANGED();
    CHECK_EQ(F(l4)->flags, 0);
    CHECK_EQ(F(l4)->type, FT_NONE);

    /* The same tree hung into a validated L4 by pt_mod_entry. */
    pfn_t root = BASE + 39;
    REQUIRE(pt_pin(&env, root, 4, DOM) == 0);
    snapshot();
    CHECK_EQ(pt_mod_entry(&env, root, 3, E(BASE + 41, P), DOM), -EINVAL);
    CHECK_UNCHANGED();
    CHECK_EQ(l4_calls, 0);

    /* Fix the bad entry: now it all validates, and comes apart again. */
    M(BASE + 45)[300] = 0;
    CHECK_EQ(pt_mod_entry(&env, root, 3, E(BASE + 41, P), DOM), 0);
    CHECK_COUNTS(BASE + 41, 1, 1);
    CHECK_COUNTS(BASE + 44, 4, 5);      /* pin, l2a x2, l2b; + its own read-only map */
    CHECK_EQ(pt_unpin(&env, root, DOM), 0);
    CHECK_EQ(pt_unpin(&env, BASE + 44, DOM), 0);
    put_page(&env, BASE + 47);
    put_page_type(&env, BASE + 46);
    CHECK_ALL_ZERO();
}

/* A frame keeps its last type through a failed validation (no needless flush later). */
static void
test_failed_validation_keeps_last_type(void)
{
    setup();
    pfn_t t = BASE + 15;

    REQUIRE(get_page_type(&env, t, FT_WRITABLE, DOM) == 0);
    put_page_type(&env, t);
    M(t)[0] = E(F_HYP, P);
    CHECK_EQ(pt_pin(&env, t, 1, DOM), -EINVAL);
    CHECK_EQ(flushes, 1);               /* writable -> L1 was attempted */
    CHECK_EQ(F(t)->type, FT_WRITABLE);
    CHECK_EQ(get_page_type(&env, t, FT_WRITABLE, DOM), 0);
    CHECK_EQ(flushes, 1);
    put_page_type(&env, t);
    CHECK_ALL_ZERO();
}

static void
test_pin_unpin(void)
{
    setup();
    pfn_t t = BASE + 16;

    CHECK_EQ(pt_pin(&env, t, 2, DOM), 0);
    CHECK_EQ(F(t)->flags, FRAME_F_PINNED);
    CHECK_COUNTS(t, 1, 1);
    snapshot();
    CHECK_EQ(pt_pin(&env, t, 2, DOM), -EINVAL);         /* already pinned */
    CHECK_EQ(pt_pin(&env, t, 3, DOM), -EINVAL);
    CHECK_UNCHANGED();
    /* It can also be used as an L2 by others; unpinning leaves that. */
    REQUIRE(get_page_type(&env, t, FT_L2, DOM) == 0);
    CHECK_EQ(pt_unpin(&env, t, DOM), 0);
    CHECK_EQ(F(t)->flags, 0);
    CHECK_COUNTS(t, 1, 1);
    CHECK_EQ(pt_unpin(&env, t, DOM), -EINVAL);          /* not pinned */
    CHECK_COUNTS(t, 1, 1);
    /* Pinning at another level than its current one. */
    CHECK_EQ(pt_pin(&env, t, 1, DOM), -EBUSY);
    CHECK_EQ(F(t)->flags, 0);
    put_page_type(&env, t);
    /* Bad arguments. */
    CHECK_EQ(pt_pin(&env, t, 0, DOM), -EINVAL);
    CHECK_EQ(pt_pin(&env, t, 5, DOM), -EINVAL);
    CHECK_EQ(pt_pin(&env, t, -1, DOM), -EINVAL);
    CHECK_EQ(pt_pin(&env, F_PAST, 1, DOM), -ENOENT);
    CHECK_EQ(pt_unpin(&env, F_PAST, DOM), -ENOENT);
    CHECK_EQ(pt_pin(&env, F_HYP, 1, DOM), -EINVAL);
    CHECK_EQ(pt_pin(&env, F_DESC, 1, DOM), -EINVAL);
    CHECK_EQ(pt_unpin(&env, BASE + 17, DOM), -EINVAL);
    CHECK_ALL_ZERO();
    /* Pin each level in turn: types change, so flushes after the first. */
    for (int level = 1; level <= 4; level++) {
        CHECK_EQ(pt_pin(&env, t, level, DOM), 0);
        CHECK_EQ(F(t)->type, FT_L1 + level - 1);
        CHECK_EQ(pt_unpin(&env, t, DOM), 0);
    }
    CHECK_EQ(flushes, 4);           /* L2 (from above) -> L1 -> L2 -> L3 -> L4 */
    CHECK_ALL_ZERO();
}

static void
test_mod_entry(void)
{
    setup();
    build_hierarchy();
    REQUIRE(pt_pin(&env, H_L4, 4, DOM) == 0);
    pfn_t d = BASE + 20, d2 = BASE + 21;

    /* Success: the entry is written and the reference taken. */
    CHECK_EQ(pt_mod_entry(&env, H_L1, 10, E(d, P | W), DOM), 0);
    CHECK_EQ_U(M(H_L1)[10], E(d, P | W));
    CHECK_COUNTS(d, 1, 1);
    CHECK_EQ(F(d)->type, FT_WRITABLE);
    /* Refusal changes nothing. */
    snapshot();
    CHECK_EQ(pt_mod_entry(&env, H_L1, 10, E(F_OTHER, P), DOM), -EINVAL);
    CHECK_EQ(pt_mod_entry(&env, H_L1, 10, E(d2, P | PV_PTE_G), DOM), -EINVAL);
    CHECK_EQ(pt_mod_entry(&env, H_L1, 10, E(H_L2, P | W), DOM), -EBUSY);
    CHECK_UNCHANGED();
    /* Replacement: the old target's reference goes. */
    CHECK_EQ(pt_mod_entry(&env, H_L1, 10, E(d2, P), DOM), 0);
    CHECK_EQ_U(M(H_L1)[10], E(d2, P));
    CHECK_COUNTS(d, 0, 0);
    CHECK_COUNTS(d2, 0, 1);
    /* Same frame, W added then removed. */
    CHECK_EQ(pt_mod_entry(&env, H_L1, 10, E(d2, P | W), DOM), 0);
    CHECK_COUNTS(d2, 1, 1);
    CHECK_EQ(pt_mod_entry(&env, H_L1, 10, E(d2, P | U), DOM), 0);
    CHECK_COUNTS(d2, 0, 1);
    /* Identical entry: nothing happens. */
    snapshot();
    CHECK_EQ(pt_mod_entry(&env, H_L1, 10, E(d2, P | U), DOM), 0);
    CHECK_EQ(pt_mod_entry(&env, H_L1, 100, 0, DOM), 0);
    CHECK_UNCHANGED();
    /* Not-present to not-present with other bits: written, no references. */
    CHECK_EQ(pt_mod_entry(&env, H_L1, 100, 0xabc000, DOM), 0);
    CHECK_EQ_U(M(H_L1)[100], 0xabc000);
    /* Clearing. */
    CHECK_EQ(pt_mod_entry(&env, H_L1, 10, 0, DOM), 0);
    CHECK_COUNTS(d2, 0, 0);
    /* Replacing a whole subtree in an L3: the old one is devalidated. */
    pfn_t l2n = BASE + 22, l1n = BASE + 23;
    M(l1n)[0] = E(d, P | W);
    M(l2n)[0] = E(l1n, P);
    CHECK_EQ(pt_mod_entry(&env, H_L3, 5, E(l2n, P | W), DOM), 0);
    CHECK_COUNTS(H_L2, 0, 0);
    CHECK_COUNTS(H_L1, 0, 0);
    CHECK_COUNTS(H_DW, 0, 0);
    CHECK_COUNTS(H_DR, 0, 0);
    CHECK_COUNTS(l2n, 1, 1);
    CHECK_COUNTS(l1n, 1, 1);
    CHECK_COUNTS(d, 1, 1);
    /* The old tables are plain frames again: the guest may write them. */
    CHECK_EQ(get_page_type(&env, H_L1, FT_WRITABLE, DOM), 0);
    put_page_type(&env, H_L1);

    /* Not a validated table: refused. */
    snapshot();
    CHECK_EQ(pt_mod_entry(&env, BASE + 24, 0, E(d, P), DOM), -EINVAL);     /* FT_NONE */
    CHECK_EQ(pt_mod_entry(&env, H_L2, 0, E(l1n, P), DOM), -EINVAL);       /* an L2 no more */
    CHECK_EQ(pt_mod_entry(&env, d, 0, E(d2, P), DOM), -EINVAL);           /* writable */
    CHECK_EQ(pt_mod_entry(&env, F_DESC, 0, E(d2, P), DOM), -EINVAL);
    CHECK_EQ(pt_mod_entry(&env, F_HYPPT, 0, E(d2, P), DOM), -EINVAL);
    CHECK_EQ(pt_mod_entry(&env, F_HYP, 0, E(d2, P), DOM), -EINVAL);
    CHECK_EQ(pt_mod_entry(&env, F_PAST, 0, E(d2, P), DOM), -ENOENT);
    CHECK_EQ(pt_mod_entry(&env, H_L4, PT_ENTRIES, E(d2, P), DOM), -EINVAL);
    CHECK_EQ(pt_mod_entry(&env, H_L4, 0xffffffffu, E(d2, P), DOM), -EINVAL);
    CHECK_UNCHANGED();

    CHECK_EQ(pt_unpin(&env, H_L4, DOM), 0);
    CHECK_ALL_ZERO();
}

/* The order inside pt_mod_entry: new reference, write, hook, old reference. */
static void
test_mod_entry_l4_changed(void)
{
    setup();
    build_hierarchy();
    REQUIRE(pt_pin(&env, H_L4, 4, DOM) == 0);
    pfn_t l3 = BASE + 25;

    CHECK_EQ(pt_mod_entry(&env, H_L4, 7, E(l3, P), DOM), 0);
    CHECK_EQ(l4_calls, 1);
    CHECK_EQ_U(l4_table, H_L4);
    CHECK_EQ(l4_index, 7);
    CHECK_EQ_U(l4_seen_entry, E(l3, P));       /* called after the write */
    /* Not on failure, not for an unchanged entry, not for lower levels. */
    CHECK_EQ(pt_mod_entry(&env, H_L4, 7, E(F_HYP, P), DOM), -EINVAL);
    CHECK_EQ(pt_mod_entry(&env, H_L4, 7, E(l3, P), DOM), 0);
    CHECK_EQ(pt_mod_entry(&env, H_L3, 7, E(BASE + 26, P), DOM), 0);
    CHECK_EQ(pt_mod_entry(&env, H_L1, 7, E(BASE + 27, P), DOM), 0);
    CHECK_EQ(l4_calls, 1);
    CHECK_EQ(pt_mod_entry(&env, H_L4, 7, 0, DOM), 0);
    CHECK_EQ(l4_calls, 2);
    CHECK_EQ_U(l4_seen_entry, 0);
    /* Without hooks. */
    env.l4_changed = NULL;
    env.flush_tlbs = NULL;
    CHECK_EQ(pt_mod_entry(&env, H_L4, 8, E(l3, P), DOM), 0);
    CHECK_EQ(pt_mod_entry(&env, H_L4, 8, 0, DOM), 0);
    CHECK_EQ(get_page_type(&env, l3, FT_WRITABLE, DOM), 0);    /* L3 -> writable, no flush hook */
    put_page_type(&env, l3);
    CHECK_EQ(l4_calls, 2);
    CHECK_EQ(flushes, 0);
    CHECK_EQ(pt_unpin(&env, H_L4, DOM), 0);
    CHECK_ALL_ZERO();
}

/* Flushes on every type change of a frame, before it is validated; never on first use. */
static void
test_flush_tlbs(void)
{
    setup();
    pfn_t l1 = BASE + 18, d = BASE + 19;

    M(l1)[0] = E(d, P | W);
    flush_watch = d;
    /* First use of both: no flush. */
    CHECK_EQ(get_page_type(&env, l1, FT_WRITABLE, DOM), 0);
    CHECK_EQ(flushes, 0);
    put_page_type(&env, l1);
    /* writable -> L1: flush first, before the L1's entries take references. */
    flush_seen_ref = 99;
    CHECK_EQ(pt_pin(&env, l1, 1, DOM), 0);
    CHECK_EQ(flushes, 1);
    CHECK_EQ(flush_owner, DOM);
    CHECK_EQ(flush_seen_ref, 0);
    CHECK_COUNTS(d, 1, 1);
    /* More references of the same type: none. */
    CHECK_EQ(get_page_type(&env, l1, FT_L1, DOM), 0);
    put_page_type(&env, l1);
    CHECK_EQ(flushes, 1);
    /* L1 -> writable. */
    CHECK_EQ(pt_unpin(&env, l1, DOM), 0);
    CHECK_EQ(flushes, 1);               /* dropping a type does not flush ... */
    CHECK_EQ(get_page_type(&env, l1, FT_WRITABLE, DOM), 0);
    CHECK_EQ(flushes, 2);               /* ... taking a different one does */
    put_page_type(&env, l1);
    /* writable -> writable: none. */
    CHECK_EQ(get_page_type(&env, l1, FT_WRITABLE, DOM), 0);
    put_page_type(&env, l1);
    CHECK_EQ(flushes, 2);
    /* Plain references never flush. */
    CHECK_EQ(get_page(&env, l1, DOM), 0);
    put_page(&env, l1);
    CHECK_EQ(flushes, 2);
    /* A refused type change does not flush either (the frame is in use). */
    CHECK_EQ(get_page_type(&env, l1, FT_WRITABLE, DOM), 0);
    CHECK_EQ(pt_pin(&env, l1, 1, DOM), -EBUSY);
    CHECK_EQ(flushes, 2);
    put_page_type(&env, l1);
    CHECK_ALL_ZERO();
}

/* A guest must not be able to wrap a count by mapping one frame very many times. */
static void
test_count_overflow(void)
{
    setup();
    pfn_t d = BASE + 26, l1 = BASE + 27, l2 = BASE + 28, x = BASE + 29;

    F(d)->u.use.ref_count = COUNT_MAX - 1;
    CHECK_EQ(get_page(&env, d, DOM), 0);
    CHECK_EQ_U(F(d)->u.use.ref_count, COUNT_MAX);
    CHECK_EQ(get_page(&env, d, DOM), -EBUSY);
    CHECK_EQ(get_page_type(&env, d, FT_WRITABLE, DOM), -EBUSY);
    CHECK_EQ(get_page_type(&env, d, FT_L1, DOM), -EBUSY);
    CHECK_EQ_U(F(d)->u.use.ref_count, COUNT_MAX);
    CHECK_EQ(F(d)->u.use.type_count, 0);

    /* Through validation: the second mapping fails and the first is undone. */
    F(d)->u.use.ref_count = COUNT_MAX - 1;
    for (unsigned i = 0; i < PT_ENTRIES; i++)
        M(l1)[i] = E(d, P);
    snapshot();
    CHECK_EQ(pt_pin(&env, l1, 1, DOM), -EBUSY);
    CHECK_UNCHANGED();
    /* Through pt_mod_entry. */
    memset(M(l1), 0, sizeof(mem[0]));
    REQUIRE(pt_pin(&env, l1, 1, DOM) == 0);
    CHECK_EQ(pt_mod_entry(&env, l1, 0, E(d, P), DOM), 0);
    snapshot();
    CHECK_EQ(pt_mod_entry(&env, l1, 1, E(d, P), DOM), -EBUSY);
    CHECK_EQ(pt_mod_entry(&env, l1, 1, E(d, P | W), DOM), -EBUSY);
    CHECK_UNCHANGED();
    CHECK_EQ(pt_mod_entry(&env, l1, 0, 0, DOM), 0);
    CHECK_EQ_U(F(d)->u.use.ref_count, COUNT_MAX - 1);

    /* Type counts: an L1 used by (nearly) 2^31 L2 entries. */
    REQUIRE(pt_pin(&env, l2, 2, DOM) == 0);
    REQUIRE(pt_pin(&env, x, 1, DOM) == 0);
    F(x)->u.use.type_count += COUNT_MAX - 2;    /* pretend: many other L2 entries */
    F(x)->u.use.ref_count += COUNT_MAX - 2;
    CHECK_EQ(pt_mod_entry(&env, l2, 0, E(x, P), DOM), 0);
    CHECK_EQ_U(F(x)->u.use.type_count, COUNT_MAX);
    snapshot();
    CHECK_EQ(pt_mod_entry(&env, l2, 1, E(x, P), DOM), -EBUSY);
    CHECK_EQ(get_page_type(&env, x, FT_L1, DOM), -EBUSY);
    CHECK_EQ(get_page(&env, x, DOM), -EBUSY);
    CHECK_UNCHANGED();
    /* A plain reference beyond the type references also hits the limit. */
    F(x)->u.use.type_count -= 1;
    F(x)->u.use.ref_count -= 1;
    CHECK_EQ(get_page(&env, x, DOM), 0);
    CHECK_EQ(get_page_type(&env, x, FT_L1, DOM), -EBUSY);
    put_page(&env, x);
    F(x)->u.use.type_count += 1;
    F(x)->u.use.ref_count += 1;
    F(x)->u.use.type_count -= COUNT_MAX - 2;
    F(x)->u.use.ref_count -= COUNT_MAX - 2;
    CHECK_COUNTS(x, 2, 2);
    CHECK_EQ(pt_unpin(&env, l2, DOM), 0);
    CHECK_EQ(pt_unpin(&env, x, DOM), 0);
    CHECK_EQ(pt_unpin(&env, l1, DOM), 0);
    F(d)->u.use.ref_count = 0;
    CHECK_ALL_ZERO();
}

/* Domain teardown: pins are the only roots, so unpinning them all frees everything. */
static void
test_relinquish(void)
{
    uint64_t pfns[NF + 3];
    uint64_t n = 0;

    setup();
    build_hierarchy();
    build_failing_tree(BASE + 40);
    M(BASE + 45)[300] = 0;
    REQUIRE(pt_pin(&env, H_L4, 4, DOM) == 0);
    REQUIRE(pt_pin(&env, H_L1, 1, DOM) == 0);           /* also referenced */
    REQUIRE(pt_pin(&env, BASE + 40, 4, DOM) == 0);
    REQUIRE(pt_pin(&env, BASE + 42, 2, DOM) == 0);      /* inside the second tree */
    REQUIRE(pt_pin(&env, BASE + 30, 3, DOM) == 0);      /* empty, alone */
    REQUIRE(pt_pin(&env, F_OTHER, 1, OTHER) == 0);      /* another domain's */
    for (pfn_t p = BASE; p < BASE + NF; p++)
        pfns[n++] = p;
    pfns[n++] = F_PAST;
    pfns[n++] = F_BELOW;
    pfns[n++] = BASE + 3;           /* a duplicate: harmless */

    /* A loaded base pointer keeps its tree: 6 frames still referenced. */
    REQUIRE(get_page_type(&env, H_L4, FT_L4, DOM) == 0);
    CHECK_EQ_U(pt_relinquish(&env, pfns, n, DOM), 7);   /* H_L1 counted twice (duplicate) */
    CHECK_EQ(F(H_L4)->flags, 0);
    CHECK_COUNTS(H_L4, 1, 1);
    CHECK_COUNTS(H_L1, 1, 1);
    CHECK_COUNTS(BASE + 40, 0, 0);
    CHECK_COUNTS(BASE + 44, 0, 0);
    CHECK_COUNTS(F_OTHER, 1, 1);                        /* untouched */
    CHECK_EQ(F(F_OTHER)->flags, FRAME_F_PINNED);
    put_page_type(&env, H_L4);
    CHECK_EQ_U(pt_relinquish(&env, pfns, n, DOM), 0);
    CHECK_EQ(pt_unpin(&env, F_OTHER, OTHER), 0);
    CHECK_ALL_ZERO();

    /* Again without the base pointer: one call is enough. */
    REQUIRE(pt_pin(&env, H_L4, 4, DOM) == 0);
    REQUIRE(pt_pin(&env, H_L1, 1, DOM) == 0);
    REQUIRE(pt_pin(&env, BASE + 40, 4, DOM) == 0);
    REQUIRE(pt_pin(&env, BASE + 44, 1, DOM) == 0);
    CHECK_EQ_U(pt_relinquish(&env, pfns, n, DOM), 0);
    CHECK_ALL_ZERO();
    CHECK_EQ_U(pt_relinquish(&env, pfns, 0, DOM), 0);
    /* The wrong owner unpins nothing. */
    REQUIRE(pt_pin(&env, H_L4, 4, DOM) == 0);
    CHECK_EQ_U(pt_relinquish(&env, pfns, n, OTHER), 0);
    CHECK_EQ_U(pt_relinquish(&env, pfns, n, DOMID_HYP), 0);
    CHECK_EQ(F(H_L4)->flags, FRAME_F_PINNED);
    CHECK_EQ_U(pt_relinquish(&env, pfns, n, DOM), 0);
    CHECK_ALL_ZERO();
}

/* Dropping a reference nobody holds is a hypervisor bug: panic, change nothing. */
static void
test_underflow_panics(void)
{
    setup();
    pfn_t t = BASE + 33;

    panic_armed = 1;
    if (setjmp(panic_jmp) == 0)
        put_page(&env, t);
    CHECK_EQ(panic_calls, 1);
    panic_armed = 1;
    if (setjmp(panic_jmp) == 0)
        put_page_type(&env, t);
    CHECK_EQ(panic_calls, 2);
    /* A plain put may not eat a type reference. */
    REQUIRE(get_page_type(&env, t, FT_WRITABLE, DOM) == 0);
    panic_armed = 1;
    if (setjmp(panic_jmp) == 0)
        put_page(&env, t);
    CHECK_EQ(panic_calls, 3);
    CHECK_COUNTS(t, 1, 1);
    put_page_type(&env, t);
    panic_armed = 1;
    if (setjmp(panic_jmp) == 0)
        put_page(&env, F_PAST);
    CHECK_EQ(panic_calls, 4);
    panic_armed = 0;
    CHECK_ALL_ZERO();
}

/* ---------------------------------------------------------------- */
/* Random operations, with every count recomputed after each one.    */

#ifndef PT_SEED
#define PT_SEED 0x9e3779b97f4a7c15ull  /* fixed: a failure is reproducible */
#endif
#define RF      12u                 /* frames BASE .. BASE+RF-1 take part */
static const unsigned rslots[] = { 0, 1, 2, 3, 256, 511 };

static uint64_t rng_state;

static uint64_t
rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static unsigned
rndn(unsigned n)
{
    return (unsigned)(rnd() % n);
}

static uint64_t
rnd_entry(void)
{
    static const pfn_t odd[] = { F_OTHER, F_HYP, F_FREE, F_DESC, F_PAST, F_BELOW };
    uint64_t e;
    pfn_t target;
    unsigned r = rndn(100);

    if (r < 8)
        return rnd() & ~PV_PTE_P;       /* not present, any bits */
    target = rndn(100) < 94 ? BASE + rndn(RF) : odd[rndn(UNIT_COUNT(odd))];
    e = E(target, P);
    if (rndn(2))
        e |= W;
    if (rndn(2))
        e |= U;
    if (rndn(4) == 0)
        e |= PV_PTE_A | PV_PTE_D;
    if (rndn(8) == 0)
        e |= PV_PTE_NX | PV_PTE_AVAIL;
    if (rndn(40) == 0) {
        switch (rndn(3)) {
        case 0: e |= PV_PTE_PS; break;
        case 1: e |= PV_PTE_G; break;
        default: e |= 1ull << (52 + rndn(11)); break;
        }
    }
    return e;
}

/*
 * Each random frame has a role, the level it is usually used at (0: data),
 * so that most entries and pins fit together into real hierarchies; the
 * rest are random, to break them.
 */
static const int role[RF] = { 4, 4, 3, 3, 2, 2, 1, 1, 1, 0, 0, 0 };

static uint64_t
rnd_entry_for(pfn_t table)
{
    int want = role[table - BASE] - 1;
    pfn_t cand[RF];
    unsigned n = 0;

    if (want < 0 || rndn(10) >= 7)
        return rnd_entry();
    for (unsigned i = 0; i < RF; i++)
        if (role[i] == want)
            cand[n++] = BASE + i;
    return E(cand[rndn(n)], P | (rndn(2) ? W : 0) | (rndn(2) ? U : 0));
}

static unsigned held_l4[NF];        /* type references held from outside (base pointers) */
static unsigned used_as[NF];        /* types seen in use since the last flush (bit per type) */

static void
random_flush_hook(void)
{
    memset(used_as, 0, sizeof(used_as));
}

/*
 * Recompute from scratch what every count must be: one per present entry
 * of each validated table (type and general for L2..L4 entries and
 * writable L1 entries, general only for read-only L1 entries), one per
 * pin, one per held base pointer.  Also: every entry of a validated
 * table is allowed, and its target has exactly the type it needs.
 */
static int
check_model(const char *file, int line)
{
    static uint32_t exp_t[NF], exp_r[NF];
    static unsigned char as_table[NF];

    memset(exp_t, 0, sizeof(exp_t));
    memset(exp_r, 0, sizeof(exp_r));
    memset(as_table, 0, sizeof(as_table));
    for (unsigned i = 0; i < NF; i++) {
        struct frame *f = &store[i];
        int level = pt_level((enum frame_type)f->type);

        if (f->owner == DOMID_FREE)
            continue;
        if (f->flags & FRAME_F_PINNED) {
            if (level == 0 || f->u.use.type_count == 0) {
                unit_fail(file, line, "frame %#x pinned but not a validated table", BASE + i);
                return 0;
            }
            exp_t[i]++;
            exp_r[i]++;
        }
        if (held_l4[i] > 0) {
            if (f->type != FT_L4) {
                unit_fail(file, line, "frame %#x held as L4 but of type %u", BASE + i, f->type);
                return 0;
            }
            exp_t[i] += held_l4[i];
            exp_r[i] += held_l4[i];
        }
        if (f->u.use.type_count > 0 && f->type != FT_WRITABLE && level == 0) {
            unit_fail(file, line, "frame %#x has type references of type %u", BASE + i, f->type);
            return 0;
        }
        if (level == 0 || f->u.use.type_count == 0)
            continue;
        for (unsigned j = 0; j < PT_ENTRIES; j++) {
            uint64_t e = mem[i][j];
            pfn_t tp = (e & PV_PTE_ADDR) >> PAGE_SHIFT;
            struct frame *t;

            if (!(e & P))
                continue;
            if ((level == 4 && j >= 256 && j < 272) ||
                (e & (PV_PTE_PS | PV_PTE_G | 0x7ff0000000000000ull))) {
                unit_fail(file, line, "validated L%d %#x has bad entry %u: %#llx", level,
                          BASE + i, j, (unsigned long long)e);
                return 0;
            }
            if (tp - BASE >= NF || store[tp - BASE].owner != f->owner) {
                unit_fail(file, line, "validated L%d %#x entry %u maps %#llx, not its owner's",
                          level, BASE + i, j, (unsigned long long)tp);
                return 0;
            }
            t = &store[tp - BASE];
            if (t->type > FT_L4) {
                unit_fail(file, line, "L%d %#x entry %u maps %#llx of type %u", level,
                          BASE + i, j, (unsigned long long)tp, t->type);
                return 0;
            }
            if (level == 1 && !(e & W)) {
                exp_r[tp - BASE]++;
                continue;
            }
            enum frame_type need = level == 1 ? FT_WRITABLE : (enum frame_type)(FT_L1 + level - 2);
            if (t->type != need || t->u.use.type_count == 0) {
                unit_fail(file, line, "L%d %#x entry %u needs %#llx as type %d, it is %u (count %u)",
                          level, BASE + i, j, (unsigned long long)tp, need, t->type,
                          t->u.use.type_count);
                return 0;
            }
            if (level > 1)
                as_table[tp - BASE] = 1;
            exp_t[tp - BASE]++;
            exp_r[tp - BASE]++;
        }
    }
    for (unsigned i = 0; i < NF; i++) {
        struct frame *f = &store[i];

        if (f->owner == DOMID_FREE)
            continue;
        if (f->u.use.type_count != exp_t[i] || f->u.use.ref_count != exp_r[i]) {
            unit_fail(file, line, "frame %#x: counts %u/%u, expected %u/%u", BASE + i,
                      f->u.use.type_count, f->u.use.ref_count, exp_t[i], exp_r[i]);
            return 0;
        }
        if (f->type == FT_WRITABLE && f->u.use.type_count > 0 && as_table[i]) {
            unit_fail(file, line, "frame %#x writable and referenced as a table", BASE + i);
            return 0;
        }
        /* TLB rule: no two uses of one frame without a flush in between. */
        if (f->u.use.type_count > 0)
            used_as[i] |= 1u << f->type;
        if (used_as[i] & (used_as[i] - 1)) {
            unit_fail(file, line, "frame %#x used as types %#x with no flush between", BASE + i,
                      used_as[i]);
            return 0;
        }
    }
    return 1;
}

static void
test_random(void)
{
    enum { STEPS = 30000 };
    unsigned ok[6] = { 0 }, tried[6] = { 0 }, max_tables = 0, max_depth_l4 = 0;

    setup();
    rng_state = PT_SEED;
    memset(held_l4, 0, sizeof(held_l4));
    memset(used_as, 0, sizeof(used_as));
    flush_hook = random_flush_hook;

    for (unsigned step = 0; step < STEPS; step++) {
        pfn_t f = BASE + rndn(RF);
        unsigned op = rndn(100), kind;
        int rc = 0;

        snapshot();
        if (op < 35) {
            kind = 0;
            unsigned idx = rslots[rndn(UNIT_COUNT(rslots))];
            uint64_t e = rnd_entry_for(f);
            uint16_t who = rndn(50) == 0 ? OTHER : DOM;
            uint64_t old = M(f)[idx];

            rc = pt_mod_entry(&env, f, idx, e, who);
            if (rc == 0) {
                CHECK_EQ_U(M(f)[idx], e);
                /* Only that slot was written. */
                M(f)[idx] = old;
                int same = memcmp(snap_mem, mem, sizeof(mem)) == 0;
                M(f)[idx] = e;
                if (!same) {
                    unit_fail(__FILE__, __LINE__, "step %u: pt_mod_entry wrote elsewhere", step);
                    break;
                }
            }
        } else if (op < 60) {
            /* The guest writes a frame that is not a validated table. */
            kind = 1;
            struct frame *fr = F(f);
            if (pt_level((enum frame_type)fr->type) != 0 && fr->u.use.type_count > 0)
                continue;
            M(f)[rslots[rndn(UNIT_COUNT(rslots))]] = rnd_entry_for(f);
        } else if (op < 78) {
            kind = 2;
            int r = role[f - BASE];
            rc = pt_pin(&env, f, r > 0 && rndn(10) < 7 ? r : (int)rndn(6), DOM);
        } else if (op < 92) {
            kind = 3;
            rc = pt_unpin(&env, f, DOM);
        } else if (op < 96) {
            kind = 4;
            if (rndn(10) < 8)
                f = BASE + rndn(2);         /* the L4s, mostly */
            rc = get_page_type(&env, f, FT_L4, DOM);
            if (rc == 0)
                held_l4[f - BASE]++;
        } else {
            kind = 5;
            if (rndn(10) < 8)
                f = BASE + rndn(2);
            if (held_l4[f - BASE] == 0)
                continue;
            put_page_type(&env, f);
            held_l4[f - BASE]--;
        }
        tried[kind]++;
        if (rc == 0)
            ok[kind]++;
        else if (!CHECK_UNCHANGED())
            break;
        if (!check_model(__FILE__, __LINE__)) {
            fprintf(stderr, "random: step %u op kind %u on %#llx rc %d\n", step, kind,
                    (unsigned long long)f, rc);
            break;
        }
        unsigned tables = 0, l4s = 0;
        for (unsigned i = 0; i < RF; i++) {
            if (pt_level((enum frame_type)store[i].type) && store[i].u.use.type_count)
                tables++;
            if (store[i].type == FT_L4 && store[i].u.use.type_count)
                l4s++;
        }
        if (tables > max_tables)
            max_tables = tables;
        if (l4s > max_depth_l4)
            max_depth_l4 = l4s;
    }
    printf("random: mod %u/%u write %u pin %u/%u unpin %u/%u hold %u/%u drop %u; "
           "max %u tables, %u L4s, %d flushes\n",
           ok[0], tried[0], tried[1], ok[2], tried[2], ok[3], tried[3], ok[4], tried[4],
           tried[5], max_tables, max_depth_l4, flushes);
    /* The run must have reached the interesting states. */
    CHECK(ok[0] > 500);
    CHECK(ok[2] > 200);
    CHECK(ok[4] > 10);
    CHECK(max_tables >= 6);
    CHECK(max_depth_l4 >= 1);
    CHECK(flushes > 50);

    /* Teardown: drop the held base pointers, then unpin everything. */
    for (unsigned i = 0; i < NF; i++)
        while (held_l4[i] > 0) {
            put_page_type(&env, BASE + i);
            held_l4[i]--;
        }
    for (unsigned i = 0; i < RF; i++)
        if (store[i].flags & FRAME_F_PINNED)
            CHECK_EQ(pt_unpin(&env, BASE + i, DOM), 0);
    CHECK(check_model(__FILE__, __LINE__));
    CHECK_ALL_ZERO();
    flush_hook = NULL;
}

static const struct unit_case cases[] = {
    UNIT_CASE(test_pt_level),
    UNIT_CASE(test_get_page_rules),
    UNIT_CASE(test_writable_type),
    UNIT_CASE(test_validate_hierarchy),
    UNIT_CASE(test_no_writable_mapping_of_tables),
    UNIT_CASE(test_no_table_of_writable_frame),
    UNIT_CASE(test_foreign_targets),
    UNIT_CASE(test_entry_bits),
    UNIT_CASE(test_l4_hypervisor_slots),
    UNIT_CASE(test_no_self_or_same_level),
    UNIT_CASE(test_l1_twice),
    UNIT_CASE(test_partial_failure_rolls_back),
    UNIT_CASE(test_failed_validation_keeps_last_type),
    UNIT_CASE(test_pin_unpin),
    UNIT_CASE(test_mod_entry),
    UNIT_CASE(test_mod_entry_l4_changed),
    UNIT_CASE(test_flush_tlbs),
    UNIT_CASE(test_count_overflow),
    UNIT_CASE(test_relinquish),
    UNIT_CASE(test_underflow_panics),
    UNIT_CASE(test_random),
};

int
main(void)
{
    return unit_run(cases, UNIT_COUNT(cases));
}
