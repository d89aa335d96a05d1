/*
 * hal.h - the hardware-abstraction layer under the guest kernel.
 *
 * Everything in guest-port/kernel is the same source for both builds; it
 * touches the machine only through this interface.  Two backends
 * implement it:
 *   arch/native  bare x86-64: Multiboot2 boot, ring 0, IDT + local APIC
 *                timer, COM1, page tables written directly;
 *   arch/pv      a Paravane PV guest: ring 1, event channels, a one-shot
 *                timer by hypercall, console hypercall or ring, page-table
 *                updates queued and sent as batched mmu_update calls.
 *
 * The kernel is uniprocessor and not preemptible: kernel code runs with
 * interrupts (events) disabled, except inside hal_idle().  User code runs
 * with them enabled.  So no locks are needed; sleeping is an explicit
 * switch.
 *
 * Virtual address layout (both builds; the kernel half is the same in
 * every address space):
 *   0x0000000000000000 .. USER_TOP        user (per process)
 *   PHYSMAP_BASE (L4 slot 272)            all pseudo-physical frames,
 *                                         frame pfn at PHYSMAP_BASE + pfn*4096
 *   KERNEL_BASE  (L4 slot 511, -2 GiB)    the kernel image (-mcmodel=kernel)
 * L4 slots 256..271 are never used (the hypervisor's, in the PV build).
 *
 * "pfn" everywhere above the HAL is a pseudo-physical frame number:
 * natively the physical frame, under PV an index into the domain's frame
 * list.  Only the PV backend ever sees machine frame numbers.
 */
#ifndef GUEST_HAL_H
#define GUEST_HAL_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#define PAGE_SIZE     4096ul
#define PAGE_SHIFT    12
#define USER_TOP      0x00007ffffffff000ul   /* first address above user space */
#define PHYSMAP_BASE  0xffff880000000000ul
#define KERNEL_BASE   0xffffffff80000000ul

/* Host unit tests define these to point into a simulated memory. */
#ifndef pfn_to_va
#define pfn_to_va(pfn)  ((void *)(PHYSMAP_BASE + ((uint64_t)(pfn) << PAGE_SHIFT)))
#define va_to_pfn(va)   (((uint64_t)(va) - PHYSMAP_BASE) >> PAGE_SHIFT)
#endif

/* ---- Boot ---------------------------------------------------------------- */

#define HAL_MAX_RANGES 16

struct hal_range {
    uint64_t pfn;          /* first frame */
    uint64_t count;        /* frames */
};

/*
 * What the backend hands to kmain().  Every frame listed in free[] is
 * mapped in the physmap, writable, and belongs to the kernel's page
 * allocator from now on.  Frames not listed (the image, the initrd, the
 * HAL's own tables) are never handed out.
 */
struct hal_boot {
    const char *build;           /* "native" or "pv" */
    const char *cmdline;         /* the kernel's command line ("" if none) */
    const void *initrd;          /* the cpio archive (kernel-readable), or NULL */
    size_t initrd_len;
    uint64_t total_pages;        /* frames the machine or domain has */
    int nr_free;
    struct hal_range free[HAL_MAX_RANGES];
};

/* The portable kernel's entry point, called once with interrupts off. */
void kmain(const struct hal_boot *boot) __attribute__((noreturn));

/* ---- Traps --------------------------------------------------------------- */

/* Vectors the kernel sees in trapframe.vector. */
#define T_DIVIDE     0
#define T_DEBUG      1
#define T_BREAKPOINT 3
#define T_INVALID_OP 6
#define T_GP        13
#define T_PAGE      14
#define T_FPU       16
#define T_SIMD      19
#define T_SYSCALL   0x80   /* int $0x80 from user mode */
#define T_TIMER     0x100  /* the one-shot timer fired */
#define T_CONSOLE   0x101  /* console input may be available */

/* trapframe.error for T_PAGE: the x86 page-fault error code bits */
#define PF_PRESENT  0x1
#define PF_WRITE    0x2
#define PF_USER     0x4
#define PF_FETCH    0x10

/*
 * Saved user (or kernel) state at a trap.  The layout is the backends'
 * business (both are x86-64 and share this one); the kernel reads and
 * writes the fields: syscall arguments and result, the user stack and
 * instruction pointers for exec and signals.
 */
struct trapframe {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector;       /* T_* */
    uint64_t error;        /* error code (T_PAGE: PF_* bits), else 0 */
    uint64_t fault_addr;   /* T_PAGE: the faulting address */
    uint64_t rip, cs, rflags, rsp, ss;
};

/*
 * The backend calls trap() for every exception, system call, timer and
 * console event, with interrupts off.  When trap() returns, the backend
 * resumes tf (which the kernel may have changed).
 */
void trap(struct trapframe *tf);

/* True if tf was taken from user mode. */
bool hal_tf_from_user(const struct trapframe *tf);

/*
 * Make tf a fresh user-mode frame: rip, rsp, user segments, interrupts
 * enabled, every other register 0.
 */
