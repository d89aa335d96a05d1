/*
 * test_guest_vm.c - the guest kernel's memory code on the host: the frame
 * allocator (page.c), kmalloc.c, user address spaces (vm.c) and user
 * copies (uaccess.c).
 *
 * The physmap is a heap arena (guest_mm_host.h).  A fake HAL keeps each
 * address space as a plain table of (va, pfn, prot) and counts queued
 * updates, so a test can tell whether vm.c committed them.  A small "CPU"
 * (cpu_read/cpu_write) accesses user memory the way hardware would:
 * through the table, taking a fault into vm_fault when the mapping is
 * missing or read-only.  Every case ends by checking that all frames are
 * back with the allocator.
 */
#include <setjmp.h>
#include "unit.h"
#include "defs.h"
#include "proc.h"
#include "page.h"
#include "vm.h"

/* ---- the arena and the boot information ------------------------------ */

#define ARENA_FRAMES 1024
#define RANGE0_FRAMES 600          /* then a 10-frame hole, then the rest */
#define HOLE_FRAMES 10

unsigned char *guest_arena;
static struct hal_boot boot;

/* ---- fake kernel pieces: panic, printk, myproc ------------------------- */

static jmp_buf panic_jmp;
static bool panic_armed;
static char panic_msg[256];

void
panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(panic_msg, sizeof(panic_msg), fmt, ap);
    va_end(ap);
    if (panic_armed) {
        panic_armed = false;
        longjmp(panic_jmp, 1);
    }
    fprintf(stderr, "unexpected panic: %s\n", panic_msg);
    abort();
}

void
printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

/* stmt must panic (the fake panic jumps back here). */
#define CHECK_PANICS(stmt) do { \
        panic_armed = true; \
        if (setjmp(panic_jmp) == 0) { \
            stmt; \
            panic_armed = false; \
            unit_fail(__FILE__, __LINE__, "no panic from %s", #stmt); \
        } \
    } while (0)

static struct proc the_proc;
static bool have_proc = true;

struct proc *
myproc(void)
{
    return have_proc ? &the_proc : NULL;
}

/* ---- fake HAL page tables ---------------------------------------------- */

#define MAX_MAPS 4096

struct hal_as {
    int nmaps;
    struct { uint64_t va, pfn; unsigned prot; } map[MAX_MAPS];
    uint64_t table_pfn;        /* a frame, as a real root table would use */
    int pending;               /* updates since the last commit */
    int commits;
};

static struct hal_as *last_as;     /* the most recently created */
static struct hal_as *loaded_as;   /* hal_as_switch */
static int map_fail_in;            /* > 0: the n-th hal_map from now fails */
static int live_as;

struct hal_as *
hal_as_create(void)
{
    uint64_t pfn = page_alloc();
    struct hal_as *as;

    if (pfn == PAGE_NONE)
        return NULL;
    as = calloc(1, sizeof(*as));
    as->table_pfn = pfn;
    last_as = as;
    live_as++;
    return as;
}

void
hal_as_destroy(struct hal_as *as)
{
    CHECK_EQ(as->nmaps, 0);            /* the contract: user mappings gone */
    CHECK_EQ(as->pending, 0);
    page_free(as->table_pfn);
    if (loaded_as == as)
        loaded_as = NULL;
    live_as--;
    free(as);
}

static int
find_map(struct hal_as *as, uint64_t va)
{
    for (int i = 0; i < as->nmaps; i++)
        if (as->map[i].va == va)
            return i;
    return -1;
}

int
hal_map(struct hal_as *as, uint64_t va, uint64_t pfn, unsigned prot)
{
    int i;

    CHECK(va % PAGE_SIZE == 0 && va < USER_TOP);
    CHECK(prot & HAL_PROT_USER);
    CHECK(page_refcount(pfn) > 0);
    if (map_fail_in > 0 && --map_fail_in == 0)
        return -ENOMEM;
    i = find_map(as, va);
    if (i < 0) {
        if (as->nmaps == MAX_MAPS)
            return -ENOMEM;
        i = as->nmaps++;
    }
    as->map[i].va = va;
    as->map[i].pfn = pfn;
    as->map[i].prot = prot;
    as->pending++;
    return 0;
}

void
hal_unmap(struct hal_as *as, uint64_t va)
{
    int i = find_map(as, va);

    if (i >= 0) {
        as->map[i] = as->map[--as->nmaps];
        as->pending++;
    }
}

bool
hal_lookup(struct hal_as *as, uint64_t va, uint64_t *pfn, unsigned *prot)
{
    int i = find_map(as, va);

    if (i < 0)
        return false;
    *pfn = as->map[i].pfn;
    *prot = as->map[i].prot;
    return true;
}

void
hal_as_commit(struct hal_as *as)
{
    as->pending = 0;
    as->commits++;
}

void
hal_as_switch(struct hal_as *as)
{
    hal_as_commit(as);
    loaded_as = as;
}

/* ---- helpers -------------------------------------------------------------- */

/* A vm and its fake page table (struct vm is opaque). */
struct tvm {
    struct vm *vm;
    struct hal_as *as;
};

static struct tvm
tvm_create(void)
{
    struct tvm t;

    t.vm = vm_create();
    t.as = last_as;
    return t;
}

static struct tvm
tvm_fork(struct tvm *parent)
{
    struct tvm t;

    last_as = NULL;
    t.vm = vm_fork(parent->vm, 0);
    t.as = last_as;
    return t;
}

/*
 * The CPU touching one user byte: use the mapping if it allows the
 * access, else "trap" into vm_fault and retry once.  Returns the fault's
 * error (0 when the access went through).  Also checks that the fault
 * left nothing uncommitted, as it would have to before returning to user.
 */
static int
cpu_access(struct tvm *t, uint64_t va, bool write, unsigned char *byte)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        int i = find_map(t->as, PAGE_ROUND_DOWN(va));
        if (i >= 0 && (!write || (t->as->map[i].prot & HAL_PROT_WRITE))) {
            unsigned char *p = (unsigned char *)pfn_to_va(t->as->map[i].pfn) + va % PAGE_SIZE;
            if (write)
                *p = *byte;
            else
                *byte = *p;
            return 0;
        }
        if (attempt == 1)
            break;
        int rc = vm_fault(t->vm, va, write);
        CHECK_EQ(t->as->pending, 0);
        if (rc < 0)
            return rc;
    }
    unit_fail(__FILE__, __LINE__, "vm_fault said 0 but %#lx is still not accessible",
              (unsigned long)va);
    return -EFAULT;
}

static int
cpu_write(struct tvm *t, uint64_t va, unsigned char v)
{
    return cpu_access(t, va, true, &v);
}

/* The byte at va, or -errno. */
static int
cpu_read(struct tvm *t, uint64_t va)
{
    unsigned char v = 0;
    int rc = cpu_access(t, va, false, &v);

    return rc < 0 ? rc : v;
}

