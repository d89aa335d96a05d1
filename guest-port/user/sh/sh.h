/*
 * sh.h - the guest's shell: shared types and the interfaces between its
 * files (lex.c, parse.c, expand.c, exec.c, jobs.c, builtin.c, input.c,
 * main.c).
 *
 * A command line goes through four stages:
 *   input.c   reads a line (more lines while a quote or a `|` is open);
 *   lex.c     cuts it into tokens; words stay raw (quotes still in them);
 *   parse.c   builds a list of and-or lists of pipelines of commands;
 *   exec.c    expands each word (expand.c) just before running it, so that
 *             `false; echo $?` sees the status of `false`.
 * Plain POSIX C: it builds against newlib for the guest and against glibc
 * on the host, where it is tested.
 */
#ifndef SH_H
#define SH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* ---- small growable buffers (util.c) ------------------------------------ */

struct strbuf {                 /* a NUL-terminated string that grows */
    char *s;
    size_t len, cap;
};
void sb_addc(struct strbuf *b, char c);
void sb_adds(struct strbuf *b, const char *s);
void sb_reset(struct strbuf *b);
void sb_free(struct strbuf *b);

struct strvec {                 /* a NULL-terminated vector of strings */
    char **v;
    int n, cap;
};
void sv_push(struct strvec *sv, char *s);   /* takes ownership of s */
void sv_free(struct strvec *sv);

void *xmalloc(size_t n);        /* exits the shell if memory runs out */
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* ---- lex.c -------------------------------------------------------------- */

enum tok_kind {
    T_WORD,
    T_PIPE,         /* |  */
    T_AND_IF,       /* && */
    T_OR_IF,        /* || */
    T_SEMI,         /* ;  */
    T_AMP,          /* &  */
    T_NEWLINE,
    T_LESS,         /* <  */
    T_GREAT,        /* >  */
    T_DGREAT,       /* >> */
    T_LESSAND,      /* <& */
    T_GREATAND,     /* >& */
    T_END,
};

struct token {
    enum tok_kind kind;
    char *text;     /* T_WORD: the raw word, quotes and backslashes kept */
    int io_number;  /* redirections: the fd written before it, or -1 */
};

struct tokens {
    struct token *t;
    int n, cap;
};

enum { LEX_OK = 0, LEX_INCOMPLETE = 1 };
/* Cut src into tokens, ending with T_END.  LEX_INCOMPLETE if a quote is
 * still open or src ends in a backslash-newline (read another line). */
int lex(const char *src, struct tokens *out);
void tokens_free(struct tokens *tk);

/* ---- parse.c ------------------------------------------------------------ */

enum redir_kind { R_IN, R_OUT, R_APPEND, R_DUP_IN, R_DUP_OUT };

struct redir {
    enum redir_kind kind;
    int fd;                 /* the descriptor it changes */
    char *target;           /* raw word: a file name or, for R_DUP_*, an fd */
};

struct command {
    struct strvec words;    /* raw words, assignments first */
    struct redir *redirs;
    int nredirs;
};

struct pipeline {
    struct command *cmds;
    int ncmds;
};

enum andor_op { OP_AND, OP_OR };

struct andor {
    struct pipeline *pipes;
    enum andor_op *ops;     /* ops[i] joins pipes[i] and pipes[i+1] */
    int npipes;
    bool background;        /* ended by & */
};

struct list {
    struct andor *items;
    int n;
};

enum { PARSE_OK = 0, PARSE_INCOMPLETE = 1, PARSE_ERROR = 2 };
/* Parse tokens into a list.  PARSE_INCOMPLETE if the input ends where
 * more must follow (after | && ||); PARSE_ERROR after printing a message. */
int parse(const struct tokens *tk, struct list *out);
void list_free(struct list *l);

/* ---- expand.c ----------------------------------------------------------- */

/* Expand one raw word (quotes, backslashes, $VAR ${VAR} $? $$ $! $# $0-$9
 * $@, a leading ~) and append the resulting fields to out.  Unquoted
 * expansions are split at blanks; "" gives one empty field. */
void expand_word(const char *raw, struct strvec *out);
/* Expand without field splitting: the one string a redirection target or
 * an assignment's value becomes. */
char *expand_string(const char *raw);
/* Is raw a NAME=value assignment?  Sets *eq to the '='. */
bool is_assignment(const char *raw, const char **eq);

/* ---- exec.c ------------------------------------------------------------- */

int run_list(const struct list *l);     /* the status of the last and-or */

/* ---- jobs.c ------------------------------------------------------------- */

void jobs_init(void);                   /* take the console if interactive */
/* Wait for the foreground pipeline (its pids, process group pgid), with
 * the console handed to it while it runs.  Its status, 128+sig if killed. */
int jobs_wait_foreground(pid_t pgid, const pid_t *pids, int n);
void jobs_add_background(pid_t pgid, const pid_t *pids, int n);
void jobs_reap(void);                   /* collect finished background jobs */
int jobs_wait_all(void);                /* the `wait` built-in */
int status_of(int wstatus);             /* waitpid status -> $? */
void child_reset_signals(bool background);

/* ---- builtin.c ---------------------------------------------------------- */

typedef int (*builtin_fn)(int argc, char **argv);
builtin_fn builtin_find(const char *name);

/* ---- input.c ------------------------------------------------------------ */

struct input {
    int fd;
    bool bytewise;          /* read one byte at a time (a shared stdin) */
    char buf[512];
    int pos, len;
};
void input_open(struct input *in, int fd, bool bytewise);
/* Append one line (with its '\n') to b: 1, or 0 at end of input with
 * nothing read. */
int input_line(struct input *in, struct strbuf *b);

/* ---- main.c: the shell's state ------------------------------------------ */

struct shell {
    bool interactive;       /* prompts, job control, ignores SIGINT */
    int last_status;        /* $? */
    pid_t last_bg;          /* $!, 0 if none */
    pid_t pgid;             /* the shell's own process group */
    char *argv0;            /* $0 */
    char **args;            /* $1.. */
    int nargs;
    char *self_path;        /* how to run sh for a script without #! */
    bool exiting;           /* `exit` was run */
    int exit_code;
};
extern struct shell sh;

#endif
