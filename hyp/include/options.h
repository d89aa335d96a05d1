/*
 * options.h - the hypervisor command line.
 *
 * The command line is the rest of the GRUB "multiboot2" line, e.g.
 *   multiboot2 /boot/paravane.elf console=com1 loglvl=7 maxcpus=2
 * Options are "name" or "name=value", separated by spaces.  Unknown options
 * and bad values are reported and ignored; the defaults then stay.
 * docs/usage.md lists every option.
 */
#ifndef HYP_OPTIONS_H
#define HYP_OPTIONS_H

#include <stdint.h>
#include <stdbool.h>

enum console_kind { CONSOLE_COM1, CONSOLE_COM2, CONSOLE_NONE };

enum panic_action {
    PANIC_HALT,         /* stop every CPU and wait (the default) */
    PANIC_REBOOT,       /* reset the machine */
    PANIC_QEMU_EXIT,    /* exit QEMU through isa-debug-exit (tests) */
};

struct boot_options {
    enum console_kind console;   /* console=com1|com2|none */
    int      loglvl;             /* loglvl=0..7, messages above it are not printed */
    unsigned maxcpus;            /* maxcpus=N (N >= 1), 0 = all CPUs found */
    uint64_t dom0_mem;           /* dom0_mem=SIZE, bytes, 0 = default */
    enum panic_action panic;     /* panic=halt|reboot|qemu-exit */
    bool     bench;              /* bench: run the boot-time micro-benchmarks */
    bool     guest_debug;        /* guest_debug: every domain may write to the console (rate-limited) */
    char     test[32];           /* test=NAME: run a built-in self test, then exit QEMU */
    char     sched[16];          /* sched=credit|rr: the scheduling policy */
};

/* Fill 'opt' with the defaults. */
void options_defaults(struct boot_options *opt);

/*
 * Parse 'cmdline' into 'opt' (which must hold defaults or earlier values).
 * Each problem is reported through 'report' as one line of text, e.g.
 *   "cmdline: unknown option 'foo' ignored"
 *   "cmdline: maxcpus=0: must be at least 1, ignored"
 * Returns the number of problems reported (0 = clean).
 */
int options_parse(const char *cmdline, struct boot_options *opt,
                  void (*report)(const char *msg));

/*
 * Parse a size such as "512M", "1G", "4096", "64k" into bytes.
 * Returns 0 on success, -EINVAL on a malformed size or overflow.
 */
int parse_size(const char *s, uint64_t *bytes);

#endif