/* The frame behind va in t's table, or PAGE_NONE. */
static uint64_t
pfn_at(struct tvm *t, uint64_t va)
{
    int i = find_map(t->as, va);

    return i < 0 ? PAGE_NONE : t->as->map[i].pfn;
}

static unsigned
prot_at(struct tvm *t, uint64_t va)
{
    int i = find_map(t->as, va);

    return i < 0 ? 0 : t->as->map[i].prot;
}

#define RW  (HAL_PROT_READ | HAL_PROT_WRITE)
#define RO  HAL_PROT_READ
#define RX  (HAL_PROT_READ | HAL_PROT_EXEC)
#define PG  PAGE_SIZE
#define BASE 0x400000ul

/* ---- page.c ---------------------------------------------------------------- */

static void
test_page_alloc_free(void)
{
    uint64_t before = page_free_count(), a, b;

    CHECK(page_total_count() > 0 && page_total_count() < ARENA_FRAMES);
    a = page_alloc();
    REQUIRE(a != PAGE_NONE);
    CHECK_EQ(page_refcount(a), 1);
    CHECK_EQ(page_free_count(), before - 1);
    memset(pfn_to_va(a), 0xa5, PG);
    page_free(a);
    CHECK_EQ(page_refcount(a), 0);
    CHECK_EQ(page_free_count(), before);

    /* First fit: the same frame comes back, zeroed. */
    b = page_alloc();
    CHECK_EQ_U(b, a);
    for (size_t i = 0; i < PG; i++)
        if (((unsigned char *)pfn_to_va(b))[i] != 0) {
            CHECK(!"page_alloc returned a dirty frame");
            break;
        }

    /* References: shared frames survive until the last page_free. */
    page_ref(b);
    page_ref(b);
    CHECK_EQ(page_refcount(b), 3);
    page_free(b);
    page_free(b);
    CHECK_EQ(page_refcount(b), 1);
    CHECK_EQ(page_free_count(), before - 1);
    page_free(b);
    CHECK_EQ(page_free_count(), before);
}

/* Every frame can be allocated once, never twice, and all come back. */
static void
test_page_exhaust(void)
{
    uint64_t before = page_free_count(), n = 0;
    static uint64_t got[ARENA_FRAMES];
    static bool seen[ARENA_FRAMES];

    memset(seen, 0, sizeof(seen));
    for (;;) {
        uint64_t pfn = page_alloc();
        if (pfn == PAGE_NONE)
            break;
        REQUIRE(n < ARENA_FRAMES);
        REQUIRE(pfn >= GUEST_ARENA_PFN0 && pfn < GUEST_ARENA_PFN0 + ARENA_FRAMES);
        CHECK(!seen[pfn - GUEST_ARENA_PFN0]);
        /* never a hole frame */
        CHECK(pfn - GUEST_ARENA_PFN0 < RANGE0_FRAMES ||
              pfn - GUEST_ARENA_PFN0 >= RANGE0_FRAMES + HOLE_FRAMES);
        seen[pfn - GUEST_ARENA_PFN0] = true;
        got[n++] = pfn;
    }
    CHECK_EQ(n, before);
    CHECK_EQ(page_free_count(), 0);
    CHECK_EQ_U(page_alloc_run(1), PAGE_NONE);
    for (uint64_t i = 0; i < n; i++)
        page_free(got[i]);
    CHECK_EQ(page_free_count(), before);
}

static void
test_page_runs(void)
{
    uint64_t before = page_free_count(), run, big;

    CHECK_EQ_U(page_alloc_run(0), PAGE_NONE);
    run = page_alloc_run(8);
    REQUIRE(run != PAGE_NONE);
    CHECK_EQ(page_free_count(), before - 8);
    for (uint64_t i = 0; i < 8; i++) {
        CHECK_EQ(page_refcount(run + i), 1);
        CHECK(pfn_to_va(run + i) == (char *)pfn_to_va(run) + i * PG);
    }
    /* Inside one range: all 8 frames are allocator frames. */
    CHECK(page_info(run) != NULL && page_info(run + 7) != NULL);

    /* Longer than any range: no run, even though enough frames are free. */
    CHECK_EQ_U(page_alloc_run(RANGE0_FRAMES), PAGE_NONE);

    /* The second range holds ARENA - 600 - 10 frames, minus nothing. */
    big = page_alloc_run(ARENA_FRAMES - RANGE0_FRAMES - HOLE_FRAMES - 8);
    CHECK(big != PAGE_NONE);
    if (big != PAGE_NONE)
        page_free_run(big, ARENA_FRAMES - RANGE0_FRAMES - HOLE_FRAMES - 8);
    page_free_run(run, 8);
    CHECK_EQ(page_free_count(), before);
}

static void
test_page_misuse_panics(void)
{
    uint64_t before = page_free_count(), a = page_alloc();

    page_free(a);
    CHECK_PANICS(page_free(a));                         /* double free */
    CHECK_PANICS(page_ref(a));                          /* ref of a free frame */
    CHECK_PANICS(page_free(GUEST_ARENA_PFN0 + RANGE0_FRAMES + 1));  /* a hole frame */
    CHECK_PANICS(page_free(GUEST_ARENA_PFN0));          /* the metadata itself */
    CHECK_PANICS(page_free(PAGE_NONE));
    CHECK_EQ(page_refcount(GUEST_ARENA_PFN0 + RANGE0_FRAMES + 1), 0);
    CHECK_EQ(page_free_count(), before);
}

static void
test_page_va_is_ram(void)
{
    uint64_t a = page_alloc();
    uint64_t va = (uint64_t)(uintptr_t)pfn_to_va(a);

    CHECK(page_va_is_ram(va, 16));
    CHECK(page_va_is_ram(va + PG - 16, 16));
    CHECK(!page_va_is_ram((uint64_t)(uintptr_t)pfn_to_va(GUEST_ARENA_PFN0 + RANGE0_FRAMES), 8));
    CHECK(!page_va_is_ram((uint64_t)(uintptr_t)guest_arena - 8, 16));
    CHECK(!page_va_is_ram(0, 16));
    CHECK(!page_va_is_ram(UINT64_MAX - 4, 16));
    page_free(a);
}

/* ---- kmalloc.c ------------------------------------------------------------- */

