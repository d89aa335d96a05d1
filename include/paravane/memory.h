/*
 * memory.h - page-table hypercalls (direct paging with validation).
 *
 * A guest builds its page tables in its own frames and names frames by
 * machine frame number (mfn).  A frame is used as at most one of: a page
 * table of one level (L1..L4), or writable data.  The hypervisor keeps a
 * type and a count per frame and refuses any update that would break
 * that: no writable mapping of a page table, no mapping of a frame the
 * domain does not own, nothing in the hypervisor's slots.
 */
#ifndef PARAVANE_MEMORY_H
#define PARAVANE_MEMORY_H

#include "paravane.h"

/*
 * HYPERVISOR_mmu_update(struct mmu_update reqs[], unsigned count,
 *                       unsigned *done, domid_t foreigndom)
 *   Apply count updates in order (count <= 512).  ptr's low 2 bits are the
 *   command, the rest the machine address of the 8-byte entry to write:
 *     MMU_NORMAL_PT_UPDATE: write val into a page-table entry of a frame
 *       that is a validated page table of this domain; val is checked
 *       against that table's level.
 *   Stops at the first failing request and returns its error; *done
 *   (if non-NULL) gets how many requests were applied.  foreigndom must
 *   be DOMID_SELF (other domains: dom0 only, later).
 */
#define MMU_NORMAL_PT_UPDATE   0
#define MMU_MAX_BATCH          512

struct mmu_update {
    uint64_t ptr;     /* machine address of the entry | MMU_* command */
    uint64_t val;     /* the new entry */
};                    /* 16 bytes */

/*
 * HYPERVISOR_mmuext_op(struct mmuext_op ops[], unsigned count,
 *                      unsigned *done, domid_t foreigndom)
 *   MMUEXT_PIN_Ln_TABLE mfn:  validate frame mfn as a level-n table and
 *       keep it validated until unpinned.
 *   MMUEXT_UNPIN_TABLE mfn:   drop the pin (-EINVAL if not pinned).
 *   MMUEXT_NEW_BASEPTR mfn:   load an L4 (it must validate as L4) as this
 *       vCPU's page table.
 *   MMUEXT_TLB_FLUSH_LOCAL / MMUEXT_INVLPG_LOCAL linear_addr: this vCPU.
 *   MMUEXT_TLB_FLUSH_ALL / MMUEXT_INVLPG_ALL linear_addr: every vCPU of
 *       the domain.
 */
#define MMUEXT_PIN_L1_TABLE    0
#define MMUEXT_PIN_L2_TABLE    1
#define MMUEXT_PIN_L3_TABLE    2
#define MMUEXT_PIN_L4_TABLE    3
#define MMUEXT_UNPIN_TABLE     4
#define MMUEXT_NEW_BASEPTR     5
#define MMUEXT_TLB_FLUSH_LOCAL 6
#define MMUEXT_INVLPG_LOCAL    7
#define MMUEXT_TLB_FLUSH_ALL   8
#define MMUEXT_INVLPG_ALL      9

struct mmuext_op {
    uint32_t cmd;            /* MMUEXT_* */
    uint32_t pad;
    uint64_t arg1;           /* mfn, or linear_addr for INVLPG */
};                           /* 16 bytes */

/*
 * HYPERVISOR_update_va_mapping(uint64_t va, uint64_t val, uint64_t flags)
 *   Write the L1 entry that maps va in the current page table (checked
 *   like an mmu_update), then flush as flags say.
 */
#define UVMF_NONE        0
#define UVMF_INVLPG      1       /* flush this va */
#define UVMF_TLB_FLUSH   2       /* flush the whole TLB */
#define UVMF_ALL         4       /* ... on every vCPU of the domain, not just this one */

/* Page-table entry bits a guest may use (others are refused). */
#define PV_PTE_P     (1ull << 0)
#define PV_PTE_W     (1ull << 1)
#define PV_PTE_U     (1ull << 2)
#define PV_PTE_PWT   (1ull << 3)
#define PV_PTE_PCD   (1ull << 4)
#define PV_PTE_A     (1ull << 5)
#define PV_PTE_D     (1ull << 6)
#define PV_PTE_PS    (1ull << 7)   /* refused: no superpages yet */
#define PV_PTE_G     (1ull << 8)   /* refused: the hypervisor must flush guest mappings */
#define PV_PTE_AVAIL (7ull << 9)   /* free for the guest */
#define PV_PTE_NX    (1ull << 63)
#define PV_PTE_ADDR  0x000ffffffffff000ull

#endif
