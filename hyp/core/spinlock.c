/*
 * spinlock.c - ticket locks: fair (FIFO), and each records its holder so
 * that a CPU taking a lock it already holds panics with the lock's name
 * instead of hanging silently.
 */
#include "spinlock.h"
#include "panic.h"
#include <asm/cpu.h>
#include <asm/x86.h>

void spin_init(struct spinlock *l, const char *name)
{
    l->next = l->owner = 0;
    l->cpu = -1;
    l->name = name;
}

bool spin_held(const struct spinlock *l)
{
    return l->next != l->owner && l->cpu == cpu_id();
}

void spin_lock(struct spinlock *l)
{
    if (spin_held(l) && !panic_in_progress())
        panic("spinlock '%s' taken twice on CPU %d", l->name, cpu_id());
    uint16_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_ACQUIRE);
    while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
        cpu_relax();
    l->cpu = cpu_id();
}

void spin_unlock(struct spinlock *l)
{
    l->cpu = -1;
    __atomic_store_n(&l->owner, (uint16_t)(l->owner + 1), __ATOMIC_RELEASE);
}

uint64_t spin_lock_irqsave(struct spinlock *l)
{
    uint64_t flags = read_rflags();
    irq_disable();
    spin_lock(l);
    return flags;
}

void spin_unlock_irqrestore(struct spinlock *l, uint64_t flags)
{
    spin_unlock(l);
    if (flags & X86_RFLAGS_IF)
        irq_enable();
}
