/*
 * lex.c - cut a command line into words and operators.
 *
 * Words keep their quotes and backslashes: expand.c removes them when the
 * command runs.  The lexer only has to know where a word ends: at an
 * unquoted blank or operator character.  A '#' that starts a word starts
 * a comment that runs to the end of the line.
 */
#include "sh.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static bool is_operator_char(char c)
{
    return c == '|' || c == '&' || c == ';' || c == '<' || c == '>' || c == '\n';
}

static void push(struct tokens *tk, enum tok_kind kind, char *text, int io_number)
{
    if (tk->n + 1 > tk->cap) {
        tk->cap = tk->cap ? 2 * tk->cap : 16;
        tk->t = xrealloc(tk->t, tk->cap * sizeof(struct token));
    }
    tk->t[tk->n++] = (struct token){ kind, text, io_number };
}

/* Scan one word starting at *pp; 0, or LEX_INCOMPLETE if a quote is open
 * at the end of src.  *pp is left after the word. */
static int scan_word(const char **pp, struct strbuf *w, bool *quoted)
{
    const char *p = *pp;
    *quoted = false;
    while (*p && !isblank((unsigned char)*p) && !is_operator_char(*p)) {
        if (*p == '\\') {
            *quoted = true;
            if (p[1] == '\0') {           /* a trailing backslash: join lines */
                *pp = p + 1;
                return LEX_INCOMPLETE;
            }
            sb_addc(w, *p++);
            sb_addc(w, *p++);
        } else if (*p == '\'' || *p == '"') {
            char q = *p;
            *quoted = true;
            sb_addc(w, *p++);
            while (*p && *p != q) {
                if (q == '"' && *p == '\\' && p[1])
                    sb_addc(w, *p++);
                sb_addc(w, *p++);
            }
            if (!*p) {
                *pp = p;
                return LEX_INCOMPLETE;
            }
            sb_addc(w, *p++);
        } else if (*p == '$' && p[1] == '{') {
            while (*p && *p != '}')       /* ${...} may hold any character */
                sb_addc(w, *p++);
            if (*p)
                sb_addc(w, *p++);
        } else {
            sb_addc(w, *p++);
        }
    }
    *pp = p;
    return LEX_OK;
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

int lex(const char *src, struct tokens *out)
{
    const char *p = src;
    struct strbuf w = { 0 };

    out->n = 0;
    for (;;) {
        while (isblank((unsigned char)*p) || (p[0] == '\\' && p[1] == '\n'))
            p += (*p == '\\') ? 2 : 1;
        if (*p == '\0')
            break;
        if (*p == '#') {
            while (*p && *p != '\n')
                p++;
            continue;
        }
        if (is_operator_char(*p)) {
            char c = *p++;
            enum tok_kind k;
            switch (c) {
            case '|':  k = (*p == '|') ? (p++, T_OR_IF) : T_PIPE; break;
            case '&':  k = (*p == '&') ? (p++, T_AND_IF) : T_AMP; break;
            case ';':  k = T_SEMI; break;
            case '\n': k = T_NEWLINE; break;
            case '<':  k = (*p == '&') ? (p++, T_LESSAND) : T_LESS; break;
            default:   /* '>' */
                if (*p == '>')
                    k = (p++, T_DGREAT);
                else if (*p == '&')
                    k = (p++, T_GREATAND);
                else
                    k = T_GREAT;
                break;
            }
            push(out, k, NULL, -1);
            continue;
        }
        bool quoted;
        sb_reset(&w);
        if (scan_word(&p, &w, &quoted) == LEX_INCOMPLETE) {
            sb_free(&w);
            tokens_free(out);
            return LEX_INCOMPLETE;
        }
        /* "2>file": digits glued to a redirection name its descriptor. */
        if (!quoted && (*p == '<' || *p == '>') && all_digits(w.s) && strlen(w.s) < 4) {
            /* A placeholder; the operator is lexed next round. */
            push(out, T_WORD, NULL, atoi(w.s));
            continue;
        }
        push(out, T_WORD, xstrdup(w.s), -1);
    }
    sb_free(&w);
    push(out, T_END, NULL, -1);

    /* Fold each io-number placeholder into the redirection after it. */
    int j = 0;
    for (int i = 0; i < out->n; i++) {
        struct token t = out->t[i];
        if (t.kind == T_WORD && t.text == NULL) {
            out->t[i + 1].io_number = t.io_number;
            continue;
        }
        out->t[j++] = t;
    }
    out->n = j;
    return LEX_OK;
}

void tokens_free(struct tokens *tk)
{
    for (int i = 0; i < tk->n; i++)
        free(tk->t[i].text);
    free(tk->t);
    tk->t = NULL;
    tk->n = tk->cap = 0;
}
