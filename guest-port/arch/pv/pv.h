/*
 * pv.h - the Paravane PV backend's own interfaces (not seen by the kernel).
 *
 * The backend runs the guest kernel in ring 1.  Its state, by file:
 *   head.S     the Paravane ELF note and _start
 *   entry.S    trap, event and system-call entry, the way back out,
 *              kernel context switch
 *   boot.c     start_info, the physmap, struct hal_boot, kmain()
 *   trap.c     trap table, event demultiplexing, hal_idle, trapframes
 *   mmu.c      the queue of page-table updates and its flush, mfn<->pfn
 *   as.c       address spaces (hal_as_*, hal_map, ...)
 *   time.c     system time, wall clock, one-shot timer
 *   console.c  console_io (dom0) or the console ring (domU)
 *   cpu.c      kernel stacks, contexts, FPU, poweroff, counters
 *
 * Events: the kernel runs with vcpu_info.evtchn_upcall_mask = 1 and user
 * code with 0.  Every entry stub masks events with its first instruction;
 * the way back to user mode unmasks them in a short window that the
 * event callback recognises (entry.S).
 */
#ifndef GUEST_PV_H
#define GUEST_PV_H

/* struct trapframe offsets (hal.h), for entry.S; pv_trap.c checks them. */
#define TF_VECTOR   120
#define TF_ERROR    128
#define TF_FAULT    136
#define TF_RIP      144
#define TF_CS       152
#define TF_RFLAGS   160
#define TF_RSP      168
#define TF_SS       176
#define TF_SIZE     184

/*
 * Copies of public-ABI values for assembly (paravane.h declares structs,
 * so .S files cannot include it); trap.c checks they agree.
 */
#define PV_ASM_INTERFACE_VERSION 0x00000001   /* PARAVANE_INTERFACE_VERSION */
#define PV_ASM_KERNEL_CS  0x19                /* PV_KERNEL_CS */

/* trapframe.vector while an event upcall is demultiplexed (never seen by trap()). */
#define PV_VEC_UPCALL   0x1ff
#define PV_VEC_FAILSAFE 0x1fe

/* vcpu_info[0] is the first thing in shared_info: these are its bytes. */
#define PV_UPCALL_PENDING  (pv_shared_page + 0)
#define PV_UPCALL_MASK     (pv_shared_page + 1)

#ifndef __ASSEMBLY__

#include <stdint.h>
#include <stdbool.h>
#include "hal.h"
#include <paravane/hypercall.h>
#include <paravane/start_info.h>
#include <paravane/shared_info.h>
#include <paravane/memory.h>

/* boot.c */
extern const struct start_info *pv_si;     /* ours for good (in the bootstrap mapping) */
extern const uint64_t *pv_mfn_list;        /* pfn -> mfn */
extern uint64_t pv_nr_pages;
extern uint64_t pv_physmap_l1_pfn;         /* first physmap L1; pfn p's entry is in L1 p/512 */
extern uint64_t pv_boot_l4_pfn;            /* the initial L4: kernel half source for new ones */
extern uint64_t pv_pte_nx;                 /* PV_PTE_NX if the CPU has NX, else 0 */
void pv_fatal(const char *msg) __attribute__((noreturn));

/* The shared_info page, mapped over a page-aligned hole in our bss. */
extern uint8_t pv_shared_page[4096];
#define pv_shared ((volatile struct shared_info *)pv_shared_page)
#define pv_vcpu   (&pv_shared->vcpu_info[0])

/* trap.c */
void pv_traps_init(void);
void pv_events_init(void);
/* Called by entry.S with the frame it built; return to resume it. */
void pv_trap(struct trapframe *tf);
void pv_upcall(struct trapframe *tf);
void pv_failsafe(struct trapframe *tf);
extern volatile uint8_t pv_in_idle;        /* entry.S: an upcall inside hal_idle is taken */
extern uint32_t pv_console_port;           /* T_CONSOLE's port, or ~0 */

/* mmu.c: page-table updates, queued and sent in one hypervisor entry. */
static inline uint64_t pv_mfn(uint64_t pfn) { return pv_mfn_list[pfn]; }
/* Machine address of page-table entry idx of the table in frame pfn. */
static inline uint64_t pv_pte_maddr(uint64_t table_pfn, unsigned idx)
{
    return (pv_mfn(table_pfn) << PAGE_SHIFT) + idx * 8u;
}
void pv_m2p_init(uint64_t first_pfn, uint64_t frames);
uint64_t pv_m2p_frames(uint64_t nr_pages);   /* frames pv_m2p_init needs */
uint64_t pv_mfn_to_pfn(uint64_t mfn);        /* ~0 if not ours */
void pv_queue_pte(uint64_t maddr, uint64_t val);
void pv_queue_ext(unsigned cmd, uint64_t arg);
void pv_queue_invlpg(uint64_t va);
void pv_queue_tlb_flush(void);
/* The entry of table frame pfn at idx as it will be once the queue is sent. */
uint64_t pv_pte_read(uint64_t table_pfn, unsigned idx);
/* All 512 entries of table frame pfn, likewise (one pass over the queue). */
void pv_table_read(uint64_t table_pfn, uint64_t out[512]);
/* Map frame pfn in the physmap writable or read-only (queued, flushed). */
void pv_physmap_set(uint64_t pfn, bool writable);
/* The ring-1 stack for entries from ring 3: loaded at the next pv_flush(). */
void pv_kernel_stack_want(uint64_t top);
void pv_kernel_stack_booted(uint64_t top);   /* what the domain builder loaded */
/* Send everything queued (updates, flushes, base pointer, kernel stack). */
void pv_flush(void);
/* Before any return to user mode. */
void pv_sync_for_user(void);

/* entry.S */
extern char pv_upcall_entry[], pv_failsafe_entry[], pv_syscall_entry[];
extern const uint64_t pv_exc_stubs[32];
void pv_resume_user(struct trapframe *tf) __attribute__((noreturn));

/* time.c, console.c */
void pv_console_init(void);

#endif /* __ASSEMBLY__ */
#endif
