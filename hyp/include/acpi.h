/* acpi.h - the little of ACPI the hypervisor reads: the CPUs in the MADT,
 * and how to power the machine off (FADT, the DSDT's \_S5). */
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

/* What the MADT says about interrupt routing (filled by acpi_find_cpus). */
struct acpi_irq_info {
    uint32_t ioapic_addr;           /* the first I/O APIC's registers, 0 if none */
    uint32_t ioapic_gsi_base;
    uint32_t isa_gsi[16];           /* ISA IRQ -> global system interrupt */
    uint16_t isa_flags[16];         /* MPS INTI flags: polarity bits 0-1, trigger bits 2-3 */
};
extern struct acpi_irq_info acpi_irq;

/* The first table with this signature in the RSDT/XSDT, checked, or NULL. */
const void *acpi_find_table(const struct boot_info *bi, const char *sig);
const void *acpi_table_at(uint64_t pa, const char *sig);

/* Learn how to enter S5 (soft off); early boot, like acpi_find_cpus. */
void acpi_power_init(const struct boot_info *bi);
/* Enter S5 if acpi_power_init found how; returns if it could not. */
void acpi_poweroff(void);

#endif
