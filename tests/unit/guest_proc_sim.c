/*
 * guest_proc_sim.c - a simulated machine under the guest kernel's process
 * side, for test_guest_proc.c (the interface is guest_proc_sim.h).
 *
 * It stands in for everything proc.c, signal.c, timer.c, trap.c,
 * syscall.c, sysproc.c and exec.c call outside themselves:
 *   - the HAL: kernel contexts are host stacks switched by a few lines of
 *     assembly (x86-64 hosts), told to ASan as fibers; time advances only
 *     when user code spins or the CPU idles (hal_idle jumps to the armed
 *     timer deadline); the FPU is a 512-byte array;
 *   - the vm and uaccess: regions and lazily allocated pages;
 *   - the files: counters, and vfs_read_whole serving ELF images built
 *     here for the registered programs;
 *   - user mode: a program is a C function with a fake address (FN_BASE
 *     + 16*i, inside the text segment of those images), entered by
 *     hal_enter_user or by exec; it makes system calls by filling the
 *     trapframe and calling trap().  A signal handler is entered when
 *     trap() returns with rip at a handler; its return pops the restorer
 *     address from the (fake) user stack and makes SYS_sigreturn.
 */
#include <stdint.h>
#include <stdarg.h>
#include <sanitizer/common_interface_defs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "guest_proc_sim.h"
#include "ksignal.h"
#include "vm.h"

/* The host's <sys/wait.h> would clash with the guest's signal numbers,
 * and <unistd.h> declares the host's syscall(). */
extern int waitpid(int pid, int *status, int options);
extern int fork(void);
extern void _exit(int status) __attribute__((noreturn));

/* ---- simulation state ------------------------------------------------ */

uint64_t sim_now = 1000000;      /* ns */
static uint64_t sim_timer;              /* armed deadline, 0 = none */
int sim_timer_sets;
int sim_failed;
static int sim_code = -1;               /* poweroff code */
static struct hal_context *runner_ctx;  /* the host's main stack */
char sim_log[1 << 16];
static size_t sim_log_len;
uint8_t live_fpu[512];           /* the "CPU's" FPU registers */
static int sim_vm_switches;

#define SIM_STACK   (512 * 1024)
#define USER_CS     0x2b
#define KERNEL_CS   0x08


static void
logf_(const char *fmt, va_list ap)
{
    if (sim_log_len < sizeof(sim_log))
        sim_log_len += (size_t)vsnprintf(sim_log + sim_log_len,
                                         sizeof(sim_log) - sim_log_len, fmt, ap);
    if (sim_log_len > sizeof(sim_log))
        sim_log_len = sizeof(sim_log);
}

/* ---- what the rest of the kernel provides --------------------------- */

size_t
strlcpy(char *dst, const char *src, size_t size)
{
    size_t n = strlen(src);

    if (size > 0) {
        size_t c = n < size - 1 ? n : size - 1;
        memcpy(dst, src, c);
        dst[c] = '\0';
    }
    return n;
}

void
printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    logf_(fmt, ap);
    va_end(ap);
}

void
panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    printf("    PANIC: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
    _exit(3);
}

void
panic_tf(const struct trapframe *tf, const char *why)
{
    panic("%s (vector %lu rip %#lx)", why, (unsigned long)tf->vector,
          (unsigned long)tf->rip);
}

void *
kmalloc(size_t size)
{
    return calloc(1, size);
}

void
kfree(void *p)
{
    free(p);
}

int files_forks, files_exits, files_execs;

void files_fork(struct proc *parent, struct proc *child) { (void)parent; (void)child; files_forks++; }
void files_exit(struct proc *p) { (void)p; files_exits++; }
void files_exec(struct proc *p) { (void)p; files_execs++; }
int vfs_stdio_open(struct proc *p) { (void)p; return 0; }
void tty_input(void) { }

