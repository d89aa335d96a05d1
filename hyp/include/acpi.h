/* acpi.h - the little of ACPI the hypervisor reads: the CPUs in the MADT. */
#ifndef HYP_ACPI_H
#define HYP_ACPI_H

#include <stdint.h>
#include "bootinfo.h"

/*
 * Find the local APIC ids of the enabled CPUs through the RSDP the boot
 * loader passed, the RSDT/XSDT and the MADT, checking every table's
 * signature, length and checksum.  Fills ids[0..max-1] and returns how many
 * CPUs were found, or 0 if there is no usable MADT.  Must run while the
 * first 4 GiB are mapped (early boot).
 */
unsigned acpi_find_cpus(const struct boot_info *bi, uint32_t *ids, unsigned max);

#endif
