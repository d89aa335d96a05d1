/*
 * vm.c - user address spaces: regions, demand-zero paging, copy-on-write.
 *
 * A vm is a sorted list of non-overlapping regions plus the backend's
 * page tables (struct hal_as).  A region only promises memory: a page gets
 * a frame at its first touch (vm_fault), zero-filled.
 *
 * Copy-on-write needs no flag of its own.  After vm_fork every resident
 * page is mapped read-only in both address spaces and its frame has one
 * reference per sharer.  A write fault in a writable region then copies
 * the frame if it is still shared, or, once the other sharers are gone
 * (count 1), just maps it writable again.
 *
 * Each region also records which of its pages are resident (an unordered
 * array of page addresses).  fork, unmap and destroy walk that record
 * instead of probing every page of a possibly huge, mostly empty region.
 * Invariant: a page is in its region's record exactly when it is mapped
 * in the hal_as, and then it holds one reference to its frame.
 *
 * Page-table updates may be queued by the backend; every operation that
 * changed a vm's mappings ends with hal_as_commit() on it, so the changes
 * are in force (and stale TLB entries gone) before the kernel returns to
 * user mode.
 */
#include "defs.h"
#include "page.h"
#include "vm.h"

#define PROT_MASK (HAL_PROT_READ | HAL_PROT_WRITE | HAL_PROT_EXEC)

struct region {
    uint64_t start, end;       /* [start, end), page aligned */
    unsigned prot;             /* HAL_PROT_READ/WRITE/EXEC */
    uint64_t *pages;           /* resident page addresses, unordered */
    size_t npages;             /* entries used */
    size_t cap;                /* entries allocated */
    struct region *next;       /* the next region up */
};

struct vm {
    struct hal_as *as;
    struct region *regions;    /* sorted by start */
    uint64_t resident;         /* pages mapped, all regions */
    bool dirty;                /* mappings changed since the last commit */
    uint64_t next_fault;       /* where a sequential demand-zero fault would come next */
    unsigned window;           /* pages the last such fault mapped */
};

/*
 * Fault-around: a demand-zero fault right where the previous one's pages
 * ended maps the next pages of the region too, twice as many each time,
 * up to FAULT_AROUND_MAX.  Touching memory in order (a growing heap, a
 * fresh buffer) then takes one fault per 16 pages instead of one per
 * page, which matters most where a fault is expensive: in the PV build a
 * fault costs two hypervisor entries.  Scattered faults map one page, so
 * memory is not spent on pages nobody asked for.
 */
#define FAULT_AROUND_MAX 16

/* ---- helpers ----------------------------------------------------------- */

/* The prot a region's pages are mapped with when not shared. */
static unsigned
map_prot(const struct region *r)
{
    return r->prot | HAL_PROT_USER;
}

/* True if [va, va+n) is a non-empty range of user addresses. */
static bool
user_range_ok(uint64_t va, uint64_t n)
{
    return n > 0 && va < USER_TOP && n <= USER_TOP - va;
}

static void
commit(struct vm *vm)
{
    if (vm->dirty) {
        hal_as_commit(vm->as);
        vm->dirty = false;
    }
}

/* The region holding va, or NULL. */
static struct region *
region_find(struct vm *vm, uint64_t va)
{
    for (struct region *r = vm->regions; r != NULL && r->start <= va; r = r->next)
        if (va < r->end)
            return r;
    return NULL;
}

/* Is an access of this kind allowed in r?  x86 cannot map a page that is
 * writable or executable but not readable, so any access right allows
 * reading; only PROT_NONE regions refuse reads. */
static bool
access_ok(const struct region *r, bool write)
{
    if (write)
        return (r->prot & HAL_PROT_WRITE) != 0;
    return (r->prot & PROT_MASK) != 0;
}