#define FILE_STUB(name) long name(struct sysargs *a) { (void)a; return -ENOSYS; }
FILE_STUB(sys_read) FILE_STUB(sys_write) FILE_STUB(sys_open) FILE_STUB(sys_close)
FILE_STUB(sys_lseek) FILE_STUB(sys_stat) FILE_STUB(sys_fstat) FILE_STUB(sys_unlink)
FILE_STUB(sys_mkdir) FILE_STUB(sys_rmdir) FILE_STUB(sys_getdents) FILE_STUB(sys_dup)
FILE_STUB(sys_dup2) FILE_STUB(sys_pipe) FILE_STUB(sys_chdir) FILE_STUB(sys_getcwd)
FILE_STUB(sys_tcsetpgrp) FILE_STUB(sys_tcgetpgrp)

/* ---- fake vm ----------------------------------------------------------- */

#define VM_REGIONS 64
#define VM_PAGES   256

struct vm {
    struct { uint64_t s, e; unsigned prot; } r[VM_REGIONS];
    int nr;
    struct { uint64_t va; uint8_t *mem; } pg[VM_PAGES];
    int np;
    bool destroyed;
};

bool sim_fault_enomem;           /* next demand-zero fault fails */

struct vm *
vm_create(void)
{
    return calloc(1, sizeof(struct vm));
}

void
vm_destroy(struct vm *vm)
{
    for (int i = 0; i < vm->np; i++)
        free(vm->pg[i].mem);
    free(vm);
}

struct vm *
vm_fork(struct vm *parent, uint64_t hot_va)
{
    struct vm *c = vm_create();

    (void)hot_va;                       /* the fake copies every page anyway */
    *c = *parent;
    for (int i = 0; i < c->np; i++) {
        c->pg[i].mem = malloc(PAGE_SIZE);
        memcpy(c->pg[i].mem, parent->pg[i].mem, PAGE_SIZE);
    }
    return c;
}

static int
region_idx(struct vm *vm, uint64_t va)
{
    for (int i = 0; i < vm->nr; i++)
        if (va >= vm->r[i].s && va < vm->r[i].e)
            return i;
    return -1;
}

int
vm_map_anon(struct vm *vm, uint64_t start, uint64_t len, unsigned prot)
{
    uint64_t end;

    if (start % PAGE_SIZE || len == 0 || len > USER_TOP)
        return -EINVAL;
    end = start + PAGE_ROUND_UP(len);
    if (end > USER_TOP)
        return -EINVAL;
    for (int i = 0; i < vm->nr; i++)
        if (vm->r[i].s < end && start < vm->r[i].e)
            return -EINVAL;
    if (vm->nr == VM_REGIONS)
        return -ENOMEM;
    vm->r[vm->nr].s = start;
    vm->r[vm->nr].e = end;
    vm->r[vm->nr].prot = prot & ~HAL_PROT_USER;
    vm->nr++;
    return 0;
}

int
vm_unmap(struct vm *vm, uint64_t start, uint64_t len)
{
    uint64_t end = start + PAGE_ROUND_UP(len);

    for (int i = 0; i < vm->np;) {
        if (vm->pg[i].va >= start && vm->pg[i].va < end) {
            free(vm->pg[i].mem);
            vm->pg[i] = vm->pg[--vm->np];
        } else {
            i++;
        }
    }
    for (int i = 0; i < vm->nr;) {
        uint64_t s = vm->r[i].s, e = vm->r[i].e;

        if (e <= start || s >= end) {
            i++;
        } else if (start <= s && e <= end) {
            vm->r[i] = vm->r[--vm->nr];
        } else if (start <= s) {
            vm->r[i++].s = end;
        } else if (e <= end) {
            vm->r[i++].e = start;
        } else {
            vm->r[vm->nr] = vm->r[i];
            vm->r[vm->nr].s = end;
            vm->nr++;
            vm->r[i++].e = start;
        }
    }
    return 0;
}

uint64_t
vm_find_free(struct vm *vm, uint64_t len)
{
    uint64_t at = VM_MMAP_BASE;

    for (bool moved = true; moved;) {
        moved = false;
        for (int i = 0; i < vm->nr; i++)
            if (vm->r[i].s < at + len && at < vm->r[i].e) {
                at = vm->r[i].e;
                moved = true;
            }
    }
    return at;
}

