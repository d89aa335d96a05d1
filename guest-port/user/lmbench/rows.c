/*
 * rows.c - the benchmark rows.  Each does n operations and returns the
 * nanoseconds they took, or -1 with bench_skip_reason set.
 */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

const char *bench_skip_reason = "";

static int64_t skip(const char *why)
{
    bench_skip_reason = why;
    return -1;
}

/* Null system call: the cheapest call there is. */
static int64_t row_null_call(long n)
{
    int64_t t0 = now_ns();
    for (long i = 0; i < n; i++)
        getppid();
    return now_ns() - t0;
}

static int64_t io_loop(const char *path, int flags, bool writing, long n)
{
    char c = 0;
    int fd = open(path, flags);
    if (fd < 0)
        return skip(writing ? "cannot open /dev/null" : "cannot open /dev/zero");
    int64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        if ((writing ? write(fd, &c, 1) : read(fd, &c, 1)) != 1) {
            close(fd);
            return skip("1-byte transfer failed");
        }
    }
    int64_t t = now_ns() - t0;
    close(fd);
    return t;
}

/* Null I/O: one byte from /dev/zero, one byte to /dev/null. */
static int64_t row_null_read(long n)
{
    return io_loop("/dev/zero", O_RDONLY, false, n);
}

static int64_t row_null_write(long n)
{
    return io_loop("/dev/null", O_WRONLY, true, n);
}

static int64_t row_stat(long n)
{
    struct stat st;
    int64_t t0 = now_ns();
    for (long i = 0; i < n; i++)
        if (stat(TRUE_PATH, &st) < 0)
            return skip("stat " TRUE_PATH " failed");
    return now_ns() - t0;
}

static int64_t row_open_close(long n)
{
    int64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        int fd = open(TRUE_PATH, O_RDONLY);
        if (fd < 0)
            return skip("open " TRUE_PATH " failed");
        close(fd);
    }
    return now_ns() - t0;
}

/* fork, the child exits at once, the parent waits. */
static int64_t row_fork_exit(long n)
{
    int64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(0);
        if (pid < 0)
            return skip("fork failed");
        waitpid(pid, NULL, 0);
    }
    return now_ns() - t0;
}

/* fork, the child execs /bin/true, the parent waits. */
static int64_t row_fork_exec(long n)
{
    char *argv[] = { "true", NULL };
    int64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            execve(TRUE_PATH, argv, environ);
            _exit(127);
        }
        if (pid < 0)
            return skip("fork failed");
        int status;
        waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            return skip("exec of " TRUE_PATH " failed");
    }
    return now_ns() - t0;
}

/* One byte there and back between two processes: two context switches
 * and four system calls per round trip.  The fork is not timed. */
static int64_t row_pipe_pingpong(long n)
{
    int there[2], back[2];
    char c = 'x';
    if (pipe(there) < 0 || pipe(back) < 0)
        return skip("pipe failed");
    pid_t pid = fork();
    if (pid == 0) {
        close(there[1]);
        close(back[0]);
        while (read(there[0], &c, 1) == 1)
            if (write(back[1], &c, 1) != 1)
                break;
        _exit(0);
    }
    close(there[0]);
    close(back[1]);
    if (pid < 0)
        return skip("fork failed");
    int64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        if (write(there[1], &c, 1) != 1 || read(back[0], &c, 1) != 1) {
            t0 = -1;
            break;
        }
    }
    int64_t t = now_ns() - t0;
    close(there[1]);
    close(back[0]);
    waitpid(pid, NULL, 0);
    return t0 < 0 ? skip("ping-pong broke") : t;
}

/* A write fault on a fresh anonymous page (demand-zero), per page.  Only
 * the touching is timed, in 256 KiB mappings. */
