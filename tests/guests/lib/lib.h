/*
 * lib.h - the test-guest library: a tiny PV kernel for one test each.
 *
 * A test is tests/guests/<name>/main.c.  It defines
 *     const char test_title[] = "one line: what it checks";
 *     void test_main(void);
 * and reports with xtf_success() / xtf_skip() / xtf_error() /
 * xtf_failure().  The library starts the guest (head.S, guest_start),
 * installs ring-1 handlers for the exceptions, calls test_main() and
 * prints exactly one "Test result: SUCCESS|SKIP|ERROR|FAILURE" line, then
 * powers the domain off.  No result line means the guest crashed.
 *
 *   ERROR    a bug in the test or its environment (the harness);
 *   FAILURE  a bug in the code under test (the hypervisor).
 * The most severe result reported wins.
 *
 * The library itself is built with -mgeneral-regs-only: its exception
 * and event handlers touch no SSE or x87 state.
 */
#ifndef GUEST_LIB_H
#define GUEST_LIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <paravane/paravane.h>
#include <paravane/hypercall.h>
#include <paravane/start_info.h>
#include <paravane/shared_info.h>
#include <paravane/trap.h>
#include <paravane/sched.h>
#include <paravane/console.h>
#include <paravane/event_channel.h>
#include <paravane/memory.h>
#include <paravane/vcpu.h>
#include <paravane/version.h>

#include "asm.h"

#define PAGE_SHIFT      12
#define PAGE_SIZE       4096ul
#define ARRAY_SIZE(a)   (sizeof(a) / sizeof((a)[0]))
#define MS              ((uint64_t)1000000) /* nanoseconds */
#define US              ((uint64_t)1000)

#define __page_aligned  __attribute__((aligned(4096), section(".bss.page_aligned")))

/* ---- provided by each test ---------------------------------------------- */

extern const char test_title[];
void test_main(void);

/* ---- lib.c: start-up and reporting -------------------------------------- */

extern struct start_info *start_info;
extern uint64_t boot_rsp;                   /* rsp at _start (head.S) */
extern bool boot_bss_dirty;                 /* bss was not zero at entry */
extern uint8_t boot_upcall_mask;            /* evtchn_upcall_mask at entry, 0xff if unknown */
extern char __image_start[], __image_end[], __bss_start[], __bss_end[];
extern char __text_start[], __text_end[];