/* The page of va (allocated zeroed on first touch), or NULL if no region. */
static uint8_t *
page_of(struct vm *vm, uint64_t va)
{
    uint64_t pva = PAGE_ROUND_DOWN(va);

    if (va >= USER_TOP || region_idx(vm, va) < 0)
        return NULL;
    for (int i = 0; i < vm->np; i++)
        if (vm->pg[i].va == pva)
            return vm->pg[i].mem;
    if (vm->np == VM_PAGES)
        return NULL;
    vm->pg[vm->np].va = pva;
    vm->pg[vm->np].mem = calloc(1, PAGE_SIZE);
    return vm->pg[vm->np++].mem;
}

int
vm_fault(struct vm *vm, uint64_t va, bool write)
{
    int i = region_idx(vm, va);

    if (i < 0 || (write && !(vm->r[i].prot & HAL_PROT_WRITE)) ||
        !(vm->r[i].prot & (HAL_PROT_READ | HAL_PROT_WRITE)))
        return -EFAULT;
    if (sim_fault_enomem) {
        sim_fault_enomem = false;
        return -ENOMEM;
    }
    return page_of(vm, va) ? 0 : -ENOMEM;
}

int
vm_page_for(struct vm *vm, uint64_t va, bool write, uint64_t *pfn)
{
    (void)vm; (void)va; (void)write; (void)pfn;
    return -EFAULT;
}

void
vm_switch(struct vm *vm)
{
    if (vm == NULL || vm->destroyed)
        panic("vm_switch to a dead vm");
    sim_vm_switches++;
}

uint64_t
vm_pages(struct vm *vm)
{
    return vm ? (uint64_t)vm->np : 0;
}

/* Copy between kernel memory and vm's user memory; need: prot bits the
 * regions must have (0: any). */
static int
vm_xfer(struct vm *vm, uint64_t va, void *kbuf, size_t n, bool to_user, unsigned need)
{
    uint8_t *k = kbuf;

    if (va >= USER_TOP || n > USER_TOP - va)
        return -EFAULT;
    while (n > 0) {
        int ri = region_idx(vm, va);
        uint8_t *pg;
        size_t chunk = PAGE_SIZE - va % PAGE_SIZE;

        if (ri < 0 || (vm->r[ri].prot & need) != need)
            return -EFAULT;
        pg = page_of(vm, va);
        if (pg == NULL)
            return -ENOMEM;
        if (chunk > n)
            chunk = n;
        if (to_user)
            memcpy(pg + va % PAGE_SIZE, k, chunk);
        else
            memcpy(k, pg + va % PAGE_SIZE, chunk);
        va += chunk;
        k += chunk;
        n -= chunk;
    }
    return 0;
}

int
vm_copy_to(struct vm *vm, uint64_t va, const void *src, size_t n)
{
    return vm_xfer(vm, va, (void *)src, n, true, 0);
}

bool
vm_region_at(struct vm *vm, uint64_t va, uint64_t *start, uint64_t *end, unsigned *prot)
{
    int i = region_idx(vm, va);

    if (i < 0)
        return false;
    if (start) *start = vm->r[i].s;
    if (end) *end = vm->r[i].e;
    if (prot) *prot = vm->r[i].prot;
    return true;
}

bool
vm_region_after(struct vm *vm, uint64_t va, uint64_t *start, uint64_t *end, unsigned *prot)
{
    int best = -1;

    for (int i = 0; i < vm->nr; i++)
        if (vm->r[i].e > va && (best < 0 || vm->r[i].s < vm->r[best].s))
            best = i;
    if (best < 0)
        return false;
    if (start) *start = vm->r[best].s;
    if (end) *end = vm->r[best].e;
    if (prot) *prot = vm->r[best].prot;
    return true;
}

int
copyin(void *dst, uint64_t usrc, size_t n)
{
    return vm_xfer(myproc()->vm, usrc, dst, n, false, HAL_PROT_READ) < 0 ? -EFAULT : 0;
}

