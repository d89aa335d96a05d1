/* test_options.c - hyp/lib/options.c: the command-line parser. */
#include <stdint.h>
#include "unit.h"
#include "options.h"
#include "errno.h"

/* Reports are collected here so each case can check their exact text. */
static char reports[8][200];
static int nreports;

static void
collect(const char *msg)
{
    if (nreports < 8)
        snprintf(reports[nreports], sizeof(reports[0]), "%s", msg);
    nreports++;
}

/* Parse 'cmdline' over the defaults; returns the problem count. */
static int
parse(const char *cmdline, struct boot_options *opt)
{
    nreports = 0;
    memset(reports, 0, sizeof(reports));
    options_defaults(opt);
    return options_parse(cmdline, opt, collect);
}

static void
test_defaults(void)
{
    struct boot_options opt;

    memset(&opt, 0x5A, sizeof(opt));
    options_defaults(&opt);
    CHECK_EQ(opt.console, CONSOLE_COM1);
    CHECK_EQ(opt.loglvl, 6);
    CHECK_EQ(opt.maxcpus, 0);
    CHECK_EQ_U(opt.dom0_mem, 0);
    CHECK_EQ(opt.panic, PANIC_HALT);
    CHECK_EQ(opt.bench, false);
    CHECK_STR(opt.test, "");
}

static void
test_all_options(void)
{
    struct boot_options opt;

    CHECK_EQ(parse("console=com2 loglvl=7 maxcpus=2 dom0_mem=512M panic=qemu-exit "
                   "bench test=smp_boot", &opt), 0);
    CHECK_EQ(nreports, 0);
    CHECK_EQ(opt.console, CONSOLE_COM2);
    CHECK_EQ(opt.loglvl, 7);
    CHECK_EQ(opt.maxcpus, 2);
    CHECK_EQ_U(opt.dom0_mem, 512ull << 20);
    CHECK_EQ(opt.panic, PANIC_QEMU_EXIT);
    CHECK_EQ(opt.bench, true);
    CHECK_STR(opt.test, "smp_boot");

    CHECK_EQ(parse("console=none panic=reboot loglvl=0 bench=1", &opt), 0);
    CHECK_EQ(opt.console, CONSOLE_NONE);
    CHECK_EQ(opt.panic, PANIC_REBOOT);
    CHECK_EQ(opt.loglvl, 0);
    CHECK_EQ(opt.bench, true);

    CHECK_EQ(parse("bench bench=0 panic=halt console=com1", &opt), 0);
    CHECK_EQ(opt.bench, false);
    CHECK_EQ(opt.panic, PANIC_HALT);
    CHECK_EQ(opt.console, CONSOLE_COM1);
}

static void
test_spacing(void)
{
    struct boot_options opt;

    CHECK_EQ(parse("", &opt), 0);
    CHECK_EQ(parse("    ", &opt), 0);
    CHECK_EQ(parse("   loglvl=3    maxcpus=4   ", &opt), 0);
    CHECK_EQ(opt.loglvl, 3);
    CHECK_EQ(opt.maxcpus, 4);
    CHECK_EQ(parse("\tloglvl=1\t", &opt), 0);
    CHECK_EQ(opt.loglvl, 1);
    CHECK_EQ(nreports, 0);
}

static void
test_unknown_option(void)
{
    struct boot_options opt, def;

    options_defaults(&def);
    CHECK_EQ(parse("foo loglvl=2 bar=baz", &opt), 2);
    CHECK_EQ(nreports, 2);
    CHECK_STR(reports[0], "cmdline: unknown option 'foo' ignored");
    CHECK_STR(reports[1], "cmdline: unknown option 'bar' ignored");
    CHECK_EQ(opt.loglvl, 2);
    /* A prefix of a real name is not that option. */
    CHECK_EQ(parse("log=2 loglvlx=3", &opt), 2);
    CHECK_EQ(opt.loglvl, def.loglvl);
}

