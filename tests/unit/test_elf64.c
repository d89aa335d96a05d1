/* test_elf64.c - hyp/lib/elf64.c on ELF images built in memory. */
#include <stdint.h>
#include "unit.h"
#include "elf64.h"
#include "errno.h"

#define IMG_SIZE 8192

/* A buffer aligned like a boot module, holding one test image. */
static _Alignas(4096) uint8_t img[IMG_SIZE];
static struct elf64_info info;
static const char *why;

static struct elf64_ehdr *
eh(void)
{
    return (struct elf64_ehdr *)img;
}

static struct elf64_phdr *
ph(unsigned i)
{
    return (struct elf64_phdr *)(img + sizeof(struct elf64_ehdr)) + i;
}

/*
 * A valid kernel-like image: text (R+X) at 0xffffffff80000000 from file
 * offset 0x1000, data (R+W) right after with a .bss tail, and a NOTE.
 */
static void
build_valid(void)
{
    struct elf64_ehdr *e = eh();

    memset(img, 0, sizeof(img));
    memcpy(e->e_ident, "\x7f" "ELF", 4);
    e->e_ident[4] = 2;      /* ELFCLASS64 */
    e->e_ident[5] = 1;      /* little-endian */
    e->e_ident[6] = 1;      /* EV_CURRENT */
    e->e_type = 2;          /* ET_EXEC */
    e->e_machine = 62;      /* EM_X86_64 */
    e->e_version = 1;
    e->e_entry = 0xffffffff80000040ull;
    e->e_phoff = sizeof(struct elf64_ehdr);
    e->e_ehsize = sizeof(struct elf64_ehdr);
    e->e_phentsize = sizeof(struct elf64_phdr);
    e->e_phnum = 3;

    *ph(0) = (struct elf64_phdr){ ELF_PT_LOAD, ELF_PF_R | ELF_PF_X, 0x1000,
        0xffffffff80000000ull, 0x1000000, 0x800, 0x800, 0x1000 };
    *ph(1) = (struct elf64_phdr){ ELF_PT_NOTE, ELF_PF_R, 0x1800, 0, 0, 0x20, 0x20, 4 };
    *ph(2) = (struct elf64_phdr){ ELF_PT_LOAD, ELF_PF_R | ELF_PF_W, 0x1800,
        0xffffffff80001000ull, 0x1001000, 0x400, 0x3000, 0x1000 };
}

static int
check(size_t size)
{
    why = NULL;
    return elf64_check(img, size, &info, &why);
}

#define CHECK_REJECT(size, err, reason) do { \
        CHECK_EQ(check(size), (err)); \
        CHECK_STR(why, (reason)); \
    } while (0)

static void
test_valid(void)
{
    build_valid();
    CHECK_EQ(check(IMG_SIZE), 0);
    CHECK(why == NULL);
    CHECK_EQ_U(info.entry, 0xffffffff80000040ull);
    CHECK_EQ_U(info.vaddr_start, 0xffffffff80000000ull);
    CHECK_EQ_U(info.vaddr_end, 0xffffffff80004000ull);
    CHECK_EQ(info.nload, 2);
    CHECK(elf64_phdr(img, 2) == ph(2));
    CHECK_EQ_U(elf64_phdr(img, 2)->p_memsz, 0x3000);

    /* The smallest size that still holds every segment's file bytes. */
    CHECK_EQ(check(0x1c00), 0);
    CHECK_REJECT(0x1bff, -EINVAL, "segment 2 extends past the end of the image");
}

static void
test_not_elf(void)
{
    build_valid();
    img[1] = 'X';
    CHECK_REJECT(IMG_SIZE, -ENOEXEC, "not an ELF file (bad magic)");
    build_valid();
    CHECK_REJECT(3, -ENOEXEC, "not an ELF file (bad magic)");
    CHECK_REJECT(0, -ENOEXEC, "not an ELF file (bad magic)");
    CHECK_REJECT(40, -EINVAL, "ELF header truncated");
}