/* Results.  Each prints its message (if any) and raises the verdict. */
void xtf_success(void);
void xtf_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void xtf_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void xtf_failure(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A note that does not change the verdict. */
void xtf_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* True once any result more severe than SUCCESS was reported. */
bool xtf_has_failed(void);

/* Print "Test result: ..." and power off.  Does not return. */
__attribute__((noreturn)) void xtf_exit(void);

/* ---- printk.c: console output and strings ------------------------------- */

int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintk(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Write n bytes with CONSOLEIO_write, in pieces of at most CONSOLEIO_MAX. */
void console_write(const char *s, size_t n);
/* "-EINVAL" etc. for a hypercall return value (a static string or buf). */
const char *errstr(long rc);

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

/* ---- traps.c: exceptions, fixups ---------------------------------------- */

#define X86_EXC_DE   0
#define X86_EXC_DB   1
#define X86_EXC_NMI  2
#define X86_EXC_BP   3
#define X86_EXC_OF   4
#define X86_EXC_BR   5
#define X86_EXC_UD   6
#define X86_EXC_NM   7
#define X86_EXC_DF   8
#define X86_EXC_TS  10
#define X86_EXC_NP  11
#define X86_EXC_SS  12
#define X86_EXC_GP  13
#define X86_EXC_PF  14
#define X86_EXC_MF  16
#define X86_EXC_AC  17
#define X86_EXC_MC  18
#define X86_EXC_XM  19

/* #PF error code bits. */
#define PFEC_PRESENT  (1u << 0)
#define PFEC_WRITE    (1u << 1)
#define PFEC_USER     (1u << 2)
#define PFEC_RSVD     (1u << 3)
#define PFEC_INSN     (1u << 4)

#define X86_FLAGS_TF   ((uint64_t)1 << 8)
#define X86_FLAGS_IF   ((uint64_t)1 << 9)
#define X86_FLAGS_DF   ((uint64_t)1 << 10)
#define X86_FLAGS_IOPL ((uint64_t)3 << 12)
#define X86_FLAGS_NT   ((uint64_t)1 << 14)
#define X86_FLAGS_AC   ((uint64_t)1 << 18)

/*
 * What the stubs in entry.S save, lowest address first: the general
 * registers, then the vector and error code (0 if the exception has
 * none), then the frame the hypervisor's bounce pushed, as the CPU would.
 */
struct exc_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

/*
 * exinfo_t: which exception an instruction took, XTF style.
 *   0                     no exception;
 *   EXINFO(vec, ec)       bit 31 set, vector in 23:16, error code in 15:0.
 */
typedef uint32_t exinfo_t;
#define EXINFO_EXPECTED     (1u << 31)
#define EXINFO(vec, ec)     (EXINFO_EXPECTED | (((uint32_t)(vec) & 0xff) << 16) | ((uint32_t)(ec) & 0xffff))
#define EXINFO_SYM(exc, ec) EXINFO(X86_EXC_##exc, ec)
#define exinfo_vec(e)       (((e) >> 16) & 0xff)
#define exinfo_ec(e)        ((e) & 0xffff)

/*
 * Exception fixups.  Mark an instruction that may fault:
 *
 *     ex_clear();
 *     asm volatile ("1: rdmsr; 2:" _ASM_EXTABLE(1b, 2b) ::: "memory");
 *     exinfo_t e = ex_get();
 *
 * If an exception arrives with rip == the first label, the handler records
 * it (ex_last, ex_last_frame, ex_last_cr2) and resumes at the second.  For
 * traps, whose frame rip is the *next* instruction (int3, into, icebp),
 * list that address: _ASM_EXTABLE(2b, 2b).
 */
#define _ASM_EXTABLE(fault, fixup)          \
    ".pushsection .ex_table, \"a\"\n\t"     \
    ".balign 8\n\t"                         \
    ".quad " #fault ", " #fixup "\n\t"      \
    ".popsection\n\t"

extern volatile exinfo_t ex_last;
extern struct exc_frame ex_last_frame;      /* the frame of the last fixed-up exception */
extern volatile uint64_t ex_last_cr2;       /* vcpu_info.cr2 at that #PF */

static inline void ex_clear(void)
{
    ex_last = 0;
    __asm__ volatile("" ::: "memory");
}

static inline exinfo_t ex_get(void)
{
    __asm__ volatile("" ::: "memory");
    return ex_last;
}

/* "#GP[0000]", "#PF[0002]", "#UD", or "none", into buf (>= 24 bytes). */
const char *exinfo_str(exinfo_t e, char *buf);

/*
 * Does 'got' match 'want'?  One QEMU quirk is allowed for: a fault that
 * names an IDT gate (error code bit 1) should carry vector << 3 | 2, but
 * QEMU 7.2's TCG in long mode reports the gate's byte offset in the
 * 16-byte IDT, vector << 4 | 2 (target/i386 do_interrupt64).
 */
static inline bool exinfo_match(exinfo_t got, exinfo_t want)
{
    if (got == want)
        return true;
    uint32_t ec = exinfo_ec(want);
    if (!(ec & 2))
        return false;
    exinfo_t qemu = (want & ~0xffffu) | ((((ec >> 3) << 4) | (ec & 7)) & 0xffff);
    return got == qemu;
}
/* "#GP" etc. */
const char *exc_name(unsigned vector);

/*
 * A hook for one vector, called before the fixup table: return true if
 * it handled the exception (the handler then returns to f->rip, which the
 * hook may change).  cr2 is vcpu_info.cr2 for #PF, else 0.
 */
typedef bool (*exc_hook_t)(struct exc_frame *f, uint64_t cr2);
void set_exc_hook(unsigned vector, exc_hook_t fn);

/* The ring-1 entry stubs of entry.S, by vector. */
extern const uint64_t exc_stubs[32];
/* Install the library's trap table (done by guest_start).  Returns the hypercall's rc. */
long install_trap_table(void);
/* The table guest_start installed (ends with address 0). */
extern struct trap_info lib_traps[];

/*
 * Probes: one byte access with a fixup; return the exception taken (0 if
 * none).  probe_rewrite() reads the byte and writes the same value back
 * (for memory that must not change if the write wrongly succeeds); if the
 * read faults it does not write, and returns the read's exception.
 */
exinfo_t probe_read(const volatile void *p);
exinfo_t probe_write(volatile void *p, uint8_t val);
exinfo_t probe_rewrite(volatile void *p);

/* ---- cpu helpers --------------------------------------------------------- */

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t read_flags(void)
{
    uint64_t f;
    __asm__ volatile("pushfq; pop %0" : "=r"(f));
    return f;
}

static inline uint16_t read_cs(void)
{
    uint16_t cs;
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    return cs;
}

static inline uint16_t read_ss(void)
{
    uint16_t ss;
    __asm__ volatile("mov %%ss, %0" : "=r"(ss));
    return ss;
}

static inline void barrier(void)
{
    __asm__ volatile("" ::: "memory");
}

static inline void cpu_relax(void)
{
    __asm__ volatile("pause" ::: "memory");
}

/* ---- mm.c: frames, page tables, mappings -------------------------------- */

#define PTE_RW   (PV_PTE_P | PV_PTE_W | PV_PTE_A | PV_PTE_D)   /* data, writable */
#define PTE_RO   (PV_PTE_P | PV_PTE_A)                         /* data, read-only */
#define PTE_TAB  (PV_PTE_P | PV_PTE_W | PV_PTE_A)              /* L2..L4 entry */

static inline uint64_t pte(uint64_t mfn, uint64_t flags)
{
    return (mfn << PAGE_SHIFT) | flags;
}

static inline uint64_t pte_mfn(uint64_t e)
{
    return (e & PV_PTE_ADDR) >> PAGE_SHIFT;
}

/* Index of va in its level-n table (n = 1..4). */
static inline unsigned pt_index(uint64_t va, int level)
{
    return (unsigned)(va >> (PAGE_SHIFT + 9 * (level - 1))) & 511;
}

uint64_t pfn_to_mfn(uint64_t pfn);
/* pfn of a frame the domain owns, or -1. */
int64_t mfn_to_pfn(uint64_t mfn);
/* The bootstrap-mapping address of a frame, or NULL if it is not mapped there. */
void *mfn_to_virt(uint64_t mfn);
/* The frame the bootstrap mapping put at va (its original mapping). */
uint64_t virt_to_mfn(const void *va);
/* Machine frame of the initial L4. */
uint64_t l4_mfn(void);

/*
 * Walk the current tables (read through the read-only bootstrap mapping
 * of the initial page tables) to the level-n entry that maps va.
 * Returns its machine address and stores the entry in *entry, or returns
 * 0 if a table above it is missing, a superpage, or not readable.
 */
uint64_t pte_maddr(uint64_t va, int level, uint64_t *entry);

/*
 * A frame the domain owns and nothing maps: pfns from nr_bootstrap up.
 * Returns its mfn, or 0 when none are left.  Its content is undefined.
 */
uint64_t alloc_frame(void);
/* Same, zeroed (through the library's map window). */
uint64_t alloc_zeroed_frame(void);
/* Frames still available to alloc_frame. */
uint64_t frames_left(void);

/*
 * The map window: one VA of the library's own for filling a frame.
 * map_window() maps mfn writable there and returns the VA (NULL and
 * prints why if refused); unmap_window() removes it, so the frame can
 * become a page table.
 */
void *map_window(uint64_t mfn);
void unmap_window(void);
/* Zero a frame / copy data into it through the map window. 0 or rc. */
long frame_fill(uint64_t mfn, const void *data, size_t len);

/*
 * Scratch pages: NR_SCRATCH page-aligned VAs in the guest's bss that tests
 * may remap.  scratch_map() uses update_va_mapping with UVMF_INVLPG.
 * scratch_restore() puts the original frame back, writable.
 */
#define NR_SCRATCH 8
void *scratch_va(unsigned i);
long scratch_map(unsigned i, uint64_t mfn, uint64_t flags);
long scratch_unmap(unsigned i);
long scratch_restore(unsigned i);

/* One-request wrappers.  Return the hypercall's rc. */
long mmu_update1(uint64_t maddr, uint64_t val);
long mmuext1(unsigned cmd, uint64_t arg);
long invlpg(uint64_t va);
long flush_tlb(void);

/* ---- events.c: shared_info, time, event channels ------------------------ */

/* The shared_info page, or NULL if mapping it failed. */
extern struct shared_info *shared;
/* Map it (guest_start does).  0 or the rc. */
long map_shared_info(void);
/* This vCPU's (vCPU 0's) vcpu_info; shared must be mapped. */
struct vcpu_info *vcpu_info0(void);

/* System time in ns (shared_info.h's protocol); 0 if shared is not mapped. */
uint64_t now_ns(void);
/* Busy-wait ns nanoseconds of system time. */
void udelay_ns(uint64_t ns);
/*
 * Sleep ms milliseconds: set_timer_op and SCHEDOP_block, with events
 * masked before each block (block unmasks and re-checks, so a timer that
 * fires early is not lost).  VIRQ_TIMER must be bound (events_init first).
 */
void sleep_ms(uint64_t ms);
/* The same, until system time 'until'. */
void sleep_until(uint64_t until);
/*
 * n times: sleep on a timer 2 ms ahead and note how late the wake-up
 * came (ns); lat[] comes back sorted.  VIRQ_TIMER must be bound.
 */
void wake_latencies(uint64_t *lat, unsigned n);
/* Sort n values in place (insertion sort: the arrays here are small). */
void sort_u64(uint64_t *v, unsigned n);

/*
 * Events.  events_init() registers the library's event callback (and a
 * failsafe callback that reports FAILURE); the callback counts deliveries
 * per port in evtchn_hits[] and calls evtchn_hook (if set) for each.
 * Events start masked (evtchn_upcall_mask = 1); events_enable() unmasks
 * and, if an upcall is already pending, makes a cheap hypercall so the
 * hypervisor delivers it on the way back.
 */
long events_init(void);
extern volatile uint32_t evtchn_hits[PV_NR_EVTCHN];
extern void (*volatile evtchn_hook)(evtchn_port_t port);
void events_enable(void);
void events_disable(void);
/* Set / clear a port's bit in shared_info.evtchn_mask ([GST]). */
void evtchn_mask_port(evtchn_port_t port);
void evtchn_unmask_port(evtchn_port_t port);
bool evtchn_is_pending(evtchn_port_t port);
void evtchn_clear_pending(evtchn_port_t port);

long evtchn_bind_virq(uint32_t virq, uint32_t vcpu, evtchn_port_t *port);
long evtchn_bind_ipi(uint32_t vcpu, evtchn_port_t *port);
long evtchn_close(evtchn_port_t port);
long evtchn_send(evtchn_port_t port);
long evtchn_unmask(evtchn_port_t port);
long evtchn_status(evtchn_port_t port, struct evtchn_status *st);

/*
 * Wait (events enabled, yielding) until *counter != old or timeout_ns
 * of system time pass.  True if it changed.
 */
bool wait_for_change(volatile uint32_t *counter, uint32_t old, uint64_t timeout_ns);

/* ---- user.c: ring 3 ------------------------------------------------------ */

/*
 * A user mapping for ring-3 tests, built from fresh frames in L4 slot 0:
 * USER_CODE_VA one read-only executable page holding a copy of 'code',
 * USER_STACK_TOP the top of one writable stack page; U set at every
 * level.  Also sets the ring-1 stack for entries from ring 3
 * (stack_switch).  Returns 0, or -1 after printing why (the caller
 * decides ERROR or FAILURE: a refused valid update is a FAILURE).
 */
#define USER_CODE_VA    ((uint64_t)0x400000)
#define USER_STACK_TOP  ((uint64_t)0x402000)
int user_init(const void *code, size_t len);

/*
 * Run ring-3 code at rip (iretq with PV_USER_CS / PV_USER_DS and
 * rsp = USER_STACK_TOP) until it takes an exception; return which.  The
 * user code's registers at that point are in user_last_frame.  A test's
 * user code ends with `ud2` to come back on purpose.
 */
exinfo_t exec_user(uint64_t rip);
extern struct exc_frame user_last_frame;

/* ---- xorshift PRNG (deterministic) --------------------------------------- */

static inline uint64_t xorshift64(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

#endif