/* Make room for at least want entries in r's record: 0 or -ENOMEM. */
static int
record_reserve(struct region *r, size_t want)
{
    size_t cap;
    uint64_t *pages;

    if (want <= r->cap)
        return 0;
    cap = r->cap ? r->cap : 8;
    while (cap < want)
        cap *= 2;
    pages = kmalloc(cap * sizeof(uint64_t));
    if (pages == NULL)
        return -ENOMEM;
    if (r->npages > 0)
        memcpy(pages, r->pages, r->npages * sizeof(uint64_t));
    kfree(r->pages);
    r->pages = pages;
    r->cap = cap;
    return 0;
}

static void
region_free(struct region *r)
{
    kfree(r->pages);
    kfree(r);
}

/* Unmap resident page i of r and drop its frame reference; the record's
 * last entry takes slot i. */
static void
drop_page(struct vm *vm, struct region *r, size_t i)
{
    uint64_t va = r->pages[i], pfn;
    unsigned prot;

    if (!hal_lookup(vm->as, va, &pfn, &prot))
        panic("vm: resident page %#lx not mapped", (unsigned long)va);
    hal_unmap(vm->as, va);
    page_free(pfn);
    r->pages[i] = r->pages[--r->npages];
    vm->resident--;
    vm->dirty = true;
}

/*
 * Make page va (aligned, inside r) present in vm and, if write, backed by
 * a frame this vm owns alone; *pfn is the frame.  Access rights are the
 * caller's business: vm_copy_to writes into read-only regions this way
 * (the frame is written through the physmap, its mapping stays
 * read-only).  0 or -ENOMEM.  Does not commit.
 */
static int
fault_in(struct vm *vm, struct region *r, uint64_t va, bool write, uint64_t *pfn)
{
    uint64_t cur, copy;
    unsigned prot;

    if (!hal_lookup(vm->as, va, &cur, &prot)) {
        /* Demand-zero: a fresh frame, alone, mapped with the region's prot. */
        if (record_reserve(r, r->npages + 1) < 0)
            return -ENOMEM;
        cur = page_alloc();
        if (cur == PAGE_NONE)
            return -ENOMEM;
        if (hal_map(vm->as, va, cur, map_prot(r)) < 0) {
            page_free(cur);
            return -ENOMEM;
        }
        r->pages[r->npages++] = va;
        vm->resident++;
        vm->dirty = true;
        *pfn = cur;
        return 0;
    }
    if (write && page_refcount(cur) > 1) {
        /* Shared after fork: take a private copy, drop our share. */
        copy = page_alloc();
        if (copy == PAGE_NONE)
            return -ENOMEM;
        memcpy(pfn_to_va(copy), pfn_to_va(cur), PAGE_SIZE);
        if (hal_map(vm->as, va, copy, map_prot(r)) < 0) {
            page_free(copy);
            return -ENOMEM;
        }
        page_free(cur);
        vm->dirty = true;
        cur = copy;
    } else if (write && !(prot & HAL_PROT_WRITE) && (r->prot & HAL_PROT_WRITE)) {
        /* Was shared, every other sharer is gone: ours alone again. */
        if (hal_map(vm->as, va, cur, map_prot(r)) < 0)
            return -ENOMEM;
        vm->dirty = true;
    }
    *pfn = cur;
    return 0;
}

/* vm_fault and vm_page_for: check the access, then fault_in and commit. */
static int
resolve(struct vm *vm, uint64_t va, bool write, uint64_t *pfn)
{
    struct region *r;
    int rc;

    if (vm == NULL || va >= USER_TOP)
        return -EFAULT;
    r = region_find(vm, va);
    if (r == NULL || !access_ok(r, write))
        return -EFAULT;
    rc = fault_in(vm, r, PAGE_ROUND_DOWN(va), write, pfn);
    commit(vm);
    return rc;
}

/* Map up to n demand-zero pages of r from va on (stopping at the end of
 * r, at a page already there, or when memory runs short); how many. */
static unsigned
map_ahead(struct vm *vm, struct region *r, uint64_t va, unsigned n)
{
    unsigned done = 0;
    uint64_t pfn;
    unsigned prot;

    for (; done < n && va < r->end; done++, va += PAGE_SIZE) {
        if (hal_lookup(vm->as, va, &pfn, &prot) || page_free_count() < 64)
            break;
        if (fault_in(vm, r, va, false, &pfn) < 0)
            break;
    }
    return done;
}