int
copyout(uint64_t udst, const void *src, size_t n)
{
    return vm_xfer(myproc()->vm, udst, (void *)src, n, true, HAL_PROT_WRITE) < 0 ? -EFAULT : 0;
}

long
copyinstr(char *dst, uint64_t usrc, size_t max)
{
    for (size_t i = 0; i < max; i++) {
        if (copyin(dst + i, usrc + i, 1) < 0)
            return -EFAULT;
        if (dst[i] == '\0')
            return (long)i;
    }
    return -ENAMETOOLONG;
}

/* ---- fake HAL ---------------------------------------------------------- */

/*
 * A kernel context: the saved stack pointer (callee-saved registers and
 * the return address are on the stack) and the stack's bounds for ASan.
 */
struct hal_context {
    void *sp;
    const void *bottom;
    size_t size;
};

/* sim_swtch(&save_sp, new_sp): save the callee-saved registers on this
 * stack, switch stacks, restore them from the other.  A new context's
 * stack holds six zero registers (rbx = the function) and returns into
 * sim_trampoline, which calls sim_first(fn). */
void sim_swtch(void **save_sp, void *new_sp);
extern char sim_trampoline[];
__asm__(
    ".text\n"
    ".globl sim_swtch\n"
    "sim_swtch:\n"
    "  push %rbp\n  push %rbx\n  push %r12\n  push %r13\n  push %r14\n  push %r15\n"
    "  mov %rsp, (%rdi)\n"
    "  mov %rsi, %rsp\n"
    "  pop %r15\n  pop %r14\n  pop %r13\n  pop %r12\n  pop %rbx\n  pop %rbp\n"
    "  ret\n"
    ".globl sim_trampoline\n"
    "sim_trampoline:\n"
    "  mov %rbx, %rdi\n"
    "  call sim_first\n"
    "  ud2\n");

static struct hal_context *sim_cur;      /* the context running now */
static struct hal_context *sim_prev;     /* the one that switched to it */

/* The first code on a new context: finish ASan's fiber switch (learning
 * the bounds of the stack we came from), then run fn. */
void sim_first(void (*fn)(void)) __attribute__((used, noreturn));
void
sim_first(void (*fn)(void))
{
    __sanitizer_finish_switch_fiber(NULL, &sim_prev->bottom, &sim_prev->size);
    fn();
    panic("context function returned");
}

struct hal_context *
hal_context_init(void *stack_top, void (*fn)(void))
{
    struct hal_context *c = calloc(1, sizeof(*c));
    uint64_t *sp;

    (void)stack_top;                    /* user code needs a bigger stack */
    c->bottom = malloc(SIM_STACK);
    c->size = SIM_STACK;
    sp = (uint64_t *)((char *)c->bottom + SIM_STACK - 72);
    memset(sp, 0, 72);
    sp[4] = (uint64_t)fn;               /* rbx */
    sp[6] = (uint64_t)sim_trampoline;   /* the return address */
    c->sp = sp;
    return c;
}

void
hal_switch(struct hal_context **from, struct hal_context *to)
{
    struct hal_context *me = *from;
    void *fake = NULL;

    if (me == NULL) {
        me = calloc(1, sizeof(*me));
        *from = me;
    }
    if (sim_cur != NULL && sim_cur != me) {
        /* The caller saves into a new context record: carry the stack
         * bounds over (the process's own record keeps its stack). */
        me->bottom = sim_cur->bottom;
        me->size = sim_cur->size;
    }
    sim_prev = me;
    sim_cur = to;
    __sanitizer_start_switch_fiber(&fake, to->bottom, to->size);
    sim_swtch(&me->sp, to->sp);
    __sanitizer_finish_switch_fiber(fake, &sim_prev->bottom, &sim_prev->size);
    sim_cur = me;
}

void hal_set_kernel_stack(uint64_t top) { (void)top; }
uint64_t hal_time_ns(void) { return sim_now; }
uint64_t hal_wallclock_ns(void) { return 1700000000ull * 1000000000ull; }