static void
test_kmalloc_sizes(void)
{
    static const size_t sizes[] = { 0, 1, 15, 16, 17, 31, 32, 64, 100, 128, 255, 256,
                                    500, 512, 1000, 1024, 2000, 2048, 2049, 4096, 5000,
                                    16384, 300000 };
    enum { PER = 5 };
    void *p[UNIT_COUNT(sizes)][PER];
    uint64_t before = page_free_count();

    for (size_t s = 0; s < UNIT_COUNT(sizes); s++) {
        for (int k = 0; k < PER; k++) {
            size_t n = sizes[s] ? sizes[s] : 1;
            unsigned char *q = kmalloc(sizes[s]);
            p[s][k] = q;
            REQUIRE(q != NULL);
            for (size_t i = 0; i < n; i++)
                if (q[i] != 0) {
                    CHECK(!"kmalloc memory not zeroed");
                    break;
                }
            /* Naturally aligned up to a page. */
            size_t align = n > 2048 ? PG : 16;
            while (align < n && align < PG)
                align *= 2;
            CHECK((uintptr_t)q % align == 0);
            memset(q, (int)(s * PER + k + 1), n);
        }
    }
    /* No two objects overlapped: each still holds its own pattern. */
    for (size_t s = 0; s < UNIT_COUNT(sizes); s++)
        for (int k = 0; k < PER; k++) {
            size_t n = sizes[s] ? sizes[s] : 1;
            unsigned char *q = p[s][k];
            CHECK(q[0] == (unsigned char)(s * PER + k + 1));
            CHECK(q[n - 1] == (unsigned char)(s * PER + k + 1));
        }
    for (size_t s = 0; s < UNIT_COUNT(sizes); s++)
        for (int k = 0; k < PER; k++)
            kfree(p[s][k]);
    kfree(NULL);
    CHECK_EQ(page_free_count(), before);
}

/* Many small objects, freed in a scrambled order: slabs fill, go back on
 * their lists, and return to the allocator when empty. */
static void
test_kmalloc_many(void)
{
    enum { N = 1500 };
    static void *p[N];
    uint64_t before = page_free_count();

    for (int i = 0; i < N; i++) {
        p[i] = kmalloc(i % 3 == 0 ? 24 : i % 3 == 1 ? 2048 : 200);
        REQUIRE(p[i] != NULL);
        *(int *)p[i] = i;
    }
    for (int i = 0; i < N; i += 2)
        kfree(p[i]);
    for (int i = 0; i < N; i += 2) {
        p[i] = kmalloc(i % 3 == 0 ? 24 : i % 3 == 1 ? 2048 : 200);
        REQUIRE(p[i] != NULL);
        *(int *)p[i] = i;
    }
    for (int i = 0; i < N; i++)
        CHECK_EQ(*(int *)p[i], i);
    for (int i = N - 1; i >= 0; i -= 3)
        kfree(p[i]), p[i] = NULL;
    for (int i = 0; i < N; i++)
        kfree(p[i]);
    CHECK_EQ(page_free_count(), before);
}

static void
test_kmalloc_oom_and_misuse(void)
{
    uint64_t before = page_free_count();
    void *p;
    char *q;

    CHECK(kmalloc(ARENA_FRAMES * PG) == NULL);      /* more than there is */
    p = kmalloc(64);
    q = kmalloc(64);
    CHECK_PANICS(kfree((char *)p + 8));            /* not an object start */
    kfree(p);
    kfree(q);
    CHECK_PANICS(kfree(q));                         /* its slab went back */
    q = kmalloc(3 * PG);
    CHECK_PANICS(kfree(q + PG));                   /* inside a big object */
    kfree(q);
    CHECK_EQ(page_free_count(), before);
}

/* ---- vm.c --------------------------------------------------------------------- */

static void
test_demand_zero(void)
{
    uint64_t before = page_free_count();
    struct tvm t = tvm_create();

    REQUIRE(t.vm != NULL);
    CHECK_EQ(vm_map_anon(t.vm, BASE, 16 * PG, RW), 0);
    CHECK_EQ(vm_map_anon(t.vm, BASE + 32 * PG, 2 * PG, RO), 0);
    CHECK_EQ(vm_map_anon(t.vm, BASE + 64 * PG, PG, 0), 0);      /* PROT_NONE guard */
    CHECK_EQ(vm_pages(t.vm), 0);

    CHECK_EQ(cpu_read(&t, BASE + 5), 0);             /* fresh: zero */
    CHECK_EQ(vm_pages(t.vm), 1);
    CHECK_EQ(prot_at(&t, BASE), RW | HAL_PROT_USER);
    CHECK_EQ(cpu_write(&t, BASE + 3 * PG + 7, 0x5a), 0);
    CHECK_EQ(cpu_read(&t, BASE + 3 * PG + 7), 0x5a);
    CHECK_EQ(cpu_read(&t, BASE + 3 * PG + 8), 0);
    CHECK_EQ(vm_pages(t.vm), 2);

    CHECK_EQ(cpu_read(&t, BASE + 32 * PG), 0);                  /* read-only reads */
    CHECK_EQ(cpu_write(&t, BASE + 32 * PG, 1), -EFAULT);         /* ... not writes */
    CHECK_EQ(cpu_read(&t, BASE + 64 * PG), -EFAULT);             /* PROT_NONE */
    CHECK_EQ(cpu_read(&t, BASE + 16 * PG), -EFAULT);             /* no region */
    CHECK_EQ(cpu_read(&t, BASE - 1), -EFAULT);
    CHECK_EQ(vm_fault(t.vm, USER_TOP, false), -EFAULT);
    CHECK_EQ(vm_fault(t.vm, UINT64_MAX, true), -EFAULT);
    CHECK_EQ(vm_fault(NULL, BASE, false), -EFAULT);
    CHECK_EQ(vm_pages(t.vm), 3);

    vm_destroy(t.vm);
    CHECK_EQ(page_free_count(), before);
    CHECK_EQ(live_as, 0);
}