/* ---- creation and destruction ------------------------------------------ */

/* An empty address space (kernel half only), or NULL if out of memory. */
struct vm *
vm_create(void)
{
    struct vm *vm = kmalloc(sizeof(*vm));

    if (vm == NULL)
        return NULL;
    vm->as = hal_as_create();
    if (vm->as == NULL) {
        kfree(vm);
        return NULL;
    }
    return vm;
}

/*
 * Free vm entirely: every user page (dropping its frame reference), the
 * regions, the page tables.  vm must not be the loaded address space
 * (switch to another one first).  NULL is ignored.
 */
void
vm_destroy(struct vm *vm)
{
    struct region *r, *next;

    if (vm == NULL)
        return;
    for (r = vm->regions; r != NULL; r = next) {
        next = r->next;
        while (r->npages > 0)
            drop_page(vm, r, r->npages - 1);
        region_free(r);
    }
    vm->regions = NULL;
    hal_as_commit(vm->as);
    hal_as_destroy(vm->as);
    kfree(vm);
}

/*
 * A copy-on-write copy of parent: the same regions; every resident page
 * shared, read-only in both, its frame's count raised by one, except the
 * writable page holding hot_va, which the child gets a copy of at once
 * (both processes write their stack right after fork: two faults saved,
 * four hypervisor entries in the PV build).  NULL if out of memory
 * (parent is then unchanged but for some pages being read-only, which the
 * next write fault undoes cheaply).
 */
struct vm *
vm_fork(struct vm *parent, uint64_t hot_va)
{
    uint64_t hot = hot_va ? PAGE_ROUND_DOWN(hot_va) : ~0ull;
    struct vm *child = vm_create();
    struct region **tail;

    if (child == NULL)
        return NULL;
    tail = &child->regions;
    for (struct region *r = parent->regions; r != NULL; r = r->next) {
        struct region *c = kmalloc(sizeof(*c));
        if (c == NULL)
            goto fail;
        c->start = r->start;
        c->end = r->end;
        c->prot = r->prot;
        *tail = c;
        tail = &c->next;
        if (record_reserve(c, r->npages) < 0)
            goto fail;

        for (size_t i = 0; i < r->npages; i++) {
            uint64_t va = r->pages[i], pfn;
            unsigned prot, shared = map_prot(r) & ~HAL_PROT_WRITE;

            if (!hal_lookup(parent->as, va, &pfn, &prot))
                panic("vm_fork: resident page %#lx not mapped", (unsigned long)va);
            if (va == hot && (prot & HAL_PROT_WRITE)) {
                uint64_t copy = page_alloc();
                if (copy != PAGE_NONE) {
                    memcpy(pfn_to_va(copy), pfn_to_va(pfn), PAGE_SIZE);
                    if (hal_map(child->as, va, copy, map_prot(r)) < 0) {
                        page_free(copy);
                        goto fail;
                    }
                    c->pages[c->npages++] = va;
                    child->resident++;
                    child->dirty = true;
                    continue;
                }
                /* no frame for the copy: share it like the rest */
            }
            if (prot & HAL_PROT_WRITE) {
                if (hal_map(parent->as, va, pfn, shared) < 0)
                    goto fail;
                parent->dirty = true;
            }
            if (hal_map(child->as, va, pfn, shared) < 0)
                goto fail;
            page_ref(pfn);
            c->pages[c->npages++] = va;
            child->resident++;
            child->dirty = true;
        }
    }
    commit(parent);
    commit(child);
    return child;

fail:
    commit(parent);
    vm_destroy(child);
    return NULL;
}

/* ---- regions ------------------------------------------------------------- */

/*
 * Add the demand-zero region [start, start+len) with prot (HAL_PROT_READ,
 * WRITE, EXEC; USER is implied).  start must be page aligned; len is
 * rounded up to pages.  It merges with an adjacent region of the same
 * prot (brk grows the heap this way).  0, -EINVAL (bad range or prot, or
 * overlapping an existing region: unmap first), or -ENOMEM.
 */
