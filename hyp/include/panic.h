/* panic.h - stopping the machine when the hypervisor itself is broken. */
#ifndef HYP_PANIC_H
#define HYP_PANIC_H

#include <stdbool.h>

/*
 * Print the message and a backtrace, stop the other CPUs, then do what
 * panic= says (halt, reboot, or exit QEMU with QEMU_EXIT_PANIC).
 * Only for the hypervisor's own broken invariants: a misbehaving guest
 * is crashed alone, never by panic().  Does not return.
 */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/*
 * The two halves of panic(), for the exception handler, which prints its
 * own dump in between: panic_enter() claims the panic (a second CPU
 * panicking halts there) and frees printk from its lock; panic_stop()
 * stops the other CPUs and halts, reboots or exits QEMU.
 */
void panic_enter(void);
void panic_stop(void) __attribute__((noreturn));

/* True once some CPU has entered panic(). */
bool panic_in_progress(void);

#define BUG_ON(cond) do { if (cond) panic("BUG_ON(%s) at %s:%d", #cond, __FILE__, __LINE__); } while (0)

#endif
