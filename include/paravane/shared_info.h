/*
 * shared_info.h - the page a domain shares with the hypervisor: per-vCPU
 * event and time state, the event-channel bitmaps, and wall-clock time.
 *
 * The guest finds its machine address in start_info.shared_info and maps
 * it (update_va_mapping) wherever it likes.  Fields are tagged with who
 * writes them: [HYP] the hypervisor, [GST] the guest, [BOTH] with atomic
 * operations only.
 */
#ifndef PARAVANE_SHARED_INFO_H
#define PARAVANE_SHARED_INFO_H

#include "paravane.h"

#define PV_MAX_VCPUS      32
#define PV_NR_EVTCHN      4096      /* 64 words of 64 bits */

/*
 * Time.  The guest computes system time (ns since the hypervisor booted)
 * itself from the TSC:
 *   1. v = version; if (v & 1) retry (an update is in progress); read barrier
 *   2. d = rdtsc() - tsc_timestamp
 *   3. d = tsc_shift >= 0 ? d << tsc_shift : d >> -tsc_shift
 *   4. ns = system_time + (d * tsc_to_system_mul) >> 32   (128-bit product)
 *   5. read barrier; if (version != v) retry
 */
struct vcpu_time_info {
    uint32_t version;             /* [HYP] odd while updating */
    uint32_t pad0;
    uint64_t tsc_timestamp;       /* [HYP] TSC when system_time was taken */
    uint64_t system_time;         /* [HYP] ns since boot at tsc_timestamp */
    uint32_t tsc_to_system_mul;   /* [HYP] 32.32 fixed-point ns per (shifted) tick */
    int8_t   tsc_shift;           /* [HYP] */
    uint8_t  pad1[3];
};                                /* 32 bytes */

struct vcpu_info {
    /*
     * Events.  The hypervisor sets a port's bit in evtchn_pending, then the
     * port's word in evtchn_pending_sel, then evtchn_upcall_pending, and
     * calls the guest's event callback unless evtchn_upcall_mask is set.
     * evtchn_upcall_mask is the virtual interrupt flag: 1 = events masked.
     * The guest clears upcall_pending, then exchanges pending_sel with 0,
     * then handles each word's pending & ~mask bits.
     */
    uint8_t  evtchn_upcall_pending;   /* [BOTH] */
    uint8_t  evtchn_upcall_mask;      /* [GST] */
    uint8_t  pad0[6];
    uint64_t evtchn_pending_sel;      /* [BOTH] */
    uint64_t cr2;                     /* [HYP] fault address of the last page fault bounced */
    uint64_t pad1;
    struct vcpu_time_info time;       /* [HYP] */
};                                    /* 64 bytes */

struct shared_info {
    struct vcpu_info vcpu_info[PV_MAX_VCPUS];        /* 2048 bytes */
    uint64_t evtchn_pending[PV_NR_EVTCHN / 64];      /* [BOTH] bit per port */
    uint64_t evtchn_mask[PV_NR_EVTCHN / 64];         /* [GST] 1 = masked */
    /* Wall-clock time at system time 0, same version protocol as above. */
    uint32_t wc_version;                             /* [HYP] */
    uint32_t wc_sec;                                 /* [HYP] seconds since 1970 */
    uint32_t wc_nsec;                                /* [HYP] */
    uint32_t wc_sec_hi;                              /* [HYP] upper 32 bits of seconds */
};                                                   /* 3088 bytes, in one 4 KiB frame */

#endif
