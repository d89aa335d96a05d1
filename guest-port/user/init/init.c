/*
 * init - the first process.
 *
 *   init               interactive: print a banner and /etc/motd, run /bin/sh,
 *                      start it again whenever it exits, and reap every
 *                      orphan the kernel hands over.
 *   init CMD ARGS...   for tests: run CMD (searched in /bin) as a child, wait
 *                      for it while reaping orphans, then power the machine
 *                      off with CMD's exit status (128+n if signal n killed it).
 *
 * SIGUSR1 asks init to power off, SIGUSR2 to reboot (the poweroff and
 * reboot commands send them): only init may make those calls.
 *
 * The kernel starts init with fds 0, 1 and 2 open on /dev/console; init
 * opens nothing else for its children.  init ignores the console signals
 * (the kernel would have nothing left to run without it); its children get
 * the default actions back.
 */
#include <errno.h>
#include <fcntl.h>
#include <guest.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SHELL "/bin/sh"
#define RESPAWN_FAST_SECONDS 1      /* a shell dying faster than this is throttled */

static const int console_signals[] = { SIGINT, SIGQUIT, SIGTERM, SIGPIPE };
#define NCONSOLE_SIGNALS (sizeof(console_signals) / sizeof(console_signals[0]))

static void
set_console_signals(_sig_func_ptr action)
{
    for (size_t i = 0; i < NCONSOLE_SIGNALS; i++)
        signal(console_signals[i], action);
}

/*
 * Forks a child that runs argv in its own process group, in the console's
 * foreground (so Ctrl-C reaches it, not init).  Returns its pid, or -1.
 */
static pid_t
spawn(char *const argv[])
{
    pid_t pid = fork();

    if (pid < 0) {
        fprintf(stderr, "init: fork: %s\n", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        set_console_signals(SIG_DFL);
        setpgid(0, 0);
        tcsetpgrp(0, getpid());     /* fails harmlessly without job control */
        execvp(argv[0], argv);
        fprintf(stderr, "init: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    setpgid(pid, pid);              /* whichever of the two runs first */
    return pid;
}

/* The exit status of a shell command for a wait status. */
static int
status_code(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return 255;
}

/* Reaps children until pid exits; returns its wait status, or -1 if
 * there is no such child. */
static int
wait_for(pid_t pid)
{
    for (;;) {
        int status;
        pid_t got = wait(&status);

        if (got == pid)
            return status;
        if (got < 0 && errno != EINTR)
            return -1;
        /* otherwise an orphan: reaped, nothing more to do */
    }
}

static void
print_motd(void)
{
    char buf[512];
    int fd = open("/etc/motd", O_RDONLY);
    int n;

    if (fd < 0)
        return;
    while ((n = read(fd, buf, sizeof(buf))) > 0)
        write(1, buf, (size_t)n);
    close(fd);
}

/* Test mode: run one command and power off with its status.  Does not
 * return unless poweroff fails. */
static void
run_and_poweroff(char *const argv[])
{
    pid_t pid = spawn(argv);
    int code = 127;

    if (pid > 0) {
        int status = wait_for(pid);
        code = status < 0 ? 127 : status_code(status);
    }
    tcsetpgrp(0, getpgrp());
    /* Whatever the command left behind, reap what has already exited. */
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    fflush(stdout);
    poweroff(code);
    fprintf(stderr, "init: poweroff: %s\n", strerror(errno));
}

/* Interactive mode: a shell forever, reaping orphans in between. */
static void
run_shells(void)
{
    char *sh_argv[] = { SHELL, NULL };

    printf("\nParavane guest: init (pid %d) starting %s\n", (int)getpid(), SHELL);
    print_motd();
    fflush(stdout);
    for (;;) {
        time_t started = time(NULL);
        pid_t pid = spawn(sh_argv);
        int status;

        if (pid < 0) {
            sleep(RESPAWN_FAST_SECONDS);
            continue;
        }
        status = wait_for(pid);
        tcsetpgrp(0, getpgrp());
        printf("init: %s exited (status %d); starting a new one\n",
               SHELL, status < 0 ? -1 : status_code(status));
        fflush(stdout);
        if (time(NULL) - started < RESPAWN_FAST_SECONDS)
            sleep(RESPAWN_FAST_SECONDS);
    }
}

/* SIGUSR1: power off; SIGUSR2: reboot.  Both calls are async-signal-safe. */
static void
on_power_signal(int sig)
{
    static const char msg[] = "init: the system is going down\n";
    write(2, msg, sizeof(msg) - 1);
    if (sig == SIGUSR2)
        reboot();
    poweroff(0);
}

int
main(int argc, char **argv)
{
    set_console_signals(SIG_IGN);
    signal(SIGUSR1, on_power_signal);
    signal(SIGUSR2, on_power_signal);
    setenv("PATH", "/bin:/sbin", 0);
    setenv("HOME", "/", 0);

    if (argc > 1)
        run_and_poweroff(argv + 1);
    else
        run_shells();
    for (;;)                        /* init must not exit */
        pause();
}
