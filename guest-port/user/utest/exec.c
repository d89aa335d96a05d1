/*
 * exec.c - execve: argv and envp reach the new program, the old image is
 * gone, O_CLOEXEC descriptors close, caught signals reset to default.
 *
 * utest execs itself with a "--exec-*" argv[1]; exec_check_main() then
 * checks what it was given and exits 0 if all is right, or with a code
 * that says what was wrong.
 */
#include "utest.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

static int exec_marker = 12345;     /* .data: back to 12345 in a new image */

int exec_check_main(int argc, char **argv)
{
    if (strcmp(argv[1], "--exec-args") == 0) {
        if (argc != 5)
            return 10;
        if (strcmp(argv[2], "a b") || strcmp(argv[3], "") || strcmp(argv[4], "x"))
            return 11;
        if (argv[5] != NULL)
            return 12;
        const char *e = getenv("UTEST_ENV");
        if (!e || strcmp(e, "42"))
            return 13;
        int n = 0;
        while (environ[n])
            n++;
        if (n != 2 || strcmp(environ[1], "SECOND=two"))
            return 14;
        if (exec_marker != 12345)
            return 15;
        return 0;
    }
    if (strcmp(argv[1], "--exec-fds") == 0 && argc == 4) {
        struct stat st;
        if (fstat(atoi(argv[2]), &st) < 0)
            return 20;                  /* the inherited one is gone */
        if (fstat(atoi(argv[3]), &st) == 0 || errno != EBADF)
            return 21;                  /* the O_CLOEXEC one is open */
        return 0;
    }
    if (strcmp(argv[1], "--exec-sig") == 0) {
        struct sigaction old;
        if (sigaction(SIGUSR1, NULL, &old) < 0 || old.sa_handler != SIG_DFL)
            return 30;                  /* a caught signal is reset */
        if (sigaction(SIGTERM, NULL, &old) < 0 || old.sa_handler != SIG_IGN)
            return 31;                  /* an ignored one stays ignored */
        return 0;
    }
    if (strcmp(argv[1], "--exec-big") == 0) {
        for (int i = 2; i < argc; i++)
            if (strlen(argv[i]) != 999 || argv[i][0] != 'a' + i % 26)
                return 40;
        return argc == 2 + 40 ? 0 : 41;
    }
    return 2;
}

static void t_exec_args(void)
{
    pid_t pid = xfork();
    if (pid == 0) {
        char *argv[] = { (char *)utest_self, "--exec-args", "a b", "", "x", NULL };
        char *envp[] = { "UTEST_ENV=42", "SECOND=two", NULL };
        exec_marker = 0;
        execve(utest_self, argv, envp);
        _exit(99);
    }
    int status = xwait(pid);
    CHECK(status == 0, "exec'd utest returned status %#x (exit %d: see exec_check_main)",
          status, (status >> 8) & 0xff);
}

static void t_exec_errors(void)
{
    char *argv[] = { "x", NULL };
    EXPECT_ERR(execve("/no/such/program", argv, environ), ENOENT);
    errno = 0;
    CHECK(execve("/", argv, environ) == -1 &&
          (errno == EACCES || errno == EISDIR || errno == ENOEXEC),
          "execve of a directory: errno %d", errno);
    /* A file that is not a program. */
    char p[128];
    snprintf(p, sizeof(p), "%s/notelf", utest_dir);
    int fd = open(p, O_CREAT | O_WRONLY, 0755);
    CHECK(fd >= 0, "create %s", p);
    IGNORE(write(fd, "hello there, not an ELF file\n\0\0\0", 32));
    close(fd);
    errno = 0;
    CHECK(execve(p, argv, environ) == -1 && (errno == ENOEXEC || errno == EACCES),
          "execve of a non-program: errno %d, want ENOEXEC", errno);
    /* A truncated ELF header. */
    fd = open(p, O_WRONLY | O_TRUNC);
    IGNORE(write(fd, "\177ELF\2\1\1", 7));
    close(fd);
    errno = 0;
    CHECK(execve(p, argv, environ) == -1 && (errno == ENOEXEC || errno == EACCES),
          "execve of a truncated ELF: errno %d", errno);
    /* Still alive and the same program. */
    CHECK(exec_marker == 12345, "memory changed by a failed execve");
}

static void t_exec_cloexec(void)
{
    char p[128];
    snprintf(p, sizeof(p), "%s/ce", utest_dir);
    int keep = open("/dev/null", O_RDONLY);
    int drop = open(p, O_CREAT | O_RDWR | O_CLOEXEC, 0644);
    CHECK(keep >= 0 && drop >= 0, "open: %s", strerror(errno));
    pid_t pid = xfork();
    if (pid == 0) {
        char a[16], b[16];
        snprintf(a, sizeof(a), "%d", keep);
        snprintf(b, sizeof(b), "%d", drop);
        char *argv[] = { (char *)utest_self, "--exec-fds", a, b, NULL };
        execve(utest_self, argv, environ);
        _exit(99);
    }
    expect_exit(pid, 0, "exec'd utest checking its descriptors");
    close(keep);
    close(drop);
}

static void on_usr1(int sig)
{
    (void)sig;
}

static void t_exec_signals(void)
{
    pid_t pid = xfork();
    if (pid == 0) {
        set_handler(SIGUSR1, on_usr1);
        set_handler(SIGTERM, SIG_IGN);
        char *argv[] = { (char *)utest_self, "--exec-sig", NULL };
        execve(utest_self, argv, environ);
        _exit(99);
    }
    expect_exit(pid, 0, "exec'd utest checking its signal actions");
}

/* 40 KB of arguments fit (the limit is 64 KiB); on the guest 100 KB are
 * refused with E2BIG. */
static void t_exec_big_args(void)
{
    static char args[100][1000];
    static char *argv[104];
    argv[0] = (char *)utest_self;
    argv[1] = "--exec-big";
    for (int i = 2; i < 102; i++) {
        memset(args[i - 2], 'a' + i % 26, 999);
        args[i - 2][999] = '\0';
        argv[i] = args[i - 2];
    }
    argv[42] = NULL;
    pid_t pid = xfork();
    if (pid == 0) {
        execve(utest_self, argv, environ);
        _exit(99);
    }
    expect_exit(pid, 0, "exec with 40 KB of arguments");
#if UTEST_GUEST
    argv[42] = args[40];
    argv[102] = NULL;
    EXPECT_ERR(execve(utest_self, argv, environ), E2BIG);
#endif
}

const struct utest utest_exec[] = {
    { "exec_args", t_exec_args },
    { "exec_errors", t_exec_errors },
    { "exec_cloexec", t_exec_cloexec },
    { "exec_signals", t_exec_signals },
    { "exec_big_args", t_exec_big_args },
    { NULL, NULL },
};
