/*
 * memory.c - the page-table hypercalls: mmu_update, mmuext_op,
 * update_va_mapping.  Each request is copied in, decoded, and handed to
 * the page-type rules (hyp/mm/pagetype.c) under the domain's mm_lock; a
 * request that would break them is refused with nothing changed.
 */
#include "hypercall.h"
#include "pv.h"
#include "mm.h"
#include "errno.h"
#include "guest_access.h"
#include <asm/cpu.h>
#include <asm/x86.h>
#include <paravane/memory.h>

void percpu_load_guest_l4(uint64_t l4);

/* Only the caller's own domain for now (dom0 building domUs comes later). */
static int check_dom(struct vcpu *v, uint64_t dom)
{
    if (dom == DOMID_SELF || dom == v->dom->id)
        return 0;
    return v->dom->privileged ? -ENOSYS : -EPERM;
}

long do_mmu_update(struct vcpu *v, uint64_t reqs, uint64_t count, uint64_t done_ptr, uint64_t dom,
                   uint64_t a5)
{
    (void)a5;
    struct domain *d = v->dom;
    int rc = check_dom(v, dom);
    if (rc)
        return rc;
    if (count > MMU_MAX_BATCH)
        return -EINVAL;
    uint32_t done = 0;
    spin_lock(&d->mm_lock);
    for (; done < count; done++) {
        struct mmu_update u;
        if ((rc = copy_from_guest(&u, reqs + done * sizeof u, sizeof u)) != 0)
            break;
        if ((u.ptr & 3) != MMU_NORMAL_PT_UPDATE) {
            rc = -ENOSYS;
            break;
        }
        if (u.ptr & 4) {                /* entries are 8-byte aligned */
            rc = -EINVAL;
            break;
        }
        rc = pt_mod_entry(pv_pt_env(), u.ptr >> PAGE_SHIFT, (u.ptr & (PAGE_SIZE - 1)) / 8, u.val, d->id);
        if (rc)
            break;
    }
    spin_unlock(&d->mm_lock);
    if (done_ptr && copy_to_guest(done_ptr, &done, sizeof done))
        return -EFAULT;
    return rc;
}

/* Load the L4 'mfn' as v's page table, taking the base-pointer reference. */
static int new_baseptr(struct vcpu *v, uint64_t mfn)
{
    struct pt_env *env = pv_pt_env();
    int rc = get_page_type(env, mfn, FT_L4, v->dom->id);
    if (rc)
        return rc;
    uint64_t old = v->cr3;
    v->cr3 = mfn << PAGE_SHIFT;
    percpu_load_guest_l4(v->cr3);
    write_cr3(this_cpu()->hv_root_pa);
    v->counters.cr3_writes++;
    if (old)
        put_page_type(env, old >> PAGE_SHIFT);
    return 0;
}

long do_mmuext_op(struct vcpu *v, uint64_t ops, uint64_t count, uint64_t done_ptr, uint64_t dom,
                  uint64_t a5)
{
    (void)a5;
    struct domain *d = v->dom;
    struct pt_env *env = pv_pt_env();
    int rc = check_dom(v, dom);
    if (rc)
        return rc;
    if (count > MMU_MAX_BATCH)
        return -EINVAL;
    uint32_t done = 0;
    spin_lock(&d->mm_lock);
    for (; done < count; done++) {
        struct mmuext_op op;
        if ((rc = copy_from_guest(&op, ops + done * sizeof op, sizeof op)) != 0)
            break;
        switch (op.cmd) {
        case MMUEXT_PIN_L1_TABLE:
        case MMUEXT_PIN_L2_TABLE:
        case MMUEXT_PIN_L3_TABLE:
        case MMUEXT_PIN_L4_TABLE:
            rc = pt_pin(env, op.arg1, (int)(op.cmd - MMUEXT_PIN_L1_TABLE + 1), d->id);
            break;
        case MMUEXT_UNPIN_TABLE:
            rc = pt_unpin(env, op.arg1, d->id);
            break;
        case MMUEXT_NEW_BASEPTR:
            rc = new_baseptr(v, op.arg1);
            break;
        case MMUEXT_TLB_FLUSH_LOCAL:
        case MMUEXT_INVLPG_LOCAL:
            /* Leaving the hypervisor reloads CR3, which flushes everything. */
            rc = 0;
            break;
        case MMUEXT_TLB_FLUSH_ALL:
        case MMUEXT_INVLPG_ALL:
            domain_flush_tlbs(d);
            rc = 0;
            break;
        default:
            rc = -ENOSYS;
        }
        if (rc)
            break;
    }
    spin_unlock(&d->mm_lock);
    if (done_ptr && copy_to_guest(done_ptr, &done, sizeof done))
        return -EFAULT;
    return rc;
}

/*
 * The L1 table (mfn) whose entry maps va in v's page tables, read through
 * the direct map.  -EINVAL if a level is missing or a superpage.
 */
static int find_l1(struct vcpu *v, uint64_t va, uint64_t *l1_mfn)
{
    uint64_t table = v->cr3;
    struct frame_table *ft = mm_frame_table();
    if (!table)
        return -EINVAL;
    for (int level = 4; level > 1; level--) {
        struct frame *f = frame_of(ft, table >> PAGE_SHIFT);
        if (!f || f->owner != v->dom->id)
            return -EINVAL;
        uint64_t e = ((const uint64_t *)phys_to_virt(table))[(va >> (12 + 9 * (level - 1))) & 511];
        if (!(e & PTE_P) || (e & PTE_PS))
            return -EINVAL;
        table = e & PTE_ADDR;
    }
    *l1_mfn = table >> PAGE_SHIFT;
    return 0;
}

long do_update_va_mapping(struct vcpu *v, uint64_t va, uint64_t val, uint64_t flags, uint64_t a4,
                          uint64_t a5)
{
    (void)a4; (void)a5;
    struct domain *d = v->dom;
    uint64_t l1;
    if (!guest_va_ok(va) || (flags & ~(uint64_t)(UVMF_INVLPG | UVMF_TLB_FLUSH | UVMF_ALL)))
        return -EINVAL;
    spin_lock(&d->mm_lock);
    int rc = find_l1(v, va, &l1);
    if (!rc)
        rc = pt_mod_entry(pv_pt_env(), l1, (va >> 12) & 511, val, d->id);
    spin_unlock(&d->mm_lock);
    if (!rc && (flags & UVMF_ALL))
        domain_flush_tlbs(d);
    return rc;
}
