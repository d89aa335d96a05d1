/*
 * user.c - running a few instructions in ring 3.
 *
 * user_init() builds L3, L2 and L1 tables from fresh frames for L4 slot 0
 * (which a guest linked in the top 2 GiB leaves empty) with U set at every
 * level, maps one code page and one stack page, and hooks the L3 into the
 * L4 with one mmu_update: validating it validates the whole tree.
 * exec_user() enters ring 3 with iretq; the first exception there ends the
 * excursion (traps.c sends the frame back to user_return, entry.S).
 */
#include "lib.h"

extern exinfo_t exec_user_asm(uint64_t rip, uint64_t rsp);

volatile bool user_active;
uint64_t user_saved_rsp;
struct exc_frame user_last_frame;

/* The ring-1 stack for exceptions taken in ring 3 (stack_switch). */
static uint8_t user_kstack[4 * 4096] __page_aligned;

#define PTE_USER_TAB (PV_PTE_P | PV_PTE_W | PV_PTE_U | PV_PTE_A)

int user_init(const void *code, size_t len)
{
    const uint64_t *l4 = mfn_to_virt(l4_mfn());
    if (!l4) {
        printk("user_init: the L4 is not in the bootstrap mapping\n");
        return -1;
    }
    if (l4[0] & PV_PTE_P) {
        printk("user_init: L4 slot 0 is in use (%#lx)\n", l4[0]);
        return -1;
    }
    if (len > PAGE_SIZE || frames_left() < 5) {
        printk("user_init: code too large or too few free frames\n");
        return -1;
    }

    uint64_t l3 = alloc_frame(), l2 = alloc_frame(), l1 = alloc_frame();
    uint64_t text = alloc_frame(), stack = alloc_frame();
    uint64_t e[512];

    if (frame_fill(text, code, len) || frame_fill(stack, NULL, 0))
        return -1;
    memset(e, 0, sizeof e);
    e[pt_index(USER_CODE_VA, 1)] = pte(text, PV_PTE_P | PV_PTE_U | PV_PTE_A);
    e[pt_index(USER_STACK_TOP - 1, 1)] = pte(stack, PTE_RW | PV_PTE_U);
    if (frame_fill(l1, e, sizeof e))
        return -1;
    memset(e, 0, sizeof e);
    e[pt_index(USER_CODE_VA, 2)] = pte(l1, PTE_USER_TAB);
    if (frame_fill(l2, e, sizeof e))
        return -1;
    memset(e, 0, sizeof e);
    e[pt_index(USER_CODE_VA, 3)] = pte(l2, PTE_USER_TAB);
    if (frame_fill(l3, e, sizeof e))
        return -1;

    long rc = mmu_update1((l4_mfn() << PAGE_SHIFT) + pt_index(USER_CODE_VA, 4) * 8,
                          pte(l3, PTE_USER_TAB));
    if (rc) {
        printk("user_init: hooking the user L3 (mfn %#lx) into L4 slot 0: %s\n", l3, errstr(rc));
        return -1;
    }
    rc = HYPERVISOR_stack_switch(PV_KERNEL_DS, (uint64_t)user_kstack + sizeof user_kstack);
    if (rc) {
        printk("user_init: stack_switch: %s\n", errstr(rc));
        return -1;
    }
    return 0;
}

exinfo_t exec_user(uint64_t rip)
{
    user_active = true;
    barrier();
    exinfo_t e = exec_user_asm(rip, USER_STACK_TOP);
    barrier();
    user_active = false;
    return e;
}
