/*
 * spinlock.h - ticket spinlocks with a name and an owner, xv6-style:
 * taking a lock twice on one CPU panics instead of hanging.
 */
#ifndef HYP_SPINLOCK_H
#define HYP_SPINLOCK_H

#include <stdint.h>
#include <stdbool.h>

struct spinlock {
    volatile uint16_t next;     /* ticket handed to the next arrival */
    volatile uint16_t owner;    /* ticket now being served */
    volatile int cpu;           /* holder's CPU, -1 if free */
    const char *name;
};

#define SPINLOCK_INIT(n) { .next = 0, .owner = 0, .cpu = -1, .name = (n) }

void spin_init(struct spinlock *l, const char *name);
void spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l);
bool spin_held(const struct spinlock *l);   /* by this CPU */

/* Take/release with interrupts disabled, restoring the previous state. */
uint64_t spin_lock_irqsave(struct spinlock *l);
void spin_unlock_irqrestore(struct spinlock *l, uint64_t flags);

#endif
