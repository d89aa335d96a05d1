/*
 * version - HYPERVISOR_version, the cheapest hypercall and the first one
 * a kernel makes.
 *
 * VERSION_version returns (major << 16) | minor, VERSION_interface must
 * equal the PARAVANE_INTERFACE_VERSION this guest was built against (the
 * value in its ELF note), VERSION_extra copies a NUL-terminated string of
 * at most 32 bytes and nothing beyond it, VERSION_features returns a
 * bitmask.  An unknown sub-op is -ENOSYS and a bad buffer -EFAULT.
 */
#include "lib.h"

const char test_title[] = "version: VERSION_version/interface/extra/features";

void test_main(void)
{
    long v = HYPERVISOR_version(VERSION_version, NULL);
    if (v < 0)
        xtf_failure("VERSION_version: %s", errstr(v));
    else
        printk("hypervisor version %ld.%ld\n", v >> 16, v & 0xffff);

    long i = HYPERVISOR_version(VERSION_interface, NULL);
    if (i != PARAVANE_INTERFACE_VERSION)
        xtf_failure("VERSION_interface: %s (%#lx), expected %#x", errstr(i), i, PARAVANE_INTERFACE_VERSION);

    /* 32 bytes for the string, then a canary the hypervisor must not touch. */
    char buf[64];
    memset(buf, 0xa5, sizeof buf);
    long rc = HYPERVISOR_version(VERSION_extra, buf);
    if (rc < 0) {
        xtf_failure("VERSION_extra: %s", errstr(rc));
    } else {
        size_t n = strnlen(buf, VERSION_EXTRA_LEN);
        if (n == VERSION_EXTRA_LEN)
            xtf_failure("VERSION_extra: no NUL in the first %d bytes", VERSION_EXTRA_LEN);
        else if (strncmp(buf, "Paravane", 8) != 0)
            xtf_failure("VERSION_extra: '%s' does not start with 'Paravane'", buf);
        else
            printk("extra: '%s'\n", buf);
        for (size_t k = VERSION_EXTRA_LEN; k < sizeof buf; k++)
            if ((uint8_t)buf[k] != 0xa5) {
                xtf_failure("VERSION_extra wrote beyond %d bytes (byte %zu)", VERSION_EXTRA_LEN, k);
                break;
            }
    }

    long f = HYPERVISOR_version(VERSION_features, NULL);
    if (f < 0)
        xtf_failure("VERSION_features: %s", errstr(f));
    else
        printk("features %#lx\n", f);

    rc = HYPERVISOR_version(99, NULL);
    if (rc != -PV_ENOSYS)
        xtf_failure("VERSION op 99: %s, expected -ENOSYS", errstr(rc));

    rc = HYPERVISOR_version(VERSION_extra, NULL);
    if (rc != -PV_EFAULT)
        xtf_failure("VERSION_extra to NULL: %s, expected -EFAULT", errstr(rc));

    /* The same call a million times would be a benchmark; a few agree. */
    for (int k = 0; k < 1000; k++) {
        long again = HYPERVISOR_version(VERSION_interface, NULL);
        if (again != i) {
            xtf_failure("VERSION_interface changed: %ld then %ld", i, again);
            break;
        }
    }

    if (!xtf_has_failed())
        xtf_success();
}
