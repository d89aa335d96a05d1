/*
 * sysproc.c - the system calls that are not about files: processes,
 * signals, memory, time and power.
 *
 * Each handler decodes its raw arguments, checks them, copies user data
 * in before acting (and checks that results can be copied out before
 * anything irreversible where it matters), then acts.  User pointers are
 * only touched through copyin/copyout/copyinstr.
 */
#include <limits.h>
#include "kproc.h"
#include "ksignal.h"
#include "sysproc.h"
#include "vm.h"

#define BRK_LIMIT   (64ul * 1024 * 1024)     /* the heap's largest size */
#define MMAP_MIN    0x10000ul                /* MAP_FIXED never maps NULL's page */
#define NS_PER_SEC  1000000000ull

long
sys_exit(struct sysargs *a)
{
    proc_exit(W_EXITCODE((int)a->a[0], 0));
}

long
sys_fork(struct sysargs *a)
{
    (void)a;
    return proc_fork();
}

/* ---- execve: copying argv and envp in ---------------------------------- */

/*
 * The strings of argv and envp, copied into one kmalloc'd buffer that
 * starts at a page and doubles as needed (most execs need one page; a big
 * contiguous block is asked for only when the arguments are big).  At
 * most UAPI_ARG_MAX bytes, the pointer arrays exec will need included.
 */
struct argbuf {
    char *buf;
    size_t cap;         /* bytes allocated */
    size_t used;        /* bytes of packed NUL-terminated strings */
    size_t nstr;        /* strings so far */
};

#define ALIGN8(x) (((x) + 7) & ~(size_t)7)

/* Grow ab to at least want bytes (at most UAPI_ARG_MAX): 0, -E2BIG or
 * -ENOMEM. */
static int
argbuf_grow(struct argbuf *ab, size_t want)
{
    size_t cap = ab->cap ? ab->cap : PAGE_SIZE;
    char *nb;

    while (cap < want)
        cap *= 2;
    if (cap > UAPI_ARG_MAX)
        cap = UAPI_ARG_MAX;
    if (cap < want || cap == ab->cap)
        return -E2BIG;
    nb = kmalloc(cap);
    if (nb == NULL)
        return -ENOMEM;
    if (ab->used > 0)
        memcpy(nb, ab->buf, ab->used);
    kfree(ab->buf);
    ab->buf = nb;
    ab->cap = cap;
    return 0;
}

/* True if ab plus the two NULL-terminated pointer arrays for its strings
 * stay within UAPI_ARG_MAX. */
static bool
argbuf_within_limit(const struct argbuf *ab)
{
    return ALIGN8(ab->used) + (ab->nstr + 2) * sizeof(char *) <= UAPI_ARG_MAX;
}

/*
 * Append the strings of the NULL-terminated user array uvec (0 means an
 * empty array) to ab; *count gets how many.  0, -EFAULT, -E2BIG or
 * -ENOMEM.
 */
static long
argbuf_add_vector(struct argbuf *ab, uint64_t uvec, size_t *count)
{
    *count = 0;
    if (uvec == 0)
        return 0;
    for (;;) {
        uint64_t ustr;
        long n;

        if (copyin(&ustr, uvec + *count * sizeof(uint64_t), sizeof(ustr)) < 0)
            return -EFAULT;
        if (ustr == 0)
            return 0;
        /* A string longer than the room left: grow and copy it again. */
        for (;;) {
            n = copyinstr(ab->buf + ab->used, ustr, ab->cap - ab->used);
            if (n != -ENAMETOOLONG)
                break;
            n = argbuf_grow(ab, ab->cap * 2);
            if (n < 0)
                return n;
        }
        if (n < 0)
            return n;
        ab->used += (size_t)n + 1;
        ab->nstr++;
        (*count)++;
        if (!argbuf_within_limit(ab))
            return -E2BIG;
    }
}

/* Point vec[0..n-1] at the n packed strings from *s on; vec[n] = NULL. */
static char *
argbuf_fill(char **vec, char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        vec[i] = s;
        s += strlen(s) + 1;
    }
    vec[n] = NULL;
    return s;
}

