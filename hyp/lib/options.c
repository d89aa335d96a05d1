/*
 * options.c - parse the hypervisor command line (see options.h).
 *
 * Each option is a row in opt_table: its name, whether it needs a value,
 * and a setter.  A setter checks the value and either stores it or returns
 * a short reason; the parser turns the reason into the report line, so all
 * messages have the same shape:
 *   cmdline: NAME=VALUE: REASON, ignored
 */
#include <stddef.h>
#include "options.h"
#include "errno.h"
#include "format.h"
#include "string.h"

/* A value as it appears in the command line: not NUL-terminated. */
struct val {
    const char *s;
    size_t      len;
};

/* Setters return NULL when the value was stored, else why it was not. */
typedef const char *(*opt_setter)(struct boot_options *opt, struct val v);

enum opt_value { VALUE_NONE, VALUE_REQUIRED, VALUE_OPTIONAL };

struct opt_desc {
    const char     *name;
    enum opt_value  value;
    opt_setter      set;
};

/* Longest value shown in a report, so one bad token cannot flood the console. */
#define SHOW_MAX 40

static int
val_is(struct val v, const char *word)
{
    size_t n = strlen(word);
    return v.len == n && strncmp(v.s, word, n) == 0;
}

/* Parse a decimal number that fills the whole value.  -EINVAL if not one, -ERANGE on overflow. */
static int
parse_u64(struct val v, uint64_t *out)
{
    uint64_t n = 0;

    if (v.len == 0)
        return -EINVAL;
    for (size_t i = 0; i < v.len; i++) {
        unsigned d = (unsigned char)v.s[i] - '0';
        if (d > 9)
            return -EINVAL;
        if (n > (UINT64_MAX - d) / 10)
            return -ERANGE;
        n = n * 10 + d;
    }
    *out = n;
    return 0;
}

static int
parse_size_val(struct val v, uint64_t *bytes)
{
    uint64_t n;
    unsigned shift = 0;
    size_t digits = v.len;

    if (v.len > 0) {
        switch (v.s[v.len - 1]) {
        case 'k': case 'K': shift = 10; break;
        case 'm': case 'M': shift = 20; break;
        case 'g': case 'G': shift = 30; break;
        case 't': case 'T': shift = 40; break;
        default: break;
        }
        if (shift != 0)
            digits--;
    }
    if (parse_u64((struct val){ v.s, digits }, &n) != 0)
        return -EINVAL;
    if (shift != 0 && n > (UINT64_MAX >> shift))
        return -EINVAL;
    *bytes = n << shift;
    return 0;
}

int
parse_size(const char *s, uint64_t *bytes)
{
    return parse_size_val((struct val){ s, strlen(s) }, bytes);
}

static const char *
set_console(struct boot_options *opt, struct val v)
{
    if (val_is(v, "com1"))
        opt->console = CONSOLE_COM1;
    else if (val_is(v, "com2"))
        opt->console = CONSOLE_COM2;
    else if (val_is(v, "none"))
        opt->console = CONSOLE_NONE;
    else
        return "must be com1, com2 or none";
    return NULL;
}

static const char *
set_loglvl(struct boot_options *opt, struct val v)
{
    uint64_t n = 0;

    if (parse_u64(v, &n) != 0 || n > 7)
        return "must be a number from 0 to 7";
    opt->loglvl = (int)n;
    return NULL;
}

static const char *
set_maxcpus(struct boot_options *opt, struct val v)
{
    uint64_t n = 0;
    int r = parse_u64(v, &n);

    if (r == -EINVAL)
        return "not a number";
    if (r != 0 || n > 0xFFFFFFFFu)
        return "too large";
    if (n == 0)
        return "must be at least 1";
    opt->maxcpus = (unsigned)n;
    return NULL;
}

static const char *
set_dom0_mem(struct boot_options *opt, struct val v)
{
    uint64_t n;

    if (parse_size_val(v, &n) != 0)
        return "not a size (such as 512M or 2G)";
    opt->dom0_mem = n;
    return NULL;
}

static const char *
set_panic(struct boot_options *opt, struct val v)
{
    if (val_is(v, "halt"))
        opt->panic = PANIC_HALT;
    else if (val_is(v, "reboot"))
        opt->panic = PANIC_REBOOT;
    else if (val_is(v, "qemu-exit"))
        opt->panic = PANIC_QEMU_EXIT;
    else
        return "must be halt, reboot or qemu-exit";
    return NULL;
}

static const char *
set_bench(struct boot_options *opt, struct val v)
{
    /* A bare "bench" arrives as no value. */
    if (v.s == NULL || val_is(v, "1"))
        opt->bench = true;
    else if (val_is(v, "0"))
        opt->bench = false;
    else
        return "must be 0 or 1";
    return NULL;
}

static const char *
set_guest_debug(struct boot_options *opt, struct val v)
{
    if (v.s == NULL || val_is(v, "1"))
        opt->guest_debug = true;
    else if (val_is(v, "0"))
        opt->guest_debug = false;
    else
        return "must be 0 or 1";
    return NULL;
}