static void
test_maxcpus(void)
{
    struct boot_options opt;

    CHECK_EQ(parse("maxcpus=0", &opt), 1);
    CHECK_STR(reports[0], "cmdline: maxcpus=0: must be at least 1, ignored");
    CHECK_EQ(opt.maxcpus, 0);

    CHECK_EQ(parse("maxcpus=abc", &opt), 1);
    CHECK_STR(reports[0], "cmdline: maxcpus=abc: not a number, ignored");
    CHECK_EQ(parse("maxcpus=3x", &opt), 1);
    CHECK_EQ(parse("maxcpus=-1", &opt), 1);
    CHECK_EQ(parse("maxcpus=99999999999999999999999", &opt), 1);
    CHECK_STR(reports[0], "cmdline: maxcpus=99999999999999999999999: too large, ignored");
    CHECK_EQ(opt.maxcpus, 0);

    /* A bad value keeps the previous good one. */
    CHECK_EQ(parse("maxcpus=4 maxcpus=0", &opt), 1);
    CHECK_EQ(opt.maxcpus, 4);
    CHECK_EQ(parse("maxcpus=4 maxcpus=8", &opt), 0);
    CHECK_EQ(opt.maxcpus, 8);
}

static void
test_loglvl(void)
{
    struct boot_options opt;

    CHECK_EQ(parse("loglvl=9", &opt), 1);
    CHECK_STR(reports[0], "cmdline: loglvl=9: must be a number from 0 to 7, ignored");
    CHECK_EQ(opt.loglvl, 6);
    CHECK_EQ(parse("loglvl=x loglvl=-1 loglvl=07", &opt), 2);
    CHECK_EQ(opt.loglvl, 7);
    CHECK_EQ(parse("loglvl", &opt), 1);
    CHECK_STR(reports[0], "cmdline: loglvl: needs a value (NAME=VALUE), ignored");
    CHECK_EQ(parse("loglvl=", &opt), 1);
    CHECK_STR(reports[0], "cmdline: loglvl=: empty value, ignored");
}

static void
test_keywords(void)
{
    struct boot_options opt;

    CHECK_EQ(parse("console=vga", &opt), 1);
    CHECK_STR(reports[0], "cmdline: console=vga: must be com1, com2 or none, ignored");
    CHECK_EQ(opt.console, CONSOLE_COM1);
    CHECK_EQ(parse("console=com11 console=COM2", &opt), 2);
    CHECK_EQ(opt.console, CONSOLE_COM1);
    CHECK_EQ(parse("panic=explode", &opt), 1);
    CHECK_STR(reports[0], "cmdline: panic=explode: must be halt, reboot or qemu-exit, ignored");
    CHECK_EQ(opt.panic, PANIC_HALT);
    CHECK_EQ(parse("bench=2", &opt), 1);
    CHECK_STR(reports[0], "cmdline: bench=2: must be 0 or 1, ignored");
    CHECK_EQ(opt.bench, false);
}

static void
test_dom0_mem(void)
{
    struct boot_options opt;

    CHECK_EQ(parse("dom0_mem=12Q", &opt), 1);
    CHECK_STR(reports[0], "cmdline: dom0_mem=12Q: not a size (such as 512M or 2G), ignored");
    CHECK_EQ_U(opt.dom0_mem, 0);
    CHECK_EQ(parse("dom0_mem=1G", &opt), 0);
    CHECK_EQ_U(opt.dom0_mem, 1ull << 30);
    CHECK_EQ(parse("dom0_mem=1G dom0_mem=M", &opt), 1);
    CHECK_EQ_U(opt.dom0_mem, 1ull << 30);
}

