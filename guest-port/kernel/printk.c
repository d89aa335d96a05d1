/*
 * printk.c - kernel messages, and the panic path.
 *
 * printk formats into a buffer on the stack and hands it to the HAL
 * console in one write.  panic prints the message and a backtrace, then
 * powers the machine off with code 100, which the test harnesses read as
 * "kernel panic".
 *
 * The backtrace follows the saved-rbp chain (the kernel is built with
 * -fno-omit-frame-pointer): [rbp] is the caller's rbp, [rbp+8] the return
 * address.  A panic may come from a corrupted stack, so every frame
 * pointer is checked before it is read: 8-aligned, strictly above the
 * previous one, and inside memory that is certainly mapped (see
 * frame_readable).  It prints raw addresses; addr2line on the kernel ELF
 * turns them into lines.
 */
#include "defs.h"
#include "page.h"

#define PRINTK_BUF      512
#define BACKTRACE_DEPTH 32
#define PANIC_CODE      100    /* hal_poweroff code: "kernel panic" */

/*
 * The kernel image's bounds, if the backend's linker script defines them
 * (weak: a missing symbol reads as address 0).
 */
extern char __image_start[] __attribute__((weak));
extern char __image_end[] __attribute__((weak));

static bool panicking;

/* Format and write one kernel message (at most PRINTK_BUF-1 bytes; longer
 * ones are cut and end in "..."). */
void
printk(const char *fmt, ...)
{
    char buf[PRINTK_BUF];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof(buf)) {
        memcpy(buf + sizeof(buf) - 5, "...\n", 4);
        n = sizeof(buf) - 1;
    }
    hal_console_write(buf, (size_t)n);
}

/*
 * Can the 16 bytes of a frame record at fp be read without faulting?
 * Yes if they lie in allocator frames (kernel stacks are kmalloc'd) or in
 * the kernel image (the boot stack).  Without image bounds from the
 * linker, the image test falls back to the stack the backtrace runs on:
 * up to 64 KiB above its own frame, which the frames of a panic on the
 * boot stack never leave.
 */
static bool
frame_readable(uint64_t fp, uint64_t here)
{
    uint64_t lo = (uint64_t)__image_start, hi = (uint64_t)__image_end;

    if (fp % 8 != 0 || fp > UINT64_MAX - 16)
        return false;
    if (page_va_is_ram(fp, 16))
        return true;
    if (lo != 0 && hi != 0)
        return fp >= lo && fp + 16 <= hi;
    return fp >= here && fp - here < 64 * 1024;
}

/*
 * Print the return addresses of the call chain starting at frame pointer
 * rbp (at most BACKTRACE_DEPTH).  Stops quietly at the chain's end (a
 * zero rbp or return address) or at the first frame that fails the
 * checks above, so a broken chain never faults.
 */
void
backtrace(uint64_t rbp)
{
    uint64_t here = (uint64_t)__builtin_frame_address(0);

    printk("backtrace:\n");
    for (int depth = 0; depth < BACKTRACE_DEPTH; depth++) {
        const uint64_t *frame;
        uint64_t ret, next;

        if (rbp == 0 || !frame_readable(rbp, here))
            return;
        frame = (const uint64_t *)rbp;
        next = frame[0];
        ret = frame[1];
        if (ret == 0)
            return;
        printk("  [%2d] %#018lx\n", depth, (unsigned long)ret);
        /* Callers' frames are above; anything else is a broken chain. */
        if (next <= rbp)
            return;
        rbp = next;
    }
    printk("  ...\n");
}

/* Print "panic: <message>" and a backtrace, then power off (code 100). */
void
panic(const char *fmt, ...)
{
    char buf[PRINTK_BUF];
    va_list ap;

    if (panicking)                 /* a panic while panicking: just stop */
        hal_poweroff(PANIC_CODE);
    panicking = true;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printk("panic: %s\n", buf);
    backtrace((uint64_t)__builtin_frame_address(0));
    hal_poweroff(PANIC_CODE);
}

/* A fault in kernel mode: why, the registers of tf, the faulting code's
 * backtrace, then power off (code 100). */
void
panic_tf(const struct trapframe *tf, const char *why)
{
    if (panicking)                 /* a panic while panicking: just stop */
        hal_poweroff(PANIC_CODE);
    panicking = true;
    printk("panic: %s (vector %lu, error %#lx, address %#lx)\n", why,
           (unsigned long)tf->vector, (unsigned long)tf->error,
           (unsigned long)tf->fault_addr);
    hal_tf_dump(tf);
    printk("  at   %#018lx\n", (unsigned long)tf->rip);
    backtrace(tf->rbp);
    hal_poweroff(PANIC_CODE);
}
