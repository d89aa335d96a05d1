/*
 * acpi.c - finding ACPI tables (RSDP -> XSDT or RSDT -> a table), and the
 * CPUs and interrupt routing in the MADT.
 * Firmware tables are input like any other: every length is checked
 * before it is used, every checksum verified.
 */
#include "acpi.h"
#include "mm.h"
#include "printk.h"
#include "string.h"

struct __attribute__((packed)) sdt_header {
    char     signature[4];
    uint32_t length;
    uint8_t  revision, checksum;
    char     oem_id[6], oem_table_id[8];
    uint32_t oem_revision, creator_id, creator_revision;
};

#define TABLE_LIMIT (4ull << 30)      /* only the early 1:1 map is up */

static int checksum_ok(const void *p, uint32_t len)
{
    uint8_t sum = 0;
    for (uint32_t i = 0; i < len; i++)
        sum += ((const uint8_t *)p)[i];
    return sum == 0;
}

/* The table at 'pa' if it is mapped, has 'sig', a sane length and checksum. */
static const struct sdt_header *table_at(uint64_t pa, const char *sig)
{
    if (pa == 0 || pa + sizeof(struct sdt_header) > TABLE_LIMIT)
        return NULL;
    const struct sdt_header *h = phys_to_virt(pa);
    if (sig && memcmp(h->signature, sig, 4) != 0)
        return NULL;
    if (h->length < sizeof *h || h->length > (1u << 20) || pa + h->length > TABLE_LIMIT)
        return NULL;
    if (!checksum_ok(h, h->length)) {
        pr_warn("acpi: table %.4s at %#lx has a bad checksum, ignored\n", h->signature, (unsigned long)pa);
        return NULL;
    }
    return h;
}

/* The first table with signature 'sig' that the RSDT/XSDT lists, or NULL. */
const void *acpi_find_table(const struct boot_info *bi, const char *sig)
{
    const uint8_t *rsdp = bi->rsdp;
    if (bi->rsdp_len < 20 || memcmp(rsdp, "RSD PTR ", 8) != 0 || !checksum_ok(rsdp, 20))
        return NULL;
    const struct sdt_header *root;
    unsigned entry_size;
    uint64_t xsdt = 0;
    uint32_t rsdt;
    if (rsdp[15] >= 2 && bi->rsdp_len >= 36)
        memcpy(&xsdt, rsdp + 24, 8);
    memcpy(&rsdt, rsdp + 16, 4);
    if ((root = table_at(xsdt, "XSDT")) != NULL)
        entry_size = 8;
    else if ((root = table_at(rsdt, "RSDT")) != NULL)
        entry_size = 4;
    else
        return NULL;

    const uint8_t *p = (const uint8_t *)(root + 1);
    unsigned n = (root->length - sizeof *root) / entry_size;
    for (unsigned i = 0; i < n; i++) {
        uint64_t pa = 0;
        memcpy(&pa, p + i * entry_size, entry_size);
        const struct sdt_header *t = table_at(pa, sig);
        if (t)
            return t;
    }
    return NULL;
}

/* A table that a table points at (the FADT's DSDT), checked the same way. */
const void *acpi_table_at(uint64_t pa, const char *sig)
{
    return table_at(pa, sig);
}

struct acpi_irq_info acpi_irq;

unsigned acpi_find_cpus(const struct boot_info *bi, uint32_t *ids, unsigned max)
{
    for (unsigned i = 0; i < 16; i++) {
        acpi_irq.isa_gsi[i] = i;            /* ISA IRQs are identity-mapped unless overridden */
        acpi_irq.isa_flags[i] = 0;
    }
    const struct sdt_header *madt = acpi_find_table(bi, "APIC");
    if (!madt || madt->length < sizeof *madt + 8)
        return 0;
    const uint8_t *p = (const uint8_t *)madt + sizeof *madt + 8;   /* after LAPIC addr, flags */
    const uint8_t *end = (const uint8_t *)madt + madt->length;
    unsigned n = 0;
    while (p + 2 <= end) {
        uint8_t type = p[0], len = p[1];
        if (len < 2 || p + len > end)
            break;
        uint32_t id = 0, flags = 0;
        int is_cpu = 0;
        if (type == 0 && len >= 8) {            /* processor local APIC */
            id = p[3];
            memcpy(&flags, p + 4, 4);
            is_cpu = 1;
        } else if (type == 9 && len >= 16) {    /* processor local x2APIC */
            memcpy(&id, p + 4, 4);
            memcpy(&flags, p + 8, 4);
            is_cpu = 1;
        }
        if (type == 1 && len >= 12 && !acpi_irq.ioapic_addr) {   /* the first I/O APIC */
            memcpy(&acpi_irq.ioapic_addr, p + 4, 4);
            memcpy(&acpi_irq.ioapic_gsi_base, p + 8, 4);
        } else if (type == 2 && len >= 10 && p[3] < 16) {       /* ISA interrupt source override */
            memcpy(&acpi_irq.isa_gsi[p[3]], p + 4, 4);
            memcpy(&acpi_irq.isa_flags[p[3]], p + 8, 2);
        }
        if (is_cpu && (flags & 1)) {
            if (n < max)
                ids[n++] = id;
            else
                pr_warn("acpi: more than %u CPUs, CPU with APIC id %u not used\n", max, id);
        }
        p += len;
    }
    return n;
}
