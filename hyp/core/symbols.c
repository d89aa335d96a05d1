/*
 * symbols.c - symbolised backtraces.  The table of text symbols is made
 * at build time from the first link of the image (mk/symtab.sh) and linked
 * into the second one.
 */
#include "symbols.h"
#include "printk.h"
#include <asm/pcpu.h>

extern const uint64_t symtab_count;
extern const uint64_t symtab_addr[];
extern const char *const symtab_name[];
extern char __text_start[], __text_end[], __entry_start[];

const char *symbol_lookup(uint64_t addr, uint64_t *offset)
{
    /* Entry code runs from its alias in the per-pCPU slot: name the original. */
    if (addr >= PCPU_ENTRY_VA && addr < PCPU_ENTRY_VA + ENTRY_PAGES * 4096)
        addr = addr - PCPU_ENTRY_VA + (uint64_t)__entry_start;
    if (addr < (uint64_t)__text_start || addr >= (uint64_t)__text_end || symtab_count == 0)
        return NULL;
    /* Binary search for the last symbol at or below addr. */
    uint64_t lo = 0, hi = symtab_count;
    while (hi - lo > 1) {
        uint64_t mid = (lo + hi) / 2;
        if (symtab_addr[mid] <= addr)
            lo = mid;
        else
            hi = mid;
    }
    if (symtab_addr[lo] > addr)
        return NULL;
    *offset = addr - symtab_addr[lo];
    return symtab_name[lo];
}

static void print_frame(int depth, uint64_t addr)
{
    uint64_t off;
    const char *name = symbol_lookup(addr, &off);
    if (name)
        printk(LOG_EMERG, "  #%-2d %016lx  %s+0x%lx\n", depth, (unsigned long)addr, name, (unsigned long)off);
    else
        printk(LOG_EMERG, "  #%-2d %016lx  ?\n", depth, (unsigned long)addr);
}

void backtrace_print(uint64_t rip, uint64_t rbp, uint64_t stack_lo, uint64_t stack_hi)
{
    uint64_t last = rip, repeats = 0;
    int depth = 1;

    printk(LOG_EMERG, "Backtrace:\n");
    print_frame(0, rip);
    for (int frames = 0; frames < 4096; frames++) {
        /* A frame is [saved rbp][return address]; both must be on the stack. */
        if (rbp < stack_lo || rbp + 16 > stack_hi || (rbp & 7))
            break;
        const uint64_t *frame = (const uint64_t *)rbp;
        uint64_t ret = frame[1];
        if (ret == 0)
            break;
        if (ret == last) {
            repeats++;          /* deep recursion: say how deep, not every frame */
        } else {
            if (repeats)
                printk(LOG_EMERG, "  ... the frame above %lu more times\n", (unsigned long)repeats);
            repeats = 0;
            if (depth < 32)
                print_frame(depth++, ret);
            last = ret;
        }
        if (frame[0] <= rbp)            /* stacks grow down: callers are higher */
            break;
        rbp = frame[0];
    }
    if (repeats)
        printk(LOG_EMERG, "  ... the frame above %lu more times\n", (unsigned long)repeats);
}
