/*
 * guest_proc_sim.h - the simulated machine of guest_proc_sim.c: what the
 * scenarios in test_guest_proc.c use to run "user programs" on the real
 * process code of the guest kernel.
 */
#ifndef GUEST_PROC_SIM_H
#define GUEST_PROC_SIM_H

#include <stdio.h>
#include "kproc.h"

/* A check inside the simulation (user code, in a forked host process):
 * prints the failure and makes run_sim() report it. */
#define UCHECK(c) do { \
        if (!(c)) { \
            printf("    sim check failed: %s:%d: %s\n", __FILE__, __LINE__, #c); \
            sim_failed = 1; \
        } \
    } while (0)

extern int sim_failed;
extern uint64_t sim_now;                /* the clock, ns */
extern int sim_timer_sets;              /* hal_timer_set calls */
extern char sim_log[1 << 16];           /* everything printk'd */
extern uint8_t live_fpu[512];           /* the "CPU's" FPU registers */
extern bool sim_fault_enomem;           /* the next vm_fault gives -ENOMEM */
extern int files_forks, files_exits, files_execs;
extern int handler_sig;                 /* the running handler's argument */
extern uint64_t handler_rsp;            /* and its rsp at entry */

/*
 * Boot the kernel with init running prog (argv as given) in a forked host
 * process.  True if init powered off with code want and no UCHECK failed
 * (otherwise the kernel log is printed).
 */
bool run_sim(void (*prog)(void), char *const *argv, int want);

/* Make path an executable that runs prog (for execve). */
void add_program(const char *path, void (*prog)(void));

/* User mode.  The running process's trapframe, as user code sees it. */
struct trapframe *utf(void);
/* Enter the kernel with vector v (T_PAGE, T_DIVIDE, ...) and follow it
 * (handlers, exec) until it returns to the same place. */
void utrap(uint64_t v);
long usys6(uint64_t num, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
           uint64_t a4, uint64_t a5);
long usys(uint64_t num, uint64_t a0, uint64_t a1, uint64_t a2);
/* ns of user computation; a timer that comes due interrupts it. */
void spin(uint64_t ns);
void uexit(int code) __attribute__((noreturn));
/* fork: the child runs child(), which must exit. */
long ufork(void (*child)(void));
/* waitpid with the status word in user memory. */
long uwait(int pid, int *status, int options);
/* sigaction; handler NULL: SIG_DFL, (void (*)(void))1: SIG_IGN. */
long usigaction(int sig, void (*handler)(void), uint64_t mask);
long unanosleep(uint64_t ns, struct uapi_timespec *rem);
void upoweroff(int code) __attribute__((noreturn));

#endif
