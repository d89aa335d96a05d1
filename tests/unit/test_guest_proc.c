/*
 * test_guest_proc.c - the guest kernel's process side (proc.c, signal.c,
 * timer.c, trap.c, syscall.c, sysproc.c, exec.c) on a simulated machine
 * (guest_proc_sim.c): each case boots the kernel with a "user program"
 * as init, in a forked host process so the kernel's state starts fresh,
 * and ends with init's poweroff(code).
 */
#include <stdint.h>
#include "unit.h"
#include "guest_proc_sim.h"
#include "ksignal.h"
#include "vm.h"

static char *const init_args[] = { "init", "-s", "two words", NULL };

/* ---- scenarios ------------------------------------------------------------ */

/* init sees argc, argv and envp laid out as the ABI says. */
static void
prog_args(void)
{
    struct trapframe *tf = utf();
    uint64_t sp = tf->rsp, argc, p0, p1, p2, nul, env0;
    char s[64];

    UCHECK(sp % 16 == 0);
    UCHECK(copyin(&argc, sp, 8) == 0 && argc == 3);
    UCHECK(copyin(&p0, sp + 8, 8) == 0 && copyinstr(s, p0, sizeof(s)) >= 0 &&
           strcmp(s, "init") == 0);
    UCHECK(copyin(&p1, sp + 16, 8) == 0 && copyinstr(s, p1, sizeof(s)) >= 0 &&
           strcmp(s, "-s") == 0);
    UCHECK(copyin(&p2, sp + 24, 8) == 0 && copyinstr(s, p2, sizeof(s)) >= 0 &&
           strcmp(s, "two words") == 0);
    UCHECK(copyin(&nul, sp + 32, 8) == 0 && nul == 0);
    UCHECK(copyin(&env0, sp + 40, 8) == 0 && copyinstr(s, env0, sizeof(s)) >= 0 &&
           strncmp(s, "PATH=", 5) == 0);
    /* the data segment's file bytes and its zero bss */
    UCHECK(copyinstr(s, 0x600000, sizeof(s)) == 15 && strcmp(s, "DATA-SEGMENT-OK") == 0);
    UCHECK(copyin(&nul, 0x602ff8, 8) == 0 && nul == 0);
    UCHECK(usys(SYS_getpid, 0, 0, 0) == 1);
    UCHECK(usys(SYS_getppid, 0, 0, 0) == 0);
    UCHECK(strcmp(myproc()->name, "init") == 0);
    /* the heap starts on the page after the data segment */
    UCHECK(usys(SYS_brk, 0, 0, 0) == 0x603000);
    upoweroff(7);
}

static void
test_init_args(void)
{
    CHECK(run_sim(prog_args, init_args, 7));
}

static void
child_exit_42(void)
{
    UCHECK(utf()->rax == 0);            /* fork returns 0 in the child */
    uexit(42);
}
static void child_exit_0(void) { uexit(0); }

/* fork, exit and wait: statuses, ECHILD, WNOHANG, the child's rax 0. */
static void
prog_fork_wait(void)
{
    int st = -1;
    long c1, c2, r;

    c1 = ufork(child_exit_42);
    UCHECK(c1 > 1);
    c2 = ufork(child_exit_0);
    UCHECK(c2 > c1);
    r = uwait((int)c1, &st, 0);
    UCHECK(r == c1 && st == W_EXITCODE(42, 0));
    r = uwait(-1, &st, 0);
    UCHECK(r == c2 && st == 0);
    UCHECK(uwait(-1, &st, 0) == -ECHILD);
    UCHECK(uwait(-1, &st, WNOHANG) == -ECHILD);
    UCHECK(uwait(-1, &st, 0x100) == -EINVAL);
    UCHECK(files_forks == 2 && files_exits == 2);
    upoweroff(0);
}

static void
test_fork_wait(void)
{
    CHECK(run_sim(prog_fork_wait, init_args, 0));
}

static void
child_spin_then_exit(void)
{
    spin(30000000);                     /* 30 ms: preempted a few times */
    uexit(5);
}

/* WNOHANG with a running child returns 0; the parent then blocks until
 * the child (preempted by the timer) exits. */
