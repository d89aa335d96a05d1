/*
 * boot.c - from start.S to kmain(): read the Multiboot2 information (MBI),
 * work out which frames are free, build the physmap, bring up the CPU
 * tables, interrupts and clocks, and hand struct hal_boot to the kernel.
 *
 * The MBI comes from the boot loader and is checked like any other
 * input: every tag must lie inside the MBI and every length must fit.
 */
#include "hal.h"
#include "native.h"
#include "x86.h"

#define MB2_BOOT_MAGIC  0x36d76289
#define MB2_TAG_END     0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_MODULE  3
#define MB2_TAG_MMAP    6
#define MB2_MMAP_RAM    1       /* "available RAM" */
#define MBI_MAX_SIZE    (1u << 20)

#define PROVISIONAL_PHYSMAP_END  0x40000000ull   /* start.S maps 0..1 GiB */
#define PHYSMAP_END              (512ull << 30)  /* one L4 slot */
#define LOW_MEMORY_END           0x100000ull     /* BIOS area, never free */

#define MAX_SPANS 64

struct span {
    uint64_t start, end;        /* bytes, [start, end) */
};

struct mb2_tag {
    uint32_t type;
    uint32_t size;
};

struct mb2_module {
    uint32_t type, size;
    uint32_t mod_start, mod_end;
    /* char cmdline[] follows */
};

struct mb2_mmap {
    uint32_t type, size;
    uint32_t entry_size, entry_version;
    /* entries follow */
};

struct mb2_mmap_entry {
    uint64_t base, length;
    uint32_t type, reserved;
};

static struct span ram[MAX_SPANS];      /* RAM by the memory map, page-aligned */
static int nr_ram;
static struct span freemem[MAX_SPANS];  /* RAM minus everything in use */
static int nr_free;
static uint64_t mbi_start, mbi_end;
static struct span initrd;              /* physical; empty if none */
static struct span modules[MAX_SPANS];  /* all of them, to keep them out of free memory */
static int nr_modules;
static char cmdline[1024];
static struct hal_boot boot;

void native_start(uint32_t magic, uint32_t mbi_phys) __attribute__((noreturn));

void boot_die(const char *msg)
{
    static const char prefix[] = "guest kernel: boot: ";
    hal_console_write(prefix, sizeof(prefix) - 1);
    size_t n = 0;
    while (msg[n])
        n++;
    hal_console_write(msg, n);
    hal_console_write("\n", 1);
    hal_poweroff(1);
}

