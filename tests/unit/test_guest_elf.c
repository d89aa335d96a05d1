/*
 * test_guest_elf.c - the guest kernel's ELF loader check (kernel/elf.c).
 *
 * exec() trusts elf_parse() to have rejected anything that would make it
 * map outside user space, read past the file or loop: each case below
 * starts from a valid two-segment executable, breaks one thing, and checks
 * that the image is refused with -ENOEXEC.  The images are built byte by
 * byte in little-endian, the way a file on the initrd would be.
 */
#include <stdint.h>
#include "unit.h"
#include "defs.h"

#define IMG_SIZE 0x3000

static _Alignas(16) uint8_t img[IMG_SIZE + 8];
static struct elf_image out;

static void
put(uint64_t off, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        img[off + (uint64_t)i] = (uint8_t)(v >> (8 * i));
}

/* Program header i at phoff (64 unless a case moves it). */
static uint64_t phoff = 64;

static void
put_phdr(unsigned i, uint32_t type, uint32_t flags, uint64_t offset,
         uint64_t vaddr, uint64_t filesz, uint64_t memsz)
{
    uint64_t p = phoff + 56 * (uint64_t)i;

    put(p + 0, type, 4);
    put(p + 4, flags, 4);
    put(p + 8, offset, 8);
    put(p + 16, vaddr, 8);
    put(p + 24, vaddr, 8);          /* p_paddr */
    put(p + 32, filesz, 8);
    put(p + 40, memsz, 8);
    put(p + 48, 0x1000, 8);         /* p_align */
}

#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4

/*
 * A valid static executable like the user programs: text R+X at 0x400000
 * (file 0x1000..0x1800), data R+W at 0x401000 with a .bss tail (file
 * 0x2000..0x2100, memsz 0x3000), a non-load header between them, entry in
 * the text.
 */
static void
build_valid(void)
{
    memset(img, 0, sizeof(img));
    phoff = 64;
    memcpy(img, "\x7f" "ELF", 4);
    img[4] = 2;                     /* ELFCLASS64 */
    img[5] = 1;                     /* little-endian */
    img[6] = 1;                     /* EV_CURRENT */
    put(16, 2, 2);                  /* ET_EXEC */
    put(18, 62, 2);                 /* EM_X86_64 */
    put(20, 1, 4);                  /* e_version */
    put(24, 0x400100, 8);           /* e_entry */
    put(32, phoff, 8);              /* e_phoff */
    put(52, 64, 2);                 /* e_ehsize */
    put(54, 56, 2);                 /* e_phentsize */
    put(56, 3, 2);                  /* e_phnum */
    put_phdr(0, PT_LOAD, PF_R | PF_X, 0x1000, 0x400000, 0x800, 0x800);
    put_phdr(1, 0x6474e551, PF_R | PF_W, 0, 0, 0, 0);   /* PT_GNU_STACK */
    put_phdr(2, PT_LOAD, PF_R | PF_W, 0x2000, 0x401000, 0x100, 0x3000);
}

static int
parse(size_t len)
{
    return elf_parse(img, len, &out);
}

static void
test_valid(void)
{
    build_valid();
    REQUIRE(parse(IMG_SIZE) == 0);
    CHECK_EQ_U(out.entry, 0x400100);
    REQUIRE(out.nseg == 2);
    CHECK_EQ_U(out.seg[0].vaddr, 0x400000);
    CHECK_EQ_U(out.seg[0].memsz, 0x800);
    CHECK_EQ_U(out.seg[0].offset, 0x1000);
    CHECK_EQ_U(out.seg[0].filesz, 0x800);
    CHECK_EQ(out.seg[0].prot, HAL_PROT_READ | HAL_PROT_EXEC);
    CHECK_EQ_U(out.seg[1].vaddr, 0x401000);
    CHECK_EQ_U(out.seg[1].memsz, 0x3000);
    CHECK_EQ_U(out.seg[1].filesz, 0x100);
    CHECK_EQ(out.seg[1].prot, HAL_PROT_READ | HAL_PROT_WRITE);
}

/* The smallest file that still holds every byte the headers name. */
static void
test_exact_length(void)
{
    build_valid();
    CHECK_EQ(parse(0x2100), 0);
    CHECK_EQ(parse(0x20ff), -ENOEXEC);
}

/* Program headers at an odd offset are legal ELF: read them anyway. */
static void
test_misaligned_phoff(void)
{
    build_valid();
    phoff = 0x203;
    put(32, phoff, 8);
    put_phdr(0, PT_LOAD, PF_R | PF_X, 0x1000, 0x400000, 0x800, 0x800);
    put_phdr(1, 0x6474e551, PF_R | PF_W, 0, 0, 0, 0);
    put_phdr(2, PT_LOAD, PF_R | PF_W, 0x2000, 0x401000, 0x100, 0x3000);
    CHECK_EQ(parse(IMG_SIZE), 0);
}

