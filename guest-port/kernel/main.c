/*
 * main.c - the portable kernel's entry: bring the subsystems up in order,
 * start init, and become the scheduler.
 *
 * The kernel command line picks init and its arguments:
 *   init=PATH   the program process 1 runs (default /sbin/init)
 *   console=X   for the HAL backend (the PV one: console=hyp makes a domU
 *               write to the hypervisor's console instead of its ring)
 *   any other space-separated token becomes one of init's arguments,
 *   argv[1] on, in order; argv[0] is the program's base name.
 */
#include "kproc.h"

#define DEFAULT_INIT  "/sbin/init"
#define CMDLINE_MAX   512
#define INIT_ARGS_MAX 32        /* argv entries, argv[0] and the NULL included */

/* The copy of the command line the init strings point into; process 1
 * reads them when it first runs, long after kmain's frame is gone. */
static char cmdline[CMDLINE_MAX];
static char *init_argv[INIT_ARGS_MAX];
static const char *init_path = DEFAULT_INIT;

/* The base name of path ("/sbin/init" -> "init"). */
static char *
base_name(const char *path)
{
    const char *base = path;

    for (const char *s = path; *s; s++)
        if (*s == '/' && s[1] != '\0')
            base = s + 1;
    return (char *)base;
}

/* Split the command line into init's path and arguments.  Tokens past
 * INIT_ARGS_MAX are dropped (with a message). */
static void
parse_cmdline(const char *line)
{
    int argc = 1;
    char *s;

    strlcpy(cmdline, line != NULL ? line : "", sizeof(cmdline));
    s = cmdline;
    for (;;) {
        char *tok;

        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '\0')
            break;
        tok = s;
        while (*s != '\0' && *s != ' ' && *s != '\t')
            s++;
        if (*s != '\0')
            *s++ = '\0';
        if (strncmp(tok, "init=", 5) == 0 && tok[5] != '\0') {
            init_path = tok + 5;
        } else if (strncmp(tok, "console=", 8) == 0) {
            continue;                   /* the backend's */
        } else if (argc < INIT_ARGS_MAX - 1) {
            init_argv[argc++] = tok;
        } else {
            printk("kernel: too many arguments for init, dropped '%s'\n", tok);
        }
    }
    init_argv[0] = base_name(init_path);
    init_argv[argc] = NULL;
}

void
kmain(const struct hal_boot *boot)
{
    uint64_t total, free_pages;

    page_init(boot);
    proc_init();
    tty_init();
    vfs_init(boot->initrd, boot->initrd_len);

    total = page_total_count();
    free_pages = page_free_count();
    printk("Paravane guest kernel (%s build): %lu KiB memory, %lu KiB for the kernel's "
           "allocator, %lu KiB free, initrd %lu KiB\n",
           boot->build, (unsigned long)(boot->total_pages * PAGE_SIZE / 1024),
           (unsigned long)(total * PAGE_SIZE / 1024),
           (unsigned long)(free_pages * PAGE_SIZE / 1024),
           (unsigned long)(boot->initrd_len / 1024));

    parse_cmdline(boot->cmdline);
    printk("kernel: starting %s\n", init_path);
    proc_spawn_init(init_path, init_argv);
    scheduler();
}