static void
test_cow(void)
{
    uint64_t before = page_free_count();
    struct tvm p = tvm_create(), c;
    uint64_t shared, ro;

    REQUIRE(p.vm != NULL);
    CHECK_EQ(vm_map_anon(p.vm, BASE, 4 * PG, RW), 0);
    CHECK_EQ(vm_map_anon(p.vm, BASE + 8 * PG, PG, RX), 0);
    for (int i = 0; i < 4; i++)
        CHECK_EQ(cpu_write(&p, BASE + i * PG, 'A' + i), 0);
    CHECK_EQ(cpu_read(&p, BASE + 8 * PG), 0);
    ro = pfn_at(&p, BASE + 8 * PG);

    c = tvm_fork(&p);
    REQUIRE(c.vm != NULL && c.as != NULL);
    CHECK_EQ(p.as->pending, 0);
    CHECK_EQ(c.as->pending, 0);
    CHECK_EQ(vm_pages(c.vm), vm_pages(p.vm));
    shared = pfn_at(&p, BASE);
    CHECK_EQ_U(pfn_at(&c, BASE), shared);
    CHECK_EQ(page_refcount(shared), 2);
    CHECK_EQ(prot_at(&p, BASE) & HAL_PROT_WRITE, 0);       /* read-only in both */
    CHECK_EQ(prot_at(&c, BASE) & HAL_PROT_WRITE, 0);
    CHECK_EQ_U(pfn_at(&c, BASE + 8 * PG), ro);             /* read-only pages shared too */
    CHECK_EQ(page_refcount(ro), 2);
    CHECK_EQ(prot_at(&c, BASE + 8 * PG), RX | HAL_PROT_USER);

    /* The parent writes: it gets a copy, the child keeps the old data. */
    CHECK_EQ(cpu_write(&p, BASE, 'P'), 0);
    CHECK(pfn_at(&p, BASE) != shared);
    CHECK_EQ(cpu_read(&p, BASE), 'P');
    CHECK_EQ(cpu_read(&c, BASE), 'A');
    CHECK_EQ(page_refcount(shared), 1);

    /* The child writes the same page: count 1, so no copy, just writable. */
    CHECK_EQ(cpu_write(&c, BASE, 'C'), 0);
    CHECK_EQ_U(pfn_at(&c, BASE), shared);
    CHECK_EQ(prot_at(&c, BASE), RW | HAL_PROT_USER);
    CHECK_EQ(cpu_read(&p, BASE), 'P');

    /* The child writes first elsewhere: the parent keeps its data. */
    CHECK_EQ(cpu_write(&c, BASE + 2 * PG, 'c'), 0);
    CHECK_EQ(cpu_read(&p, BASE + 2 * PG), 'C');
    CHECK_EQ(cpu_read(&c, BASE + 2 * PG), 'c');
    CHECK_EQ(cpu_read(&c, BASE + 3 * PG), 'D');
    CHECK_EQ(cpu_write(&c, BASE + 8 * PG, 1), -EFAULT);    /* still read-only */

    /* A page first touched after the fork belongs to one side only. */
    CHECK_EQ(vm_map_anon(c.vm, BASE + 4 * PG, PG, RW), 0);   /* merges */
    CHECK_EQ(cpu_write(&c, BASE + 4 * PG, 9), 0);
    CHECK_EQ(cpu_read(&p, BASE + 4 * PG), -EFAULT);

    vm_destroy(c.vm);
    CHECK_EQ(page_refcount(ro), 1);
    /* The parent is alone again: writing needs no copy. */
    uint64_t before_write = pfn_at(&p, BASE + 1 * PG);
    CHECK_EQ(cpu_write(&p, BASE + 1 * PG, 'x'), 0);
    CHECK_EQ_U(pfn_at(&p, BASE + 1 * PG), before_write);
    vm_destroy(p.vm);
    CHECK_EQ(page_free_count(), before);
    CHECK_EQ(live_as, 0);
}

/*
 * Fault-around: faults in order map 2, 4, 8, then 16 pages at a time;
 * a fault elsewhere maps one; the region's end stops it.
 */
static void
test_fault_around(void)
{
    uint64_t before = page_free_count();
    struct tvm t = tvm_create();
    int faults = 0;

    REQUIRE(t.vm != NULL);
    CHECK_EQ(vm_map_anon(t.vm, BASE, 40 * PG, RW), 0);
    for (int i = 0; i < 40; i++) {
        if (find_map(t.as, BASE + i * PG) < 0)
            faults++;
        CHECK_EQ(cpu_write(&t, BASE + i * PG, (unsigned char)i), 0);
    }
    CHECK_EQ(faults, 6);                    /* 1 + 2 + 4 + 8 + 16, then the last 9 */
    CHECK_EQ(vm_pages(t.vm), 40);
    for (int i = 0; i < 40; i++)
        CHECK_EQ(cpu_read(&t, BASE + i * PG), i);

    /* Scattered: one page each. */
    CHECK_EQ(vm_map_anon(t.vm, BASE + 100 * PG, 40 * PG, RW), 0);
    CHECK_EQ(cpu_write(&t, BASE + 130 * PG, 1), 0);
    CHECK_EQ(cpu_write(&t, BASE + 110 * PG, 1), 0);
    CHECK_EQ(cpu_write(&t, BASE + 120 * PG, 1), 0);
    CHECK_EQ(vm_pages(t.vm), 43);
    /* In order again from 120: 121 maps 121-122, 123 maps 123-126. */
    CHECK_EQ(cpu_write(&t, BASE + 121 * PG, 1), 0);
    CHECK_EQ(vm_pages(t.vm), 45);
    CHECK_EQ(cpu_write(&t, BASE + 123 * PG, 1), 0);
    CHECK_EQ(vm_pages(t.vm), 49);
    /* Fault-around never crosses into a page already there (130). */
    CHECK_EQ(cpu_write(&t, BASE + 127 * PG, 1), 0);
    CHECK_EQ(vm_pages(t.vm), 52);           /* 127, 128, 129: stops at 130 */

    vm_destroy(t.vm);
    CHECK_EQ(page_free_count(), before);
    CHECK_EQ(live_as, 0);
}

/* The stack page fork is told about is copied at once, not shared. */
static void
test_fork_hot_page(void)
{
    uint64_t before = page_free_count();
    struct tvm p = tvm_create(), c;

    REQUIRE(p.vm != NULL);
    CHECK_EQ(vm_map_anon(p.vm, BASE, 4 * PG, RW), 0);
    CHECK_EQ(cpu_write(&p, BASE + 2 * PG, 'S'), 0);
    CHECK_EQ(cpu_write(&p, BASE, 'H'), 0);
    uint64_t hot = pfn_at(&p, BASE + 2 * PG);
    last_as = NULL;
    c.vm = vm_fork(p.vm, BASE + 2 * PG + 100);
    c.as = last_as;
    REQUIRE(c.vm != NULL);
    CHECK_EQ_U(pfn_at(&p, BASE + 2 * PG), hot);             /* the parent keeps its frame... */
    CHECK_EQ(prot_at(&p, BASE + 2 * PG), RW | HAL_PROT_USER); /* ...writable */
    CHECK_EQ(page_refcount(hot), 1);
    CHECK(pfn_at(&c, BASE + 2 * PG) != hot);                  /* the child has a copy */
    CHECK_EQ(prot_at(&c, BASE + 2 * PG), RW | HAL_PROT_USER);
    CHECK_EQ(cpu_read(&c, BASE + 2 * PG), 'S');
    CHECK_EQ(page_refcount(pfn_at(&p, BASE)), 2);             /* the rest is shared */
    vm_destroy(c.vm);
    vm_destroy(p.vm);
    CHECK_EQ(page_free_count(), before);
    CHECK_EQ(live_as, 0);
}

