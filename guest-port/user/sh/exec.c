/*
 * exec.c - run parsed commands: and-or lists, pipelines, redirections,
 * built-ins, and the search for a program along $PATH.
 *
 * Words are expanded here, in the shell, just before the pipeline starts,
 * so that each command sees the $? of the one before it.
 */
#include "sh.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

/* A command after expansion. */
struct expanded {
    struct strvec assigns;  /* "NAME=value", values expanded */
    struct strvec argv;
};

static void expand_command(const struct command *c, struct expanded *e)
{
    int i = 0;
    const char *eq;

    memset(e, 0, sizeof(*e));
    for (; i < c->words.n && is_assignment(c->words.v[i], &eq); i++) {
        const char *raw = c->words.v[i];
        char *val = expand_string(eq + 1);
        size_t nlen = (size_t)(eq - raw);
        char *a = xmalloc(nlen + 1 + strlen(val) + 1);
        memcpy(a, raw, nlen + 1);
        strcpy(a + nlen + 1, val);
        free(val);
        sv_push(&e->assigns, a);
    }
    for (; i < c->words.n; i++)
        expand_word(c->words.v[i], &e->argv);
}

static void expanded_free(struct expanded *e)
{
    sv_free(&e->assigns);
    sv_free(&e->argv);
}

static void apply_assigns(const struct strvec *assigns)
{
    for (int i = 0; i < assigns->n; i++) {
        char *a = assigns->v[i];
        char *eq = strchr(a, '=');
        *eq = '\0';
        setenv(a, eq + 1, 1);
        *eq = '=';
    }
}

/* Descriptors a built-in's redirections replaced, to put back after it. */
struct saved_fd {
    int fd, copy;           /* copy is -1 if fd was closed before */
};

static bool parse_fd(const char *s, int *fd)
{
    if (!*s)
        return false;
    int v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > 1000)
            return false;
        v = v * 10 + (*s - '0');
    }
    *fd = v;
    return true;
}

/* Perform c's redirections in this process.  If saved is not NULL, record
 * each replaced descriptor there first (it has room for c->nredirs).
 * 0, or -1 after printing why. */
static int apply_redirs(const struct command *c, struct saved_fd *saved, int *nsaved)
{
    for (int i = 0; i < c->nredirs; i++) {
        const struct redir *r = &c->redirs[i];
        char *target = expand_string(r->target);
        int fd = -1;

        switch (r->kind) {
        case R_IN:
            fd = open(target, O_RDONLY);
            break;
        case R_OUT:
            fd = open(target, O_WRONLY | O_CREAT | O_TRUNC, 0666);
            break;
        case R_APPEND:
            fd = open(target, O_WRONLY | O_CREAT | O_APPEND, 0666);
            break;
        case R_DUP_IN:
        case R_DUP_OUT:
            if (strcmp(target, "-") == 0) {
                fd = -2;                            /* close r->fd */
            } else if (!parse_fd(target, &fd)) {
                fprintf(stderr, "sh: %s: bad file descriptor\n", target);
                free(target);
                return -1;
            }
            break;
        }
        if (fd == -1) {
            fprintf(stderr, "sh: %s: %s\n", target, strerror(errno));
            free(target);
            return -1;
        }
        if (saved) {
            saved[*nsaved].fd = r->fd;
            saved[*nsaved].copy = dup(r->fd);
            (*nsaved)++;
        }
        bool is_dup = (r->kind == R_DUP_IN || r->kind == R_DUP_OUT);
        if (fd == -2) {
            close(r->fd);
        } else if (fd != r->fd) {
            if (dup2(fd, r->fd) < 0) {
                fprintf(stderr, "sh: %s: %s\n", target, strerror(errno));
                if (!is_dup)
                    close(fd);
                free(target);
                return -1;
            }
            if (!is_dup)
                close(fd);
        }
        free(target);
    }
    return 0;
}

static void restore_fds(struct saved_fd *saved, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        if (saved[i].copy >= 0) {
            dup2(saved[i].copy, saved[i].fd);
            close(saved[i].copy);
        } else {
            close(saved[i].fd);
        }
    }
}

