/*
 * console.c - the console: dom0 talks to the hypervisor's console with
 * console_io; a domU has a ring page served by dom0 (paravane/console.h)
 * and an event channel to poke it.
 */
#include "pv.h"
#include "defs.h"
#include <paravane/console.h>
#include <paravane/event_channel.h>

static bool is_dom0;
static volatile struct console_ring *ring;          /* domU */
static uint8_t ring_page[4096] __attribute__((aligned(4096), section(".bss.page_aligned")));

static char in_buf[64];                               /* dom0: read ahead by one call */
static unsigned in_len, in_pos;

/* Is 'word' one of the space-separated words of the domain's command line? */
static bool cmdline_has(const char *word)
{
    size_t n = strlen(word);
    const char *s = pv_si->cmd_line, *end = s + sizeof pv_si->cmd_line;
    while (s < end && *s) {
        while (s < end && *s == ' ')
            s++;
        const char *w = s;
        while (s < end && *s && *s != ' ')
            s++;
        if ((size_t)(s - w) == n && memcmp(w, word, n) == 0)
            return true;
    }
    return false;
}

void pv_console_init(void)
{
    is_dom0 = (pv_si->flags & SIF_INITDOMAIN) != 0;
    /*
     * console=hyp: a domU writes with console_io, as dom0 does (allowed
     * only when the hypervisor runs with guest_debug).  For tests and
     * debugging while dom0 has no console server for the rings.
     */
    if (is_dom0 || !pv_si->console_mfn || cmdline_has("console=hyp"))
        return;
    if (HYPERVISOR_update_va_mapping((uint64_t)ring_page,
                                     (pv_si->console_mfn << PAGE_SHIFT) | PV_PTE_P | PV_PTE_W |
                                     PV_PTE_A | PV_PTE_D | pv_pte_nx, UVMF_INVLPG))
        pv_fatal("cannot map the console ring");
    ring = (volatile struct console_ring *)ring_page;
}

static void ring_notify(void)
{
    struct evtchn_send s = { .port = pv_si->console_evtchn };
    HYPERVISOR_event_channel_op(EVTCHNOP_send, &s);
}

/* domU: as much of s as fits in the ring; the rest is dropped (nobody may be reading). */
static void ring_write(const char *s, size_t n)
{
    uint32_t prod = ring->out_prod;
    for (size_t i = 0; i < n; i++) {
        if (prod - __atomic_load_n(&ring->out_cons, __ATOMIC_ACQUIRE) >= sizeof ring->out)
            break;
        ring->out[prod % sizeof ring->out] = s[i];
        prod++;
    }
    __atomic_store_n(&ring->out_prod, prod, __ATOMIC_RELEASE);
    ring_notify();
}

void hal_console_write(const char *s, size_t n)
{
    if (ring) {
        ring_write(s, n);
        return;
    }
    while (n > 0) {
        unsigned chunk = n > CONSOLEIO_MAX ? CONSOLEIO_MAX : (unsigned)n;
        if (HYPERVISOR_console_io(CONSOLEIO_write, chunk, (void *)s) < 0)
            return;                 /* a domU without guest_debug: nowhere to write */
        s += chunk;
        n -= chunk;
    }
}

int hal_console_getc(void)
{
    if (ring) {
        uint32_t cons = ring->in_cons;
        if (cons == __atomic_load_n(&ring->in_prod, __ATOMIC_ACQUIRE))
            return -1;
        int c = (unsigned char)ring->in[cons % sizeof ring->in];
        __atomic_store_n(&ring->in_cons, cons + 1, __ATOMIC_RELEASE);
        return c;
    }
    if (!is_dom0)
        return -1;
    if (in_pos == in_len) {
        long n = HYPERVISOR_console_io(CONSOLEIO_read, sizeof in_buf, in_buf);
        if (n <= 0)
            return -1;
        in_len = (unsigned)n;
        in_pos = 0;
    }
    return (unsigned char)in_buf[in_pos++];
}