/* Add [start, end) to list, page-aligned inward; drops it if the list is full. */
static void span_add(struct span *list, int *nr, uint64_t start, uint64_t end)
{
    start = (start + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    end &= ~(PAGE_SIZE - 1);
    if (end > PHYSMAP_END)
        end = PHYSMAP_END;
    if (start >= end || *nr >= MAX_SPANS)
        return;
    list[*nr].start = start;
    list[*nr].end = end;
    (*nr)++;
}

/* Remove [start, end) (widened to whole pages) from the free list. */
static void free_remove(uint64_t start, uint64_t end)
{
    start &= ~(PAGE_SIZE - 1);
    end = (end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    for (int i = 0; i < nr_free; i++) {
        struct span *s = &freemem[i];
        if (end <= s->start || start >= s->end)
            continue;
        if (start > s->start && end < s->end) {
            /* A hole in the middle: keep the tail as a new span. */
            uint64_t tail = s->end;
            s->end = start;
            span_add(freemem, &nr_free, end, tail);
        } else if (start > s->start) {
            s->end = start;
        } else if (end < s->end) {
            s->start = end;
        } else {
            s->start = s->end;      /* emptied; compacted below */
        }
    }
    int j = 0;
    for (int i = 0; i < nr_free; i++)
        if (freemem[i].start < freemem[i].end)
            freemem[j++] = freemem[i];
    nr_free = j;
}

/* True if [start, end) lies inside one RAM span (so the physmap covers it). */
static bool in_ram(uint64_t start, uint64_t end)
{
    for (int i = 0; i < nr_ram; i++)
        if (start >= ram[i].start && end <= ram[i].end)
            return true;
    return false;
}

static void parse_mmap(const struct mb2_mmap *m)
{
    if (m->size < sizeof(*m) || m->entry_size < sizeof(struct mb2_mmap_entry) ||
        m->entry_size % 8 != 0)
        boot_die("bad memory map tag");
    uint32_t n = (m->size - sizeof(*m)) / m->entry_size;
    const uint8_t *p = (const uint8_t *)(m + 1);
    for (uint32_t i = 0; i < n; i++, p += m->entry_size) {
        const struct mb2_mmap_entry *e = (const struct mb2_mmap_entry *)p;
        if (e->type != MB2_MMAP_RAM || e->base + e->length < e->base)
            continue;
        span_add(ram, &nr_ram, e->base, e->base + e->length);
    }
}

static void parse_module(const struct mb2_module *m)
{
    if (m->size < sizeof(*m) || m->mod_end < m->mod_start)
        boot_die("bad module tag");
    if (nr_modules == 0 && m->mod_end > m->mod_start) {
        initrd.start = m->mod_start;    /* only the first module is the initrd */
        initrd.end = m->mod_end;
    }
    if (nr_modules < MAX_SPANS) {
        modules[nr_modules].start = m->mod_start;
        modules[nr_modules].end = m->mod_end;
        nr_modules++;
    }
}

static void parse_cmdline(const struct mb2_tag *t)
{
    const char *s = (const char *)(t + 1);
    size_t max = t->size - sizeof(*t), i;
    for (i = 0; i < max && i < sizeof(cmdline) - 1 && s[i]; i++)
        cmdline[i] = s[i];
    cmdline[i] = 0;
}

/* Read the MBI at physical mbi_phys through the provisional physmap. */
static void parse_mbi(uint64_t mbi_phys)
{
    if (mbi_phys % 8 != 0 || mbi_phys + 8 > PROVISIONAL_PHYSMAP_END)
        boot_die("MBI misplaced");
    const uint8_t *mbi = (const uint8_t *)pfn_to_va(0) + mbi_phys;
    uint32_t total = *(const uint32_t *)mbi;
    if (total < 16 || total > MBI_MAX_SIZE || mbi_phys + total > PROVISIONAL_PHYSMAP_END)
        boot_die("MBI size out of range");
    mbi_start = mbi_phys;
    mbi_end = mbi_phys + total;

    uint32_t off = 8;
    while (off + sizeof(struct mb2_tag) <= total) {
        const struct mb2_tag *t = (const struct mb2_tag *)(mbi + off);
        if (t->size < sizeof(*t) || t->size > total - off)
            boot_die("MBI tag overruns the MBI");
        if (t->type == MB2_TAG_END)
            break;
        switch (t->type) {
        case MB2_TAG_CMDLINE: parse_cmdline(t); break;
        case MB2_TAG_MODULE:  parse_module((const struct mb2_module *)t); break;
        case MB2_TAG_MMAP:    parse_mmap((const struct mb2_mmap *)t); break;
        }
        off += (t->size + 7) & ~7u;
    }
    if (nr_ram == 0)
        boot_die("no memory map");
}

/* A frame for the kernel's own page tables: from free memory the provisional
 * physmap reaches.  It leaves the free list, so it stays the HAL's. */
static uint64_t take_boot_frame(void)
{
    for (int i = 0; i < nr_free; i++) {
        struct span *s = &freemem[i];
        if (s->start < s->end && s->start + PAGE_SIZE <= PROVISIONAL_PHYSMAP_END) {
            uint64_t pfn = s->start >> PAGE_SHIFT;
            s->start += PAGE_SIZE;
            return pfn;
        }
    }
    boot_die("no memory below 1 GiB for the physmap");
}

/* Fill boot.free from freemem, keeping the largest spans if there are
 * more than HAL_MAX_RANGES (the rest is left unused). */
static void fill_boot_ranges(void)
{
    while (nr_free > HAL_MAX_RANGES) {
        int small = 0;
        for (int i = 1; i < nr_free; i++)
            if (freemem[i].end - freemem[i].start < freemem[small].end - freemem[small].start)
                small = i;
        freemem[small] = freemem[--nr_free];
    }
    for (int i = 1; i < nr_free; i++)          /* by address, for readable logs */
        for (int j = i; j > 0 && freemem[j].start < freemem[j - 1].start; j--) {
            struct span t = freemem[j];
            freemem[j] = freemem[j - 1];
            freemem[j - 1] = t;
        }
    boot.nr_free = nr_free;
    for (int i = 0; i < nr_free; i++) {
        boot.free[i].pfn = freemem[i].start >> PAGE_SHIFT;
        boot.free[i].count = (freemem[i].end - freemem[i].start) >> PAGE_SHIFT;
    }
}

/* Let the kernel use SSE in user mode: FXSAVE/FXRSTOR and #XM enabled,
 * no x87 emulation, and WAIT honours TS. */
static void cpu_init(void)
{
    lcr0((rcr0() | CR0_MP | CR0_WP) & ~(uint64_t)(CR0_EM | CR0_TS));
    lcr4(rcr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
}

/* Called by start.S on the boot stack, in long mode, interrupts off. */
void native_start(uint32_t magic, uint32_t mbi_phys)
{
    console_init();
    if (magic != MB2_BOOT_MAGIC)
        boot_die("bad Multiboot2 magic");
    parse_mbi(mbi_phys);

    for (int i = 0; i < nr_ram; i++)
        span_add(freemem, &nr_free, ram[i].start, ram[i].end);
    free_remove(0, LOW_MEMORY_END);
    free_remove(KVA_TO_PHYS(__image_start), KVA_TO_PHYS(__image_end));
    free_remove(mbi_start, mbi_end);
    for (int i = 0; i < nr_modules; i++)
        free_remove(modules[i].start, modules[i].end);
    if (initrd.end) {
        if (!in_ram(initrd.start, initrd.end)) {
            static const char msg[] = "guest kernel: initrd outside RAM, ignored\n";
            hal_console_write(msg, sizeof(msg) - 1);
            initrd.start = initrd.end = 0;
        }
    }

    struct hal_range ram_ranges[MAX_SPANS];
    uint64_t top = 0;
    for (int i = 0; i < nr_ram; i++) {
        ram_ranges[i].pfn = ram[i].start >> PAGE_SHIFT;
        ram_ranges[i].count = (ram[i].end - ram[i].start) >> PAGE_SHIFT;
        if (ram[i].end > top)
            top = ram[i].end;
    }
    paging_init(ram_ranges, nr_ram, take_boot_frame);

    cpu_init();
    fpu_probe();
    gdt_init();
    idt_init();
    pic_init();
    lapic_init();
    time_init();
    console_enable_irq();

    boot.build = "native";
    boot.cmdline = cmdline;
    if (initrd.end) {
        boot.initrd = (const char *)pfn_to_va(0) + initrd.start;
        boot.initrd_len = initrd.end - initrd.start;
    }
    /* One past the highest RAM frame: per-frame arrays are indexed by pfn,
     * and natively the pfns have holes. */
    boot.total_pages = top >> PAGE_SHIFT;
    fill_boot_ranges();
    kmain(&boot);
}
