/*
 * parse.c - turn tokens into a list of and-or lists of pipelines.
 *
 *   list     := andor ((';' | '&' | NEWLINE) andor)* [';' | '&']
 *   andor    := pipeline (('&&' | '||') NEWLINE* pipeline)*
 *   pipeline := command ('|' NEWLINE* command)*
 *   command  := (WORD | redirection)+
 *   redirection := [n]'<' WORD | [n]'>' WORD | [n]'>>' WORD
 *                | [n]'<&' WORD | [n]'>&' WORD
 */
#include "sh.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
    const struct tokens *tk;
    int pos;
};

static enum tok_kind peek(struct parser *ps)
{
    return ps->tk->t[ps->pos].kind;
}

static const char *tok_name(enum tok_kind k)
{
    static const char *const names[] = {
        [T_WORD] = "word", [T_PIPE] = "|", [T_AND_IF] = "&&", [T_OR_IF] = "||",
        [T_SEMI] = ";", [T_AMP] = "&", [T_NEWLINE] = "newline", [T_LESS] = "<",
        [T_GREAT] = ">", [T_DGREAT] = ">>", [T_LESSAND] = "<&",
        [T_GREATAND] = ">&", [T_END] = "end of input",
    };
    return names[k];
}

static int syntax_error(struct parser *ps)
{
    fprintf(stderr, "sh: syntax error near %s\n", tok_name(peek(ps)));
    return PARSE_ERROR;
}

/* Past the end of the input where more is needed: incomplete. */
static int need_more(struct parser *ps)
{
    return peek(ps) == T_END ? PARSE_INCOMPLETE : syntax_error(ps);
}

static void skip_newlines(struct parser *ps)
{
    while (peek(ps) == T_NEWLINE)
        ps->pos++;
}

static bool is_redir(enum tok_kind k)
{
    return k == T_LESS || k == T_GREAT || k == T_DGREAT || k == T_LESSAND ||
           k == T_GREATAND;
}

static void command_free(struct command *c)
{
    sv_free(&c->words);
    for (int i = 0; i < c->nredirs; i++)
        free(c->redirs[i].target);
    free(c->redirs);
}

static int parse_command(struct parser *ps, struct command *c)
{
    memset(c, 0, sizeof(*c));
    for (;;) {
        enum tok_kind k = peek(ps);
        if (k == T_WORD) {
            sv_push(&c->words, xstrdup(ps->tk->t[ps->pos++].text));
        } else if (is_redir(k)) {
            const struct token *op = &ps->tk->t[ps->pos++];
            if (peek(ps) != T_WORD) {
                command_free(c);
                return syntax_error(ps);
            }
            struct redir r;
            switch (k) {
            case T_LESS:    r.kind = R_IN;      r.fd = 0; break;
            case T_GREAT:   r.kind = R_OUT;     r.fd = 1; break;
            case T_DGREAT:  r.kind = R_APPEND;  r.fd = 1; break;
            case T_LESSAND: r.kind = R_DUP_IN;  r.fd = 0; break;
            default:        r.kind = R_DUP_OUT; r.fd = 1; break;
            }
            if (op->io_number >= 0)
                r.fd = op->io_number;
            r.target = xstrdup(ps->tk->t[ps->pos++].text);
            c->redirs = xrealloc(c->redirs, (c->nredirs + 1) * sizeof(r));
            c->redirs[c->nredirs++] = r;
        } else {
            break;
        }
    }
    if (c->words.n == 0 && c->nredirs == 0) {
        command_free(c);
        return need_more(ps);
    }
    return PARSE_OK;
}

static void pipeline_free(struct pipeline *p)
{
    for (int i = 0; i < p->ncmds; i++)
        command_free(&p->cmds[i]);
    free(p->cmds);
}

static int parse_pipeline(struct parser *ps, struct pipeline *p)
{
    memset(p, 0, sizeof(*p));
    for (;;) {
        struct command c;
        int r = parse_command(ps, &c);
        if (r != PARSE_OK) {
            pipeline_free(p);
            return r;
        }
        p->cmds = xrealloc(p->cmds, (p->ncmds + 1) * sizeof(c));
        p->cmds[p->ncmds++] = c;
        if (peek(ps) != T_PIPE)
            return PARSE_OK;
        ps->pos++;
        skip_newlines(ps);
    }
}

static void andor_free(struct andor *a)
{
    for (int i = 0; i < a->npipes; i++)
        pipeline_free(&a->pipes[i]);
    free(a->pipes);
    free(a->ops);
}

static int parse_andor(struct parser *ps, struct andor *a)
{
    memset(a, 0, sizeof(*a));
    for (;;) {
        struct pipeline p;
        int r = parse_pipeline(ps, &p);
        if (r != PARSE_OK) {
            andor_free(a);
            return r;
        }
        a->pipes = xrealloc(a->pipes, (a->npipes + 1) * sizeof(p));
        a->pipes[a->npipes++] = p;
        enum tok_kind k = peek(ps);
        if (k != T_AND_IF && k != T_OR_IF)
            return PARSE_OK;
        a->ops = xrealloc(a->ops, a->npipes * sizeof(enum andor_op));
        a->ops[a->npipes - 1] = (k == T_AND_IF) ? OP_AND : OP_OR;
        ps->pos++;
        skip_newlines(ps);
    }
}

int parse(const struct tokens *tk, struct list *out)
{
    struct parser ps = { tk, 0 };
    memset(out, 0, sizeof(*out));
    for (;;) {
        while (peek(&ps) == T_NEWLINE || peek(&ps) == T_SEMI) {
            if (peek(&ps) == T_SEMI && (ps.pos == 0 || out->n == 0)) {
                int r = syntax_error(&ps);      /* a line starting with ';' */
                list_free(out);
                return r;
            }
            ps.pos++;
        }
        if (peek(&ps) == T_END)
            return PARSE_OK;
        struct andor a;
        int r = parse_andor(&ps, &a);
        if (r != PARSE_OK) {
            list_free(out);
            return r;
        }
        if (peek(&ps) == T_AMP) {
            a.background = true;
            ps.pos++;
        } else if (peek(&ps) == T_SEMI) {
            ps.pos++;
            if (peek(&ps) == T_SEMI) {
                andor_free(&a);
                list_free(out);
                return syntax_error(&ps);
            }
        } else if (peek(&ps) != T_NEWLINE && peek(&ps) != T_END) {
            andor_free(&a);
            list_free(out);
            return syntax_error(&ps);
        }
        out->items = xrealloc(out->items, (out->n + 1) * sizeof(a));
        out->items[out->n++] = a;
    }
}

void list_free(struct list *l)
{
    for (int i = 0; i < l->n; i++)
        andor_free(&l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}
