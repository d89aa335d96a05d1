/*
 * timer.c - one hardware one-shot timer for two uses: the end of the
 * running process's time slice and the earliest sleep_until() deadline.
 *
 * Setting the timer can cost a hypervisor entry (PV), so it is only
 * re-armed when the wanted deadline is earlier than the armed one.  A
 * timer that fires early is harmless: timer_tick() checks what is really
 * due and arms the timer again.
 */
#include "kproc.h"

/* The furthest ahead the timer is armed for a sleeper: a far deadline
 * (nanosleep for years) costs a harmless tick now and then instead of a
 * huge count in the backend. */
#define SLEEP_ARM_MAX_NS (1000ull * 1000 * 1000)

/* An armed deadline this far in the past should have fired long ago. */
#define TIMER_OVERDUE_NS (100ull * 1000 * 1000)

static uint64_t armed;      /* deadline in the hardware, 0 if none pending */

/*
 * Recompute the earliest deadline anyone waits for and make sure the
 * timer fires no later than that.  Call after a slice starts or a
 * sleeper's deadline is set.
 */
void
timer_rearm(void)
{
    struct proc *cur = myproc();
    /* A slice already flagged as over needs no more ticks. */
    uint64_t want = cur != NULL && !proc_need_resched ? cur->slice_end : 0;
    uint64_t sleep = 0, now = hal_time_ns();

    for (struct proc *p = proc_table; p < &proc_table[NPROC]; p++)
        if (p->state == P_SLEEPING && p->wake_at != 0 &&
            (sleep == 0 || p->wake_at < sleep))
            sleep = p->wake_at;
    if (sleep != 0) {
        if (sleep > now && sleep - now > SLEEP_ARM_MAX_NS)
            sleep = now + SLEEP_ARM_MAX_NS;
        if (want == 0 || sleep < want)
            want = sleep;
    }
    if (want == 0)
        return;                 /* nothing due; a pending early tick is harmless */
    /* The armed deadline fires in time and the tick re-arms; unless it is
     * long overdue, which means its interrupt was lost: arm again rather
     * than stop preempting and waking sleepers for good. */
    if (armed != 0 && armed <= want && (armed > now || now - armed < TIMER_OVERDUE_NS))
        return;
    armed = want;
    hal_timer_set(want);
}

/*
 * T_TIMER: wake the sleepers whose deadline passed and flag the running
 * process for preemption if its slice is over (it yields on its way back
 * to user mode).  Runs with interrupts off, from a process or from idle.
 */
void
timer_tick(void)
{
    uint64_t now = hal_time_ns();
    struct proc *cur = myproc();

    armed = 0;
    for (struct proc *p = proc_table; p < &proc_table[NPROC]; p++)
        if (p->state == P_SLEEPING && p->wake_at != 0 && p->wake_at <= now)
            p->state = P_RUNNABLE;
    if (cur != NULL && now >= cur->slice_end)
        proc_need_resched = true;
    timer_rearm();
}
