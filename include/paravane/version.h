/*
 * version.h - HYPERVISOR_version(unsigned cmd, void *arg).
 *   VERSION_version:  returns (major << 16) | minor; arg unused.
 *   VERSION_interface: returns PARAVANE_INTERFACE_VERSION.
 *   VERSION_extra:    copies a NUL-terminated string of at most 32 bytes
 *                     ("Paravane 0.1") to arg.
 *   VERSION_features: returns a bitmask of PVFEAT_*.
 * This is also the cheapest hypercall: the null-hypercall benchmark.
 */
#ifndef PARAVANE_VERSION_H
#define PARAVANE_VERSION_H

#define VERSION_version    0
#define VERSION_interface  1
#define VERSION_extra      2
#define VERSION_features   3
#define VERSION_EXTRA_LEN  32

#define PVFEAT_MULTICALL   (1u << 0)
#define PVFEAT_EVTCHN      (1u << 1)

#endif