void
hal_timer_set(uint64_t deadline)
{
    sim_timer = deadline;
    sim_timer_sets++;
}

bool
hal_tf_from_user(const struct trapframe *tf)
{
    return tf->cs == USER_CS;
}

void
hal_tf_init_user(struct trapframe *tf, uint64_t rip, uint64_t rsp)
{
    memset(tf, 0, sizeof(*tf));
    tf->rip = rip;
    tf->rsp = rsp;
    tf->cs = USER_CS;
    tf->ss = USER_CS + 8;
    tf->rflags = 0x202;
}

void
hal_tf_dump(const struct trapframe *tf)
{
    printk("  [dump rip %#lx]\n", (unsigned long)tf->rip);
}

void
hal_fpu_init(struct hal_fpu *f)
{
    memset(f->area, 0, sizeof(f->area));
    f->area[0] = 0x7f;                   /* FCW 0x37f */
    f->area[1] = 0x03;
    f->area[24] = 0x80;                  /* MXCSR 0x1f80 */
    f->area[25] = 0x1f;
}

void
hal_fpu_save(struct hal_fpu *f)
{
    memcpy(f->area, live_fpu, sizeof(live_fpu));
    f->area[28] = 0xff;                  /* MXCSR_MASK 0xffff, as QEMU says */
    f->area[29] = 0xff;
    f->area[30] = 0;
    f->area[31] = 0;
}

void
hal_fpu_restore(const struct hal_fpu *f)
{
    uint32_t mxcsr;

    memcpy(&mxcsr, f->area + 24, 4);
    if (mxcsr & 0xffff0000u)
        panic("fxrstor would #GP: MXCSR %#x", mxcsr);
    memcpy(live_fpu, f->area, sizeof(live_fpu));
}

void
hal_poweroff(int code)
{
    struct hal_context *dead = NULL;

    sim_code = code;
    hal_switch(&dead, runner_ctx);
    abort();
}

int hal_counters(struct uapi_hal_counters *c) { (void)c; return -ENOSYS; }

/* trap.c keeps a reserve of frames for init: plenty here. */
uint64_t page_free_count(void) { return 1u << 20; }

void
hal_reboot(void)
{
    hal_poweroff(-97);
}

void
hal_idle(void)
{
    struct trapframe ktf;

    if (sim_timer == 0) {
        printf("    deadlock: nothing runnable and no timer armed\n");
        sim_failed = 1;
        hal_poweroff(-99);
    }
    if (sim_now < sim_timer)
        sim_now = sim_timer;
    sim_timer = 0;
    memset(&ktf, 0, sizeof(ktf));
    ktf.vector = T_TIMER;
    ktf.cs = KERNEL_CS;
    trap(&ktf);
}

/* ---- user programs ------------------------------------------------------- */

#define FN_BASE  0x400000ul
#define FN_MAX   64
#define RESTORER (FN_BASE + 16 * FN_MAX)   /* the restorer's fake address */

static void (*fns[FN_MAX])(void);
static int nfns;
int handler_sig;                  /* the running handler's argument */
uint64_t handler_rsp;             /* rsp at its entry */

/* The fake user address of fn (registering it on first use). */
static uint64_t
fn_addr(void (*fn)(void))
{
    for (int i = 0; i < nfns; i++)
        if (fns[i] == fn)
            return FN_BASE + 16 * (uint64_t)i;
    fns[nfns] = fn;
    return FN_BASE + 16 * (uint64_t)nfns++;
}

static void (*fn_at(uint64_t rip))(void)
{
    if (rip >= FN_BASE && rip < FN_BASE + 16 * (uint64_t)nfns && (rip - FN_BASE) % 16 == 0)
        return fns[(rip - FN_BASE) / 16];
    return NULL;
}

struct trapframe *
utf(void)
{
    return myproc()->tf;
}

static void after_trap(struct trapframe *tf, uint64_t rip_before);