/*
 * execve(path, argv, envp): replace the program.  On success the frame
 * is the new program's entry state and the result (rax) is 0; on failure
 * the caller's program is untouched and gets the error.
 */
long
sys_execve(struct sysargs *a)
{
    char path[UAPI_PATH_MAX];
    struct argbuf ab = { NULL, 0, 0, 0 };
    size_t argc, envc, off;
    char **argv, **envp, *s;
    long err;

    err = copyinstr(path, a->a[0], sizeof(path));
    if (err < 0)
        return err;
    err = argbuf_grow(&ab, PAGE_SIZE);
    if (err == 0)
        err = argbuf_add_vector(&ab, a->a[1], &argc);
    if (err == 0)
        err = argbuf_add_vector(&ab, a->a[2], &envc);
    off = ALIGN8(ab.used);
    if (err == 0 && off + (argc + envc + 2) * sizeof(char *) > ab.cap)
        err = argbuf_grow(&ab, off + (argc + envc + 2) * sizeof(char *));
    if (err < 0) {
        kfree(ab.buf);
        return err;
    }
    argv = (char **)(ab.buf + off);
    envp = argv + argc + 1;
    s = argbuf_fill(argv, ab.buf, argc);
    argbuf_fill(envp, s, envc);

    err = exec(path, argv, envp);
    kfree(ab.buf);
    return err;
}

/* ---- waiting and identity ------------------------------------------------ */

long
sys_waitpid(struct sysargs *a)
{
    uint64_t ustatus = a->a[1];
    int status = 0;
    long pid;

    /* Check the status word is writable before a child is reaped, so a
     * bad pointer cannot lose its exit status. */
    if (ustatus != 0 && copyout(ustatus, &status, sizeof(status)) < 0)
        return -EFAULT;
    pid = proc_wait((int)a->a[0], &status, (int)a->a[2]);
    if (pid > 0 && ustatus != 0 && copyout(ustatus, &status, sizeof(status)) < 0)
        return -EFAULT;
    return pid;
}

long
sys_getpid(struct sysargs *a)
{
    (void)a;
    return myproc()->pid;
}

long
sys_getppid(struct sysargs *a)
{
    (void)a;
    return myproc()->ppid;
}

long
sys_setpgid(struct sysargs *a)
{
    struct proc *self = myproc(), *p;
    int pid = (int)a->a[0], pgid = (int)a->a[1];

    if (pgid < 0)
        return -EINVAL;
    p = pid == 0 ? self : proc_find(pid);
    if (p == NULL || p->state == P_ZOMBIE || (p != self && p->ppid != self->pid))
        return -ESRCH;
    if (pgid == 0)
        pgid = p->pid;
    if (pgid != p->pid) {
        /* Joining a group: it must exist. */
        bool exists = false;

        for (struct proc *q = proc_table; q < &proc_table[NPROC]; q++)
            if (q->state != P_UNUSED && q->state != P_ZOMBIE && q->pgid == pgid)
                exists = true;
        if (!exists)
            return -EPERM;
    }
    p->pgid = pgid;
    return 0;
}

long
sys_getpgrp(struct sysargs *a)
{
    (void)a;
    return myproc()->pgid;
}

/* ---- signals ------------------------------------------------------------- */

/*
 * kill(pid, sig): pid > 0 one process, 0 the caller's group, -1 every
 * process but init and the caller, < -1 the group -pid.  Any process may
 * signal any other here (no users).  sig 0 only checks existence.
 */
long
sys_kill(struct sysargs *a)
{
    struct proc *self = myproc();
    int pid = (int)a->a[0], sig = (int)a->a[1];

    if (sig < 0 || sig >= NSIG)
        return -EINVAL;
    if (pid > 0)
        return signal_send(proc_find(pid), sig);
    if (pid == 0)
        return signal_send_group(self->pgid, sig);
    if (pid == -1) {
        bool found = false;

        for (struct proc *p = proc_table; p < &proc_table[NPROC]; p++) {
            if (p->state == P_UNUSED || p->pid == 1 || p == self)
                continue;
            found = true;
            signal_send(p, sig);
        }
        return found ? 0 : -ESRCH;
    }
    if (pid == INT_MIN)                 /* -pid would overflow */
        return -ESRCH;
    return signal_send_group(-pid, sig);
}