static void
test_truncated(void)
{
    build_valid();
    CHECK_EQ(parse(0), -ENOEXEC);
    CHECK_EQ(parse(4), -ENOEXEC);
    CHECK_EQ(parse(63), -ENOEXEC);           /* not even an ELF header */
    CHECK_EQ(parse(64 + 56 * 3 - 1), -ENOEXEC); /* headers cut short */
    CHECK_EQ(elf_parse(NULL, IMG_SIZE, &out), -ENOEXEC);
}

static void
test_bad_ident(void)
{
    build_valid();
    img[1] = 'e';
    CHECK_EQ(parse(IMG_SIZE), -ENOEXEC);
    build_valid();
    img[4] = 1;                              /* ELFCLASS32 */
    CHECK_EQ(parse(IMG_SIZE), -ENOEXEC);
    build_valid();
    img[5] = 2;                              /* big-endian */
    CHECK_EQ(parse(IMG_SIZE), -ENOEXEC);
    build_valid();
    put(20, 2, 4);                           /* unknown version */
    CHECK_EQ(parse(IMG_SIZE), -ENOEXEC);
}

static void
test_wrong_machine_or_type(void)
{
    build_valid();
    put(18, 3, 2);                           /* EM_386 */
    CHECK_EQ(parse(IMG_SIZE), -ENOEXEC);
    build_valid();
    put(18, 183, 2);                         /* EM_AARCH64 */
    CHECK_EQ(parse(IMG_SIZE), -ENOEXEC);
    build_valid();
    put(16, 3, 2);                           /* ET_DYN (PIE) */
    CHECK_EQ(parse(IMG_SIZE), -ENOEXEC);
    build_valid();
    put(16, 1, 2);                           /* ET_REL */
    CHECK_EQ(parse(IMG_SIZE), -ENOEXEC);
}

static void
test_dynamic_refused(void)
{
    build_valid();
    put_phdr(1, 3, PF_R, 0x1800, 0x400800, 0x10, 0x10);   /* PT_INTERP */
    CHECK_EQ(parse(IMG_SIZE), -ENOEXEC);
}

static void
test_phnum_and_phentsize(void)
{
    build_valid();
    put(56, 0xffff, 2);                      /* PN_XNUM / huge */
    CHECK_EQ(parse(IMG_SIZE), -ENOEXEC);
    build_valid();
    put(56, 65, 2);                          /* over the loader's bound */
    CHECK_EQ(parse(IMG_SIZE), -ENOEXEC);
    build_valid();
    put(56, 0, 2);                           /* no program headers */
    CHECK_EQ(parse(IMG_SIZE), -ENOEXEC);
    build_valid();
    put(54, 32, 2);                          /* short entries */
    CHECK_EQ(parse(IMG_SIZE), -ENOEXEC);
    build_valid();
    put(54, 0, 2);
    CHECK_EQ(parse(IMG_SIZE), -ENOEXEC);
}

static void
test_phoff_past_end(void)
{
    build_valid();
    put(32, IMG_SIZE - 56, 8);               /* 3 headers do not fit */
    CHECK_EQ(parse(IMG_SIZE), -ENOEXEC);
    build_valid();
    put(32, 0xffffffffffffffc0ull, 8);       /* phoff + size wraps */
    CHECK_EQ(parse(IMG_SIZE), -ENOEXEC);
}

static void
test_overlapping_segments(void)
{
    build_valid();
    put_phdr(2, PT_LOAD, PF_R | PF_W, 0x2000, 0x400400, 0x100, 0x100);
    CHECK_EQ(parse(IMG_SIZE), -ENOEXEC);     /* inside the text */
    build_valid();
    put_phdr(2, PT_LOAD, PF_R | PF_W, 0x2000, 0x3ff000, 0x100, 0x2000);
    CHECK_EQ(parse(IMG_SIZE), -ENOEXEC);     /* covers the text */
    build_valid();
    put_phdr(2, PT_LOAD, PF_R | PF_W, 0x2000, 0x400900, 0x100, 0x100);
    CHECK_EQ(parse(IMG_SIZE), -ENOEXEC);     /* same page, no byte shared */
}

static void
test_filesz_over_memsz(void)
{
    build_valid();
    put_phdr(2, PT_LOAD, PF_R | PF_W, 0x2000, 0x401000, 0x200, 0x100);
    CHECK_EQ(parse(IMG_SIZE), -ENOEXEC);
}

static void
test_offset_past_end(void)
{
    build_valid();
    put_phdr(2, PT_LOAD, PF_R | PF_W, IMG_SIZE + 0x1000, 0x401000, 0x10, 0x100);
    CHECK_EQ(parse(IMG_SIZE), -ENOEXEC);
    build_valid();
    put_phdr(2, PT_LOAD, PF_R | PF_W, 0x2f00, 0x401000, 0x200, 0x1000);
    CHECK_EQ(parse(IMG_SIZE), -ENOEXEC);     /* starts inside, ends outside */
}