static void
test_wrong_kind(void)
{
    build_valid();
    img[4] = 1;
    CHECK_REJECT(IMG_SIZE, -EINVAL, "not ELF64");
    build_valid();
    img[5] = 2;
    CHECK_REJECT(IMG_SIZE, -EINVAL, "not little-endian");
    build_valid();
    eh()->e_machine = 3;
    CHECK_REJECT(IMG_SIZE, -EINVAL, "not x86-64");
    build_valid();
    eh()->e_type = 3;       /* ET_DYN */
    CHECK_REJECT(IMG_SIZE, -EINVAL, "not an executable (e_type)");
    build_valid();
    eh()->e_type = 1;       /* ET_REL */
    CHECK_REJECT(IMG_SIZE, -EINVAL, "not an executable (e_type)");
}

static void
test_bad_phdr_table(void)
{
    build_valid();
    eh()->e_phentsize = 32;
    CHECK_REJECT(IMG_SIZE, -EINVAL, "bad program header size (e_phentsize)");

    build_valid();
    eh()->e_phnum = 65;
    CHECK_REJECT(IMG_SIZE, -EINVAL, "too many program headers (e_phnum > 64)");
    eh()->e_phnum = 0xFFFF;
    CHECK_REJECT(IMG_SIZE, -EINVAL, "too many program headers (e_phnum > 64)");

    build_valid();
    eh()->e_phoff = 65;
    CHECK_REJECT(IMG_SIZE, -EINVAL, "program headers not 8-byte aligned (e_phoff)");

    /* Program headers past the end of a truncated image. */
    build_valid();
    CHECK_REJECT(64 + 2 * 56, -EINVAL,
                 "program headers extend past the end of the image (truncated?)");
    eh()->e_phoff = IMG_SIZE;
    CHECK_REJECT(IMG_SIZE, -EINVAL,
                 "program headers extend past the end of the image (truncated?)");
    eh()->e_phoff = 0xFFFFFFFFFFFFFFF8ull;      /* would wrap if added */
    CHECK_REJECT(IMG_SIZE, -EINVAL,
                 "program headers extend past the end of the image (truncated?)");

    /* A phdr table at the very end is fine if it fits exactly. */
    build_valid();
    memmove(img + IMG_SIZE - 3 * 56, ph(0), 3 * 56);
    eh()->e_phoff = IMG_SIZE - 3 * 56;
    CHECK_EQ(check(IMG_SIZE), 0);
}

static void
test_segment_out_of_image(void)
{
    build_valid();
    ph(0)->p_offset = IMG_SIZE - 0x100;
    CHECK_REJECT(IMG_SIZE, -EINVAL, "segment 0 extends past the end of the image");
    ph(0)->p_offset = 0xFFFFFFFFFFFFF000ull;   /* offset + filesz wraps */
    CHECK_REJECT(IMG_SIZE, -EINVAL, "segment 0 extends past the end of the image");
    ph(0)->p_offset = 0x1000;
    ph(0)->p_filesz = ph(0)->p_memsz = 0xFFFFFFFFFFFFFFFFull;
    CHECK_REJECT(IMG_SIZE, -EINVAL, "segment 0 extends past the end of the image");

    /* Non-LOAD segments are not loaded, so their offsets do not matter here. */
    build_valid();
    ph(1)->p_offset = 0xFFFFFFFFFFFFFFFFull;
    CHECK_EQ(check(IMG_SIZE), 0);
}

static void
test_filesz_gt_memsz(void)
{
    build_valid();
    ph(2)->p_memsz = 0x3ff;
    CHECK_REJECT(IMG_SIZE, -EINVAL, "segment 2: filesz > memsz");
}

static void
test_address_overflow(void)
{
    build_valid();
    ph(2)->p_vaddr = 0xFFFFFFFFFFFFF000ull;
    ph(2)->p_memsz = 0x2000;
    CHECK_REJECT(IMG_SIZE, -EINVAL, "segment 2: address overflow");
    /* An end of 2^64 cannot be represented in vaddr_end either. */
    ph(2)->p_memsz = 0x1000;
    CHECK_REJECT(IMG_SIZE, -EINVAL, "segment 2: address overflow");
    /* One byte less is fine. */
    ph(2)->p_memsz = 0xFFF;
    CHECK_EQ(check(IMG_SIZE), 0);
    CHECK_EQ_U(info.vaddr_end, 0xFFFFFFFFFFFFFFFFull);
}

