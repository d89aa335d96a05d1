/*
 * procfs.c - /proc: read-only files whose text is made when they are
 * opened, so a reader sees one consistent snapshot however it reads.
 */
#include "file.h"

/* "12.34\n": seconds since boot. */
static size_t
gen_uptime(char *buf, size_t size)
{
    uint64_t cs = hal_time_ns() / 10000000ull;     /* centiseconds */
    int n = snprintf(buf, size, "%lu.%02lu\n",
                     (unsigned long)(cs / 100), (unsigned long)(cs % 100));
    return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

static size_t
gen_meminfo(char *buf, size_t size)
{
    uint64_t kib = PAGE_SIZE / 1024;
    /* Page tables the HAL keeps for reuse are free memory in all but name. */
    int n = snprintf(buf, size, "MemTotal: %lu kB\nMemFree: %lu kB\nHalCached: %lu kB\n",
                     (unsigned long)(page_total_count() * kib),
                     (unsigned long)((page_free_count() + hal_cached_frames()) * kib),
                     (unsigned long)(hal_cached_frames() * kib));
    return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

static size_t
gen_processes(char *buf, size_t size)
{
    return proc_list_text(buf, size);
}

static const struct {
    const char *name;
    size_t (*gen)(char *buf, size_t size);
} proc_files[] = {
    { "uptime", gen_uptime },
    { "meminfo", gen_meminfo },
    { "processes", gen_processes },
};

void
procfs_init(void)
{
    struct inode *root = vfs_root(), *dir, *ip;
    int err;

    err = vfs_ensure_dir(root, "proc", 0555, &dir);
    if (err < 0)
        panic("procfs_init: mkdir /proc: %d", err);
    for (size_t i = 0; i < NELEM(proc_files); i++) {
        /* The kernel's files replace anything the initrd put there. */
        if (vfs_dir_find(dir, proc_files[i].name) != NULL &&
            vfs_remove(dir, proc_files[i].name, false) < 0)
            vfs_remove(dir, proc_files[i].name, true);
        err = vfs_create(dir, proc_files[i].name, S_IFREG | 0444, &ip);
        if (err < 0)
            panic("procfs_init: /proc/%s: %d", proc_files[i].name, err);
        ip->flags |= I_PROCFS | I_READONLY;
        ip->u.proc.gen = proc_files[i].gen;
        inode_put(ip);
    }
    dir->flags |= I_READONLY;
    inode_put(dir);
}

int
procfs_open(struct inode *ip, struct file *f)
{
    size_t n;

    f->text = kmalloc(PROCFS_TEXT_MAX);
    if (f->text == NULL)
        return -ENOMEM;
    n = ip->u.proc.gen(f->text, PROCFS_TEXT_MAX);
    f->text_len = n < PROCFS_TEXT_MAX ? n : PROCFS_TEXT_MAX;
    return 0;
}
