/*
 * trap.c - the IDT, the dispatcher every entry stub calls, and the
 * trapframe helpers of hal.h.
 *
 * Every gate is an interrupt gate, so the CPU clears IF on entry and the
 * kernel always runs with interrupts off, int $0x80 included (a trap gate
 * there would let an interrupt in before the stub has saved anything).
 * The dispatcher turns hardware vectors into the kernel's T_* numbers,
 * acknowledges interrupts *before* calling trap() (which may switch to
 * another process and come back much later), and checks a user frame
 * before it is resumed, since the kernel may have rewritten it.
 */
#include "defs.h"
#include "native.h"
#include "x86.h"

struct idt_gate {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;                /* IST index, 0 = none */
    uint8_t type_attr;          /* present, DPL, type */
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
} __attribute__((packed));     /* 16 bytes */

struct idt_ptr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

#define GATE_INTR   0x8e        /* present, DPL 0, 64-bit interrupt gate */
#define GATE_USER   0x60        /* DPL 3: int n allowed from user mode */
#define STUB_SIZE   16
#define T_DOUBLE_FAULT 8

/* Flags a user program may set for itself; IF is always on. */
#define RFLAGS_USER (0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | 0x800 | \
                     0x40000 | 0x200000)   /* CF PF AF ZF SF TF DF OF AC ID */
#define RFLAGS_FIXED 0x2

extern char trap_stubs[];
static struct idt_gate idt[256];

static void idt_set(unsigned vec, uint8_t attr, uint8_t ist)
{
    uint64_t addr = (uint64_t)trap_stubs + vec * STUB_SIZE;
    idt[vec] = (struct idt_gate){
        .offset_lo = addr & 0xffff,
        .selector = SEL_KCODE,
        .ist = ist,
        .type_attr = attr,
        .offset_mid = (addr >> 16) & 0xffff,
        .offset_hi = addr >> 32,
    };
}

void idt_init(void)
{
    for (unsigned v = 0; v < 32; v++)
        idt_set(v, GATE_INTR, 0);
    idt_set(T_DOUBLE_FAULT, GATE_INTR, 1);          /* its own stack (TSS IST1) */
    idt_set(T_BREAKPOINT, GATE_INTR | GATE_USER, 0); /* int3 in a program: SIGTRAP, not #GP */
    idt_set(VEC_SYSCALL, GATE_INTR | GATE_USER, 0);
    idt_set(VEC_TIMER, GATE_INTR, 0);
    for (unsigned irq = 0; irq < 16; irq++)         /* COM1, and spurious IRQ 7/15 */
        idt_set(VEC_PIC_BASE + irq, GATE_INTR, 0);
    idt_set(VEC_APIC_SPURIOUS, GATE_INTR, 0);

    struct idt_ptr p = { sizeof(idt) - 1, (uint64_t)idt };
    __asm__ volatile("lidt %0" : : "m"(p));
}

static bool canonical(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

/*
 * Make a user frame safe to iretq: user segments, harmless flags with IF
 * on, and a canonical rip (iretq to a non-canonical one would fault in
 * ring 0, so it is reported to the kernel as the #GP the program earned).
 */
static void user_frame_check(struct trapframe *tf)
{
    for (int tries = 0; ; tries++) {
        tf->cs = SEL_UCODE | RPL_USER;
        tf->ss = SEL_UDATA | RPL_USER;
        tf->rflags = (tf->rflags & RFLAGS_USER) | RFLAGS_IF | RFLAGS_FIXED;
        if (canonical(tf->rip))
            return;
        if (tries == 4)
            panic("user rip %#lx stays non-canonical", tf->rip);
        tf->vector = T_GP;
        tf->error = 0;
        tf->fault_addr = 0;
        trap(tf);
    }
}

/* Called by trap_common with interrupts off, tf on the kernel stack. */
void native_trap(struct trapframe *tf)
{
    uint64_t vec = tf->vector;
    bool from_user = hal_tf_from_user(tf);    /* before trap() may edit tf */

    if (vec < 32 || vec == VEC_SYSCALL) {
        trap(tf);                   /* T_* equals the vector for these */
    } else if (vec == VEC_TIMER) {
        lapic_eoi();
        if (timer_fired()) {
            tf->vector = T_TIMER;
            trap(tf);
        }
    } else if (vec >= VEC_PIC_BASE && vec < VEC_PIC_BASE + 16) {
        unsigned irq = vec - VEC_PIC_BASE;
        if (pic_irq_spurious(irq))
            return;
        pic_eoi(irq);
        if (vec == VEC_COM1) {
            tf->vector = T_CONSOLE;
            trap(tf);
        }
    }
    /* VEC_APIC_SPURIOUS: nothing to do, and no EOI. */

    if (from_user)
        user_frame_check(tf);
}

bool hal_tf_from_user(const struct trapframe *tf)
{
    return (tf->cs & 3) == RPL_USER;
}

void hal_tf_init_user(struct trapframe *tf, uint64_t rip, uint64_t rsp)
{
    memset(tf, 0, sizeof(*tf));
    tf->rip = rip;
    tf->rsp = rsp;
    tf->cs = SEL_UCODE | RPL_USER;
    tf->ss = SEL_UDATA | RPL_USER;
    tf->rflags = RFLAGS_IF | RFLAGS_FIXED;
}

/* Does not return: iretq to ring 3 with tf (made a user frame if it is not). */
void hal_enter_user(struct trapframe *tf)
{
    user_frame_check(tf);
    trapret_to(tf);
}

void hal_tf_dump(const struct trapframe *tf)
{
    printk("trap %lu err %#lx addr %#lx %s mode\n", tf->vector, tf->error,
           tf->fault_addr, hal_tf_from_user(tf) ? "user" : "kernel");
    printk("rip %016lx cs %04lx rflags %08lx rsp %016lx ss %04lx\n",
           tf->rip, tf->cs, tf->rflags, tf->rsp, tf->ss);
    printk("rax %016lx rbx %016lx rcx %016lx rdx %016lx\n",
           tf->rax, tf->rbx, tf->rcx, tf->rdx);
    printk("rsi %016lx rdi %016lx rbp %016lx r8  %016lx\n",
           tf->rsi, tf->rdi, tf->rbp, tf->r8);
    printk("r9  %016lx r10 %016lx r11 %016lx r12 %016lx\n",
           tf->r9, tf->r10, tf->r11, tf->r12);
    printk("r13 %016lx r14 %016lx r15 %016lx cr3 %016lx\n",
           tf->r13, tf->r14, tf->r15, rcr3());
}

/*
 * Wait for an interrupt.  sti takes effect only after the next
 * instruction, so an interrupt pending at sti wakes the hlt rather than
 * slipping in before it.  The interrupt's trap() runs inside; we return
 * with interrupts off.
 */
void hal_idle(void)
{
    __asm__ volatile("sti; hlt; cli" : : : "memory");
}