static void
prog_wnohang(void)
{
    int st;
    long c = ufork(child_spin_then_exit);

    UCHECK(uwait((int)c, &st, WNOHANG) == 0);
    UCHECK(uwait((int)c, &st, 0) == c && st == W_EXITCODE(5, 0));
    upoweroff(0);
}

static void
test_wnohang_and_preemption(void)
{
    CHECK(run_sim(prog_wnohang, init_args, 0));
}

static void child_sleep_forever(void)
{
    for (;;)
        unanosleep(1000000000ull * 3600, NULL);
}

/* The process table bounds fork: EAGAIN when full, then all reaped. */
static void
prog_fork_bomb(void)
{
    long pids[NPROC], r;
    int n = 0, st;

    for (;;) {
        r = ufork(child_sleep_forever);
        if (r < 0)
            break;
        pids[n++] = r;
    }
    UCHECK(r == -EAGAIN);
    UCHECK(n == NPROC - 1);
    for (int i = 0; i < n; i++)
        UCHECK(usys(SYS_kill, (uint64_t)pids[i], SIGKILL, 0) == 0);
    for (int i = 0; i < n; i++) {
        r = uwait(-1, &st, 0);
        UCHECK(r > 0 && st == W_EXITCODE(0, SIGKILL));
    }
    UCHECK(uwait(-1, &st, WNOHANG) == -ECHILD);
    r = ufork(child_exit_0);
    UCHECK(r > 0);
    UCHECK(uwait((int)r, &st, 0) == r);
    upoweroff(0);
}

static void
test_fork_bomb(void)
{
    CHECK(run_sim(prog_fork_bomb, init_args, 0));
}

static void grandchild(void) { spin(20000000); uexit(9); }

static void
child_orphaner(void)
{
    UCHECK(ufork(grandchild) > 0);
    uexit(1);
}

/* An orphan is reparented to init, which reaps it. */
static void
prog_orphan(void)
{
    int st, seen9 = 0, seen1 = 0;
    long r;

    ufork(child_orphaner);
    while ((r = uwait(-1, &st, 0)) > 0) {
        if (st == W_EXITCODE(9, 0))
            seen9++;
        if (st == W_EXITCODE(1, 0))
            seen1++;
    }
    UCHECK(r == -ECHILD && seen9 == 1 && seen1 == 1);
    upoweroff(0);
}

static void
test_orphans_go_to_init(void)
{
    CHECK(run_sim(prog_orphan, init_args, 0));
}

static int handled_count;
static uint64_t handled_mask_inside;

static void
handler_usr1(void)
{
    handled_count++;
    UCHECK(handler_sig == SIGUSR1);
    UCHECK((handler_rsp + 8) % 16 == 0);
    handled_mask_inside = myproc()->sig_blocked;
    /* scribble over registers and FPU: sigreturn must restore them */
    utf()->rbx = 0xdead;
    utf()->r12 = 0xbeef;
    live_fpu[200] = 0x55;
    usys(SYS_getpid, 0, 0, 0);
}

/* A caught signal runs the handler on the user stack and sigreturn puts
 * every register, the mask and the FPU back. */
static void
prog_handler(void)
{
    struct trapframe *tf = utf();
    long r;

    UCHECK(usigaction(SIGUSR1, handler_usr1, SIGBIT(SIGUSR2)) == 0);
    tf->rbx = 0x1111;
    tf->r12 = 0x2222;
    tf->r11 = 0x3333;
    tf->rcx = 0x4444;
    live_fpu[200] = 0x77;
    r = usys(SYS_kill, 1, SIGUSR1, 0);   /* to itself */
    tf = utf();
    UCHECK(r == 0);
    UCHECK(handled_count == 1);
    UCHECK(handled_mask_inside == (SIGBIT(SIGUSR1) | SIGBIT(SIGUSR2)));
    UCHECK(myproc()->sig_blocked == 0);
    UCHECK(tf->rbx == 0x1111 && tf->r12 == 0x2222 && tf->r11 == 0x3333 &&
           tf->rcx == 0x4444);
    UCHECK(live_fpu[200] == 0x77);
    /* SIG_IGN drops it; SIGKILL cannot be caught or ignored */
    UCHECK(usigaction(SIGUSR1, (void (*)(void))1, 0) == 0);
    UCHECK(usys(SYS_kill, 1, SIGUSR1, 0) == 0 && handled_count == 1);
    UCHECK(usigaction(SIGKILL, handler_usr1, 0) == -EINVAL);
    UCHECK(usigaction(SIGSTOP, (void (*)(void))1, 0) == -EINVAL);
    UCHECK(usigaction(0, handler_usr1, 0) == -EINVAL);
    UCHECK(usigaction(NSIG, handler_usr1, 0) == -EINVAL);
    UCHECK(usys(SYS_kill, 1, NSIG, 0) == -EINVAL);
    UCHECK(usys(SYS_kill, 999, SIGUSR1, 0) == -ESRCH);
    UCHECK(usys(SYS_kill, (uint64_t)(int64_t)INT32_MIN, SIGUSR1, 0) == -ESRCH);
    upoweroff(0);
}

