/*
 * console-read - dom0 reads what is typed on the serial console.
 *
 * The system test types "hello-paravane" and Enter once this guest says
 * it is waiting.  The bytes arrive through the UART's interrupt, the
 * hypervisor raises VIRQ_CONSOLE, and CONSOLEIO_read hands them over.
 * Also: a read into a bad buffer is -EFAULT and loses nothing: the
 * bytes are still there for the next read.
 */
#include "lib.h"

const char test_title[] = "console-read: typed input reaches dom0 through VIRQ_CONSOLE";

#define WANT "hello-paravane"

void test_main(void)
{
    evtchn_port_t port;
    long rc;
    if (events_init() || (rc = evtchn_bind_virq(VIRQ_CONSOLE, 0, &port)) != 0) {
        xtf_error("cannot bind VIRQ_CONSOLE");
        return;
    }
    char line[64];
    size_t len = 0;
    printk("console-read: waiting for a line\n");
    uint64_t until = now_ns() + 20000 * MS;
    struct sched_poll p = { .ports = (uint64_t)&port, .nr_ports = 1 };
    bool bad_buffer_checked = false;
    while (now_ns() < until) {
        p.timeout = now_ns() + 500 * MS;
        HYPERVISOR_sched_op(SCHEDOP_poll, &p);
        if (!evtchn_is_pending(port))
            continue;
        evtchn_clear_pending(port);
        if (!bad_buffer_checked) {
            rc = HYPERVISOR_console_io(CONSOLEIO_read, 1, (void *)0xffff808000200000ull);
            if (rc != -PV_EFAULT && rc != 0)
                xtf_failure("CONSOLEIO_read into the hypervisor's image: %s", errstr(rc));
            bad_buffer_checked = rc == -PV_EFAULT;
        }
        char buf[32];
        while ((rc = HYPERVISOR_console_io(CONSOLEIO_read, sizeof buf, buf)) > 0) {
            for (long i = 0; i < rc; i++) {
                if (buf[i] == '\r' || buf[i] == '\n') {
                    line[len] = 0;
                    printk("console-read: got '%s'\n", line);
                    if (strcmp(line, WANT) != 0)
                        xtf_failure("read '%s', typed '%s'", line, WANT);
                    if (!bad_buffer_checked)
                        xtf_failure("never saw -EFAULT for a read into a bad buffer");
                    if (!xtf_has_failed())
                        xtf_success();
                    return;
                }
                if (len < sizeof line - 1)
                    line[len++] = buf[i];
            }
        }
        if (rc < 0) {
            xtf_failure("CONSOLEIO_read: %s", errstr(rc));
            return;
        }
    }
    xtf_failure("no line typed within 20 s (read %zu bytes)", len);
}