long
sys_sigaction(struct sysargs *a)
{
    struct proc *p = myproc();
    int sig = (int)a->a[0];
    struct uapi_sigaction act, old;
    long err;

    if (a->a[1] != 0 && copyin(&act, a->a[1], sizeof(act)) < 0)
        return -EFAULT;
    /* Report the old action before changing anything. */
    err = signal_action(p, sig, NULL, &old);
    if (err < 0)
        return err;
    if (a->a[2] != 0 && copyout(a->a[2], &old, sizeof(old)) < 0)
        return -EFAULT;
    if (a->a[1] == 0)
        return 0;
    return signal_action(p, sig, &act, NULL);
}

long
sys_sigprocmask(struct sysargs *a)
{
    struct proc *p = myproc();
    int how = (int)a->a[0];
    uint64_t set, old = p->sig_blocked;

    if (a->a[1] != 0 && copyin(&set, a->a[1], sizeof(set)) < 0)
        return -EFAULT;
    if (a->a[1] != 0 && how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
        return -EINVAL;
    if (a->a[2] != 0 && copyout(a->a[2], &old, sizeof(old)) < 0)
        return -EFAULT;
    return signal_mask(p, how, a->a[1] != 0 ? &set : NULL, NULL);
}

long
sys_sigreturn(struct sysargs *a)
{
    (void)a;
    return signal_return(myproc()->tf);
}

long
sys_sched_yield(struct sysargs *a)
{
    (void)a;
    yield();
    return 0;
}

/* ---- memory -------------------------------------------------------------- */

/*
 * brk(addr): move the end of the heap [brk_start, brk) to addr and return
 * the new break.  addr 0, an address below the heap's start, a heap over
 * BRK_LIMIT, or growth into another region (vm_map_anon refuses overlap)
 * leave the break where it was and return that.  Pages above a lowered
 * break are freed.
 */
long
sys_brk(struct sysargs *a)
{
    struct proc *p = myproc();
    uint64_t want = a->a[0], old_top, new_top;

    if (want == 0 || want < p->brk_start || want - p->brk_start > BRK_LIMIT)
        return (long)p->brk;
    old_top = PAGE_ROUND_UP(p->brk);
    new_top = PAGE_ROUND_UP(want);
    if (new_top > old_top) {
        if (vm_map_anon(p->vm, old_top, new_top - old_top,
                        HAL_PROT_READ | HAL_PROT_WRITE) < 0)
            return (long)p->brk;
    } else if (new_top < old_top) {
        if (vm_unmap(p->vm, new_top, old_top - new_top) < 0)
            return (long)p->brk;
    }
    p->brk = want;
    return (long)want;
}

static unsigned
prot_to_hal(int prot)
{
    unsigned hp = 0;

    if (prot & PROT_READ)
        hp |= HAL_PROT_READ;
    if (prot & PROT_WRITE)
        hp |= HAL_PROT_WRITE;
    if (prot & PROT_EXEC)
        hp |= HAL_PROT_EXEC;
    return hp;
}

/*
 * mmap(addr, len, prot, flags, fd, off): anonymous private memory only.
 * Without MAP_FIXED the hint is ignored and the kernel picks the place;
 * with it, [addr, addr+len) (page aligned, above 0x10000, in user space)
 * replaces whatever was there.  The address, or -EINVAL, -ENODEV (a file
 * mapping), -ENOMEM.
 */
long
sys_mmap(struct sysargs *a)
{
    struct proc *p = myproc();
    uint64_t addr = a->a[0], len = a->a[1];
    int prot = (int)a->a[2], flags = (int)a->a[3];
    long err;

    if (len == 0 || len > USER_TOP || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)))
        return -EINVAL;
    if (flags & MAP_SHARED)
        return -EINVAL;                 /* no sharing between processes */
    if (!(flags & MAP_ANONYMOUS))
        return -ENODEV;                 /* no file mappings */
    if (!(flags & MAP_PRIVATE))
        return -EINVAL;
    len = PAGE_ROUND_UP(len);
    if (flags & MAP_FIXED) {
        if (addr % PAGE_SIZE || addr < MMAP_MIN || addr >= USER_TOP ||
            len > USER_TOP - addr)
            return -EINVAL;
        err = vm_unmap(p->vm, addr, len);
        if (err < 0)
            return err;
    } else {
        addr = vm_find_free(p->vm, len);
        if (addr == 0)
            return -ENOMEM;
    }
    err = vm_map_anon(p->vm, addr, len, prot_to_hal(prot));
    if (err < 0)
        return err == -EINVAL ? -ENOMEM : err;
    return (long)addr;
}

