/*
 * bootinfo.h - what the hypervisor learned from its boot loader.
 *
 * multiboot2_parse() fills a struct boot_info from the Multiboot2
 * information structure (MBI) that GRUB hands over.  Everything is copied
 * into the struct so the MBI itself can be forgotten (and its memory
 * reused) once parsing is done; only module contents stay where GRUB put
 * them, and those ranges are kept away from the allocator.
 */
#ifndef HYP_BOOTINFO_H
#define HYP_BOOTINFO_H

#include <stdint.h>
#include <stddef.h>

#define BOOT_CMDLINE_MAX   512
#define BOOT_LOADER_MAX    64
#define BOOT_MMAP_MAX      128
#define BOOT_MODULES_MAX   16
#define BOOT_MODSTR_MAX    128
#define BOOT_RSDP_MAX      36   /* ACPI 2.0+ RSDP is 36 bytes */

/* Memory map entry types, as in the Multiboot2 spec (and E820). */
#define MMAP_AVAILABLE     1
#define MMAP_RESERVED      2
#define MMAP_ACPI          3    /* ACPI tables, reclaimable */
#define MMAP_NVS           4    /* ACPI non-volatile storage */
#define MMAP_BADRAM        5

struct mmap_entry {
    uint64_t base;
    uint64_t len;
    uint32_t type;              /* MMAP_* */
};

struct boot_module {
    uint64_t start;             /* physical address of the first byte */
    uint64_t end;               /* physical address one past the last byte */
    char     string[BOOT_MODSTR_MAX];  /* the module2 line's arguments */
};

struct boot_info {
    char     cmdline[BOOT_CMDLINE_MAX];
    char     loader[BOOT_LOADER_MAX];
    uint32_t nmmap;
    struct mmap_entry mmap[BOOT_MMAP_MAX];
    uint32_t nmodules;
    struct boot_module modules[BOOT_MODULES_MAX];
    uint32_t rsdp_len;          /* 0 if the loader gave no RSDP */
    uint8_t  rsdp[BOOT_RSDP_MAX];
    uint64_t mbi_start, mbi_end;   /* physical range of the MBI itself */
};

/* What the hypervisor was booted with (hyp/core/main.c). */
extern struct boot_info hyp_boot_info;

/*
 * Parse the MBI at 'mbi' (a pointer the caller can read), which the boot
 * loader placed at physical address 'mbi_phys'.  'limit' is how many bytes
 * may be read at most (the MBI's own total_size is checked against it).
 * Problems that do not stop parsing (too many entries, an over-long string,
 * an unknown tag) are reported through 'warn' and parsing continues.
 * Returns 0 on success, or a negative errno if the MBI is unusable
 * (-EINVAL: bad size or alignment, a tag that overruns the structure,
 * no end tag); then 'why' (if non-NULL) names the problem.
 */
int multiboot2_parse(const void *mbi, uint64_t mbi_phys, size_t limit,
                     struct boot_info *bi, void (*warn)(const char *msg),
                     const char **why);

/* Sum of the lengths of the MMAP_AVAILABLE entries. */
uint64_t bootinfo_ram_bytes(const struct boot_info *bi);

/* One past the highest address of any MMAP_AVAILABLE entry. */
uint64_t bootinfo_ram_end(const struct boot_info *bi);

#endif