static void
test_signal_handler(void)
{
    CHECK(run_sim(prog_handler, init_args, 0));
}

static void
handler_bad_frame(void)
{
    uint64_t bad = 0xffff800000000000ull;

    /* point the saved rip at the kernel: sigreturn must refuse it */
    UCHECK(copyout(utf()->rsp + 144, &bad, 8) == 0);   /* the saved rip */
}

static void
child_bad_sigreturn(void)
{
    usigaction(SIGUSR1, handler_bad_frame, 0);
    usys(SYS_kill, (uint64_t)usys(SYS_getpid, 0, 0, 0), SIGUSR1, 0);
    uexit(0);                           /* not reached */
}

static void
child_segv(void)
{
    utf()->fault_addr = 0x10;
    utf()->error = PF_USER;
    utrap(T_PAGE);
    uexit(0);                           /* not reached */
}

static void
child_fpe(void)
{
    utrap(T_DIVIDE);
    uexit(0);
}

static void
child_oom(void)
{
    sim_fault_enomem = true;
    utf()->fault_addr = 0x600000;
    utf()->error = PF_USER | PF_WRITE;
    utrap(T_PAGE);
    uexit(0);
}

static int segv_handled;

static void
handler_segv(void)
{
    segv_handled++;
    /* "fix" the fault: skip the faulting instruction */
    uexit(77);
}

static void
child_segv_caught(void)
{
    usigaction(SIGSEGV, handler_segv, 0);
    utf()->fault_addr = 0x10;
    utf()->error = PF_USER;
    utrap(T_PAGE);
    uexit(0);
}

/* Faults kill the process with the right signal and a report line; the
 * kernel survives.  A forged sigreturn frame is a SIGSEGV too. */
static void
prog_faults(void)
{
    int st;
    long c;

    c = ufork(child_segv);
    UCHECK(uwait((int)c, &st, 0) == c && st == W_EXITCODE(0, SIGSEGV));
    c = ufork(child_fpe);
    UCHECK(uwait((int)c, &st, 0) == c && st == W_EXITCODE(0, SIGFPE));
    c = ufork(child_bad_sigreturn);
    UCHECK(uwait((int)c, &st, 0) == c && st == W_EXITCODE(0, SIGSEGV));
    c = ufork(child_oom);
    UCHECK(uwait((int)c, &st, 0) == c && st == W_EXITCODE(0, SIGKILL));
    c = ufork(child_segv_caught);
    UCHECK(uwait((int)c, &st, 0) == c && st == W_EXITCODE(77, 0));
    UCHECK(strstr(sim_log, "killed by signal 11") != NULL);
    UCHECK(strstr(sim_log, "killed by signal 8") != NULL);
    UCHECK(strstr(sim_log, "out of memory") != NULL);
    upoweroff(0);
}

static void
test_faults(void)
{
    CHECK(run_sim(prog_faults, init_args, 0));
}

static void handler_noop(void) { }

static void
child_sleeper(void)
{
    struct uapi_timespec rem;

    usigaction(SIGUSR2, handler_noop, 0);
    UCHECK(unanosleep(5000000000ull, &rem) == -EINTR);
    UCHECK(rem.tv_sec >= 3 && rem.tv_sec <= 4);
    uexit(3);
}

/* nanosleep sleeps as long as asked (time jumps while idle) and a signal
 * cuts it short with the rest in rem. */
