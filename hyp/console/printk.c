/*
 * printk.c - formatted, levelled, timestamped log messages.
 *
 * A message is formatted into a per-call buffer, split into lines, and each
 * line gets a "[    1.234567] " prefix.  Every line goes into the log ring;
 * lines at or below the console level also go to the serial port.  One
 * lock keeps lines from different CPUs whole.
 */
#include "printk.h"
#include "format.h"
#include "serial.h"
#include "spinlock.h"
#include "string.h"
#include "time.h"

#define LOG_RING_SIZE (64 * 1024)

static char log_storage[LOG_RING_SIZE];
static struct logbuf log = { .buf = log_storage, .size = LOG_RING_SIZE, .head = 0 };
static struct spinlock console_lock = SPINLOCK_INIT("console");
static int console_level = LOG_INFO;
static int console_on = 1;
static volatile int lock_busted;
static int at_line_start = 1;

void printk_set_level(int level) { console_level = level; }
void printk_console_off(void) { console_on = 0; }
void printk_bust_lock(void) { lock_busted = 1; }
const struct logbuf *printk_log(void) { return &log; }

static void emit(int level, const char *s, size_t n)
{
    logbuf_write(&log, s, n);
    if (console_on && level <= console_level)
        serial_write(s, n);
}

void vprintk(int level, const char *fmt, va_list ap)
{
    char msg[512], stamp[24];
    int len = vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = len < 0 ? 0 : (size_t)len >= sizeof msg ? sizeof msg - 1 : (size_t)len;
    uint64_t ns = time_ns();
    int slen = snprintf(stamp, sizeof stamp, "[%5lu.%06lu] ",
                        (unsigned long)(ns / 1000000000), (unsigned long)(ns / 1000 % 1000000));

    uint64_t flags = 0;
    int locked = !lock_busted;
    if (locked)
        flags = spin_lock_irqsave(&console_lock);
    for (size_t i = 0; i < n; ) {
        size_t j = i;
        while (j < n && msg[j] != '\n')
            j++;
        if (at_line_start)
            emit(level, stamp, (size_t)slen);
        emit(level, msg + i, j - i + (j < n));   /* include the '\n' */
        at_line_start = j < n;
        i = j + 1;
    }
    if (locked)
        spin_unlock_irqrestore(&console_lock, flags);
}

void printk(int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintk(level, fmt, ap);
    va_end(ap);
}
