/*
 * badptr.c - every user pointer is hostile: NULL, kernel-half addresses
 * and huge lengths given to system calls must give -1/EFAULT (or, for a
 * huge length, a short count up to the first bad byte) and never crash
 * the kernel or leak what the call had half built.
 *
 * Two layers: through the C library (also run on the host, to check the
 * test), and on the guest through raw int $0x80 system calls, so that the
 * kernel sees exactly these pointers whatever the libc glue does.
 */
#include "utest.h"

#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* NULL that the compiler cannot see (glibc marks these parameters
 * nonnull, and a visible NULL would be a compile-time error). */
static void *volatile null_ptr;
#define NULLP ((void *)null_ptr)

static int lowest_free_fd(void)
{
    int fd = dup(0);
    if (fd < 0)
        fd = open("/dev/null", O_RDONLY);
    close(fd);
    return fd;
}

static void t_badptr_libc(void)
{
    int zero = open("/dev/zero", O_RDONLY);
    CHECK(zero >= 0, "open /dev/zero: %s", strerror(errno));
    int file = open("/tmp/utest-badptr", O_CREAT | O_RDWR | O_TRUNC, 0644);
    CHECK(file >= 0, "open a scratch file: %s", strerror(errno));
    int before = lowest_free_fd();
    struct stat st;
    char *const argv[] = { "true", NULL };

    EXPECT_ERR(read(zero, NULLP, 16), EFAULT);
    EXPECT_ERR(read(zero, KADDR, 16), EFAULT);
    EXPECT_ERR(write(file, NULLP, 16), EFAULT);
    EXPECT_ERR(write(file, KADDR, 16), EFAULT);
    EXPECT_ERR(open(NULLP, O_RDONLY), EFAULT);
    EXPECT_ERR(open(KADDR, O_RDONLY), EFAULT);
    EXPECT_ERR(open(KADDR, O_CREAT | O_WRONLY, 0644), EFAULT);
    EXPECT_ERR(stat(NULLP, &st), EFAULT);
    EXPECT_ERR(stat(KADDR, &st), EFAULT);
    EXPECT_ERR(stat("/", NULLP), EFAULT);
    EXPECT_ERR(stat("/", KADDR), EFAULT);
    EXPECT_ERR(fstat(zero, NULLP), EFAULT);
    EXPECT_ERR(fstat(zero, KADDR), EFAULT);
    EXPECT_ERR(pipe(NULLP), EFAULT);
    EXPECT_ERR(pipe(KADDR), EFAULT);
    EXPECT_ERR(execve(NULLP, argv, environ), EFAULT);
    EXPECT_ERR(execve(KADDR, argv, environ), EFAULT);
    EXPECT_ERR(execve(utest_self, KADDR, environ), EFAULT);
    char *const bad_argv[] = { "utest", KADDR, NULL };
    EXPECT_ERR(execve(utest_self, bad_argv, environ), EFAULT);
    EXPECT_ERR(execve(utest_self, argv, KADDR), EFAULT);
    EXPECT_NULL_ERR(getcwd(KADDR, 64), EFAULT);
    EXPECT_ERR(chdir(NULLP), EFAULT);
    EXPECT_ERR(mkdir(KADDR, 0755), EFAULT);
    EXPECT_ERR(unlink(KADDR), EFAULT);
    EXPECT_ERR(rmdir(NULLP), EFAULT);
    EXPECT_ERR(nanosleep(KADDR, NULL), EFAULT);
#if UTEST_GUEST
    /* Linux answers these from the vDSO, in user space: a crash there. */
    EXPECT_ERR(clock_gettime(CLOCK_MONOTONIC, NULLP), EFAULT);
    EXPECT_ERR(clock_gettime(CLOCK_MONOTONIC, KADDR), EFAULT);
#endif

    /* waitpid with a bad status pointer, then the child is collected. */
    pid_t pid = xfork();
    if (pid == 0)
        _exit(0);
    sleep_ms(20);
    EXPECT_ERR(waitpid(pid, KADDR, 0), EFAULT);
    waitpid(pid, NULL, 0);                  /* if the kernel kept it */

    CHECK(lowest_free_fd() == before, "descriptors leaked: lowest free %d, was %d",
          lowest_free_fd(), before);
    close(zero);
    close(file);
    unlink("/tmp/utest-badptr");
}

/* A huge length from a valid buffer that ends at an unmapped page: the
 * call stops at the hole, with EFAULT or a short count. */
