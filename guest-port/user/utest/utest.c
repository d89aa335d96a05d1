/*
 * utest.c - the test runner and the helpers the tests share.
 *
 *   utest                 run every test
 *   utest name...         run the tests whose names start with these
 *   utest --list          print the test names
 * Each test prints one line, "utest: <name> ... ok" or "... FAILED: <why>";
 * the last line is "utest: N passed, M failed"; the exit status is 0 only
 * if all passed.
 *
 * Each test runs in a forked child that leads its own process group, with
 * a watchdog process that kills it after TEST_TIMEOUT_S; afterwards the
 * runner kills whatever is left of the group and removes the test's
 * scratch directory.
 *
 * Leak check: free memory (/proc/meminfo) is read before the first test
 * and after the last; on the guest they must agree within
 * LEAK_TOLERANCE_KB.  Why any tolerance: the runner itself may touch new
 * stack and heap pages (stdio buffers) during the run, and the kernel's
 * kmalloc slabs keep a partly used page once carved.  Both are a page or
 * two; a leaked process costs more than 4 pages (its 16 KiB kernel stack
 * alone), so 16 KiB still catches one lost process.
 */
#include "utest.h"

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if !UTEST_GUEST
#include <dirent.h>
#endif

#define TEST_TIMEOUT_S 60

const char *utest_self = "/bin/utest";
const char *utest_dir = "/tmp/utest";

static pid_t test_pid;          /* the test process (fail() checks it) */

static const struct utest *const tables[] = {
    utest_proc, utest_cow, utest_pipe, utest_signal, utest_file,
    utest_badptr, utest_exec, utest_mem, utest_time, utest_limits,
};

void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (getpid() == test_pid) {
        printf("FAILED: ");
        vprintf(fmt, ap);
        printf("\n");
        fflush(stdout);
    } else {
        /* A helper child of a test: its parent reports the exit status. */
        fprintf(stderr, "utest: (child %d) ", (int)getpid());
        vfprintf(stderr, fmt, ap);
        fprintf(stderr, "\n");
    }
    va_end(ap);
    _exit(1);
}

pid_t xfork(void)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        fail("fork: %s", strerror(errno));
    return pid;
}

int xwait(pid_t pid)
{
    int status;
    pid_t r;
    do {
        r = waitpid(pid, &status, 0);
    } while (r < 0 && errno == EINTR);
    if (r != pid)
        fail("waitpid(%d): got %d: %s", (int)pid, (int)r, strerror(errno));
    return status;
}

static void describe(int status, char *buf, size_t n)
{
    if (WIFEXITED(status))
        snprintf(buf, n, "exit %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, n, "killed by signal %d", WTERMSIG(status));
    else
        snprintf(buf, n, "status %#x", status);
}

void expect_exit(pid_t pid, int code, const char *what)
{
    int status = xwait(pid);
    char buf[64];
    if (!WIFEXITED(status) || WEXITSTATUS(status) != code) {
        describe(status, buf, sizeof(buf));
        fail("%s: child %s, want exit %d", what, buf, code);
    }
}

void expect_signal(pid_t pid, int sig, const char *what)
{
    int status = xwait(pid);
    char buf[64];
    if (!WIFSIGNALED(status) || WTERMSIG(status) != sig) {
        describe(status, buf, sizeof(buf));
        fail("%s: child %s, want killed by signal %d", what, buf, sig);
    }
}

int run_in_child(void (*fn)(void))
{
    pid_t pid = xfork();
    if (pid == 0) {
        fn();
        _exit(0);
    }
    return xwait(pid);
}

int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

void xwrite_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w <= 0)
            fail("write: %s", w < 0 ? strerror(errno) : "wrote 0");
        p += w;
        n -= (size_t)w;
    }
}

void set_handler(int sig, void (*handler)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    if (sigaction(sig, &sa, NULL) < 0)
        fail("sigaction(%d): %s", sig, strerror(errno));
}

/* Parse "<number> [unit]" after the first digit in line: KiB. */
static long parse_kb(const char *line)
{
    while (*line && (*line < '0' || *line > '9'))
        line++;
    if (!*line)
        return -1;
    long v = strtol(line, (char **)&line, 10);
    while (*line == ' ' || *line == '\t')
        line++;
    if (strncmp(line, "pages", 5) == 0)
        return v * (PAGE / 1024);
    if (strncmp(line, "MB", 2) == 0 || strncmp(line, "MiB", 3) == 0)
        return v * 1024;
    if (strncmp(line, "kB", 2) == 0 || strncmp(line, "KB", 2) == 0 ||
        strncmp(line, "KiB", 3) == 0)
        return v;
    if (line[0] == 'B' || strncmp(line, "bytes", 5) == 0)
        return v / 1024;
    return v;                           /* no unit: Linux's kB */
}