void hal_tf_init_user(struct trapframe *tf, uint64_t rip, uint64_t rsp);

/* Print tf's registers to the console (for panics and killed processes). */
void hal_tf_dump(const struct trapframe *tf);

/* ---- Interrupts and idle ------------------------------------------------- */

/* Wait for the next interrupt with interrupts enabled, handle it (trap()
 * is called from inside), then return with interrupts off again. */
void hal_idle(void);

/* ---- Time ---------------------------------------------------------------- */

uint64_t hal_time_ns(void);        /* monotonic, since boot */
uint64_t hal_wallclock_ns(void);   /* ns since 1970 at hal_time_ns() == 0 */

/* Arm the one-shot timer: T_TIMER is delivered at or after deadline
 * (hal_time_ns() scale).  A new call replaces the previous deadline;
 * 0 cancels. */
void hal_timer_set(uint64_t deadline_ns);

/* ---- Console ------------------------------------------------------------- */

void hal_console_write(const char *s, size_t n);
/* Next input byte, or -1 if none is waiting.  T_CONSOLE says: try again. */
int hal_console_getc(void);

/* ---- Page tables ----------------------------------------------------------- */

/* prot bits for hal_map */
#define HAL_PROT_READ   0x1
#define HAL_PROT_WRITE  0x2
#define HAL_PROT_EXEC   0x4
#define HAL_PROT_USER   0x8

struct hal_as;   /* one address space: the backend's root table and bookkeeping */

/* A new address space whose kernel half is shared with all others; NULL if
 * out of memory.  Page-table frames come from page_alloc() (kernel/page.h)
 * and go back with page_free(). */
struct hal_as *hal_as_create(void);

/* Free the address space's page tables.  User mappings must already be
 * gone (hal_unmap); user frames are the kernel's to free. */
void hal_as_destroy(struct hal_as *as);

/*
 * Map user page va (page aligned, below USER_TOP) to frame pfn with prot,
 * replacing any mapping there.  0, or -ENOMEM if a table could not be
 * allocated.  The change may be queued: it takes effect, with any TLB
 * flush it needs, at the latest at hal_as_commit().
 */
int hal_map(struct hal_as *as, uint64_t va, uint64_t pfn, unsigned prot);
/* Remove the mapping of va, if any (queued like hal_map). */
void hal_unmap(struct hal_as *as, uint64_t va);
/* What va maps to: true and *pfn, *prot if mapped (queued changes included). */
bool hal_lookup(struct hal_as *as, uint64_t va, uint64_t *pfn, unsigned *prot);
/* Send queued updates and flush what they need.  The kernel calls this
 * before it returns to user mode and before it switches address space. */
void hal_as_commit(struct hal_as *as);
/* Load as as the current address space (commits it first). */
void hal_as_switch(struct hal_as *as);
/* Frames the backend holds in its caches (emptied page tables kept for
 * reuse): allocated from page_alloc() but free in all but name.  The
 * kernel counts them as free memory (/proc/meminfo). */
uint64_t hal_cached_frames(void);

/* ---- CPU context ----------------------------------------------------------- */

/* Callee-saved state of a kernel thread, saved on its own stack. */
struct hal_context;

/*
 * Switch kernel stacks: save the current state in *from, resume to.
 * Returns when someone switches back to *from.
 */
void hal_switch(struct hal_context **from, struct hal_context *to);

/* Prepare a context on a fresh kernel stack so that the first hal_switch()
 * to it calls fn(), which must not return. */
struct hal_context *hal_context_init(void *stack_top, void (*fn)(void));

/* The stack the CPU enters the kernel on from user mode (TSS.RSP0, or the
 * PV stack_switch).  Set on every process switch. */
void hal_set_kernel_stack(uint64_t top);

/* Return to user mode with tf (for a new process: after fork, exec). */
void hal_enter_user(struct trapframe *tf) __attribute__((noreturn));

/* FPU/SSE state: 512-byte FXSAVE image. */
struct hal_fpu {
    uint8_t area[512];
} __attribute__((aligned(16)));

void hal_fpu_init(struct hal_fpu *f);          /* default FCW 0x37f, MXCSR 0x1f80 */
void hal_fpu_save(struct hal_fpu *f);
void hal_fpu_restore(const struct hal_fpu *f);

/* ---- Power and counters ---------------------------------------------------- */

/* End the machine or domain; code reaches the test harness (native: QEMU
 * isa-debug-exit, PV: SCHEDOP_shutdown reason). */
void hal_poweroff(int code) __attribute__((noreturn));

/* Restart the machine (native: the keyboard controller's reset line, then
 * a triple fault) or the domain (PV: SCHEDOP_shutdown with reason reboot;
 * what happens next is the toolstack's business). */
void hal_reboot(void) __attribute__((noreturn));

/* Hypervisor entries and CR3 writes so far: 0 and filled, or -ENOSYS. */
struct uapi_hal_counters;
int hal_counters(struct uapi_hal_counters *c);

#endif