int
vm_map_anon(struct vm *vm, uint64_t start, uint64_t len, unsigned prot)
{
    struct region **pp, *prev = NULL, *next, *r;
    uint64_t end;

    prot &= ~HAL_PROT_USER;
    if ((prot & ~PROT_MASK) || start % PAGE_SIZE || len > USER_TOP)
        return -EINVAL;
    len = PAGE_ROUND_UP(len);
    if (!user_range_ok(start, len))
        return -EINVAL;
    end = start + len;

    for (pp = &vm->regions; *pp != NULL && (*pp)->start < start; pp = &(*pp)->next)
        prev = *pp;
    next = *pp;
    if ((prev && prev->end > start) || (next && next->start < end))
        return -EINVAL;

    if (prev && prev->end == start && prev->prot == prot) {
        prev->end = end;
        /* Close the gap to next too, if its record can join prev's. */
        if (next && next->start == end && next->prot == prot &&
            record_reserve(prev, prev->npages + next->npages) == 0) {
            if (next->npages > 0)
                memcpy(prev->pages + prev->npages, next->pages,
                       next->npages * sizeof(uint64_t));
            prev->npages += next->npages;
            prev->end = next->end;
            prev->next = next->next;
            region_free(next);
        }
        return 0;
    }
    if (next && next->start == end && next->prot == prot) {
        next->start = start;
        return 0;
    }
    r = kmalloc(sizeof(*r));
    if (r == NULL)
        return -ENOMEM;
    r->start = start;
    r->end = end;
    r->prot = prot;
    r->next = next;
    *pp = r;
    return 0;
}

/*
 * Remove [start, start+len) from vm: pages there are unmapped and their
 * frames dropped; regions are cut or split around the hole.  Addresses in
 * no region are fine (munmap semantics).  start must be page aligned; len
 * is rounded up.  0, -EINVAL, or -ENOMEM (a split needed memory; nothing
 * was changed).
 */
int
vm_unmap(struct vm *vm, uint64_t start, uint64_t len)
{
    struct region **pp, *r, *right = NULL;
    uint64_t end;

    if (start % PAGE_SIZE || len > USER_TOP)
        return -EINVAL;
    len = PAGE_ROUND_UP(len);
    if (!user_range_ok(start, len))
        return -EINVAL;
    end = start + len;

    /* A hole strictly inside one region splits it in two: get the second
     * half's memory before changing anything. */
    r = region_find(vm, start);
    if (r != NULL && r->start < start && end < r->end) {
        size_t above = 0;
        for (size_t i = 0; i < r->npages; i++)
            if (r->pages[i] >= end)
                above++;
        right = kmalloc(sizeof(*right));
        if (right == NULL || record_reserve(right, above) < 0) {
            if (right != NULL)
                region_free(right);
            return -ENOMEM;
        }
    }

    pp = &vm->regions;
    while ((r = *pp) != NULL && r->start < end) {
        if (r->end <= start) {
            pp = &r->next;
            continue;
        }
        for (size_t i = 0; i < r->npages;) {
            if (r->pages[i] >= start && r->pages[i] < end)
                drop_page(vm, r, i);     /* slot i now holds another page */
            else
                i++;
        }
        if (start <= r->start && r->end <= end) {         /* all of it */
            *pp = r->next;
            region_free(r);
            continue;
        }
        if (start <= r->start) {                          /* its bottom */
            r->start = end;
        } else if (r->end <= end) {                       /* its top */
            r->end = start;
        } else {                                          /* its middle */
            right->start = end;
            right->end = r->end;
            right->prot = r->prot;
            for (size_t i = 0; i < r->npages;) {
                if (r->pages[i] >= end) {
                    right->pages[right->npages++] = r->pages[i];
                    r->pages[i] = r->pages[--r->npages];
                } else {
                    i++;
                }
            }
            r->end = start;
            right->next = r->next;
            r->next = right;
            right = NULL;
        }
        pp = &r->next;
    }
    commit(vm);
    return 0;
}

/*
 * The lowest address at or above VM_MMAP_BASE where len bytes (rounded up
 * to pages) fit between regions, or 0 if none does.
 */