long meminfo_free_kb(void)
{
    char buf[2048];
    int fd = open("/proc/meminfo", O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    /* "MemFree:" (Linux's name) if present, else the first line that
     * speaks of free memory. */
    char *line = strstr(buf, "MemFree");
    for (char *p = buf; !line && *p; ) {
        char *end = strchr(p, '\n');
        if (end)
            *end = '\0';
        for (char *q = p; *q; q++)
            if ((q[0] == 'f' || q[0] == 'F') && strncmp(q + 1, "ree", 3) == 0)
                line = p;
        if (!end)
            break;
        if (!line)
            p = end + 1;
    }
    return line ? parse_kb(line) : -1;
}

#if UTEST_GUEST
/* The kernel's getdents record (uapi/abi.h struct uapi_dirent). */
struct kdirent {
    uint32_t d_ino;
    uint8_t d_type;
    uint8_t d_namlen;
    char d_name[58];
};
_Static_assert(sizeof(struct kdirent) == 64, "uapi_dirent is 64 bytes");

int list_dir(const char *path, void (*fn)(const char *name, void *arg), void *arg)
{
    struct kdirent ents[8];
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    for (;;) {
        long n = raw_syscall(SYS_getdents, fd, (long)ents, sizeof(ents));
        if (n < 0) {
            close(fd);
            errno = (int)-n;
            return -1;
        }
        if (n == 0)
            break;
        for (long i = 0; i < n / (long)sizeof(ents[0]); i++)
            fn(ents[i].d_name, arg);
    }
    close(fd);
    return 0;
}
#else
int list_dir(const char *path, void (*fn)(const char *name, void *arg), void *arg)
{
    DIR *d = opendir(path);
    if (!d)
        return -1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        fn(e->d_name, arg);
    closedir(d);
    return 0;
}
#endif

/* Remove path and everything under it (best effort). */
static void remove_tree(const char *path);

struct names {
    char name[64][64];
    int n;
};

static void collect(const char *name, void *arg)
{
    struct names *ns = arg;
    if (strcmp(name, ".") && strcmp(name, "..") && ns->n < 64 && strlen(name) < 64)
        strcpy(ns->name[ns->n++], name);
}

static void remove_tree(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        struct names *ns = calloc(1, sizeof(*ns));
        if (ns && list_dir(path, collect, ns) == 0) {
            for (int i = 0; i < ns->n; i++) {
                char sub[512];
                snprintf(sub, sizeof(sub), "%s/%s", path, ns->name[i]);
                remove_tree(sub);
            }
        }
        free(ns);
        rmdir(path);
    } else {
        unlink(path);
    }
}

/* Run one test; true if it passed. */
static bool run_test(const struct utest *t)
{
    static char dir[64];
    int status;
    char why[64];

    printf("utest: %s ... ", t->name);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        test_pid = getpid();
        setpgid(0, 0);
        snprintf(dir, sizeof(dir), "/tmp/utest.%d", (int)test_pid);
        if (mkdir(dir, 0755) < 0)
            fail("mkdir %s: %s", dir, strerror(errno));
        utest_dir = dir;
        t->fn();
        fflush(stdout);
        _exit(0);
    }
    if (pid < 0) {
        printf("FAILED: fork: %s\n", strerror(errno));
        return false;
    }
    setpgid(pid, pid);
    pid_t dog = fork();
    if (dog == 0) {
        sleep_ms(TEST_TIMEOUT_S * 1000);
        kill(pid, SIGKILL);
        _exit(0);
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    bool timed_out = false;
    if (dog > 0) {
        int ds;
        kill(dog, SIGKILL);
        while (waitpid(dog, &ds, 0) < 0 && errno == EINTR)
            ;
        timed_out = WIFEXITED(ds);
    }
    kill(-pid, SIGKILL);            /* whatever the test left running */
    snprintf(dir, sizeof(dir), "/tmp/utest.%d", (int)pid);
    remove_tree(dir);

    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        printf("ok\n");
        return true;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 1)
        return false;               /* fail() printed the reason */
    if (timed_out)
        printf("FAILED: timed out after %d s\n", TEST_TIMEOUT_S);
    else {
        describe(status, why, sizeof(why));
        printf("FAILED: test process %s\n", why);
    }
    return false;
}

static bool selected(const char *name, int argc, char **argv)
{
    if (argc < 2)
        return true;
    for (int i = 1; i < argc; i++)
        if (strncmp(name, argv[i], strlen(argv[i])) == 0)
            return true;
    return false;
}

/* Free memory after the run: give init a moment to reap the orphans the
 * tests left and the kernel to free them; retry a few times. */
static long settled_free_kb(long before)
{
    long after = meminfo_free_kb();
    for (int i = 0; i < 10 && after >= 0 && before - after > LEAK_TOLERANCE_KB; i++) {
        sleep_ms(100);
        after = meminfo_free_kb();
    }
    return after;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strncmp(argv[1], "--exec-", 7) == 0)
        return exec_check_main(argc, argv);
    if (argv[0] && strchr(argv[0], '/'))
        utest_self = argv[0];
    if (argc >= 2 && strcmp(argv[1], "--list") == 0) {
        for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
            for (const struct utest *t = tables[i]; t->name; t++)
                printf("%s\n", t->name);
        return 0;
    }

    mkdir("/tmp", 0755);            /* the ramfs may not have one */
    printf("utest: starting (%s build)\n", UTEST_GUEST ? "guest" : "host");
    fflush(stdout);
    /* Warm up the paths the runner itself uses before measuring. */
    pid_t w = fork();
    if (w == 0)
        _exit(0);
    if (w > 0)
        waitpid(w, NULL, 0);
    long free_before = meminfo_free_kb();

    int passed = 0, failed = 0;
    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
        for (const struct utest *t = tables[i]; t->name; t++) {
            if (!selected(t->name, argc, argv))
                continue;
            if (run_test(t))
                passed++;
            else
                failed++;
        }
    }

    if (argc < 2) {
        long free_after = settled_free_kb(free_before);
        if (free_before < 0 || free_after < 0) {
            printf("utest: leak ... skipped (no free memory line in /proc/meminfo)\n");
        } else {
            printf("utest: free memory %ld KiB before, %ld KiB after%s\n", free_before,
                   free_after, UTEST_GUEST ? "" : " (host: not checked)");
            if (UTEST_GUEST && free_before - free_after > LEAK_TOLERANCE_KB) {
                printf("utest: leak ... FAILED: lost %ld KiB\n", free_before - free_after);
                failed++;
            } else {
                printf("utest: leak ... ok\n");
                passed++;
            }
        }
    }
    printf("utest: %d passed, %d failed\n", passed, failed);
    fflush(stdout);
    return failed ? 1 : 0;
}