/* Does the file start like text (no NUL in its first bytes)?  Then a
 * program the kernel refused with ENOEXEC is a script for us to run. */
static bool looks_like_script(const char *path)
{
    char buf[128];
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, buf, sizeof(buf));
    close(fd);
    return n >= 0 && memchr(buf, '\0', (size_t)n) == NULL;
}

/* execve path; returns only on failure with errno set. */
static void try_exec(const char *path, char **argv)
{
    execve(path, argv, environ);
    if (errno != ENOEXEC || !looks_like_script(path))
        return;
    int argc = 0;
    while (argv[argc])
        argc++;
    char **nargv = xmalloc((argc + 2) * sizeof(char *));
    nargv[0] = "sh";
    nargv[1] = (char *)path;
    for (int i = 1; i <= argc; i++)
        nargv[i + 1] = argv[i];
    execve(sh.self_path, nargv, environ);
    free(nargv);
    errno = ENOEXEC;
}

/* Run argv[0] as a program, searching $PATH if it has no '/'.  Does not
 * return: exits 127 if nothing was found, 126 if it could not be run. */
static void exec_program(char **argv) __attribute__((noreturn));
static void exec_program(char **argv)
{
    const char *name = argv[0];
    int err = ENOENT;

    if (*name == '\0') {
        err = ENOENT;
    } else if (strchr(name, '/')) {
        try_exec(name, argv);
        err = errno;
    } else {
        const char *path = getenv("PATH");
        if (!path || !*path)
            path = "/bin";
        struct strbuf full = { 0 };
        while (*path) {
            const char *colon = strchr(path, ':');
            size_t len = colon ? (size_t)(colon - path) : strlen(path);
            sb_reset(&full);
            for (size_t i = 0; i < len; i++)
                sb_addc(&full, path[i]);
            if (len == 0)
                sb_addc(&full, '.');
            sb_addc(&full, '/');
            sb_adds(&full, name);
            try_exec(full.s, argv);
            if (errno != ENOENT && errno != ENOTDIR && err == ENOENT)
                err = errno;            /* keep the first real failure */
            path += len;
            if (*path == ':')
                path++;
        }
        sb_free(&full);
    }
    if (err == ENOENT || err == ENOTDIR) {
        fprintf(stderr, "sh: %s: not found\n", name);
        _exit(127);
    }
    fprintf(stderr, "sh: %s: %s\n", name, strerror(err));
    _exit(126);
}

/* In a forked child: set up and run one command of a pipeline. */
static void run_child(const struct command *c, struct expanded *e) __attribute__((noreturn));
static void run_child(const struct command *c, struct expanded *e)
{
    apply_assigns(&e->assigns);
    if (apply_redirs(c, NULL, NULL) < 0)
        _exit(1);
    if (e->argv.n == 0)
        _exit(0);
    builtin_fn fn = builtin_find(e->argv.v[0]);
    if (fn) {
        int status = fn(e->argv.n, e->argv.v);
        fflush(stdout);
        _exit(status);
    }
    exec_program(e->argv.v);
}

/* A lone built-in or bare assignment/redirection, in the shell itself. */
static int run_in_shell(const struct command *c, struct expanded *e, builtin_fn fn)
{
    struct saved_fd *saved = xmalloc((c->nredirs + 1) * sizeof(*saved));
    int nsaved = 0, status;

    if (apply_redirs(c, saved, &nsaved) < 0) {
        status = 1;
    } else if (fn) {
        status = fn(e->argv.n, e->argv.v);
    } else {
        apply_assigns(&e->assigns);
        status = 0;
    }
    fflush(stdout);
    restore_fds(saved, nsaved);
    free(saved);
    return status;
}

