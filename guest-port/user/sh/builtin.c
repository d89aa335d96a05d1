/*
 * builtin.c - commands the shell runs itself: those that change the
 * shell's own state (cd, exit, export, unset, wait) and pwd.
 */
#include "sh.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int bi_cd(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : getenv("HOME");
    if (!dir || !*dir)
        dir = "/";
    if (chdir(dir) < 0) {
        fprintf(stderr, "sh: cd: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    char buf[512];
    if (getcwd(buf, sizeof(buf)))
        setenv("PWD", buf, 1);
    return 0;
}

/* exit [n]: leave with n, or with $? if n is missing. */
static int bi_exit(int argc, char **argv)
{
    int code = sh.last_status;
    if (argc > 1) {
        char *end;
        long v = strtol(argv[1], &end, 10);
        if (*argv[1] == '\0' || *end != '\0') {
            fprintf(stderr, "sh: exit: %s: numeric argument required\n", argv[1]);
            code = 2;
        } else {
            code = (int)(v & 0xff);
        }
    }
    sh.exiting = true;
    sh.exit_code = code;
    return code;
}

static int bi_pwd(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    char buf[512];
    if (!getcwd(buf, sizeof(buf))) {
        fprintf(stderr, "sh: pwd: %s\n", strerror(errno));
        return 1;
    }
    printf("%s\n", buf);
    return 0;
}

/* export NAME=value ... (every variable is in the environment already,
 * so a bare NAME is accepted and ignored) */
static int bi_export(int argc, char **argv)
{
    int status = 0;
    for (int i = 1; i < argc; i++) {
        const char *eq;
        if (is_assignment(argv[i], &eq)) {
            char *name = xstrdup(argv[i]);
            name[eq - argv[i]] = '\0';
            setenv(name, eq + 1, 1);
            free(name);
        } else if (strchr(argv[i], '=')) {
            fprintf(stderr, "sh: export: %s: bad name\n", argv[i]);
            status = 1;
        }
    }
    return status;
}

static int bi_unset(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        unsetenv(argv[i]);
    return 0;
}

static int bi_wait(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return jobs_wait_all();
}

static int bi_true(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

static const struct {
    const char *name;
    builtin_fn fn;
} builtins[] = {
    { "cd", bi_cd },
    { "exit", bi_exit },
    { "pwd", bi_pwd },
    { "export", bi_export },
    { "unset", bi_unset },
    { "wait", bi_wait },
    { ":", bi_true },
};

builtin_fn builtin_find(const char *name)
{
    for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
        if (strcmp(builtins[i].name, name) == 0)
            return builtins[i].fn;
    return NULL;
}