static void t_badptr_huge(void)
{
    char *region = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(region != MAP_FAILED, "mmap: %s", strerror(errno));
    EXPECT_OK(munmap(region + PAGE, PAGE));
    int zero = open("/dev/zero", O_RDONLY);
    int file = open("/tmp/utest-huge", O_CREAT | O_RDWR | O_TRUNC, 0644);
    CHECK(zero >= 0 && file >= 0, "open: %s", strerror(errno));
    static const size_t lens[] = { (size_t)1 << 40, SIZE_MAX / 2, SIZE_MAX };
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        errno = 0;
        ssize_t r = read(zero, region, lens[i]);
        CHECK((r == -1 && (errno == EFAULT || errno == EINVAL)) || (r > 0 && r <= PAGE),
              "read(/dev/zero, %zu bytes into 1 page): %ld errno %d", lens[i], (long)r, errno);
        errno = 0;
        r = write(file, region, lens[i]);
        CHECK((r == -1 && (errno == EFAULT || errno == EINVAL)) || (r > 0 && r <= PAGE),
              "write(file, %zu bytes from 1 page): %ld errno %d", lens[i], (long)r, errno);
    }
    close(zero);
    close(file);
    unlink("/tmp/utest-huge");
    munmap(region, PAGE);
}

#if UTEST_GUEST
/* The same, straight to the kernel: each must give exactly -EFAULT. */
static void t_badptr_raw(void)
{
    const long K = (long)KADDR, N = 0, NC = 0x0000800000000000l; /* non-canonical */
    int zero = open("/dev/zero", O_RDONLY);
    int file = open("/tmp/utest-raw", O_CREAT | O_RDWR | O_TRUNC, 0644);
    int dir = open("/", O_RDONLY);
    CHECK(zero >= 0 && file >= 0 && dir >= 0, "open: %s", strerror(errno));
    int before = lowest_free_fd();
    long st[13];
    char *argv[] = { "true", NULL };
    char *bad_argv[] = { "true", (char *)K, NULL };
    const struct {
        const char *what;
        long n, a, b, c;
    } cases[] = {
        { "read NULL", SYS_read, zero, N, 16 },
        { "read kernel", SYS_read, zero, K, 16 },
        { "read non-canonical", SYS_read, zero, NC, 16 },
        { "write NULL", SYS_write, file, N, 16 },
        { "write kernel", SYS_write, file, K, 16 },
        { "write non-canonical", SYS_write, file, NC, 16 },
        { "open NULL", SYS_open, N, 0, 0 },
        { "open kernel", SYS_open, K, 0, 0 },
        { "stat NULL path", SYS_stat, N, (long)st, 0 },
        { "stat NULL buf", SYS_stat, (long)"/", N, 0 },
        { "stat kernel buf", SYS_stat, (long)"/", K, 0 },
        { "fstat kernel buf", SYS_fstat, zero, K, 0 },
        { "pipe NULL", SYS_pipe, N, 0, 0 },
        { "pipe kernel", SYS_pipe, K, 0, 0 },
        { "execve NULL path", SYS_execve, N, (long)argv, (long)environ },
        { "execve kernel argv", SYS_execve, (long)"/bin/true", K, (long)environ },
        { "execve bad argv[1]", SYS_execve, (long)"/bin/true", (long)bad_argv, (long)environ },
        { "execve kernel envp", SYS_execve, (long)"/bin/true", (long)argv, K },
        { "clock_gettime NULL", SYS_clock_gettime, 4, N, 0 },
        { "clock_gettime kernel", SYS_clock_gettime, 4, K, 0 },
        { "nanosleep NULL", SYS_nanosleep, N, 0, 0 },
        { "nanosleep kernel", SYS_nanosleep, K, 0, 0 },
        { "getcwd kernel", SYS_getcwd, K, 64, 0 },
        { "chdir kernel", SYS_chdir, K, 0, 0 },
        { "mkdir NULL", SYS_mkdir, N, 0755, 0 },
        { "unlink kernel", SYS_unlink, K, 0, 0 },
        { "rmdir NULL", SYS_rmdir, N, 0, 0 },
        { "getdents kernel", SYS_getdents, dir, K, 640 },
        { "sigaction kernel act", SYS_sigaction, SIGUSR1, K, 0 },
        { "sigaction kernel old", SYS_sigaction, SIGUSR1, 0, K },
        { "sigprocmask kernel", SYS_sigprocmask, 0, K, 0 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        long r = raw_syscall(cases[i].n, cases[i].a, cases[i].b, cases[i].c);
        CHECK(r == -EFAULT, "%s: got %ld, want -EFAULT", cases[i].what, r);
    }
    long r = raw_syscall(SYS_hal_counters, K, 0, 0);
    CHECK(r == -EFAULT || r == -ENOSYS, "hal_counters kernel: %ld", r);

    pid_t pid = xfork();
    if (pid == 0)
        _exit(0);
    sleep_ms(20);
    r = raw_syscall(SYS_waitpid, pid, K, 0);
    CHECK(r == -EFAULT, "waitpid kernel status: %ld", r);
    waitpid(pid, NULL, 0);
    CHECK(lowest_free_fd() == before, "descriptors leaked by failed calls");
    close(zero);
    close(file);
    close(dir);
    unlink("/tmp/utest-raw");
}
#endif

const struct utest utest_badptr[] = {
    { "badptr_libc", t_badptr_libc },
    { "badptr_huge", t_badptr_huge },
#if UTEST_GUEST
    { "badptr_raw", t_badptr_raw },
#endif
    { NULL, NULL },
};