static int run_pipeline(const struct pipeline *p, bool background)
{
    int n = p->ncmds;
    struct expanded *ex = xmalloc(n * sizeof(*ex));
    for (int i = 0; i < n; i++)
        expand_command(&p->cmds[i], &ex[i]);

    if (n == 1 && !background) {
        builtin_fn fn = ex[0].argv.n ? builtin_find(ex[0].argv.v[0]) : NULL;
        if (fn || ex[0].argv.n == 0) {
            int status = run_in_shell(&p->cmds[0], &ex[0], fn);
            expanded_free(&ex[0]);
            free(ex);
            return status;
        }
    }

    pid_t *pids = xmalloc(n * sizeof(pid_t));
    pid_t pgid = 0;
    int in_fd = 0, status = 0;

    fflush(stdout);
    fflush(stderr);
    for (int i = 0; i < n; i++) {
        int pfd[2] = { -1, -1 };
        if (i < n - 1 && pipe(pfd) < 0) {
            fprintf(stderr, "sh: pipe: %s\n", strerror(errno));
            n = i;                  /* wait for the ones already started */
            status = 1;
            break;
        }
        pid_t pid = fork();
        if (pid == 0) {
            if (sh.interactive) {
                setpgid(0, pgid);
                if (!background)
                    tcsetpgrp(0, pgid ? pgid : getpid());
            }
            child_reset_signals(background);
            if (in_fd != 0) {
                dup2(in_fd, 0);
                close(in_fd);
            } else if (background) {
                /* A background job must not steal the console's input. */
                int null = open("/dev/null", O_RDONLY);
                if (null > 0) {
                    dup2(null, 0);
                    close(null);
                }
            }
            if (pfd[1] >= 0) {
                dup2(pfd[1], 1);
                close(pfd[1]);
                close(pfd[0]);
            }
            run_child(&p->cmds[i], &ex[i]);
        }
        if (pid < 0) {
            fprintf(stderr, "sh: fork: %s\n", strerror(errno));
            if (pfd[0] >= 0) {
                close(pfd[0]);
                close(pfd[1]);
            }
            n = i;
            status = 1;
            break;
        }
        pids[i] = pid;
        if (sh.interactive) {
            /* Both sides set the group, whichever runs first. */
            setpgid(pid, pgid ? pgid : pid);
        }
        if (pgid == 0)
            pgid = pid;
        if (in_fd != 0)
            close(in_fd);
        if (pfd[1] >= 0)
            close(pfd[1]);
        in_fd = pfd[0];
    }
    if (in_fd > 0)
        close(in_fd);

    if (n > 0 && n == p->ncmds && background) {
        sh.last_bg = pids[n - 1];
        if (sh.interactive)
            fprintf(stderr, "[%d]\n", (int)pids[n - 1]);
        jobs_add_background(sh.interactive ? pgid : 0, pids, n);
    } else if (n > 0) {
        int s = jobs_wait_foreground(sh.interactive ? pgid : 0, pids, n);
        if (status == 0)
            status = s;
    }
    for (int i = 0; i < p->ncmds; i++)
        expanded_free(&ex[i]);
    free(ex);
    free(pids);
    return status;
}

static int run_andor(const struct andor *a)
{
    int status = run_pipeline(&a->pipes[0], false);
    for (int i = 1; i < a->npipes && !sh.exiting; i++) {
        sh.last_status = status;
        if ((a->ops[i - 1] == OP_AND) == (status == 0))
            status = run_pipeline(&a->pipes[i], false);
    }
    return status;
}

/* `a && b &`: a subshell runs the whole and-or list in the background. */
static void run_background_andor(const struct andor *a)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "sh: fork: %s\n", strerror(errno));
        return;
    }
    if (pid == 0) {
        if (sh.interactive)
            setpgid(0, 0);
        child_reset_signals(true);
        sh.interactive = false;
        _exit(run_andor(a));
    }
    if (sh.interactive) {
        setpgid(pid, pid);
        fprintf(stderr, "[%d]\n", (int)pid);
    }
    sh.last_bg = pid;
    jobs_add_background(pid, &pid, 1);
}

int run_list(const struct list *l)
{
    for (int i = 0; i < l->n && !sh.exiting; i++) {
        const struct andor *a = &l->items[i];
        if (a->background) {
            if (a->npipes == 1)
                run_pipeline(&a->pipes[0], true);
            else
                run_background_andor(a);
            sh.last_status = 0;
        } else {
            sh.last_status = run_andor(a);
        }
        jobs_reap();
    }
    return sh.last_status;
}