static void
prog_sleep(void)
{
    uint64_t t0 = sim_now;
    int st;
    long c;

    UCHECK(unanosleep(250000000, NULL) == 0);
    UCHECK(sim_now - t0 >= 250000000 && sim_now - t0 < 260000000);
    c = ufork(child_sleeper);
    UCHECK(unanosleep(1000000000, NULL) == 0);        /* let it fall asleep */
    UCHECK(usys(SYS_kill, (uint64_t)c, SIGUSR2, 0) == 0);
    UCHECK(uwait((int)c, &st, 0) == c && st == W_EXITCODE(3, 0));
    upoweroff(0);
}

static void
test_nanosleep(void)
{
    CHECK(run_sim(prog_sleep, init_args, 0));
}

static void
handler_chld(void)
{
    handled_count++;
}

static void child_late(void) { unanosleep(100000000, NULL); uexit(4); }

/* A caught SIGCHLD interrupts waitpid's sleep, but the zombie that sent
 * it is still found. */
static void
prog_wait_sigchld(void)
{
    int st;
    long c;

    usigaction(SIGCHLD, handler_chld, 0);
    c = ufork(child_late);
    UCHECK(uwait((int)c, &st, 0) == c && st == W_EXITCODE(4, 0));
    UCHECK(handled_count == 1);
    upoweroff(0);
}

static void
test_wait_with_sigchld_handler(void)
{
    CHECK(run_sim(prog_wait_sigchld, init_args, 0));
}

static void
prog_exec_target(void)
{
    uint64_t sp = utf()->rsp, argc, p1;
    char s[32];

    UCHECK(copyin(&argc, sp, 8) == 0 && argc == 2);
    UCHECK(copyin(&p1, sp + 16, 8) == 0 && copyinstr(s, p1, sizeof(s)) == 5 &&
           strcmp(s, "hello") == 0);
    UCHECK(strcmp(myproc()->name, "target") == 0);
    UCHECK(myproc()->sig_action[SIGUSR1].handler == 0);      /* reset */
    UCHECK(myproc()->sig_action[SIGUSR2].handler == SIG_IGN_VALUE);   /* kept */
    uexit(11);
}

static void
child_exec(void)
{
    uint64_t base = utf()->rsp - 16384;
    uint64_t argv[3], s0 = base + 256, s1 = base + 300, path = base + 400;

    usigaction(SIGUSR1, handler_noop, 0);
    usigaction(SIGUSR2, (void (*)(void))1, 0);
    UCHECK(copyout(s0, "target", 7) == 0);
    UCHECK(copyout(s1, "hello", 6) == 0);
    argv[0] = s0; argv[1] = s1; argv[2] = 0;
    UCHECK(copyout(base, argv, sizeof(argv)) == 0);
    /* failures leave the program intact */
    UCHECK(copyout(path, "/bin/none", 10) == 0);
    UCHECK(usys(SYS_execve, path, base, 0) == -ENOENT);
    UCHECK(copyout(path, "/bin/garbage", 13) == 0);
    UCHECK(usys(SYS_execve, path, base, 0) == -ENOEXEC);
    UCHECK(usys(SYS_execve, 0x10, base, 0) == -EFAULT);
    UCHECK(usys(SYS_execve, path, 0x10, 0) == -EFAULT);
    UCHECK(copyout(path, "/bin/target", 12) == 0);
    usys(SYS_execve, path, base, 0);
    UCHECK(0);                          /* not reached */
    uexit(0);
}

/* execve: errors return to the caller; success runs the new program with
 * its arguments and resets caught signals. */
static void
prog_exec(void)
{
    int st;
    long c;

    add_program("/bin/target", prog_exec_target);
    c = ufork(child_exec);
    UCHECK(uwait((int)c, &st, 0) == c && st == W_EXITCODE(11, 0));
    upoweroff(0);
}

static void
test_exec(void)
{
    CHECK(run_sim(prog_exec, init_args, 0));
}