static void
test_parse_size(void)
{
    uint64_t b = 77;

    CHECK_EQ(parse_size("4096", &b), 0);
    CHECK_EQ_U(b, 4096);
    CHECK_EQ(parse_size("64k", &b), 0);
    CHECK_EQ_U(b, 64 << 10);
    CHECK_EQ(parse_size("64K", &b), 0);
    CHECK_EQ_U(b, 64 << 10);
    CHECK_EQ(parse_size("512M", &b), 0);
    CHECK_EQ_U(b, 512ull << 20);
    CHECK_EQ(parse_size("3g", &b), 0);
    CHECK_EQ_U(b, 3ull << 30);
    CHECK_EQ(parse_size("2T", &b), 0);
    CHECK_EQ_U(b, 2ull << 40);
    CHECK_EQ(parse_size("0", &b), 0);
    CHECK_EQ_U(b, 0);
    CHECK_EQ(parse_size("18446744073709551615", &b), 0);
    CHECK_EQ_U(b, UINT64_MAX);

    b = 77;
    CHECK_EQ(parse_size("", &b), -EINVAL);
    CHECK_EQ(parse_size("M", &b), -EINVAL);
    CHECK_EQ(parse_size("12Q", &b), -EINVAL);
    CHECK_EQ(parse_size("1 G", &b), -EINVAL);
    CHECK_EQ(parse_size("-1", &b), -EINVAL);
    CHECK_EQ(parse_size("1MM", &b), -EINVAL);
    CHECK_EQ(parse_size("18446744073709551616", &b), -EINVAL);
    CHECK_EQ(parse_size("16777216T", &b), -EINVAL);    /* 2^64 bytes */
    CHECK_EQ_U(b, 77);
    CHECK_EQ(parse_size("16777215T", &b), 0);
    CHECK_EQ_U(b, 16777215ull << 40);
}

static void
test_test_name(void)
{
    struct boot_options opt;
    char line[128], name[40];

    memset(name, 'a', 31);
    name[31] = '\0';
    snprintf(line, sizeof(line), "test=%s", name);
    CHECK_EQ(parse(line, &opt), 0);
    CHECK_STR(opt.test, name);

    CHECK_EQ(parse("test=first test=aaaaaaaaaabbbbbbbbbbccccccccccdd", &opt), 1);
    CHECK_STR(reports[0], "cmdline: test=aaaaaaaaaabbbbbbbbbbccccccccccdd: "
                          "name too long (at most 31 characters), ignored");
    CHECK_STR(opt.test, "first");
}

static void
test_overlong_token(void)
{
    struct boot_options opt;
    char line[400];

    /* Reports stay one bounded line however long the token is. */
    memset(line, 0, sizeof(line));
    memcpy(line, "maxcpus=", 8);
    memset(line + 8, '9', 300);
    CHECK_EQ(parse(line, &opt), 1);
    CHECK(strlen(reports[0]) < 120);
    CHECK(strncmp(reports[0], "cmdline: maxcpus=9999", 21) == 0);
    CHECK(strstr(reports[0], "...: too large, ignored") != NULL);

    memset(line, 'z', 300);
    line[300] = '\0';
    CHECK_EQ(parse(line, &opt), 1);
    CHECK(strlen(reports[0]) < 120);
    CHECK(strstr(reports[0], "...' ignored") != NULL);
}

static void
test_image_path_skipped(void)
{
    struct boot_options opt;

    /* Some loaders include the image path as the first word. */
    CHECK_EQ(parse("/boot/paravane.elf loglvl=4", &opt), 0);
    CHECK_EQ(opt.loglvl, 4);
    /* Only as the first word. */
    CHECK_EQ(parse("loglvl=4 /boot/x", &opt), 1);
}

static void
test_null_report(void)
{
    struct boot_options opt;

    options_defaults(&opt);
    CHECK_EQ(options_parse("foo maxcpus=0 loglvl=5", &opt, NULL), 2);
    CHECK_EQ(opt.loglvl, 5);
}

static const struct unit_case cases[] = {
    UNIT_CASE(test_defaults),
    UNIT_CASE(test_all_options),
    UNIT_CASE(test_spacing),
    UNIT_CASE(test_unknown_option),
    UNIT_CASE(test_maxcpus),
    UNIT_CASE(test_loglvl),
    UNIT_CASE(test_keywords),
    UNIT_CASE(test_dom0_mem),
    UNIT_CASE(test_parse_size),
    UNIT_CASE(test_test_name),
    UNIT_CASE(test_overlong_token),
    UNIT_CASE(test_image_path_skipped),
    UNIT_CASE(test_null_report),
};

int
main(void)
{
    return unit_run(cases, UNIT_COUNT(cases));
}
