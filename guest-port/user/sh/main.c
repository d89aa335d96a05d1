/*
 * main.c - the shell's entry: choose the input (a terminal, a script
 * file, -c string, or standard input), then read-parse-run until the end
 * of it or `exit`.
 *
 *   sh                  commands from standard input; interactive (prompt
 *                       "$ ", job control, SIGINT ignored) if it is a
 *                       terminal
 *   sh -i               interactive even if standard input is not a terminal
 *   sh file [args]      run a script: $0 is file, $1.. are args
 *   sh -c cmd [name [args]]  run cmd: $0 is name, $1.. are args
 */
#include "sh.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct shell sh;

static void prompt(const char *p)
{
    /* The prompt goes to stderr, unbuffered, as in other shells. */
    ssize_t r = write(2, p, strlen(p));
    (void)r;
}

/* Parse and run one complete text.  Returns false on a syntax error. */
static bool run_text(const char *text, int *incomplete)
{
    struct tokens tk = { 0 };
    struct list l;

    *incomplete = 0;
    if (lex(text, &tk) == LEX_INCOMPLETE) {
        *incomplete = 1;
        return true;
    }
    int r = parse(&tk, &l);
    tokens_free(&tk);
    if (r == PARSE_INCOMPLETE) {
        *incomplete = 1;
        return true;
    }
    if (r == PARSE_ERROR) {
        sh.last_status = 2;
        return false;
    }
    run_list(&l);
    list_free(&l);
    return true;
}

/* Read, parse and run commands from in until its end or `exit`.  A line
 * that leaves a quote or a pipe open is joined with the next one. */
static void run_input(struct input *in)
{
    struct strbuf text = { 0 };
    for (;;) {
        if (sh.interactive) {
            jobs_reap();
            prompt(text.len ? "> " : "$ ");
        }
        if (!input_line(in, &text)) {
            if (text.len) {
                fputs("sh: syntax error: unexpected end of file\n", stderr);
                sh.last_status = 2;
            } else if (sh.interactive) {
                prompt("\n");
            }
            break;
        }
        int incomplete;
        bool ok = run_text(text.s, &incomplete);
        if (incomplete)
            continue;
        sb_reset(&text);
        if ((!ok && !sh.interactive) || sh.exiting)
            break;
    }
    sb_free(&text);
}

static void usage(void)
{
    fputs("usage: sh [-i] [file [args...]]\n"
          "       sh -c command [name [args...]]\n", stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    int i = 1;
    bool force_interactive = false;
    const char *command = NULL;

    sh.argv0 = argv[0];
    sh.self_path = (argv[0] && strchr(argv[0], '/')) ? argv[0] : "/bin/sh";
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (strcmp(argv[i], "-c") == 0) {
            if (++i >= argc)
                usage();
            command = argv[i++];
            break;
        } else if (strcmp(argv[i], "-i") == 0) {
            force_interactive = true;
        } else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else {
            usage();
        }
    }

    if (command) {
        if (i < argc)
            sh.argv0 = argv[i++];
        sh.args = argv + i;
        sh.nargs = argc - i;
        jobs_init();
        int incomplete;
        if (run_text(command, &incomplete) && incomplete) {
            fputs("sh: syntax error: unexpected end of file\n", stderr);
            sh.last_status = 2;
        }
    } else if (i < argc) {
        const char *file = argv[i];
        int fd = open(file, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            fprintf(stderr, "sh: %s: %s\n", file, strerror(errno));
            return 127;
        }
        sh.argv0 = argv[i];
        sh.args = argv + i + 1;
        sh.nargs = argc - i - 1;
        jobs_init();
        struct input in;
        input_open(&in, fd, false);
        run_input(&in);
        close(fd);
    } else {
        sh.interactive = force_interactive || isatty(0);
        jobs_init();
        struct input in;
        input_open(&in, 0, true);
        run_input(&in);
    }
    fflush(stdout);
    return sh.exiting ? sh.exit_code : sh.last_status;
}