static int64_t row_page_fault(long n)
{
    enum { CHUNK = 64 };
    int64_t total = 0;
    for (long done = 0; done < n; ) {
        long pages = (n - done < CHUNK) ? n - done : CHUNK;
        char *p = mmap(NULL, (size_t)pages * PAGE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            return skip("mmap failed");
        int64_t t0 = now_ns();
        for (long i = 0; i < pages; i++)
            p[i * PAGE] = 1;
        total += now_ns() - t0;
        munmap(p, (size_t)pages * PAGE);
        done += pages;
    }
    return total;
}

static jmp_buf prot_jump;
static volatile char *prot_page;

static void on_segv(int sig)
{
    (void)sig;
    longjmp(prot_jump, 1);
}

/* Protection fault: a write to a PROT_READ page, delivered as SIGSEGV to
 * a handler.  There is no mprotect to fix the page, so the handler
 * longjmps out; one op = fault + signal delivery + longjmp + the
 * sigprocmask call that unblocks SIGSEGV again (instead of sigreturn). */
static int64_t row_prot_fault(long n)
{
    struct sigaction sa, old;
    sigset_t segv;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_segv;
    sigemptyset(&sa.sa_mask);
    sigemptyset(&segv);
    sigaddset(&segv, SIGSEGV);
    prot_page = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (prot_page == MAP_FAILED)
        return skip("mmap PROT_READ failed");
    (void)prot_page[0];                 /* map it now, not in the first fault */
    if (sigaction(SIGSEGV, &sa, &old) < 0) {
        munmap((void *)prot_page, PAGE);
        return skip("sigaction(SIGSEGV) failed");
    }
    volatile long i = 0;
    volatile bool faulted = true;
    int64_t t0 = now_ns();
    for (; i < n; i++) {
        if (setjmp(prot_jump) == 0) {
            prot_page[0] = 1;
            faulted = false;            /* the write went through */
            break;
        }
        sigprocmask(SIG_UNBLOCK, &segv, NULL);
    }
    int64_t t = now_ns() - t0;
    sigaction(SIGSEGV, &old, NULL);
    munmap((void *)prot_page, PAGE);
    if (!faulted)
        return skip("a write to a PROT_READ page did not fault");
    return t;
}

/* mmap 1 MiB, write each of its pages, munmap. */
static int64_t row_mmap_munmap(long n)
{
    enum { LEN = 1 << 20 };
    int64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        char *p = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            return skip("mmap 1 MiB failed");
        for (int off = 0; off < LEN; off += PAGE)
            p[off] = 1;
        munmap(p, LEN);
    }
    return now_ns() - t0;
}

/* A control: pure CPU work, ns per iteration of a multiply-add. */
static int64_t row_cpu_loop(long n)
{
    uint64_t x = 1;
    int64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        __asm__ volatile("" : "+r"(x));
    }
    return now_ns() - t0;
}

size_t mem_bw_bytes = 4 << 20;
static char *bw_src, *bw_dst;

/* Choose the copy size: 4 MiB needs 8 MiB of buffers; in a small domain
 * (less than 16 MiB free) copy 1 MiB instead.  Buffers are touched here,
 * so the timed copies take no page faults. */
void mem_bw_setup(void)
{
    char buf[1024];
    int fd = open("/proc/meminfo", O_RDONLY);
    if (fd >= 0) {
        ssize_t n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        if (n > 0) {
            buf[n] = '\0';
            char *line = strstr(buf, "MemFree");
            if (!line)
                line = strstr(buf, "ree");
            while (line && *line && (*line < '0' || *line > '9'))
                line++;
            long kb = line ? strtol(line, NULL, 10) : -1;
            if (line && strstr(line, "pages") && strstr(line, "pages") < strchr(line, '\n'))
                kb *= PAGE / 1024;
            if (kb >= 0 && kb < 16 * 1024)
                mem_bw_bytes = 1 << 20;
        }
    }
    bw_src = mmap(NULL, mem_bw_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    bw_dst = mmap(NULL, mem_bw_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (bw_src == MAP_FAILED || bw_dst == MAP_FAILED) {
        bw_src = bw_dst = NULL;
        return;
    }
    memset(bw_src, 0x5a, mem_bw_bytes);
    memset(bw_dst, 0, mem_bw_bytes);
}

/* Memory bandwidth: one op copies mem_bw_bytes with memcpy.  The buffers
 * are made at the first call, not before the other rows: 8 MiB resident
 * would make every fork row measure copy-on-write of 2,048 pages. */
static int64_t row_mem_bw(long n)
{
    static bool set_up;
    if (!set_up) {
        mem_bw_setup();
        set_up = true;
    }
    if (!bw_src)
        return skip("no memory for the copy buffers");
    int64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        memcpy(bw_dst, bw_src, mem_bw_bytes);
        __asm__ volatile("" : : "r"(bw_dst) : "memory");
    }
    return now_ns() - t0;
}

const struct row rows[] = {
    { "null_call", row_null_call, "getppid()" },
    { "null_read", row_null_read, "read 1 byte from /dev/zero" },
    { "null_write", row_null_write, "write 1 byte to /dev/null" },
    { "stat", row_stat, "stat(" TRUE_PATH ")" },
    { "open_close", row_open_close, "open(" TRUE_PATH ") + close" },
    { "fork_exit", row_fork_exit, "fork + child _exit + waitpid" },
    { "fork_exec", row_fork_exec, "fork + execve(" TRUE_PATH ") + waitpid" },
    { "pipe_pingpong", row_pipe_pingpong, "1-byte round trip between 2 processes" },
    { "page_fault", row_page_fault, "first write to a fresh anonymous page" },
    { "prot_fault", row_prot_fault, "write to PROT_READ page -> SIGSEGV handler -> longjmp" },
    { "mmap_munmap", row_mmap_munmap, "mmap 1 MiB + write every page + munmap" },
    { "cpu_loop", row_cpu_loop, "one multiply-add iteration" },
    { "mem_bw", row_mem_bw, "memcpy of 4 MiB (1 MiB if memory is short)" },
};
const int nrows = sizeof(rows) / sizeof(rows[0]);
