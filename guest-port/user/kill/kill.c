/*
 * kill [-SIGNAL | -s SIGNAL] PID... - send a signal (default TERM).
 * SIGNAL is a number or a name with or without "SIG" (-9, -KILL, -SIGINT).
 * A negative PID names a process group; write it after "--" or after the
 * signal (kill -TERM -5).  kill -l lists the names.
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *name;
    int sig;
} signals[] = {
    { "HUP", SIGHUP },   { "INT", SIGINT },   { "QUIT", SIGQUIT },
    { "ILL", SIGILL },   { "TRAP", SIGTRAP }, { "ABRT", SIGABRT },
    { "FPE", SIGFPE },   { "KILL", SIGKILL }, { "BUS", SIGBUS },
    { "SEGV", SIGSEGV }, { "SYS", SIGSYS },   { "PIPE", SIGPIPE },
    { "ALRM", SIGALRM }, { "TERM", SIGTERM }, { "STOP", SIGSTOP },
    { "CHLD", SIGCHLD }, { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 },
};
#define NSIGNALS (sizeof(signals) / sizeof(signals[0]))

/* The signal number for s ("9", "KILL", "SIGKILL"), or -1. */
static int
parse_signal(const char *s)
{
    if (isdigit((unsigned char)s[0])) {
        char *end;
        long n = strtol(s, &end, 10);
        return (*end == '\0' && n >= 0 && n < NSIG) ? (int)n : -1;
    }
    if (strncasecmp(s, "SIG", 3) == 0)
        s += 3;
    for (size_t i = 0; i < NSIGNALS; i++) {
        if (strcasecmp(s, signals[i].name) == 0)
            return signals[i].sig;
    }
    return -1;
}

static int
usage(void)
{
    fprintf(stderr, "usage: kill [-SIGNAL | -s SIGNAL] PID...\n       kill -l\n");
    return 2;
}

int
main(int argc, char **argv)
{
    int sig = SIGTERM, status = 0, i = 1;

    if (argc == 2 && strcmp(argv[1], "-l") == 0) {
        for (size_t k = 0; k < NSIGNALS; k++)
            printf("%2d %s\n", signals[k].sig, signals[k].name);
        return 0;
    }
    if (i < argc && strcmp(argv[i], "-s") == 0) {
        if (i + 1 >= argc || (sig = parse_signal(argv[i + 1])) < 0)
            return usage();
        i += 2;
    } else if (i < argc && strcmp(argv[i], "--") == 0) {
        i++;
    } else if (i < argc && argv[i][0] == '-') {
        if ((sig = parse_signal(argv[i] + 1)) < 0) {
            fprintf(stderr, "kill: unknown signal %s\n", argv[i] + 1);
            return 2;
        }
        i++;
    }
    if (i < argc && strcmp(argv[i], "--") == 0)
        i++;
    if (i >= argc)
        return usage();
    for (; i < argc; i++) {
        char *end;
        long pid = strtol(argv[i], &end, 10);

        if (*end != '\0' || end == argv[i]) {
            fprintf(stderr, "kill: bad pid %s\n", argv[i]);
            status = 1;
            continue;
        }
        if (kill((pid_t)pid, sig) < 0) {
            fprintf(stderr, "kill: %ld: %s\n", pid, strerror(errno));
            status = 1;
        }
    }
    return status;
}
