/*
 * proc.h - a process.
 *
 * One kernel thread per process (its kernel stack and saved context), one
 * user address space (struct vm), its descriptors and signals.  The kernel
 * is uniprocessor with interrupts off in kernel mode, so fields need no
 * lock: only the running process and interrupt-free kernel code touch them.
 */
#ifndef GUEST_PROC_H
#define GUEST_PROC_H

#include "defs.h"

#define NPROC        64          /* process table size: the fork-bomb bound */
#define KSTACK_SIZE  (16 * 1024)
#define PROC_NAME    16

enum proc_state { P_UNUSED, P_EMBRYO, P_RUNNABLE, P_RUNNING, P_SLEEPING, P_ZOMBIE };

struct proc {
    enum proc_state state;
    int pid, ppid, pgid;
    char name[PROC_NAME];        /* the program's base name */

    /* scheduling */
    struct hal_context *context; /* where hal_switch() resumes it */
    void *kstack;                /* KSTACK_SIZE bytes, kmalloc'd */
    struct trapframe *tf;        /* the user frame on its kernel stack */
    struct hal_fpu fpu;          /* saved user FPU/SSE state */
    void *chan;                  /* what it sleeps on (P_SLEEPING) */
    uint64_t wake_at;            /* sleep_until deadline, 0 if none */
    uint64_t slice_end;          /* preempted after this (hal_time_ns) */
    uint64_t cpu_ns;             /* run time so far */
    uint64_t start_ns;           /* when it was created */

    /* memory */
    struct vm *vm;
    uint64_t brk_start, brk;     /* the heap: [brk_start, brk) */

    /* exit */
    int exit_status;             /* W_EXITCODE encoded */

    /* signals */
    uint64_t sig_pending;        /* bit (sig-1) */
    uint64_t sig_blocked;
    struct uapi_sigaction sig_action[NSIG];

    /* files (owned by file.c) */
    struct file *ofile[UAPI_OPEN_MAX];
    uint32_t cloexec;            /* bit fd: close on exec */
    struct inode *cwd;
};

extern struct proc proc_table[NPROC];

#endif
