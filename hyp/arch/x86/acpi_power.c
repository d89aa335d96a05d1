/*
 * acpi_power.c - turning the machine off: ACPI sleep state S5.
 *
 * Soft-off is a write of SLP_TYPa | SLP_EN to the PM1a control register.
 * The register's port is in the FADT; SLP_TYPa is the first element of
 * the \_S5 package in the DSDT's AML.  We do not run an AML interpreter:
 * like most small kernels we find the "_S5_" name and read its package's
 * first element, which firmware writes as a plain constant.  Everything
 * read is bounds-checked; if anything is not as expected, poweroff is
 * simply unavailable and the caller halts instead.
 */
#include "acpi.h"
#include "printk.h"
#include "string.h"
#include <asm/x86.h>

#define FADT_DSDT         40    /* uint32_t: the DSDT's physical address */
#define FADT_PM1A_CNT     64    /* uint32_t: the PM1a control block's I/O port */
#define FADT_X_DSDT       140   /* uint64_t (ACPI 2.0+), preferred when set */
#define SLP_EN            (1u << 13)
#define SDT_HEADER        36

static uint16_t pm1a_cnt;       /* 0: poweroff unknown */
static uint16_t slp_typa;

/* An AML integer constant at p (ZeroOp, OneOp, BytePrefix n); -1 if not one. */
static int aml_small_const(const uint8_t *p, const uint8_t *end)
{
    if (p >= end)
        return -1;
    if (p[0] == 0x00 || p[0] == 0x01)
        return p[0];
    if (p[0] == 0x0a && p + 1 < end)
        return p[1];
    return -1;
}

/* SLP_TYPa from the DSDT's \_S5 package, or -1. */
static int s5_slp_typa(const uint8_t *dsdt, uint32_t len)
{
    const uint8_t *end = dsdt + len;
    for (const uint8_t *p = dsdt + SDT_HEADER; p + 4 < end; p++) {
        if (memcmp(p, "_S5_", 4) != 0)
            continue;
        const uint8_t *q = p + 4;
        if (q >= end || *q != 0x12)         /* PackageOp */
            continue;
        q++;
        if (q >= end)
            return -1;
        q += 1 + (*q >> 6);                 /* PkgLength: 1-4 bytes */
        q++;                                /* NumElements */
        return aml_small_const(q, end);
    }
    return -1;
}

void acpi_power_init(const struct boot_info *bi)
{
    const uint8_t *fadt = acpi_find_table(bi, "FACP");
    uint32_t flen;
    if (!fadt)
        return;
    memcpy(&flen, fadt + 4, 4);
    if (flen < FADT_PM1A_CNT + 4)
        return;
    uint32_t port, dsdt32 = 0;
    uint64_t dsdt = 0;
    memcpy(&port, fadt + FADT_PM1A_CNT, 4);
    memcpy(&dsdt32, fadt + FADT_DSDT, 4);
    if (flen >= FADT_X_DSDT + 8)
        memcpy(&dsdt, fadt + FADT_X_DSDT, 8);
    if (!dsdt)
        dsdt = dsdt32;
    const uint8_t *d = acpi_table_at(dsdt, "DSDT");
    if (!port || port > 0xffff || !d)
        return;
    uint32_t dlen;
    memcpy(&dlen, d + 4, 4);
    int typ = s5_slp_typa(d, dlen);
    if (typ < 0 || typ > 7)
        return;
    pm1a_cnt = (uint16_t)port;
    slp_typa = (uint16_t)typ;
    pr_info("acpi: poweroff through PM1a_CNT %#x, SLP_TYPa %u\n", pm1a_cnt, slp_typa);
}

void acpi_poweroff(void)
{
    if (!pm1a_cnt)
        return;
    outw(pm1a_cnt, (uint16_t)(slp_typa << 10 | SLP_EN));
    /* The write takes effect at once on real hardware and in QEMU; if it
     * did not, the caller halts. */
}