/* Enter the kernel from user mode with vector v. */
void
utrap(uint64_t v)
{
    struct trapframe *tf = utf();
    uint64_t rip = tf->rip;

    tf->vector = v;
    tf->cs = USER_CS;
    trap(tf);
    after_trap(tf, rip);
}

long
usys6(uint64_t num, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
      uint64_t a4, uint64_t a5)
{
    struct trapframe *tf = utf();

    tf->rax = num;
    tf->rdi = a0;
    tf->rsi = a1;
    tf->rdx = a2;
    tf->r10 = a3;
    tf->r8 = a4;
    tf->r9 = a5;
    utrap(T_SYSCALL);
    return (long)utf()->rax;
}

long
usys(uint64_t num, uint64_t a0, uint64_t a1, uint64_t a2)
{
    return usys6(num, a0, a1, a2, 0, 0, 0);
}

/* Let user time pass; a timer that comes due interrupts. */
void
spin(uint64_t ns)
{
    sim_now += ns;
    if (sim_timer != 0 && sim_now >= sim_timer) {
        sim_timer = 0;
        utrap(T_TIMER);
    }
}

/* Run the handler tf was pointed at, then "ret" to the restorer, which
 * makes SYS_sigreturn. */
static void
run_handler(struct trapframe *tf)
{
    void (*h)(void) = fn_at(tf->rip);
    uint64_t ret;

    handler_sig = (int)tf->rdi;
    handler_rsp = tf->rsp;
    h();
    tf = utf();
    UCHECK(copyin(&ret, tf->rsp, 8) == 0);
    tf->rsp += 8;
    tf->rip = ret;
    UCHECK(ret == RESTORER);
    tf->rax = SYS_sigreturn;
    tf->vector = T_SYSCALL;
    trap(tf);
}

/* After a trap: follow the kernel where it sent user mode (a handler, a
 * new program) until it is back at rip_before. */
static void
after_trap(struct trapframe *tf, uint64_t rip_before)
{
    for (;;) {
        tf = utf();
        if (tf->rip == rip_before)
            return;
        if (fn_at(tf->rip) == NULL) {
            printf("    user rip %#lx is no code\n", (unsigned long)tf->rip);
            sim_failed = 1;
            hal_poweroff(-98);
        }
        if (tf->rsp % 16 == 8) {             /* a handler entry */
            run_handler(tf);
            continue;
        }
        fn_at(tf->rip)();                    /* exec'd program: no return */
        panic("program returned");
    }
}

void
hal_enter_user(struct trapframe *tf)
{
    void (*fn)(void) = fn_at(tf->rip);

    if (fn == NULL)
        panic("enter_user at %#lx", (unsigned long)tf->rip);
    fn();
    panic("user function returned");
}

/* ---- user library ------------------------------------------------------ */

void
uexit(int code)
{
    usys(SYS_exit, (uint64_t)code, 0, 0);
    panic("exit returned");
}

/* fork; the child runs child() (which must exit). */
long
ufork(void (*child)(void))
{
    struct trapframe *tf = utf();
    uint64_t rip = tf->rip;
    long r;

    tf->rip = fn_addr(child);
    r = usys(SYS_fork, 0, 0, 0);
    utf()->rip = rip;
    return r;
}

long
uwait(int pid, int *status, int options)
{
    /* status lives in user memory: a scratch word on the user stack. */
    uint64_t ust = utf()->rsp - 4096;
    long r = usys(SYS_waitpid, (uint64_t)pid, status ? ust : 0, (uint64_t)options);

    if (status != NULL && r > 0)
        UCHECK(copyin(status, ust, sizeof(*status)) == 0);
    return r;
}

long
usigaction(int sig, void (*handler)(void), uint64_t mask)
{
    struct uapi_sigaction act = { 0, mask, 0, RESTORER };
    uint64_t ua = utf()->rsp - 8192;

    if (handler == (void (*)(void))1)
        act.handler = SIG_IGN_VALUE;
    else if (handler != NULL)
        act.handler = fn_addr(handler);
    UCHECK(copyout(ua, &act, sizeof(act)) == 0);
    return usys(SYS_sigaction, (uint64_t)sig, ua, 0);
}