static void
test_offset_filesz_overflow(void)
{
    build_valid();
    put_phdr(2, PT_LOAD, PF_R | PF_W, 0x2000, 0x401000,
             0xfffffffffffff000ull, 0xfffffffffffff000ull);
    CHECK_EQ(parse(IMG_SIZE), -ENOEXEC);
    build_valid();
    put_phdr(2, PT_LOAD, PF_R | PF_W, 0xffffffffffffff00ull, 0x401000,
             0x200, 0x200);                   /* offset + filesz wraps to 0x100 */
    CHECK_EQ(parse(IMG_SIZE), -ENOEXEC);
}

static void
test_entry_outside_exec(void)
{
    build_valid();
    put(24, 0x401010, 8);                    /* in the data segment */
    CHECK_EQ(parse(IMG_SIZE), -ENOEXEC);
    build_valid();
    put(24, 0x400800, 8);                    /* one past the text */
    CHECK_EQ(parse(IMG_SIZE), -ENOEXEC);
    build_valid();
    put(24, 0, 8);
    CHECK_EQ(parse(IMG_SIZE), -ENOEXEC);
    build_valid();
    put(24, 0x4007ff, 8);                    /* last byte of the text: fine */
    CHECK_EQ(parse(IMG_SIZE), 0);
}

static void
test_segment_address_bounds(void)
{
    build_valid();
    put_phdr(2, PT_LOAD, PF_R | PF_W, 0x2000, USER_TOP - 0x1000, 0x100, 0x2000);
    CHECK_EQ(parse(IMG_SIZE), -ENOEXEC);     /* crosses USER_TOP */
    build_valid();
    put_phdr(2, PT_LOAD, PF_R | PF_W, 0x2000, 0xffffffff80000000ull, 0x100, 0x100);
    CHECK_EQ(parse(IMG_SIZE), -ENOEXEC);     /* the kernel's half */
    build_valid();
    put_phdr(2, PT_LOAD, PF_R | PF_W, 0x2000, 0xfffffffffffff000ull, 0x100, 0x2000);
    CHECK_EQ(parse(IMG_SIZE), -ENOEXEC);     /* vaddr + memsz wraps */
    build_valid();
    put_phdr(2, PT_LOAD, PF_R | PF_W, 0x2000, 0x1000, 0x100, 0x100);
    CHECK_EQ(parse(IMG_SIZE), -ENOEXEC);     /* below 0x10000 */
    build_valid();
    put_phdr(2, PT_LOAD, PF_R | PF_W, 0x2000, USER_TOP - 0x1000, 0x100, 0x1000);
    CHECK_EQ(parse(IMG_SIZE), 0);            /* ends exactly at USER_TOP */
}

static void
test_too_many_segments(void)
{
    build_valid();
    put(56, ELF_MAX_SEGMENTS + 1, 2);
    for (unsigned i = 0; i <= ELF_MAX_SEGMENTS; i++)
        put_phdr(i, PT_LOAD, PF_R | PF_X, 0x1000, 0x400000 + 0x1000 * (uint64_t)i,
                 0x10, 0x800);
    CHECK_EQ(parse(IMG_SIZE), -ENOEXEC);
    put(56, ELF_MAX_SEGMENTS, 2);
    CHECK_EQ(parse(IMG_SIZE), 0);
    CHECK_EQ(out.nseg, ELF_MAX_SEGMENTS);
}

static void
test_no_load_segment(void)
{
    build_valid();
    put_phdr(0, 4, PF_R, 0x1000, 0, 0x10, 0x10);   /* PT_NOTE */
    put_phdr(2, PT_LOAD, PF_R | PF_W, 0x2000, 0x401000, 0, 0);   /* empty */
    CHECK_EQ(parse(IMG_SIZE), -ENOEXEC);
}

static const struct unit_case cases[] = {
    UNIT_CASE(test_valid),
    UNIT_CASE(test_exact_length),
    UNIT_CASE(test_misaligned_phoff),
    UNIT_CASE(test_truncated),
    UNIT_CASE(test_bad_ident),
    UNIT_CASE(test_wrong_machine_or_type),
    UNIT_CASE(test_dynamic_refused),
    UNIT_CASE(test_phnum_and_phentsize),
    UNIT_CASE(test_phoff_past_end),
    UNIT_CASE(test_overlapping_segments),
    UNIT_CASE(test_filesz_over_memsz),
    UNIT_CASE(test_offset_past_end),
    UNIT_CASE(test_offset_filesz_overflow),
    UNIT_CASE(test_entry_outside_exec),
    UNIT_CASE(test_segment_address_bounds),
    UNIT_CASE(test_too_many_segments),
    UNIT_CASE(test_no_load_segment),
};

int
main(void)
{
    return unit_run(cases, UNIT_COUNT(cases));
}