/* brk grows and shrinks within its limit; mmap/munmap check arguments. */
static void
prog_memory(void)
{
    uint64_t b0 = (uint64_t)usys(SYS_brk, 0, 0, 0), v;
    long a;

    UCHECK(usys(SYS_brk, b0 + 10000, 0, 0) == (long)(b0 + 10000));
    v = 0x1234;
    UCHECK(copyout(b0 + 9000, &v, 8) == 0);
    UCHECK(usys(SYS_brk, b0 + 100, 0, 0) == (long)(b0 + 100));
    UCHECK(copyout(b0 + 9000, &v, 8) == -EFAULT);
    UCHECK(usys(SYS_brk, b0 + (65ul << 20), 0, 0) == (long)(b0 + 100));
    UCHECK(usys(SYS_brk, b0 - 4096, 0, 0) == (long)(b0 + 100));

    /* anonymous private mappings only */
    UCHECK(usys6(SYS_mmap, 0, 8192, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                 (uint64_t)-1, 0) == -EINVAL);
    UCHECK(usys6(SYS_mmap, 0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, 3, 0) == -ENODEV);
    UCHECK(usys6(SYS_mmap, 0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, 0, 0) == -EINVAL);
    UCHECK(usys6(SYS_mmap, 0, 4096, 0x80, MAP_PRIVATE | MAP_ANONYMOUS, 0, 0) == -EINVAL);
    a = usys6(SYS_mmap, 0, 5000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
              (uint64_t)-1, 0);
    UCHECK(a >= (long)VM_MMAP_BASE && a % 4096 == 0);
    UCHECK(copyout((uint64_t)a + 8000, &v, 8) == 0);          /* rounded up to 2 pages */
    UCHECK(usys(SYS_munmap, (uint64_t)a + 1, 4096, 0) == -EINVAL);
    UCHECK(usys(SYS_munmap, (uint64_t)a, 8192, 0) == 0);
    UCHECK(copyout((uint64_t)a, &v, 8) == -EFAULT);
    /* MAP_FIXED replaces; never at the NULL page or past user space */
    UCHECK(usys6(SYS_mmap, 0x700000, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                 0, 0) == 0x700000);
    UCHECK(copyout(0x700000, &v, 8) == -EFAULT);              /* read-only */
    UCHECK(usys6(SYS_mmap, 0x700000, 4096, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0, 0) == 0x700000);
    UCHECK(copyout(0x700000, &v, 8) == 0);
    UCHECK(usys6(SYS_mmap, 0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                 0, 0) == -EINVAL);
    UCHECK(usys6(SYS_mmap, USER_TOP - 4096, 8192, PROT_READ,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0, 0) == -EINVAL);
    /* brk cannot grow into another mapping */
    UCHECK(usys6(SYS_mmap, PAGE_ROUND_UP(b0 + 100) + 8192, 4096, PROT_READ,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0, 0) > 0);
    UCHECK(usys(SYS_brk, b0 + 20000, 0, 0) == (long)(b0 + 100));
    /* clocks */
    UCHECK(usys(SYS_clock_gettime, CLOCK_MONOTONIC, utf()->rsp - 4096, 0) == 0);
    UCHECK(usys(SYS_clock_gettime, 99, utf()->rsp - 4096, 0) == -EINVAL);
    UCHECK(usys(SYS_clock_gettime, CLOCK_REALTIME, 0x10, 0) == -EFAULT);
    UCHECK(usys(63, 0, 0, 0) == -ENOSYS);
    UCHECK(usys(1000, 0, 0, 0) == -ENOSYS);
    upoweroff(0);
}

static void
test_memory(void)
{
    CHECK(run_sim(prog_memory, init_args, 0));
}

static char order[128];
static int norder;

static void
spinner(char tag)
{
    for (int i = 0; i < 30; i++) {
        spin(1000000);                  /* 1 ms of user work */
        order[norder++] = tag;
    }
    uexit(0);
}

static void spinner_a(void) { spinner('a'); }
static void spinner_b(void) { spinner('b'); }

/* Two CPU-bound processes share the CPU in 10 ms slices. */
static void
prog_round_robin(void)
{
    int st, runs = 1;

    ufork(spinner_a);
    ufork(spinner_b);
    UCHECK(uwait(-1, &st, 0) > 0);
    UCHECK(uwait(-1, &st, 0) > 0);
    UCHECK(norder == 60);
    for (int i = 1; i < norder; i++)
        if (order[i] != order[i - 1])
            runs++;
    /* 30 ms each in 10 ms slices: about six alternations */
    UCHECK(runs >= 4 && runs <= 8);
    /* the timer is set about once per slice, not on every switch */
    UCHECK(sim_timer_sets <= 2 * runs + 4);
    upoweroff(0);
}

static void
test_round_robin(void)
{
    CHECK(run_sim(prog_round_robin, init_args, 0));
}

