/*
 * lib.c - start-up and reporting for test guests.
 *
 * guest_start() (called by head.S) checks start_info, installs the trap
 * table, maps shared_info, runs test_main() and reports; the xtf_*()
 * functions collect the verdict, most severe wins, and xtf_exit() prints
 * the one "Test result:" line and powers the domain off.
 */
#include "lib.h"

_Static_assert(GUEST_NOTE_VERSION == PARAVANE_INTERFACE_VERSION, "asm.h: note version");
_Static_assert(GUEST_KERNEL_CS == PV_KERNEL_CS && GUEST_KERNEL_DS == PV_KERNEL_DS, "asm.h: selectors");
_Static_assert(GUEST_USER_CS == PV_USER_CS && GUEST_USER_DS == PV_USER_DS, "asm.h: selectors");
_Static_assert(sizeof(struct exc_frame) == 22 * 8, "exc_frame layout (entry.S)");

struct start_info *start_info;
bool boot_bss_dirty;
uint8_t boot_upcall_mask = 0xff;          /* in .data: written before the bss check */

enum status { ST_RUNNING, ST_SUCCESS, ST_SKIP, ST_ERROR, ST_FAILURE };
static const char *const status_names[] = {
    [ST_RUNNING] = "RUNNING", [ST_SUCCESS] = "SUCCESS", [ST_SKIP] = "SKIP",
    [ST_ERROR] = "ERROR", [ST_FAILURE] = "FAILURE",
};
static enum status status = ST_RUNNING;

static void set_status(enum status s)
{
    if (s > status)
        status = s;
}

static void report(enum status s, const char *what, const char *fmt, va_list ap)
{
    set_status(s);
    if (!fmt)
        return;
    char buf[480];
    vsnprintf(buf, sizeof buf, fmt, ap);
    size_t n = strlen(buf);
    printk("%s: %s%s", what, buf, n && buf[n - 1] == '\n' ? "" : "\n");
}

void xtf_success(void)
{
    set_status(ST_SUCCESS);
}

#define REPORTER(name, st, word)                \
    void name(const char *fmt, ...)             \
    {                                           \
        va_list ap;                             \
        va_start(ap, fmt);                      \
        report(st, word, fmt, ap);              \
        va_end(ap);                             \
    }

REPORTER(xtf_skip, ST_SKIP, "SKIP")
REPORTER(xtf_error, ST_ERROR, "ERROR")
REPORTER(xtf_failure, ST_FAILURE, "FAILURE")

void xtf_warning(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(ST_RUNNING, "Warning", fmt, ap);
    va_end(ap);
}

bool xtf_has_failed(void)
{
    return status > ST_SUCCESS;
}

__attribute__((noreturn)) void xtf_exit(void)
{
    if (status == ST_RUNNING) {
        printk("ERROR: the test reported no result\n");
        status = ST_ERROR;
    }
    printk("Test result: %s\n", status_names[status]);

    struct sched_shutdown sd = { .reason = SHUTDOWN_poweroff };
    long rc = HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd);
    printk("SCHEDOP_shutdown returned %s; yielding forever\n", errstr(rc));
    for (;;)
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
}

/* Check that the bss was zeroed before anything in it was written. */
static bool bss_is_zero(void)
{
    for (const volatile uint64_t *p = (const uint64_t *)__bss_start;
         p < (const uint64_t *)__bss_end; p++)
        if (*p)
            return false;
    return true;
}

__attribute__((noreturn)) void guest_start(struct start_info *si);

__attribute__((noreturn)) void guest_start(struct start_info *si)
{
    bool dirty = !bss_is_zero();           /* before the first bss write */
    barrier();                              /* ... which the compiler must not hoist */
    start_info = si;
    boot_bss_dirty = dirty;

    printk("--- Paravane test guest ---\n");
    printk("Test: %s\n", test_title);

    if (memcmp(si->magic, START_INFO_MAGIC, sizeof START_INFO_MAGIC) != 0) {
        xtf_failure("start_info at %p: bad magic '%.32s'", (void *)si, si->magic);
        xtf_exit();
    }
    if (dirty)
        printk("Warning: bss was not zero at entry\n");

    long rc = install_trap_table();
    if (rc)
        printk("Warning: set_trap_table: %s; exceptions will crash the guest\n", errstr(rc));

    rc = map_shared_info();
    if (rc)
        printk("Warning: cannot map shared_info (maddr %#lx): %s\n", si->shared_info, errstr(rc));

    test_main();
    xtf_exit();
}