static const char *
set_sched(struct boot_options *opt, struct val v)
{
    if (!val_is(v, "credit") && !val_is(v, "rr"))
        return "must be credit or rr";
    memcpy(opt->sched, v.s, v.len);
    opt->sched[v.len] = '\0';
    return NULL;
}

static const char *
set_test(struct boot_options *opt, struct val v)
{
    if (v.len >= sizeof(opt->test))
        return "name too long (at most 31 characters)";
    memcpy(opt->test, v.s, v.len);
    opt->test[v.len] = '\0';
    return NULL;
}

static const struct opt_desc opt_table[] = {
    { "console",  VALUE_REQUIRED, set_console },
    { "loglvl",   VALUE_REQUIRED, set_loglvl },
    { "maxcpus",  VALUE_REQUIRED, set_maxcpus },
    { "dom0_mem", VALUE_REQUIRED, set_dom0_mem },
    { "panic",    VALUE_REQUIRED, set_panic },
    { "bench",    VALUE_OPTIONAL, set_bench },
    { "guest_debug", VALUE_OPTIONAL, set_guest_debug },
    { "sched",    VALUE_REQUIRED, set_sched },
    { "test",     VALUE_REQUIRED, set_test },
};

void
options_defaults(struct boot_options *opt)
{
    memset(opt, 0, sizeof(*opt));
    opt->console = CONSOLE_COM1;
    opt->loglvl = 6;            /* everything but debug messages */
    opt->maxcpus = 0;           /* all CPUs */
    opt->dom0_mem = 0;          /* let dom0 building choose */
    opt->panic = PANIC_HALT;
    opt->bench = false;
    opt->guest_debug = false;
    opt->test[0] = '\0';
    memcpy(opt->sched, "credit", sizeof "credit");
}

static void
report_line(void (*report)(const char *msg), const char *name, size_t nlen,
            const struct val *v, const char *why)
{
    char msg[160];

    if (report == NULL)
        return;
    if (v == NULL)
        snprintf(msg, sizeof(msg), "cmdline: %.*s: %s, ignored",
                 (int)nlen, name, why);
    else
        snprintf(msg, sizeof(msg), "cmdline: %.*s=%.*s%s: %s, ignored",
                 (int)nlen, name,
                 (int)(v->len > SHOW_MAX ? SHOW_MAX : v->len), v->s,
                 v->len > SHOW_MAX ? "..." : "", why);
    report(msg);
}

static int
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Handle one "name" or "name=value" token.  Returns 1 if it was a problem. */
static int
parse_token(const char *tok, size_t len, struct boot_options *opt,
            void (*report)(const char *msg))
{
    size_t nlen = 0;
    struct val v = { NULL, 0 };
    const char *why;

    while (nlen < len && tok[nlen] != '=')
        nlen++;
    if (nlen < len)
        v = (struct val){ tok + nlen + 1, len - nlen - 1 };

    for (size_t i = 0; i < sizeof(opt_table) / sizeof(opt_table[0]); i++) {
        const struct opt_desc *d = &opt_table[i];

        if (strlen(d->name) != nlen || strncmp(d->name, tok, nlen) != 0)
            continue;
        if (v.s == NULL && d->value == VALUE_REQUIRED) {
            report_line(report, tok, nlen, NULL, "needs a value (NAME=VALUE)");
            return 1;
        }
        if (v.s != NULL && v.len == 0 && d->value != VALUE_NONE) {
            report_line(report, tok, nlen, &v, "empty value");
            return 1;
        }
        if (v.s != NULL && d->value == VALUE_NONE) {
            report_line(report, tok, nlen, &v, "takes no value");
            return 1;
        }
        why = d->set(opt, v);
        if (why != NULL) {
            report_line(report, tok, nlen, &v, why);
            return 1;
        }
        return 0;
    }

    if (report != NULL) {
        char msg[160];
        snprintf(msg, sizeof(msg), "cmdline: unknown option '%.*s%s' ignored",
                 (int)(nlen > SHOW_MAX ? SHOW_MAX : nlen), tok,
                 nlen > SHOW_MAX ? "..." : "");
        report(msg);
    }
    return 1;
}

int
options_parse(const char *cmdline, struct boot_options *opt,
              void (*report)(const char *msg))
{
    int problems = 0;
    int first = 1;
    const char *p = cmdline;

    if (p == NULL)
        return 0;
    for (;;) {
        const char *tok;

        while (is_space(*p))
            p++;
        if (*p == '\0')
            break;
        tok = p;
        while (*p != '\0' && !is_space(*p))
            p++;
        /*
         * Some boot loaders pass the image's path as the first word;
         * no option starts with '/', so skip it quietly.
         */
        if (first && *tok == '/') {
            first = 0;
            continue;
        }
        first = 0;
        problems += parse_token(tok, (size_t)(p - tok), opt, report);
    }
    return problems;
}