/* Fork of a fork: three sharers, each write peels one off. */
static void
test_cow_three_way(void)
{
    uint64_t before = page_free_count();
    struct tvm a = tvm_create(), b, c;
    uint64_t f;

    REQUIRE(a.vm != NULL);
    CHECK_EQ(vm_map_anon(a.vm, BASE, PG, RW), 0);
    CHECK_EQ(cpu_write(&a, BASE, 1), 0);
    f = pfn_at(&a, BASE);
    b = tvm_fork(&a);
    c = tvm_fork(&b);
    REQUIRE(b.vm != NULL && c.vm != NULL);
    CHECK_EQ(page_refcount(f), 3);
    CHECK_EQ(cpu_write(&b, BASE, 2), 0);
    CHECK_EQ(page_refcount(f), 2);
    CHECK_EQ(cpu_write(&a, BASE, 3), 0);
    CHECK_EQ(page_refcount(f), 1);
    CHECK_EQ(cpu_write(&c, BASE, 4), 0);
    CHECK_EQ_U(pfn_at(&c, BASE), f);
    CHECK_EQ(cpu_read(&a, BASE), 3);
    CHECK_EQ(cpu_read(&b, BASE), 2);
    CHECK_EQ(cpu_read(&c, BASE), 4);
    vm_destroy(a.vm);
    vm_destroy(c.vm);
    vm_destroy(b.vm);
    CHECK_EQ(page_free_count(), before);
}

/* fork walks resident pages only: a huge, nearly empty region is cheap
 * (the fake table would need millions of lookups otherwise; the check is
 * that the child has exactly the parent's resident pages). */
static void
test_fork_sparse(void)
{
    uint64_t before = page_free_count();
    struct tvm p = tvm_create(), c;
    uint64_t big = 1ull << 36;               /* 64 GiB region */

    REQUIRE(p.vm != NULL);
    CHECK_EQ(vm_map_anon(p.vm, BASE, big, RW), 0);
    CHECK_EQ(cpu_write(&p, BASE, 1), 0);
    CHECK_EQ(cpu_write(&p, BASE + big - 1, 2), 0);
    CHECK_EQ(cpu_write(&p, BASE + big / 2, 3), 0);
    c = tvm_fork(&p);
    REQUIRE(c.vm != NULL);
    CHECK_EQ(vm_pages(c.vm), 3);
    CHECK_EQ(c.as->nmaps, 3);
    CHECK_EQ(cpu_read(&c, BASE + big - 1), 2);
    CHECK_EQ(cpu_read(&c, BASE + big / 2), 3);
    vm_destroy(c.vm);
    vm_destroy(p.vm);
    CHECK_EQ(page_free_count(), before);
}

static void
test_unmap_split(void)
{
    uint64_t before = page_free_count(), s, e, hole[10];
    unsigned prot;
    struct tvm t = tvm_create();

    REQUIRE(t.vm != NULL);
    CHECK_EQ(vm_map_anon(t.vm, BASE, 10 * PG, RW), 0);
    for (int i = 0; i < 10; i++)
        CHECK_EQ(cpu_write(&t, BASE + i * PG, 10 + i), 0);
    CHECK_EQ(vm_pages(t.vm), 10);
    for (int i = 0; i < 10; i++)
        hole[i] = pfn_at(&t, BASE + i * PG);

    /* A hole in the middle: two regions, the data on both sides kept. */
    CHECK_EQ(vm_unmap(t.vm, BASE + 3 * PG, 3 * PG), 0);
    CHECK_EQ(t.as->pending, 0);
    CHECK_EQ(vm_pages(t.vm), 7);
    for (int i = 0; i < 10; i++)                       /* the hole's frames are free */
        CHECK_EQ(page_refcount(hole[i]), i >= 3 && i < 6 ? 0 : 1);
    CHECK(vm_region_at(t.vm, BASE + 2 * PG, &s, &e, &prot));
    CHECK_EQ_U(s, BASE);
    CHECK_EQ_U(e, BASE + 3 * PG);
    CHECK_EQ(prot, RW);
    CHECK(!vm_region_at(t.vm, BASE + 3 * PG, NULL, NULL, NULL));
    CHECK(!vm_region_at(t.vm, BASE + 6 * PG - 1, NULL, NULL, NULL));
    CHECK(vm_region_at(t.vm, BASE + 6 * PG, &s, &e, NULL));
    CHECK_EQ_U(s, BASE + 6 * PG);
    CHECK_EQ_U(e, BASE + 10 * PG);
    CHECK_EQ(cpu_read(&t, BASE + 4 * PG), -EFAULT);
    for (int i = 0; i < 10; i++)
        if (i < 3 || i >= 6)
            CHECK_EQ(cpu_read(&t, BASE + i * PG), 10 + i);

    /* Cut the bottom and the top; len rounds up to a page. */
    CHECK_EQ(vm_unmap(t.vm, BASE, 1), 0);
    CHECK(vm_region_at(t.vm, BASE + PG, &s, NULL, NULL));
    CHECK_EQ_U(s, BASE + PG);
    CHECK_EQ(vm_unmap(t.vm, BASE + 9 * PG, PG), 0);
    CHECK(vm_region_at(t.vm, BASE + 8 * PG, NULL, &e, NULL));
    CHECK_EQ_U(e, BASE + 9 * PG);
    CHECK_EQ(vm_pages(t.vm), 5);

    /* Walk the regions. */
    CHECK(vm_region_after(t.vm, 0, &s, &e, NULL));
    CHECK_EQ_U(s, BASE + PG);
    CHECK(vm_region_after(t.vm, e, &s, &e, NULL));
    CHECK_EQ_U(s, BASE + 6 * PG);
    CHECK(!vm_region_after(t.vm, e, &s, &e, NULL));

    /* Bad arguments; unmapping nothing is fine. */
    CHECK_EQ(vm_unmap(t.vm, BASE + 1, PG), -EINVAL);
    CHECK_EQ(vm_unmap(t.vm, BASE, 0), -EINVAL);
    CHECK_EQ(vm_unmap(t.vm, USER_TOP - PG, 2 * PG), -EINVAL);
    CHECK_EQ(vm_unmap(t.vm, PG, UINT64_MAX), -EINVAL);
    CHECK_EQ(vm_unmap(t.vm, 0x70000000, PG), 0);

    /* One call across both regions and the hole between. */
    CHECK_EQ(vm_unmap(t.vm, BASE, 20 * PG), 0);
    CHECK_EQ(vm_pages(t.vm), 0);
    CHECK(!vm_region_after(t.vm, 0, NULL, NULL, NULL));
    CHECK_EQ(t.as->nmaps, 0);
    vm_destroy(t.vm);
    CHECK_EQ(page_free_count(), before);
}

