/*
 * elf64.c - check an ELF64 image before anything trusts it (see elf64.h).
 *
 * Every offset and size in the image is checked with subtraction against
 * what is left, never by adding and comparing, so a huge value cannot wrap
 * around and pass.
 */
#include <stdint.h>
#include "elf64.h"
#include "errno.h"
#include "format.h"

#define EI_CLASS        4
#define EI_DATA         5
#define ELFCLASS64      2
#define ELFDATA2LSB     1
#define ET_EXEC         2
#define EM_X86_64       62
#define PHNUM_MAX       64      /* real kernels have a handful */

/* [start, end) of a segment's memory image. */
struct range {
    uint64_t start, end;
};

static int
fail(const char **why, const char *msg, int err)
{
    if (why != NULL)
        *why = msg;
    return err;
}

static int
fail_seg(struct elf64_info *info, const char **why, const char *fmt,
         unsigned i, unsigned j)
    __attribute__((format(printf, 3, 0)));

/* Build a reason naming segment i (and j, if the format uses it). */
static int
fail_seg(struct elf64_info *info, const char **why, const char *fmt,
         unsigned i, unsigned j)
{
    snprintf(info->why_buf, sizeof(info->why_buf), fmt, i, j);
    return fail(why, info->why_buf, -EINVAL);
}

const struct elf64_phdr *
elf64_phdr(const void *img, unsigned i)
{
    const struct elf64_ehdr *eh = img;

    return (const struct elf64_phdr *)((const uint8_t *)img + eh->e_phoff) + i;
}

int
elf64_check(const void *img, size_t size, struct elf64_info *info,
            const char **why)
{
    const struct elf64_ehdr *eh = img;
    const uint8_t *id = img;
    struct range seg[PHNUM_MAX];
    unsigned nseg = 0, idx[PHNUM_MAX];
    int entry_ok = 0;

    info->nload = 0;
    info->entry = info->vaddr_start = info->vaddr_end = 0;

    if (size < 4 || id[0] != 0x7F || id[1] != 'E' || id[2] != 'L' || id[3] != 'F')
        return fail(why, "not an ELF file (bad magic)", -ENOEXEC);
    if (size < sizeof(*eh))
        return fail(why, "ELF header truncated", -EINVAL);
    /* The headers are read in place as structs, so they must be aligned. */
    if (((uintptr_t)img & 7) != 0)
        return fail(why, "image is not 8-byte aligned in memory", -EINVAL);
    if (id[EI_CLASS] != ELFCLASS64)
        return fail(why, "not ELF64", -EINVAL);
    if (id[EI_DATA] != ELFDATA2LSB)
        return fail(why, "not little-endian", -EINVAL);
    if (eh->e_machine != EM_X86_64)
        return fail(why, "not x86-64", -EINVAL);
    if (eh->e_type != ET_EXEC)
        return fail(why, "not an executable (e_type)", -EINVAL);
    if (eh->e_phentsize != sizeof(struct elf64_phdr))
        return fail(why, "bad program header size (e_phentsize)", -EINVAL);
    if (eh->e_phnum > PHNUM_MAX)
        return fail(why, "too many program headers (e_phnum > 64)", -EINVAL);
    if ((eh->e_phoff & 7) != 0)
        return fail(why, "program headers not 8-byte aligned (e_phoff)", -EINVAL);
    if (eh->e_phoff > size ||
        (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr) > size - eh->e_phoff)
        return fail(why, "program headers extend past the end of the image (truncated?)",
                    -EINVAL);

    for (unsigned i = 0; i < eh->e_phnum; i++) {
        const struct elf64_phdr *ph = elf64_phdr(img, i);

        if (ph->p_type != ELF_PT_LOAD)
            continue;
        info->nload++;
        if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset)
            return fail_seg(info, why, "segment %u extends past the end of the image", i, 0);
        if (ph->p_filesz > ph->p_memsz)
            return fail_seg(info, why, "segment %u: filesz > memsz", i, 0);
        if (ph->p_memsz > UINT64_MAX - ph->p_vaddr)
            return fail_seg(info, why, "segment %u: address overflow", i, 0);
        if (ph->p_memsz == 0)
            continue;       /* occupies no memory: cannot overlap or hold the entry */

        for (unsigned j = 0; j < nseg; j++)
            if (ph->p_vaddr < seg[j].end && seg[j].start < ph->p_vaddr + ph->p_memsz)
                return fail_seg(info, why, "segments %u and %u overlap", idx[j], i);
        seg[nseg].start = ph->p_vaddr;
        seg[nseg].end = ph->p_vaddr + ph->p_memsz;
        idx[nseg++] = i;

        if (nseg == 1 || ph->p_vaddr < info->vaddr_start)
            info->vaddr_start = ph->p_vaddr;
        if (ph->p_vaddr + ph->p_memsz > info->vaddr_end)
            info->vaddr_end = ph->p_vaddr + ph->p_memsz;
        if ((ph->p_flags & ELF_PF_X) != 0 && eh->e_entry >= ph->p_vaddr &&
            eh->e_entry - ph->p_vaddr < ph->p_memsz)
            entry_ok = 1;
    }

    if (nseg == 0)
        return fail(why, "no loadable segments", -EINVAL);
    if (!entry_ok)
        return fail(why, "entry point not in an executable segment", -EINVAL);
    info->entry = eh->e_entry;
    return 0;
}