uint64_t
vm_find_free(struct vm *vm, uint64_t len)
{
    uint64_t at = VM_MMAP_BASE;

    if (len == 0 || len > USER_TOP)
        return 0;
    len = PAGE_ROUND_UP(len);
    for (struct region *r = vm->regions; r != NULL; r = r->next) {
        if (r->end <= at)
            continue;
        if (r->start >= at && r->start - at >= len)
            break;
        at = r->end;
    }
    return user_range_ok(at, len) ? at : 0;
}

/* Report r through the optional out pointers; false if r is NULL. */
static bool
region_report(const struct region *r, uint64_t *start, uint64_t *end, unsigned *prot)
{
    if (r == NULL)
        return false;
    if (start)
        *start = r->start;
    if (end)
        *end = r->end;
    if (prot)
        *prot = r->prot;
    return true;
}

bool
vm_region_at(struct vm *vm, uint64_t va, uint64_t *start, uint64_t *end,
             unsigned *prot)
{
    return region_report(region_find(vm, va), start, end, prot);
}

bool
vm_region_after(struct vm *vm, uint64_t va, uint64_t *start, uint64_t *end,
                unsigned *prot)
{
    struct region *r = vm->regions;

    while (r != NULL && r->end <= va)
        r = r->next;
    return region_report(r, start, end, prot);
}

/* ---- faults and access ------------------------------------------------------ */

/*
 * Resolve a user fault (or a kernel access on a user's behalf) at va:
 * 0 when the page is mapped with the access allowed, -EFAULT if va is in
 * no region or the region forbids the access, -ENOMEM if no frame was
 * left (the caller kills the process).
 */
int
vm_fault(struct vm *vm, uint64_t va, bool write)
{
    uint64_t page = PAGE_ROUND_DOWN(va), pfn;
    unsigned prot;
    bool fresh = vm != NULL && va < USER_TOP && !hal_lookup(vm->as, page, &pfn, &prot);
    int rc = resolve(vm, va, write, &pfn);

    if (rc < 0 || !fresh)
        return rc;
    /* A demand-zero fault: in order with the last one?  Then map ahead. */
    unsigned want = page == vm->next_fault ? vm->window * 2 : 1;
    if (want > FAULT_AROUND_MAX)
        want = FAULT_AROUND_MAX;
    unsigned got = 1;
    if (want > 1) {
        got += map_ahead(vm, region_find(vm, page), page + PAGE_SIZE, want - 1);
        commit(vm);
    }
    vm->window = got;
    vm->next_fault = page + (uint64_t)got * PAGE_SIZE;
    return 0;
}

/* As vm_fault, and *pfn is the frame now behind page va. */
int
vm_page_for(struct vm *vm, uint64_t va, bool write, uint64_t *pfn)
{
    return resolve(vm, va, write, pfn);
}

int
vm_copy_to(struct vm *vm, uint64_t va, const void *src, size_t n)
{
    const char *from = src;
    int rc = 0;

    if (n == 0)
        return 0;
    if (!user_range_ok(va, n))
        return -EFAULT;
    while (n > 0) {
        uint64_t page = PAGE_ROUND_DOWN(va), off = va - page, pfn;
        size_t chunk = PAGE_SIZE - off < n ? PAGE_SIZE - off : n;
        struct region *r = region_find(vm, va);

        /* PROT_NONE pages are never mapped: the HAL has no "no access". */
        if (r == NULL || (r->prot & PROT_MASK) == 0) {
            rc = -EFAULT;
            break;
        }
        rc = fault_in(vm, r, page, true, &pfn);
        if (rc < 0)
            break;
        memcpy((char *)pfn_to_va(pfn) + off, from, chunk);
        from += chunk;
        va += chunk;
        n -= chunk;
    }
    commit(vm);
    return rc;
}

/* Load vm as the current address space (hal_as_switch commits it). */
void
vm_switch(struct vm *vm)
{
    vm->dirty = false;
    hal_as_switch(vm->as);
}

uint64_t
vm_pages(struct vm *vm)
{
    return vm ? vm->resident : 0;
}
