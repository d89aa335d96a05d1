/*
 * console - HYPERVISOR_console_io(CONSOLEIO_write / CONSOLEIO_read).
 *
 * Writes of 0, 1, 100 and CONSOLEIO_MAX (4096) bytes succeed; one byte
 * more is refused, as is a count of 0xffffffff, before anything is read
 * (a hypervisor that trusted count would copy gigabytes).  A NULL buffer,
 * and a buffer that runs off the end of the mapped memory, are -EFAULT.
 * An unknown command is -ENOSYS.  dom0 may read console input: with
 * nothing typed, a read returns 0..count.
 *
 * What a successful write returns is not written down in console.h; this
 * test accepts 0 or the count.
 */
#include "lib.h"

const char test_title[] = "console: console_io write sizes, limits, bad buffers, read";

static char big[CONSOLEIO_MAX + 64];

static void write_ok(const char *what, unsigned count, const char *buf)
{
    long rc = HYPERVISOR_console_io(CONSOLEIO_write, count, (void *)buf);
    if (rc != 0 && rc != (long)count)
        xtf_failure("write of %s (%u bytes): %s, expected 0 or %u", what, count, errstr(rc), count);
}

static void write_refused(const char *what, unsigned count, const void *buf, long e1, long e2)
{
    long rc = HYPERVISOR_console_io(CONSOLEIO_write, count, (void *)buf);
    if (rc != e1 && rc != e2)
        xtf_failure("write of %s (count %#x): %s, expected %s%s%s", what, count, errstr(rc),
                    errstr(e1), e2 != e1 ? " or " : "", e2 != e1 ? errstr(e2) : "");
}

void test_main(void)
{
    /* 4096 bytes of readable lines: 64 lines of 63 dots and a newline. */
    for (unsigned i = 0; i < sizeof big; i++)
        big[i] = (i % 64 == 63) ? '\n' : '.';

    write_ok("nothing", 0, big);
    write_ok("one byte", 1, "\n");
    write_ok("100 bytes", 100, big);
    write_ok("CONSOLEIO_MAX bytes", CONSOLEIO_MAX, big);

    write_refused("CONSOLEIO_MAX + 1 bytes", CONSOLEIO_MAX + 1, big, -PV_EINVAL, -PV_E2BIG);
    write_refused("0xffffffff bytes", 0xffffffffu, big, -PV_EINVAL, -PV_E2BIG);
    write_refused("NULL", 5, NULL, -PV_EFAULT, -PV_EFAULT);
    write_refused("a hypervisor address", 5, (void *)0xffff808000200000ull, -PV_EFAULT, -PV_EFAULT);

    /* 8 mapped bytes at the end of a page, then an unmapped page. */
    char *p = scratch_va(1);
    long rc = scratch_unmap(1);
    if (rc) {
        xtf_error("cannot unmap a scratch page: %s", errstr(rc));
    } else {
        memcpy(p - 8, "edge!!\n\n", 8);
        write_ok("8 bytes before an unmapped page", 8, p - 8);
        write_refused("16 bytes across into an unmapped page", 16, p - 8, -PV_EFAULT, -PV_EFAULT);
        scratch_restore(1);
    }

    rc = HYPERVISOR_console_io(7, 1, big);
    if (rc != -PV_ENOSYS)
        xtf_failure("console_io command 7: %s, expected -ENOSYS", errstr(rc));

    char in[16];
    rc = HYPERVISOR_console_io(CONSOLEIO_read, 0, in);
    if (rc != 0)
        xtf_failure("read of 0 bytes: %s, expected 0", errstr(rc));
    rc = HYPERVISOR_console_io(CONSOLEIO_read, sizeof in, in);
    if (rc < 0 || rc > (long)sizeof in)
        xtf_failure("read of %zu bytes: %s, expected 0..%zu", sizeof in, errstr(rc), sizeof in);
    rc = HYPERVISOR_console_io(CONSOLEIO_read, sizeof in, (void *)0xffff830000000000ull);
    if (rc != 0 && rc != -PV_EFAULT)
        xtf_failure("read into the hypervisor's direct map: %s, expected -EFAULT (or 0: nothing to copy)",
                    errstr(rc));

    printk("\n");
    if (!xtf_has_failed())
        xtf_success();
}
