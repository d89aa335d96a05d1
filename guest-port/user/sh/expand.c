/*
 * expand.c - word expansion: parameters, quote removal, field splitting.
 *
 * Shell variables are the environment (every assignment is exported), so
 * $VAR is getenv("VAR").  Unquoted expansions are split at blanks; there
 * is no globbing and no command substitution.
 */
#include "sh.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A field under construction: 'have' once anything (even "") made it exist. */
struct field {
    struct strbuf b;
    bool have;
};

static void field_end(struct field *f, struct strvec *out)
{
    if (f->have)
        sv_push(out, xstrdup(f->b.s ? f->b.s : ""));
    sb_reset(&f->b);
    f->have = false;
}

/* Add text from an expansion: split at blanks unless quoted (or out is NULL). */
static void field_add_expansion(struct field *f, const char *val, bool quoted,
                                struct strvec *out)
{
    if (quoted || !out) {
        sb_adds(&f->b, val);
        f->have = true;
        return;
    }
    for (; *val; val++) {
        if (*val == ' ' || *val == '\t' || *val == '\n') {
            field_end(f, out);
        } else {
            sb_addc(&f->b, *val);
            f->have = true;
        }
    }
}

static bool is_name_start(char c)
{
    return isalpha((unsigned char)c) || c == '_';
}

static bool is_name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* Expand the parameter after a '$' at *pp; *pp is left after it.  Returns
 * false if the '$' starts no parameter (it is then a literal '$'). */
static bool expand_param(const char **pp, bool quoted, struct field *f, struct strvec *out)
{
    const char *p = *pp;
    char num[32];
    const char *val = NULL;
    char name[128];

    if (*p == '{') {
        const char *end = strchr(p, '}');
        size_t len = end ? (size_t)(end - p - 1) : 0;
        if (!end || len == 0 || len >= sizeof(name))
            return false;
        memcpy(name, p + 1, len);
        name[len] = '\0';
        p = end + 1;
    } else if (is_name_start(*p)) {
        size_t len = 0;
        while (is_name_char(*p) && len + 1 < sizeof(name))
            name[len++] = *p++;
        name[len] = '\0';
    } else if (*p && strchr("?$!#@*0123456789", *p)) {
        name[0] = *p++;
        name[1] = '\0';
    } else {
        return false;
    }
    *pp = p;

    if (strcmp(name, "?") == 0) {
        snprintf(num, sizeof(num), "%d", sh.last_status);
        val = num;
    } else if (strcmp(name, "$") == 0) {
        snprintf(num, sizeof(num), "%d", (int)getpid());
        val = num;
    } else if (strcmp(name, "!") == 0) {
        snprintf(num, sizeof(num), "%d", (int)sh.last_bg);
        val = sh.last_bg ? num : "";
    } else if (strcmp(name, "#") == 0) {
        snprintf(num, sizeof(num), "%d", sh.nargs);
        val = num;
    } else if (strcmp(name, "@") == 0 || strcmp(name, "*") == 0) {
        /* Each argument its own field ("$@" too); inside quotes they join. */
        for (int i = 0; i < sh.nargs; i++) {
            if (i > 0) {
                if (quoted || !out)
                    sb_addc(&f->b, ' ');
                else
                    field_end(f, out);
            }
            field_add_expansion(f, sh.args[i], quoted, out);
        }
        return true;
    } else if (isdigit((unsigned char)name[0])) {
        int n = atoi(name);
        val = (n == 0) ? sh.argv0 : (n <= sh.nargs ? sh.args[n - 1] : "");
    } else {
        val = getenv(name);
    }
    field_add_expansion(f, val ? val : "", quoted, out);
    return true;
}

/* The common walk; out == NULL means one string, no splitting. */
static void expand(const char *raw, struct field *f, struct strvec *out)
{
    const char *p = raw;

    if (p[0] == '~' && (p[1] == '/' || p[1] == '\0')) {
        const char *home = getenv("HOME");
        sb_adds(&f->b, home ? home : "/");
        f->have = true;
        p++;
    }
    while (*p) {
        char c = *p++;
        if (c == '\\') {
            if (*p == '\n') {               /* line continuation */
                p++;
                continue;
            }
            f->have = true;
            if (*p)
                sb_addc(&f->b, *p++);
        } else if (c == '\'') {
            f->have = true;
            while (*p && *p != '\'')
                sb_addc(&f->b, *p++);
            if (*p)
                p++;
        } else if (c == '"') {
            f->have = true;
            while (*p && *p != '"') {
                if (*p == '\\' && p[1] && strchr("$`\"\\\n", p[1])) {
                    if (p[1] != '\n')
                        sb_addc(&f->b, p[1]);
                    p += 2;
                } else if (*p == '$') {
                    p++;
                    if (!expand_param(&p, true, f, out))
                        sb_addc(&f->b, '$');
                } else {
                    sb_addc(&f->b, *p++);
                }
            }
            if (*p)
                p++;
        } else if (c == '$') {
            if (!expand_param(&p, false, f, out)) {
                sb_addc(&f->b, '$');
                f->have = true;
            }
        } else {
            sb_addc(&f->b, c);
            f->have = true;
        }
    }
}

void expand_word(const char *raw, struct strvec *out)
{
    struct field f = { { 0 }, false };
    expand(raw, &f, out);
    field_end(&f, out);
    sb_free(&f.b);
}

char *expand_string(const char *raw)
{
    struct field f = { { 0 }, false };
    expand(raw, &f, NULL);
    char *s = xstrdup(f.b.s ? f.b.s : "");
    sb_free(&f.b);
    return s;
}

bool is_assignment(const char *raw, const char **eq)
{
    if (!is_name_start(raw[0]))
        return false;
    const char *p = raw;
    while (is_name_char(*p))
        p++;
    if (*p != '=')
        return false;
    *eq = p;
    return true;
}
