/*
 * event-flood - a guest that floods itself with events.
 *
 * 100,000 sends on an IPI port bound to ourselves, first with the port
 * masked (they must coalesce into one pending bit and no upcall), then
 * unmasked with upcalls enabled (each upcall handles what is pending;
 * there can be fewer upcalls than sends, never more).  The hypervisor must
 * stay responsive throughout, and the health check at shutdown must find
 * every frame back.
 */
#include "lib.h"

const char test_title[] = "event-flood: 100,000 events to ourselves";

#define SENDS 100000

void test_main(void)
{
    evtchn_port_t port;
    if (events_init() || evtchn_bind_ipi(0, &port)) {
        xtf_error("cannot bind an IPI port");
        return;
    }
    evtchn_mask_port(port);
    for (int i = 0; i < SENDS; i++)
        if (evtchn_send(port)) {
            xtf_failure("masked send %d refused", i);
            return;
        }
    if (!evtchn_is_pending(port))
        xtf_failure("100,000 masked sends left the port not pending");
    if (evtchn_hits[port])
        xtf_failure("a masked port got %u upcalls", evtchn_hits[port]);
    evtchn_clear_pending(port);

    evtchn_unmask_port(port);
    events_enable();
    uint64_t t0 = now_ns();
    for (int i = 0; i < SENDS; i++)
        evtchn_send(port);
    uint64_t t1 = now_ns();
    uint32_t hits = evtchn_hits[port];
    printk("%d sends unmasked in %lu ms: %u upcalls\n", SENDS, (t1 - t0) / MS, hits);
    if (hits == 0 || hits > SENDS)
        xtf_failure("%u upcalls for %d sends", hits, SENDS);
    if (HYPERVISOR_version(VERSION_interface, NULL) != PARAVANE_INTERFACE_VERSION)
        xtf_failure("the hypervisor stopped answering after the flood");
    evtchn_close(port);
    if (!xtf_has_failed())
        xtf_success();
}