static void
child_group_member(void)
{
    for (;;)
        unanosleep(1000000000, NULL);
}

static void
child_group_leader(void)
{
    UCHECK(usys(SYS_setpgid, 0, 0, 0) == 0);
    UCHECK(usys(SYS_getpgrp, 0, 0, 0) == usys(SYS_getpid, 0, 0, 0));
    ufork(child_group_member);
    ufork(child_group_member);
    for (;;)
        unanosleep(1000000000, NULL);
}

static int usr1_seen;
static void handler_count_usr1(void) { usr1_seen++; }

/* kill(-pgid) reaches the whole group; a blocked signal waits for the
 * unblock; setpgid only works on oneself and one's children. */
static void
prog_groups_and_mask(void)
{
    int st, n = 0;
    long leader;
    uint64_t set = SIGBIT(SIGUSR1), uset = utf()->rsp - 4096;

    leader = ufork(child_group_leader);
    UCHECK(unanosleep(100000000, NULL) == 0);          /* let them start */
    UCHECK(usys(SYS_setpgid, 999, 0, 0) == -ESRCH);
    UCHECK(usys(SYS_kill, (uint64_t)-leader, SIGTERM, 0) == 0);
    while (uwait(-1, &st, 0) > 0) {
        UCHECK(st == W_EXITCODE(0, SIGTERM));
        n++;
    }
    UCHECK(n == 3);
    UCHECK(usys(SYS_kill, (uint64_t)-leader, SIGTERM, 0) == -ESRCH);

    UCHECK(usigaction(SIGUSR1, handler_count_usr1, 0) == 0);
    UCHECK(copyout(uset, &set, 8) == 0);
    UCHECK(usys(SYS_sigprocmask, SIG_BLOCK, uset, 0) == 0);
    UCHECK(usys(SYS_kill, 1, SIGUSR1, 0) == 0);
    UCHECK(usr1_seen == 0);
    UCHECK(usys(SYS_sigprocmask, SIG_UNBLOCK, uset, 0) == 0);
    UCHECK(usr1_seen == 1);
    UCHECK(usys(SYS_sigprocmask, 7, uset, 0) == -EINVAL);
    /* SIGKILL cannot be blocked */
    set = SIGBIT(SIGKILL);
    UCHECK(copyout(uset, &set, 8) == 0);
    UCHECK(usys(SYS_sigprocmask, SIG_SETMASK, uset, 0) == 0);
    UCHECK(myproc()->sig_blocked == 0);
    upoweroff(0);
}

static void
test_groups_and_mask(void)
{
    CHECK(run_sim(prog_groups_and_mask, init_args, 0));
}

static void
child_poweroff(void)
{
    UCHECK(usys(SYS_poweroff, 0, 0, 0) == -EPERM);
    /* init survives the signals it does not catch */
    UCHECK(usys(SYS_kill, 1, SIGKILL, 0) == 0);
    UCHECK(usys(SYS_kill, 1, SIGTERM, 0) == 0);
    /* its group is init's: init survives, the child does not */
    usys(SYS_kill, 0, SIGINT, 0);
    UCHECK(0);                          /* not reached */
    uexit(0);
}

static void
prog_child_poweroff(void)
{
    int st;
    long c = ufork(child_poweroff);

    UCHECK(uwait((int)c, &st, 0) == c && st == W_EXITCODE(0, SIGINT));
    upoweroff(0);
}

static void
test_init_privileges(void)
{
    CHECK(run_sim(prog_child_poweroff, init_args, 0));
}

static const struct unit_case cases[] = {
    UNIT_CASE(test_init_args),
    UNIT_CASE(test_fork_wait),
    UNIT_CASE(test_wnohang_and_preemption),
    UNIT_CASE(test_fork_bomb),
    UNIT_CASE(test_orphans_go_to_init),
    UNIT_CASE(test_signal_handler),
    UNIT_CASE(test_faults),
    UNIT_CASE(test_nanosleep),
    UNIT_CASE(test_wait_with_sigchld_handler),
    UNIT_CASE(test_exec),
    UNIT_CASE(test_memory),
    UNIT_CASE(test_round_robin),
    UNIT_CASE(test_groups_and_mask),
    UNIT_CASE(test_init_privileges),
};

int
main(void)
{
    return unit_run(cases, UNIT_COUNT(cases));
}