/* Unmapping part of a region shared after fork drops only one share. */
static void
test_unmap_shared(void)
{
    uint64_t before = page_free_count(), f;
    struct tvm p = tvm_create(), c;

    REQUIRE(p.vm != NULL);
    CHECK_EQ(vm_map_anon(p.vm, BASE, 2 * PG, RW), 0);
    CHECK_EQ(cpu_write(&p, BASE, 7), 0);
    f = pfn_at(&p, BASE);
    c = tvm_fork(&p);
    REQUIRE(c.vm != NULL);
    CHECK_EQ(vm_unmap(p.vm, BASE, PG), 0);
    CHECK_EQ(page_refcount(f), 1);
    CHECK_EQ(cpu_read(&c, BASE), 7);
    vm_destroy(p.vm);
    vm_destroy(c.vm);
    CHECK_EQ(page_free_count(), before);
}

static void
test_map_anon_rules(void)
{
    uint64_t before = page_free_count(), s, e;
    struct tvm t = tvm_create();

    REQUIRE(t.vm != NULL);
    CHECK_EQ(vm_map_anon(t.vm, BASE + 1, PG, RW), -EINVAL);         /* unaligned */
    CHECK_EQ(vm_map_anon(t.vm, BASE, 0, RW), -EINVAL);
    CHECK_EQ(vm_map_anon(t.vm, USER_TOP - PG, 2 * PG, RW), -EINVAL);
    CHECK_EQ(vm_map_anon(t.vm, USER_TOP, PG, RW), -EINVAL);
    CHECK_EQ(vm_map_anon(t.vm, PG, UINT64_MAX - PG, RW), -EINVAL);
    CHECK_EQ(vm_map_anon(t.vm, BASE, PG, 0x100), -EINVAL);           /* unknown prot */
    CHECK_EQ(vm_map_anon(t.vm, USER_TOP - PG, PG, RW | HAL_PROT_USER), 0);

    /* Adjacent regions of one prot merge (brk growth), others do not. */
    CHECK_EQ(vm_map_anon(t.vm, BASE, PG, RW), 0);
    CHECK_EQ(cpu_write(&t, BASE, 1), 0);
    CHECK_EQ(vm_map_anon(t.vm, BASE + 2 * PG, PG, RW), 0);
    CHECK_EQ(cpu_write(&t, BASE + 2 * PG, 3), 0);
    CHECK_EQ(vm_map_anon(t.vm, BASE + PG, PG, RW), 0);              /* fills the gap */
    CHECK(vm_region_at(t.vm, BASE + PG, &s, &e, NULL));
    CHECK_EQ_U(s, BASE);
    CHECK_EQ_U(e, BASE + 3 * PG);
    CHECK_EQ(vm_map_anon(t.vm, BASE + 3 * PG, PG, RO), 0);
    CHECK(vm_region_at(t.vm, BASE + 3 * PG, &s, NULL, NULL));
    CHECK_EQ_U(s, BASE + 3 * PG);
    CHECK_EQ(vm_map_anon(t.vm, BASE - PG, PG, RW), 0);              /* grows down */
    CHECK(vm_region_at(t.vm, BASE, &s, &e, NULL));
    CHECK_EQ_U(s, BASE - PG);
    CHECK_EQ_U(e, BASE + 3 * PG);

    /* Overlaps are refused. */
    CHECK_EQ(vm_map_anon(t.vm, BASE + PG, PG, RW), -EINVAL);
    CHECK_EQ(vm_map_anon(t.vm, BASE - 2 * PG, 2 * PG, RW), -EINVAL);
    CHECK_EQ(vm_map_anon(t.vm, BASE - 4 * PG, 20 * PG, RX), -EINVAL);

    /* The merged record still knows every page: unmap frees them all. */
    CHECK_EQ(cpu_read(&t, BASE + 2 * PG), 3);
    CHECK_EQ(vm_unmap(t.vm, BASE - PG, 4 * PG), 0);
    CHECK_EQ(vm_pages(t.vm), 0);
    vm_destroy(t.vm);
    CHECK_EQ(page_free_count(), before);
}

static void
test_find_free(void)
{
    struct tvm t = tvm_create();
    uint64_t a, b, c;

    REQUIRE(t.vm != NULL);
    a = vm_find_free(t.vm, 3 * PG);
    CHECK_EQ_U(a, VM_MMAP_BASE);
    CHECK_EQ(vm_map_anon(t.vm, a, 3 * PG, RW), 0);
    b = vm_find_free(t.vm, 1);
    CHECK_EQ_U(b, a + 3 * PG);
    CHECK_EQ(vm_map_anon(t.vm, b, PG, RO), 0);
    c = vm_find_free(t.vm, 10 * PG);
    CHECK_EQ_U(c, b + PG);
    /* A hole that fits is reused, one too small is skipped. */
    CHECK_EQ(vm_unmap(t.vm, a, 2 * PG), 0);
    CHECK_EQ_U(vm_find_free(t.vm, 2 * PG), a);
    CHECK_EQ_U(vm_find_free(t.vm, 3 * PG), b + PG);
    /* Regions below the base are not in the way. */
    CHECK_EQ(vm_map_anon(t.vm, BASE, PG, RW), 0);
    CHECK_EQ_U(vm_find_free(t.vm, PG), a);
    CHECK_EQ_U(vm_find_free(t.vm, 0), 0);
    CHECK_EQ_U(vm_find_free(t.vm, USER_TOP), 0);
    CHECK_EQ_U(vm_find_free(t.vm, UINT64_MAX), 0);
    vm_destroy(t.vm);
}

static void
test_vm_copy_to(void)
{
    uint64_t before = page_free_count(), f;
    struct tvm p = tvm_create(), c;
    char text[6000];

    REQUIRE(p.vm != NULL);
    for (size_t i = 0; i < sizeof(text); i++)
        text[i] = (char)(i * 7);
    /* Into a read-only region (an ELF text segment) and across pages. */
    CHECK_EQ(vm_map_anon(p.vm, BASE, 3 * PG, RX), 0);
    CHECK_EQ(vm_copy_to(p.vm, BASE + 100, text, sizeof(text)), 0);
    CHECK_EQ(p.as->pending, 0);
    for (size_t i = 0; i < sizeof(text); i += 499)
        CHECK_EQ(cpu_read(&p, BASE + 100 + i), (unsigned char)text[i]);
    CHECK_EQ(prot_at(&p, BASE), RX | HAL_PROT_USER);
    CHECK_EQ(cpu_write(&p, BASE, 0), -EFAULT);
    /* Outside any region, or running past one. */
    CHECK_EQ(vm_copy_to(p.vm, BASE + 3 * PG, text, 1), -EFAULT);
    CHECK_EQ(vm_copy_to(p.vm, BASE + 3 * PG - 10, text, 20), -EFAULT);
    CHECK_EQ(vm_copy_to(p.vm, USER_TOP - 1, text, 2), -EFAULT);
    CHECK_EQ(vm_copy_to(p.vm, BASE, text, 0), 0);
    CHECK_EQ(vm_map_anon(p.vm, BASE + 4 * PG, PG, 0), 0);     /* PROT_NONE */
    CHECK_EQ(vm_copy_to(p.vm, BASE + 4 * PG, text, 1), -EFAULT);
    CHECK_EQ(pfn_at(&p, BASE + 4 * PG), PAGE_NONE);

    /* Into a page shared after fork: only the target vm sees it. */
    c = tvm_fork(&p);
    REQUIRE(c.vm != NULL);
    f = pfn_at(&p, BASE);
    CHECK_EQ(vm_copy_to(c.vm, BASE + 100, "zz", 2), 0);
    CHECK(pfn_at(&c, BASE) != f);
    CHECK_EQ(cpu_read(&c, BASE + 100), 'z');
    CHECK_EQ(cpu_read(&p, BASE + 100), (unsigned char)text[0]);
    CHECK_EQ(prot_at(&c, BASE), RX | HAL_PROT_USER);
    vm_destroy(c.vm);
    vm_destroy(p.vm);
    CHECK_EQ(page_free_count(), before);
}

