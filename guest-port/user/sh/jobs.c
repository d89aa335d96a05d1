/*
 * jobs.c - process groups, the console's foreground group, and waiting.
 *
 * With job control (an interactive shell) every pipeline is a process
 * group of its own.  A foreground one gets the console (tcsetpgrp) while
 * it runs, so Ctrl-C, which the console sends to its foreground group,
 * kills the job and not the shell; the shell takes the console back
 * afterwards.  Background jobs are remembered here and collected with
 * WNOHANG between commands, so no zombies pile up.
 */
#include "sh.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_JOBS 32

struct job {
    bool used;
    pid_t pgid;
    pid_t shown;            /* the pid "[pid]" named: the last process */
    pid_t *pids;            /* 0 once collected */
    int n, live;
    int status;             /* wait status of the last process */
};

static struct job jobs[MAX_JOBS];

static void set_signal(int sig, void (*handler)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

/* The signals an interactive shell ignores and its children must not. */
static const int job_signals[] = {
    SIGINT, SIGQUIT,
#ifdef SIGTSTP
    SIGTSTP,
#endif
#ifdef SIGTTIN
    SIGTTIN,
#endif
#ifdef SIGTTOU
    SIGTTOU,                /* so the shell may call tcsetpgrp from anywhere */
#endif
};

void jobs_init(void)
{
    sh.pgid = getpgrp();
    if (!sh.interactive)
        return;
    for (size_t i = 0; i < sizeof(job_signals) / sizeof(job_signals[0]); i++)
        set_signal(job_signals[i], SIG_IGN);
    /* Lead a group of our own and own the console (fails harmlessly if we
     * already lead a session). */
    if (setpgid(0, 0) == 0)
        sh.pgid = getpid();
    tcsetpgrp(0, sh.pgid);
}

void child_reset_signals(bool background)
{
    if (sh.interactive) {
        for (size_t i = 0; i < sizeof(job_signals) / sizeof(job_signals[0]); i++)
            set_signal(job_signals[i], SIG_DFL);
    } else if (background) {
        /* Without job control a background job shares the shell's group:
         * Ctrl-C meant for the foreground must not reach it. */
        set_signal(SIGINT, SIG_IGN);
        set_signal(SIGQUIT, SIG_IGN);
    }
}

int status_of(int wstatus)
{
    if (WIFEXITED(wstatus))
        return WEXITSTATUS(wstatus);
    if (WIFSIGNALED(wstatus))
        return 128 + WTERMSIG(wstatus);
    return 1;
}

static const char *signal_text(int sig)
{
    switch (sig) {
    case SIGKILL: return "Killed";
    case SIGTERM: return "Terminated";
    case SIGSEGV: return "Segmentation fault";
    case SIGQUIT: return "Quit";
    case SIGABRT: return "Aborted";
    case SIGILL:  return "Illegal instruction";
    case SIGFPE:  return "Floating point exception";
    case SIGBUS:  return "Bus error";
    default:      return NULL;
    }
}

/* Say how a foreground job ended if a signal ended it.  SIGINT and SIGPIPE
 * are the user's or the pipeline's doing and pass silently. */
static void report_signal(int wstatus)
{
    if (!WIFSIGNALED(wstatus))
        return;
    int sig = WTERMSIG(wstatus);
    if (sig == SIGINT) {
        if (sh.interactive)
            fputs("\n", stderr);
        return;
    }
    if (sig == SIGPIPE)
        return;
    const char *text = signal_text(sig);
    if (text)
        fprintf(stderr, "%s\n", text);
    else
        fprintf(stderr, "Killed by signal %d\n", sig);
}

static pid_t wait_pid(pid_t pid, int *wstatus, int options)
{
    pid_t r;
    do {
        r = waitpid(pid, wstatus, options);
    } while (r < 0 && errno == EINTR);
    return r;
}

int jobs_wait_foreground(pid_t pgid, const pid_t *pids, int n)
{
    int wstatus = 0, last = 0;

    if (sh.interactive && pgid > 0)
        tcsetpgrp(0, pgid);
    for (int i = 0; i < n; i++) {
        if (pids[i] <= 0)
            continue;
        if (wait_pid(pids[i], &wstatus, 0) < 0)
            wstatus = 1 << 8;       /* lost it: call that exit status 1 */
        if (i == n - 1)
            last = wstatus;
    }
    if (sh.interactive)
        tcsetpgrp(0, sh.pgid);
    report_signal(last);
    return status_of(last);
}

void jobs_add_background(pid_t pgid, const pid_t *pids, int n)
{
    for (int j = 0; j < MAX_JOBS; j++) {
        if (jobs[j].used)
            continue;
        jobs[j].used = true;
        jobs[j].pgid = pgid;
        jobs[j].shown = pids[n - 1];
        jobs[j].pids = xmalloc(n * sizeof(pid_t));
        memcpy(jobs[j].pids, pids, n * sizeof(pid_t));
        jobs[j].n = jobs[j].live = n;
        jobs[j].status = 0;
        return;
    }
    /* Table full: the job still runs and jobs_reap() still collects it;
     * only its "Done" line is lost. */
}

/* A background process ended: note it, and report its job when done. */
static void background_exited(pid_t pid, int wstatus)
{
    for (int j = 0; j < MAX_JOBS; j++) {
        struct job *jb = &jobs[j];
        if (!jb->used)
            continue;
        for (int i = 0; i < jb->n; i++) {
            if (jb->pids[i] != pid)
                continue;
            jb->pids[i] = 0;
            if (i == jb->n - 1)
                jb->status = wstatus;
            if (--jb->live == 0) {
                if (sh.interactive) {
                    int last = (int)jb->shown;
                    if (WIFSIGNALED(jb->status))
                        fprintf(stderr, "[%d] %s\n", last,
                                signal_text(WTERMSIG(jb->status)) ?
                                signal_text(WTERMSIG(jb->status)) : "Killed");
                    else if (WEXITSTATUS(jb->status))
                        fprintf(stderr, "[%d] Exit %d\n", last,
                                WEXITSTATUS(jb->status));
                    else
                        fprintf(stderr, "[%d] Done\n", (int)last);
                }
                free(jb->pids);
                jb->used = false;
            }
            return;
        }
    }
}

void jobs_reap(void)
{
    int wstatus;
    pid_t pid;
    while ((pid = wait_pid(-1, &wstatus, WNOHANG)) > 0)
        background_exited(pid, wstatus);
}

int jobs_wait_all(void)
{
    int wstatus;
    pid_t pid;
    while ((pid = wait_pid(-1, &wstatus, 0)) > 0)
        background_exited(pid, wstatus);
    return 0;
}