long
unanosleep(uint64_t ns, struct uapi_timespec *rem)
{
    struct uapi_timespec req = { (int64_t)(ns / 1000000000), (int64_t)(ns % 1000000000) };
    uint64_t ureq = utf()->rsp - 4096, urem = ureq + 64;
    long r;

    UCHECK(copyout(ureq, &req, sizeof(req)) == 0);
    r = usys(SYS_nanosleep, ureq, urem, 0);
    if (rem != NULL)
        UCHECK(copyin(rem, urem, sizeof(*rem)) == 0);
    return r;
}

void
upoweroff(int code)
{
    usys(SYS_poweroff, (uint64_t)code, 0, 0);
    panic("poweroff returned");
}

/* ---- ELF images for exec ----------------------------------------------- */

static void
put(uint8_t *img, uint64_t off, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        img[off + (uint64_t)i] = (uint8_t)(v >> (8 * i));
}

/* A static executable whose text covers every fake function address and
 * whose entry is prog's; data at 0x600000 with a bss. */
static uint8_t *
make_elf(void (*prog)(void), size_t *len)
{
    uint8_t *img = calloc(1, 0x2000);

    memcpy(img, "\x7f" "ELF", 4);
    img[4] = 2; img[5] = 1; img[6] = 1;
    put(img, 16, 2, 2); put(img, 18, 62, 2); put(img, 20, 1, 4);
    put(img, 24, fn_addr(prog), 8);
    put(img, 32, 64, 8); put(img, 54, 56, 2); put(img, 56, 2, 2);
    /* text R+X, 0x400000..0x402000, 0x100 file bytes */
    put(img, 64, 1, 4); put(img, 68, 5, 4); put(img, 72, 0x1000, 8);
    put(img, 80, FN_BASE, 8); put(img, 96, 0x100, 8); put(img, 104, 0x2000, 8);
    /* data R+W at 0x600000: 16 bytes "DATA...", bss to 0x603000 */
    put(img, 120, 1, 4); put(img, 124, 6, 4); put(img, 128, 0x1800, 8);
    put(img, 136, 0x600000, 8); put(img, 152, 16, 8); put(img, 160, 0x2100, 8);
    memcpy(img + 0x1800, "DATA-SEGMENT-OK", 16);
    *len = 0x2000;
    return img;
}

static struct { const char *path; void (*prog)(void); } files[8];
static int nfiles;

void
add_program(const char *path, void (*prog)(void))
{
    files[nfiles].path = path;
    files[nfiles].prog = prog;
    nfiles++;
}

int
vfs_read_whole(const char *path, void **buf, size_t *len)
{
    for (int i = 0; i < nfiles; i++)
        if (strcmp(files[i].path, path) == 0) {
            *buf = make_elf(files[i].prog, len);
            return 0;
        }
    if (strcmp(path, "/bin/garbage") == 0) {
        *buf = calloc(1, 100);
        *len = 100;
        return 0;
    }
    return -ENOENT;
}

/* ---- running a scenario ------------------------------------------------ */

static void
boot_main(void)
{
    scheduler();
}

/* Boot with init = prog (argv as given) in a forked host process; true if
 * it powered off with want and no sim check failed. */
bool
run_sim(void (*prog)(void), char *const *argv, int want)
{
    int pid, status;

    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        struct hal_context *boot;

        add_program("/sbin/init", prog);
        proc_init();
        proc_spawn_init("/sbin/init", argv);
        boot = hal_context_init(NULL, boot_main);
        hal_switch(&runner_ctx, boot);
        /* back here from hal_poweroff */
        if (sim_code != want)
            printf("    poweroff code %d, want %d\n", sim_code, want);
        if (sim_failed || sim_code != want) {
            printf("    kernel log:\n%.*s", (int)sim_log_len, sim_log);
            fflush(stdout);
            _exit(1);
        }
        fflush(stdout);
        _exit(0);
    }
    if (waitpid(pid, &status, 0) != pid)
        return false;
    return status == 0;                 /* exited with 0 */
}