/* Out of frames: faults say -ENOMEM, fork fails cleanly, nothing leaks. */
static void
test_vm_oom(void)
{
    uint64_t before = page_free_count(), n = 0;
    static uint64_t hog[ARENA_FRAMES];
    struct tvm p = tvm_create(), c;

    REQUIRE(p.vm != NULL);
    CHECK_EQ(vm_map_anon(p.vm, BASE, 64 * PG, RW), 0);
    for (int i = 19; i >= 0; i--)       /* downwards: no fault-around, exactly 20 pages */
        CHECK_EQ(cpu_write(&p, BASE + i * PG, (unsigned char)i), 0);
    CHECK_EQ(vm_pages(p.vm), 20);

    /* Fork failing at each possible hal_map: no leak, parent intact. */
    for (int k = 1; k <= 45; k++) {
        uint64_t mid = page_free_count();
        map_fail_in = k;
        c = tvm_fork(&p);
        map_fail_in = 0;
        if (c.vm != NULL) {
            vm_destroy(c.vm);
        }
        CHECK_EQ(page_free_count(), mid);
        CHECK_EQ(live_as, 1);
    }
    for (int i = 0; i < 20; i++)
        CHECK_EQ(cpu_read(&p, BASE + i * PG), i);

    /* hal_map failing on a demand-zero fault. */
    map_fail_in = 1;
    CHECK_EQ(vm_fault(p.vm, BASE + 30 * PG, true), -ENOMEM);
    CHECK_EQ(vm_pages(p.vm), 20);

    /* Fork, then take every frame: COW breaks and new pages fail. */
    c = tvm_fork(&p);
    REQUIRE(c.vm != NULL);
    while ((hog[n] = page_alloc()) != PAGE_NONE)
        n++;
    CHECK_EQ(cpu_write(&p, BASE, 1), -ENOMEM);
    CHECK_EQ(cpu_write(&p, BASE + 40 * PG, 1), -ENOMEM);
    CHECK_EQ(cpu_read(&p, BASE), 0);                       /* reads still work */
    CHECK(tvm_fork(&p).vm == NULL);
    /* The child exits: the parent's pages are its own again, no frame needed. */
    vm_destroy(c.vm);
    CHECK_EQ(cpu_write(&p, BASE, 1), 0);
    for (uint64_t i = 0; i < n; i++)
        page_free(hog[i]);
    vm_destroy(p.vm);
    CHECK_EQ(page_free_count(), before);
    CHECK_EQ(live_as, 0);
}

/* ---- uaccess.c ------------------------------------------------------------------ */

static void
test_copyin_copyout(void)
{
    uint64_t before = page_free_count();
    struct tvm t = tvm_create();
    char buf[3 * 4096], back[3 * 4096];

    REQUIRE(t.vm != NULL);
    the_proc.vm = t.vm;
    CHECK_EQ(vm_map_anon(t.vm, BASE, 4 * PG, RW), 0);
    CHECK_EQ(vm_map_anon(t.vm, BASE + 8 * PG, PG, RO), 0);
    CHECK_EQ(vm_map_anon(t.vm, BASE + 10 * PG, PG, 0), 0);
    CHECK_EQ(vm_map_anon(t.vm, USER_TOP - PG, PG, RW), 0);
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (char)(i ^ (i >> 8));

    /* Round trip across page boundaries, demand-zero pages faulted in. */
    CHECK_EQ(copyout(BASE + 123, buf, sizeof(buf)), 0);
    CHECK_EQ(t.as->pending, 0);
    memset(back, 0, sizeof(back));
    CHECK_EQ(copyin(back, BASE + 123, sizeof(back)), 0);
    CHECK_MEM(back, buf, sizeof(buf));
    CHECK_EQ(cpu_read(&t, BASE + 123 + 5000), (unsigned char)buf[5000]);
    CHECK_EQ(copyin(back, BASE + 8 * PG, 16), 0);            /* RO: readable */
    CHECK_EQ(back[0], 0);
    CHECK_EQ(copyout(USER_TOP - 8, buf, 8), 0);              /* the very top */
    CHECK_EQ(copyin(back, 0, 0), 0);                         /* nothing to copy */

    /* Every bad case is -EFAULT. */
    CHECK_EQ(copyout(BASE + 8 * PG, buf, 1), -EFAULT);       /* read-only */
    CHECK_EQ(copyin(back, BASE + 10 * PG, 1), -EFAULT);      /* PROT_NONE */
    CHECK_EQ(copyin(back, BASE + 4 * PG, 1), -EFAULT);       /* unmapped */
    CHECK_EQ(copyin(back, BASE + 4 * PG - 2, 4), -EFAULT);   /* runs off the end */
    CHECK_EQ(copyout(BASE + 4 * PG - 2, buf, 4), -EFAULT);
    CHECK_EQ(copyin(back, 0, 1), -EFAULT);                   /* NULL */
    CHECK_EQ(copyin(back, USER_TOP, 1), -EFAULT);
    CHECK_EQ(copyin(back, USER_TOP - 4, 8), -EFAULT);        /* crosses USER_TOP */
    CHECK_EQ(copyin(back, PHYSMAP_BASE, 8), -EFAULT);        /* kernel addresses */
    CHECK_EQ(copyout(KERNEL_BASE, buf, 8), -EFAULT);
    CHECK_EQ(copyin(back, UINT64_MAX - 3, 8), -EFAULT);      /* wraps */
    CHECK_EQ(copyin(back, BASE, SIZE_MAX), -EFAULT);
    have_proc = false;
    CHECK_EQ(copyin(back, BASE, 1), -EFAULT);                /* no process */
    have_proc = true;

    vm_destroy(t.vm);
    the_proc.vm = NULL;
    CHECK_EQ(copyin(back, BASE, 1), -EFAULT);                /* no vm */
    CHECK_EQ(page_free_count(), before);
}

