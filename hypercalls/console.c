/*
 * console.c - console_io: guests writing to (and dom0 reading from) the
 * hypervisor console.
 */
#include "hypercall.h"
#include "printk.h"
#include "errno.h"
#include "serial.h"
#include "guest_access.h"
#include "options.h"
#include "time.h"
#include "console_input.h"
#include "spinlock.h"
#include "string.h"
#include "domain.h"
#include <paravane/console.h>

extern struct boot_options hyp_options;

/*
 * Non-privileged domains may write only with guest_debug on, and then at
 * most CONSOLE_BUDGET bytes per second each: one guest must not drown the
 * console.
 */
#define CONSOLE_BUDGET 16384

/* Serialises the per-domain line buffers, budgets and input reads (vCPUs write concurrently). */
static struct spinlock console_lock = SPINLOCK_INIT("console_io");

static bool allowed(struct domain *d, uint64_t count)
{
    static uint64_t window_start[64], used[64];
    if (d->privileged)
        return true;
    if (!hyp_options.guest_debug)
        return false;
    uint64_t now = time_ns();
    unsigned i = d->id % 64;
    if (now - window_start[i] > 1000000000ull) {
        window_start[i] = now;
        used[i] = 0;
    }
    if (used[i] + count > CONSOLE_BUDGET)
        return false;
    used[i] += count;
    return true;
}

/*
 * Guest output is collected per domain into whole lines, so lines from
 * different domains and the hypervisor never interleave mid-line, and each
 * is marked with its domain.  Control characters are shown as '.': a guest
 * must not drive the operator's terminal.
 */
#define LINE_MAX 160
static char line[64][LINE_MAX];
static unsigned line_len[64];

static void put_guest_char(unsigned domid, char ch)
{
    unsigned i = domid % 64;
    if (ch == '\n' || line_len[i] >= LINE_MAX - 1) {
        printk(LOG_NOTICE, "(d%u) %.*s\n", domid, (int)line_len[i], line[i]);
        line_len[i] = 0;
        if (ch == '\n')
            return;
    }
    if (ch == '\r')
        return;
    line[i][line_len[i]++] = (ch >= 32 && ch < 127) || ch == '\t' ? ch : '.';
}

/*
 * dom0 owns the console (it runs the operator's shell), so its output goes
 * out as it comes: a prompt with no newline shows at once.  Its lines
 * still start with "(d0) "; backspace passes through for line editing.
 */
static bool dom0_midline;

static void put_dom0_chars(const char *s, size_t n)
{
    char out[256];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == '\r')
            continue;
        if (k + 8 > sizeof out) {
            printk(LOG_NOTICE, "%.*s", (int)k, out);
            k = 0;
        }
        if (!dom0_midline) {
            memcpy(out + k, "(d0) ", 5);
            k += 5;
            dom0_midline = true;
        }
        if (ch == '\n')
            dom0_midline = false;
        out[k++] = (ch >= 32 && ch < 127) || ch == '\t' || ch == '\n' || ch == '\b' ? ch : '.';
    }
    if (k)
        printk(LOG_NOTICE, "%.*s", (int)k, out);
}

long do_console_io(struct vcpu *v, uint64_t cmd, uint64_t count, uint64_t buf, uint64_t a4, uint64_t a5)
{
    (void)a4; (void)a5;
    char kbuf[512];
    switch (cmd) {
    case CONSOLEIO_write:
        if (count > CONSOLEIO_MAX)
            return -EINVAL;
        spin_lock(&console_lock);
        long rc = allowed(v->dom, count) ? (long)count : -EPERM;
        for (uint64_t done = 0; rc > 0 && done < count; ) {
            uint64_t n = MIN(count - done, sizeof kbuf);
            if (copy_from_guest(kbuf, buf + done, n)) {
                rc = -EFAULT;
                break;
            }
            if (v->dom->id == DOM0_ID)
                put_dom0_chars(kbuf, n);
            else
                for (uint64_t i = 0; i < n; i++)
                    put_guest_char(v->dom->id, kbuf[i]);
            done += n;
        }
        spin_unlock(&console_lock);
        return rc;
    case CONSOLEIO_read: {
        if (!v->dom->privileged)
            return -EPERM;
        if (count > CONSOLEIO_MAX)
            return -EINVAL;
        spin_lock(&console_lock);           /* peek, copy and take as one step */
        size_t n = console_input_peek(kbuf, MIN(count, sizeof kbuf));
        long rc = (long)n;
        if (n && copy_to_guest(buf, kbuf, n))
            rc = -EFAULT;                   /* nothing taken: the bytes stay for a good read */
        else
            console_input_consume(n);
        spin_unlock(&console_lock);
        return rc;
    }
    default:
        return -ENOSYS;
    }
}
