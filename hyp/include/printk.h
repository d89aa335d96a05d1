/*
 * printk.h - the hypervisor's log.
 *
 * Each message has a level; messages above the console level (loglvl=) are
 * kept in the log ring but not printed.  Every line is printed with a
 * timestamp in seconds since boot, taken from the TSC once it is
 * calibrated (0 before that).
 */
#ifndef HYP_PRINTK_H
#define HYP_PRINTK_H

#include <stdarg.h>
#include <stdint.h>
#include <stddef.h>
#include "logbuf.h"

#define LOG_EMERG   0
#define LOG_ALERT   1
#define LOG_CRIT    2
#define LOG_ERR     3
#define LOG_WARNING 4
#define LOG_NOTICE  5
#define LOG_INFO    6
#define LOG_DEBUG   7

void printk(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vprintk(int level, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#define pr_err(...)    printk(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)   printk(LOG_WARNING, __VA_ARGS__)
#define pr_notice(...) printk(LOG_NOTICE, __VA_ARGS__)
#define pr_info(...)   printk(LOG_INFO, __VA_ARGS__)
#define pr_debug(...)  printk(LOG_DEBUG, __VA_ARGS__)

/* Console level: messages with level <= this are printed. */
void printk_set_level(int level);
/* Turn console output off (console=none); the log ring still fills. */
void printk_console_off(void);
/*
 * Called once by panic(): from now on printk ignores the console lock,
 * which another, stopped CPU may hold.
 */
void printk_bust_lock(void);

/* The log ring, for reading back ("dmesg"). */
const struct logbuf *printk_log(void);

#endif