static void
test_overlap(void)
{
    build_valid();
    ph(2)->p_vaddr = 0xffffffff800007ffull;    /* one byte into segment 0 */
    CHECK_REJECT(IMG_SIZE, -EINVAL, "segments 0 and 2 overlap");

    /* Containing the other segment entirely. */
    build_valid();
    ph(2)->p_vaddr = 0xffffffff7fff0000ull;
    ph(2)->p_memsz = 0x100000;
    CHECK_REJECT(IMG_SIZE, -EINVAL, "segments 0 and 2 overlap");

    /* Touching is not overlapping. */
    build_valid();
    ph(2)->p_vaddr = 0xffffffff80000800ull;
    CHECK_EQ(check(IMG_SIZE), 0);
    CHECK_EQ_U(info.vaddr_end, 0xffffffff80003800ull);
}

static void
test_entry_point(void)
{
    build_valid();
    eh()->e_entry = 0xffffffff80001000ull;     /* in the data segment (not X) */
    CHECK_REJECT(IMG_SIZE, -EINVAL, "entry point not in an executable segment");
    eh()->e_entry = 0xffffffff80000800ull;     /* one past the text */
    CHECK_REJECT(IMG_SIZE, -EINVAL, "entry point not in an executable segment");
    eh()->e_entry = 0;
    CHECK_REJECT(IMG_SIZE, -EINVAL, "entry point not in an executable segment");
    eh()->e_entry = 0xffffffff800007ffull;     /* last byte of the text */
    CHECK_EQ(check(IMG_SIZE), 0);
}

static void
test_no_loadable_segments(void)
{
    build_valid();
    eh()->e_phnum = 0;
    CHECK_REJECT(IMG_SIZE, -EINVAL, "no loadable segments");
    build_valid();
    ph(0)->p_type = ELF_PT_NOTE;
    ph(2)->p_type = 0x6474e551;     /* PT_GNU_STACK */
    CHECK_REJECT(IMG_SIZE, -EINVAL, "no loadable segments");
}

static void
test_many_segments(void)
{
    /* 64 adjacent executable segments: the most allowed. */
    build_valid();
    eh()->e_phnum = 64;
    for (unsigned i = 0; i < 64; i++)
        *ph(i) = (struct elf64_phdr){ ELF_PT_LOAD, ELF_PF_R | ELF_PF_X, 0x1000 + i * 16,
            0x400000 + i * 0x1000ull, 0, 16, 0x1000, 0x1000 };
    eh()->e_entry = 0x400000 + 63 * 0x1000;
    CHECK_EQ(check(IMG_SIZE), 0);
    CHECK_EQ(info.nload, 64);
    CHECK_EQ_U(info.vaddr_start, 0x400000);
    CHECK_EQ_U(info.vaddr_end, 0x400000 + 64 * 0x1000);

    ph(63)->p_vaddr = 0x400000 + 10 * 0x1000 + 0xfff;
    CHECK_REJECT(IMG_SIZE, -EINVAL, "segments 10 and 63 overlap");
}

static void
test_misaligned_image(void)
{
    /* Headers are read in place: a misaligned image is refused, not read. */
    build_valid();
    memmove(img + 4, img, IMG_SIZE - 4);
    why = NULL;
    CHECK_EQ(elf64_check(img + 4, IMG_SIZE - 4, &info, &why), -EINVAL);
    CHECK_STR(why, "image is not 8-byte aligned in memory");
}

static const struct unit_case cases[] = {
    UNIT_CASE(test_valid),
    UNIT_CASE(test_not_elf),
    UNIT_CASE(test_wrong_kind),
    UNIT_CASE(test_bad_phdr_table),
    UNIT_CASE(test_segment_out_of_image),
    UNIT_CASE(test_filesz_gt_memsz),
    UNIT_CASE(test_address_overflow),
    UNIT_CASE(test_overlap),
    UNIT_CASE(test_entry_point),
    UNIT_CASE(test_no_loadable_segments),
    UNIT_CASE(test_many_segments),
    UNIT_CASE(test_misaligned_image),
};

int
main(void)
{
    return unit_run(cases, UNIT_COUNT(cases));
}
