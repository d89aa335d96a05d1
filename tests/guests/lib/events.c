/*
 * events.c - shared_info, system time and event channels for test guests.
 *
 * shared_info is mapped over a page-aligned hole in our bss.  The event
 * callback follows vcpu_info's protocol (shared_info.h): clear
 * upcall_pending, take pending_sel, handle pending & ~mask per word; then
 * it unmasks events again (the interrupted context had them unmasked, or
 * there would have been no upcall) and loops if more arrived meanwhile.
 */
#include "lib.h"

extern char event_entry[], failsafe_entry[];

static uint8_t shared_info_page[4096] __page_aligned;
struct shared_info *shared;

volatile uint32_t evtchn_hits[PV_NR_EVTCHN];
void (*volatile evtchn_hook)(evtchn_port_t port);

long map_shared_info(void)
{
    long rc = HYPERVISOR_update_va_mapping((uint64_t)shared_info_page,
                                           (start_info->shared_info & PV_PTE_ADDR) | PTE_RW,
                                           UVMF_INVLPG);
    if (rc)
        return rc;
    shared = (struct shared_info *)shared_info_page;
    boot_upcall_mask = shared->vcpu_info[0].evtchn_upcall_mask;
    return 0;
}

struct vcpu_info *vcpu_info0(void)
{
    return &shared->vcpu_info[0];
}

uint64_t now_ns(void)
{
    if (!shared)
        return 0;
    const volatile struct vcpu_time_info *t = &shared->vcpu_info[0].time;
    uint32_t v;
    uint64_t ns;
    do {
        v = t->version;
        barrier();
        uint64_t d = rdtsc() - t->tsc_timestamp;
        if ((int64_t)d < 0)
            d = 0;
        int8_t s = t->tsc_shift;
        d = s >= 0 ? d << s : d >> -s;
        ns = t->system_time + (uint64_t)(((unsigned __int128)d * t->tsc_to_system_mul) >> 32);
        barrier();
    } while ((v & 1) || v != t->version);
    return ns;
}

void udelay_ns(uint64_t ns)
{
    if (!shared)
        return;
    uint64_t end = now_ns() + ns;
    while (now_ns() < end)
        cpu_relax();
}

long events_init(void)
{
    return HYPERVISOR_set_callbacks((uint64_t)event_entry, (uint64_t)failsafe_entry, 0);
}

/* Called by entry.S on an upcall; events are masked (the hypervisor set the mask). */
void do_event(struct exc_frame *f);

void do_event(struct exc_frame *f)
{
    (void)f;
    if (!shared)
        return;
    struct vcpu_info *vi = vcpu_info0();
    volatile uint8_t *mask = &vi->evtchn_upcall_mask;

    for (;;) {
        vi->evtchn_upcall_pending = 0;
        barrier();
        uint64_t sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
        while (sel) {
            unsigned w = (unsigned)__builtin_ctzll(sel);
            sel &= sel - 1;
            uint64_t bits = __atomic_load_n(&shared->evtchn_pending[w], __ATOMIC_SEQ_CST) &
                            ~__atomic_load_n(&shared->evtchn_mask[w], __ATOMIC_SEQ_CST);
            while (bits) {
                unsigned b = (unsigned)__builtin_ctzll(bits);
                bits &= bits - 1;
                __atomic_fetch_and(&shared->evtchn_pending[w], ~(1ull << b), __ATOMIC_SEQ_CST);
                evtchn_port_t port = w * 64 + b;
                evtchn_hits[port]++;
                void (*hook)(evtchn_port_t) = evtchn_hook;
                if (hook)
                    hook(port);
            }
        }
        *mask = 0;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        if (!vi->evtchn_upcall_pending)
            return;
        *mask = 1;                  /* more arrived: handle them here */
        barrier();
    }
}

void events_enable(void)
{
    struct vcpu_info *vi = vcpu_info0();
    barrier();
    vi->evtchn_upcall_mask = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (vi->evtchn_upcall_pending)
        HYPERVISOR_version(VERSION_version, NULL);  /* delivered on the way back */
}

void events_disable(void)
{
    vcpu_info0()->evtchn_upcall_mask = 1;
    barrier();
}

void evtchn_mask_port(evtchn_port_t port)
{
    __atomic_fetch_or(&shared->evtchn_mask[port / 64], 1ull << (port % 64), __ATOMIC_SEQ_CST);
}

void evtchn_unmask_port(evtchn_port_t port)
{
    __atomic_fetch_and(&shared->evtchn_mask[port / 64], ~(1ull << (port % 64)), __ATOMIC_SEQ_CST);
}

bool evtchn_is_pending(evtchn_port_t port)
{
    return (__atomic_load_n(&shared->evtchn_pending[port / 64], __ATOMIC_SEQ_CST) >> (port % 64)) & 1;
}

void evtchn_clear_pending(evtchn_port_t port)
{
    __atomic_fetch_and(&shared->evtchn_pending[port / 64], ~(1ull << (port % 64)), __ATOMIC_SEQ_CST);
}

long evtchn_bind_virq(uint32_t virq, uint32_t vcpu, evtchn_port_t *port)
{
    struct evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &b);
    if (rc == 0 && port)
        *port = b.port;
    return rc;
}

long evtchn_bind_ipi(uint32_t vcpu, evtchn_port_t *port)
{
    struct evtchn_bind_ipi b = { .vcpu = vcpu };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &b);
    if (rc == 0 && port)
        *port = b.port;
    return rc;
}

long evtchn_close(evtchn_port_t port)
{
    struct evtchn_close c = { .port = port };
    return HYPERVISOR_event_channel_op(EVTCHNOP_close, &c);
}

long evtchn_send(evtchn_port_t port)
{
    struct evtchn_send s = { .port = port };
    return HYPERVISOR_event_channel_op(EVTCHNOP_send, &s);
}

long evtchn_unmask(evtchn_port_t port)
{
    struct evtchn_unmask u = { .port = port };
    return HYPERVISOR_event_channel_op(EVTCHNOP_unmask, &u);
}

long evtchn_status(evtchn_port_t port, struct evtchn_status *st)
{
    memset(st, 0, sizeof *st);
    st->dom = DOMID_SELF;
    st->port = port;
    return HYPERVISOR_event_channel_op(EVTCHNOP_status, st);
}

bool wait_for_change(volatile uint32_t *counter, uint32_t old, uint64_t timeout_ns)
{
    uint64_t end = now_ns() + timeout_ns;
    events_enable();
    while (*counter == old) {
        if (now_ns() >= end)
            return false;
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    }
    return true;
}

void sleep_until(uint64_t until)
{
    struct vcpu_info *vi = vcpu_info0();
    while (now_ns() < until) {
        vi->evtchn_upcall_mask = 1;
        HYPERVISOR_set_timer_op(until);
        HYPERVISOR_sched_op(SCHEDOP_block, NULL);
    }
}

void sleep_ms(uint64_t ms)
{
    sleep_until(now_ns() + ms * MS);
}

void sort_u64(uint64_t *v, unsigned n)
{
    for (unsigned i = 1; i < n; i++)
        for (unsigned j = i; j > 0 && v[j] < v[j - 1]; j--) {
            uint64_t t = v[j]; v[j] = v[j - 1]; v[j - 1] = t;
        }
}

void wake_latencies(uint64_t *lat, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        uint64_t t = now_ns() + 2 * MS;
        sleep_until(t);
        lat[i] = now_ns() - t;
    }
    sort_u64(lat, n);
}
