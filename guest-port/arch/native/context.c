/*
 * context.c - kernel threads' saved contexts and the user FPU/SSE state.
 * The kernel itself never touches x87 or SSE registers (-mno-sse), so
 * only user state is ever in them.
 */
#include "defs.h"
#include "native.h"

/* What hal_switch (trapentry.S) pushes, lowest address first. */
struct hal_context {
    uint64_t r15, r14, r13, r12, rbx, rbp;
    uint64_t rip;               /* where hal_switch's ret goes */
};

/*
 * Build a context at the top of a fresh stack whose first resumption
 * "returns" into fn with the stack aligned as after a call (a 0 return
 * address above it ends backtraces; fn must not return).
 */
struct hal_context *hal_context_init(void *stack_top, void (*fn)(void))
{
    uint64_t top = (uint64_t)stack_top & ~0xfull;
    uint64_t *fake_return = (uint64_t *)(top - 8);
    *fake_return = 0;
    struct hal_context *c = (struct hal_context *)(top - 8 - sizeof(*c));
    memset(c, 0, sizeof(*c));
    c->rip = (uint64_t)fn;
    return c;
}

#define FXSAVE_FCW    0         /* x87 control word, 16 bits */
#define FXSAVE_MXCSR  24        /* SSE control and status, 32 bits */

/* The state a new program starts with: all exceptions masked, round to
 * nearest, empty registers. */
void hal_fpu_init(struct hal_fpu *f)
{
    memset(f, 0, sizeof(*f));
    uint16_t fcw = 0x37f;
    uint32_t mxcsr = 0x1f80;
    memcpy(f->area + FXSAVE_FCW, &fcw, sizeof(fcw));
    memcpy(f->area + FXSAVE_MXCSR, &mxcsr, sizeof(mxcsr));
}

#define FXSAVE_MXCSR_MASK 28    /* MXCSR bits this CPU supports */

static uint32_t mxcsr_mask;

void hal_fpu_save(struct hal_fpu *f)
{
    __asm__ volatile("fxsave64 %0" : "=m"(*f));
}

/* Learn which MXCSR bits may be set (0 in the image means the default). */
void fpu_probe(void)
{
    static struct hal_fpu probe;
    hal_fpu_save(&probe);
    memcpy(&mxcsr_mask, probe.area + FXSAVE_MXCSR_MASK, sizeof(mxcsr_mask));
    if (mxcsr_mask == 0)
        mxcsr_mask = 0xffbf;
}

/*
 * Load f into the FPU.  An image with unsupported MXCSR bits (one the
 * kernel took back from user memory, say) would fault in fxrstor, so it
 * is loaded with those bits cleared instead.
 */
void hal_fpu_restore(const struct hal_fpu *f)
{
    uint32_t mxcsr;
    memcpy(&mxcsr, f->area + FXSAVE_MXCSR, sizeof(mxcsr));
    if (mxcsr & ~mxcsr_mask) {
        static struct hal_fpu fixed;
        fixed = *f;
        mxcsr &= mxcsr_mask;
        memcpy(fixed.area + FXSAVE_MXCSR, &mxcsr, sizeof(mxcsr));
        f = &fixed;
    }
    __asm__ volatile("fxrstor64 %0" : : "m"(*f));
}
