/*
 * elf64.h - checking and reading ELF64 images (the dom0 kernel module,
 * later the guest kernels that dom0 builds).
 *
 * Everything in an image is untrusted: elf64_check() verifies that the
 * header and every program header lie inside the image and make sense
 * before anything else looks at it.
 */
#ifndef HYP_ELF64_H
#define HYP_ELF64_H

#include <stdint.h>
#include <stddef.h>

#define ELF_PT_LOAD  1
#define ELF_PT_NOTE  4
#define ELF_PF_X     1
#define ELF_PF_W     2
#define ELF_PF_R     4

struct elf64_ehdr {
    uint8_t  e_ident[16];
    uint16_t e_type, e_machine;
    uint32_t e_version;
    uint64_t e_entry, e_phoff, e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf64_phdr {
    uint32_t p_type, p_flags;
    uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

struct elf64_info {
    uint64_t entry;
    uint64_t vaddr_start, vaddr_end;   /* span of all PT_LOAD segments */
    unsigned nload;                    /* number of PT_LOAD segments */
    char     why_buf[64];              /* holds *why when it names a segment */
};

/*
 * Check that 'img' (size bytes) is an ELF64 little-endian x86-64
 * executable whose headers and PT_LOAD segments are all inside the image,
 * with filesz <= memsz, no address overflow, no overlapping segments, and
 * the entry point inside an executable segment.  On success fills 'info'
 * and returns 0; otherwise returns -EINVAL (or -ENOEXEC for a file that is
 * not ELF at all) and sets *why to a one-line reason.  'info' must not be
 * NULL: a reason that names a segment ("segment 2: filesz > memsz") is
 * built in info->why_buf, so *why is valid as long as 'info' is.
 */
int elf64_check(const void *img, size_t size, struct elf64_info *info,
                const char **why);

/* The i'th program header of an image that passed elf64_check(). */
const struct elf64_phdr *elf64_phdr(const void *img, unsigned i);

#endif