long
sys_munmap(struct sysargs *a)
{
    uint64_t addr = a->a[0], len = a->a[1];

    if (addr % PAGE_SIZE || len == 0 || addr >= USER_TOP || len > USER_TOP - addr)
        return -EINVAL;
    return vm_unmap(myproc()->vm, addr, len);
}

/* ---- time ---------------------------------------------------------------- */

long
sys_clock_gettime(struct sysargs *a)
{
    struct uapi_timespec ts;
    uint64_t ns;

    switch ((int)a->a[0]) {
    case CLOCK_REALTIME:
        ns = hal_wallclock_ns() + hal_time_ns();
        break;
    case CLOCK_MONOTONIC:
        ns = hal_time_ns();
        break;
    default:
        return -EINVAL;
    }
    ts.tv_sec = (int64_t)(ns / NS_PER_SEC);
    ts.tv_nsec = (int64_t)(ns % NS_PER_SEC);
    if (copyout(a->a[1], &ts, sizeof(ts)) < 0)
        return -EFAULT;
    return 0;
}

/*
 * nanosleep(req, rem): sleep for req.  -EINTR if a signal ends it early,
 * with the time left in *rem (if rem is not NULL).
 */
long
sys_nanosleep(struct sysargs *a)
{
    struct uapi_timespec req, rem;
    uint64_t now, ns, deadline;
    long err;

    if (copyin(&req, a->a[0], sizeof(req)) < 0)
        return -EFAULT;
    if (req.tv_sec < 0 || req.tv_nsec < 0 || req.tv_nsec >= (int64_t)NS_PER_SEC)
        return -EINVAL;
    /* Saturate: a sleep of centuries is a sleep until the end of time. */
    if ((uint64_t)req.tv_sec > (UINT64_MAX - (uint64_t)req.tv_nsec) / NS_PER_SEC)
        ns = UINT64_MAX;
    else
        ns = (uint64_t)req.tv_sec * NS_PER_SEC + (uint64_t)req.tv_nsec;
    now = hal_time_ns();
    deadline = ns > UINT64_MAX - now ? UINT64_MAX : now + ns;
    err = sleep_until(deadline);
    if (err == -EINTR && a->a[1] != 0) {
        now = hal_time_ns();
        ns = deadline > now ? deadline - now : 0;
        rem.tv_sec = (int64_t)(ns / NS_PER_SEC);
        rem.tv_nsec = (int64_t)(ns % NS_PER_SEC);
        if (copyout(a->a[1], &rem, sizeof(rem)) < 0)
            return -EFAULT;
    }
    return err;
}

/* ---- system -------------------------------------------------------------- */

/* poweroff(code): only init may end the machine. */
long
sys_poweroff(struct sysargs *a)
{
    if (myproc()->pid != 1)
        return -EPERM;
    hal_poweroff((int)a->a[0]);
}

long
sys_reboot(struct sysargs *a)
{
    (void)a;
    if (myproc()->pid != 1)
        return -EPERM;
    hal_reboot();
}

long
sys_hal_counters(struct sysargs *a)
{
    struct uapi_hal_counters c;
    int err;

    memset(&c, 0, sizeof(c));
    err = hal_counters(&c);
    if (err < 0)
        return err;
    if (copyout(a->a[0], &c, sizeof(c)) < 0)
        return -EFAULT;
    return 0;
}