/* copyout into a page shared after fork writes a private copy. */
static void
test_copyout_breaks_cow(void)
{
    uint64_t before = page_free_count(), f;
    struct tvm p = tvm_create(), c;

    REQUIRE(p.vm != NULL);
    CHECK_EQ(vm_map_anon(p.vm, BASE, PG, RW), 0);
    CHECK_EQ(cpu_write(&p, BASE, 'o'), 0);
    f = pfn_at(&p, BASE);
    c = tvm_fork(&p);
    REQUIRE(c.vm != NULL);
    the_proc.vm = p.vm;
    CHECK_EQ(copyout(BASE, "n", 1), 0);
    CHECK(pfn_at(&p, BASE) != f);
    CHECK_EQ(prot_at(&p, BASE), RW | HAL_PROT_USER);
    CHECK_EQ(cpu_read(&p, BASE), 'n');
    CHECK_EQ(cpu_read(&c, BASE), 'o');
    /* copyin does not break the share. */
    the_proc.vm = c.vm;
    char ch = 0;
    CHECK_EQ(copyin(&ch, BASE, 1), 0);
    CHECK_EQ(ch, 'o');
    CHECK_EQ_U(pfn_at(&c, BASE), f);
    the_proc.vm = NULL;
    vm_destroy(c.vm);
    vm_destroy(p.vm);
    CHECK_EQ(page_free_count(), before);
}

static void
test_copyinstr(void)
{
    uint64_t before = page_free_count();
    struct tvm t = tvm_create();
    char s[64];

    REQUIRE(t.vm != NULL);
    the_proc.vm = t.vm;
    CHECK_EQ(vm_map_anon(t.vm, BASE, 2 * PG, RW), 0);
    CHECK_EQ(copyout(BASE, "hello", 6), 0);
    CHECK_EQ(copyinstr(s, BASE, sizeof(s)), 5);
    CHECK_STR(s, "hello");
    CHECK_EQ(copyinstr(s, BASE + 5, sizeof(s)), 0);          /* empty string */
    CHECK_STR(s, "");

    /* Across a page boundary. */
    CHECK_EQ(copyout(BASE + PG - 3, "abcdef", 7), 0);
    CHECK_EQ(copyinstr(s, BASE + PG - 3, sizeof(s)), 6);
    CHECK_STR(s, "abcdef");

    /* Length limits: max-1 characters fit, max do not. */
    CHECK_EQ(copyinstr(s, BASE, 6), 5);
    CHECK_EQ(copyinstr(s, BASE, 5), -ENAMETOOLONG);
    CHECK_EQ(copyinstr(s, BASE, 0), -ENAMETOOLONG);

    /* No NUL before the region ends: -EFAULT, not a read past it. */
    memset(s, 'x', sizeof(s));
    CHECK_EQ(copyout(BASE + 2 * PG - 4, s, 4), 0);
    CHECK_EQ(copyinstr(s, BASE + 2 * PG - 4, sizeof(s)), -EFAULT);
    /* A NUL right at the region's end is fine. */
    CHECK_EQ(copyout(BASE + 2 * PG - 1, "", 1), 0);
    CHECK_EQ(copyinstr(s, BASE + 2 * PG - 4, sizeof(s)), 3);

    CHECK_EQ(copyinstr(s, 0, sizeof(s)), -EFAULT);
    CHECK_EQ(copyinstr(s, USER_TOP, sizeof(s)), -EFAULT);
    CHECK_EQ(copyinstr(s, UINT64_MAX, sizeof(s)), -EFAULT);
    CHECK_EQ(copyinstr(s, KERNEL_BASE, sizeof(s)), -EFAULT);

    /* Up to the last user byte, the string never crossing USER_TOP. */
    CHECK_EQ(vm_map_anon(t.vm, USER_TOP - PG, PG, RW), 0);
    CHECK_EQ(copyout(USER_TOP - 3, "ab", 3), 0);
    CHECK_EQ(copyinstr(s, USER_TOP - 3, sizeof(s)), 2);
    CHECK_EQ(copyout(USER_TOP - 2, "xy", 2), 0);
    CHECK_EQ(copyinstr(s, USER_TOP - 2, sizeof(s)), -EFAULT);

    the_proc.vm = NULL;
    vm_destroy(t.vm);
    CHECK_EQ(page_free_count(), before);
}

static void
test_switch_commits(void)
{
    struct tvm t = tvm_create();

    REQUIRE(t.vm != NULL);
    vm_switch(t.vm);
    CHECK(loaded_as == t.as);
    CHECK_EQ(t.as->pending, 0);
    vm_destroy(t.vm);
}

static const struct unit_case cases[] = {
    UNIT_CASE(test_page_alloc_free),
    UNIT_CASE(test_page_exhaust),
    UNIT_CASE(test_page_runs),
    UNIT_CASE(test_page_misuse_panics),
    UNIT_CASE(test_page_va_is_ram),
    UNIT_CASE(test_kmalloc_sizes),
    UNIT_CASE(test_kmalloc_many),
    UNIT_CASE(test_kmalloc_oom_and_misuse),
    UNIT_CASE(test_demand_zero),
    UNIT_CASE(test_cow),
    UNIT_CASE(test_cow_three_way),
    UNIT_CASE(test_fault_around),
    UNIT_CASE(test_fork_hot_page),
    UNIT_CASE(test_fork_sparse),
    UNIT_CASE(test_unmap_split),
    UNIT_CASE(test_unmap_shared),
    UNIT_CASE(test_map_anon_rules),
    UNIT_CASE(test_find_free),
    UNIT_CASE(test_vm_copy_to),
    UNIT_CASE(test_vm_oom),
    UNIT_CASE(test_copyin_copyout),
    UNIT_CASE(test_copyout_breaks_cow),
    UNIT_CASE(test_copyinstr),
    UNIT_CASE(test_switch_commits),
};

int
main(void)
{
    guest_arena = aligned_alloc(4096, ARENA_FRAMES * 4096);
    if (guest_arena == NULL)
        return 2;
    memset(guest_arena, 0xdd, ARENA_FRAMES * 4096);     /* "uninitialised" */
    boot.build = "host";
    boot.cmdline = "";
    boot.total_pages = ARENA_FRAMES;
    boot.nr_free = 3;
    boot.free[0] = (struct hal_range){ GUEST_ARENA_PFN0, RANGE0_FRAMES };
    boot.free[1] = (struct hal_range){ GUEST_ARENA_PFN0 + RANGE0_FRAMES, 0 };   /* empty */
    boot.free[2] = (struct hal_range){ GUEST_ARENA_PFN0 + RANGE0_FRAMES + HOLE_FRAMES,
                                       ARENA_FRAMES - RANGE0_FRAMES - HOLE_FRAMES };
    page_init(&boot);
    return unit_run(cases, UNIT_COUNT(cases));
}
