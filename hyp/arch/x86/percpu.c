/*
 * percpu.c - each pCPU's reserved slot and its two root tables.
 *
 * hv_root: the hypervisor view.  Slots 256..271 are the hypervisor's
 *          (256 this pCPU's own, 257..271 shared by every CPU: the same
 *          L3 tables as the boot root), the rest are the running guest's.
 * gv_root: the guest view.  Slot 256 (this pCPU's own) and the guest's
 *          slots; nothing else of the hypervisor.
 * Entering the hypervisor loads hv_root, leaving it loads gv_root
 * (entry.S).  When a vCPU with another L4 is scheduled here, the guest's
 * entries are copied into both (percpu_load_guest_l4).
 */
#include "mm.h"
#include "panic.h"
#include "printk.h"
#include "string.h"
#include <asm/cpu.h>
#include <asm/x86.h>

#include <paravane/paravane.h>

_Static_assert(PV_SLOT256_STACKS_START == PCPU_STACKS_VA &&
               PV_SLOT256_STACKS_END == PCPU_STACKS_VA + 4 * PCPU_STACK_SPAN,
               "the public ABI states where the writable stacks are");

extern char __entry_start[], __entry_end[];
extern volatile bool percpu_ready;

static uint64_t frame_or_panic(void)
{
    uint64_t pa = alloc_frames(0);
    if (!pa)
        panic("percpu: out of memory");
    return pa;
}

/* Is L4 slot i one of the hypervisor's? */
static bool hyp_slot(unsigned i)
{
    return i >= HYP_L4_FIRST && i <= HYP_L4_LAST;
}

void percpu_setup(struct cpu *c)
{
    uint64_t l3 = frame_or_panic(), l2 = frame_or_panic(), l1 = frame_or_panic();
    uint64_t *l1v = phys_to_virt(l1);
    uint64_t page = frame_or_panic(), gdt = frame_or_panic();
    uint64_t idt = frame_or_panic(), tss = frame_or_panic();
    const uint64_t ro = PTE_P | pte_nx, rw = PTE_P | PTE_W | pte_nx;

    ((uint64_t *)phys_to_virt(l3))[0] = l2 | PTE_P | PTE_W;
    ((uint64_t *)phys_to_virt(l2))[0] = l1 | PTE_P | PTE_W;
    l1v[0] = page | ro;
    l1v[1] = gdt | ro;
    l1v[2] = idt | ro;
    l1v[3] = tss | ro;
    uint64_t entry_pages = (uint64_t)(__entry_end - __entry_start) >> PAGE_SHIFT;
    BUG_ON(entry_pages > ENTRY_PAGES);
    for (uint64_t i = 0; i < entry_pages; i++)
        l1v[((PCPU_ENTRY_VA - PCPU_SLOT_BASE) >> PAGE_SHIFT) + i] =
            (virt_to_phys(__entry_start) + i * PAGE_SIZE) | PTE_P;     /* read-only, executable */
    for (unsigned s = 0; s < 4; s++)
        for (unsigned i = 0; i < ENTRY_STACK_PAGES; i++)
            l1v[((PCPU_STACK_BOTTOM(s) - PCPU_SLOT_BASE) >> PAGE_SHIFT) + i] = frame_or_panic() | rw;

    c->hv_root_pa = frame_or_panic();
    c->gv_root_pa = frame_or_panic();
    c->hv_root = phys_to_virt(c->hv_root_pa);
    c->gv_root = phys_to_virt(c->gv_root_pa);
    const uint64_t *boot_root = phys_to_virt(paging_root());
    for (unsigned i = HYP_L4_FIRST + 1; i <= HYP_L4_LAST; i++)
        c->hv_root[i] = boot_root[i];
    c->hv_root[HYP_L4_FIRST] = l3 | PTE_P | PTE_W;
    c->gv_root[HYP_L4_FIRST] = l3 | PTE_P | PTE_W;

    c->page = phys_to_virt(page);
    c->gdt = phys_to_virt(gdt);
    c->idt = phys_to_virt(idt);
    c->tss = phys_to_virt(tss);
    c->page->hv_cr3 = c->hv_root_pa;
    c->page->gv_cr3 = c->gv_root_pa;
    c->page->cpu = c;
    c->page->hv_stack = stack_alloc_pages(ENTRY_STACK_PAGES, &c->hv_stack_bottom);
    if (!c->page->hv_stack)
        panic("percpu: out of memory");
    c->hv_stack_top = c->page->hv_stack;
}

void percpu_activate(struct cpu *c)
{
    write_cr3(c->hv_root_pa);
    percpu_ready = true;
    gdt_init_cpu(c);
    idt_init_cpu(c);
    /* Guests use SSE (the hypervisor does not): let them. */
    write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
    write_cr0((read_cr0() | X86_CR0_MP | X86_CR0_NE) & ~(X86_CR0_EM | X86_CR0_TS));
}

/*
 * Copy the guest L4 at machine address l4 (0: none) into this pCPU's
 * roots, leaving the hypervisor's slots alone.  The caller reloads CR3.
 */
void percpu_load_guest_l4(uint64_t l4)
{
    struct cpu *c = this_cpu();
    const uint64_t *g = l4 ? phys_to_virt(l4) : NULL;
    /*
     * Say which L4 we copy before copying it: a CPU changing that L4
     * writes the entry, then (after a fence) reads loaded_l4.  Either it
     * sees ours and makes us copy the entry again (l4_changed's IPI), or
     * our copy below starts after its write and sees the new entry.
     */
    __atomic_store_n(&c->loaded_l4, l4, __ATOMIC_SEQ_CST);
    for (unsigned i = 0; i < 512; i++) {
        if (hyp_slot(i))
            continue;
        uint64_t e = g ? __atomic_load_n(&g[i], __ATOMIC_RELAXED) : 0;
        c->hv_root[i] = e;
        c->gv_root[i] = e;
    }
}

/* One entry of the loaded guest L4 changed: follow it. */
void percpu_sync_l4_entry(unsigned index)
{
    struct cpu *c = this_cpu();
    if (!c->loaded_l4 || hyp_slot(index) || index >= 512)
        return;
    uint64_t e = ((const uint64_t *)phys_to_virt(c->loaded_l4))[index];
    c->hv_root[index] = e;
    c->gv_root[index] = e;
}
