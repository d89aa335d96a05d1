/*
 * console.h - the hypervisor console and the domU console rings.
 *
 * HYPERVISOR_console_io(unsigned cmd, unsigned count, char *buf)
 *   CONSOLEIO_write: print count bytes (count <= 4096 per call) on the
 *     hypervisor console.  dom0 always; other domains only while the
 *     hypervisor runs with guest debugging on, rate-limited.
 *   CONSOLEIO_read: dom0 only: copy up to count bytes of console input
 *     into buf; returns the number copied (0 if none).
 *
 * Each domU also gets a console ring page (start_info.console_mfn) and
 * an event channel (start_info.console_evtchn), served by dom0.
 */
#ifndef PARAVANE_CONSOLE_H
#define PARAVANE_CONSOLE_H

#include "paravane.h"

#define CONSOLEIO_write   0
#define CONSOLEIO_read    1
#define CONSOLEIO_MAX     4096

/* Ring indices only grow; index & (size - 1) is the position. */
struct console_ring {
    char     in[1024];                /* dom0 -> guest */
    char     out[2048];               /* guest -> dom0 */
    uint32_t in_cons, in_prod;        /* [GST] cons, [dom0] prod */
    uint32_t out_cons, out_prod;      /* [dom0] cons, [GST] prod */
};

#endif
