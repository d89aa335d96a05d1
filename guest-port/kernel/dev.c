/*
 * dev.c - character devices: the table the /dev nodes index, and the
 * trivial devices /dev/null and /dev/zero.  /dev/console is tty.c.
 */
#include "file.h"

static long
null_read(struct file *f, struct xfer dst, size_t n)
{
    (void)f, (void)dst, (void)n;
    return 0;
}

/* Accepts everything without looking at it, like every Unix. */
static long
sink_write(struct file *f, struct xfer src, size_t n)
{
    (void)f, (void)src;
    return n > (size_t)INT64_MAX ? INT64_MAX : (long)n;
}

/* n zero bytes, or as many as fit before the first bad page. */
static long
zero_read(struct file *f, struct xfer dst, size_t n)
{
    size_t done = 0;

    (void)f;
    while (done < n) {
        size_t k = xfer_chunk(dst, done, n - done < PAGE_SIZE ? n - done : PAGE_SIZE);

        if (xfer_out(dst, done, zero_page, k) < 0)
            return done > 0 ? (long)done : -EFAULT;
        done += k;
    }
    return (long)done;
}

const struct devsw devsw[NDEV] = {
    [DEV_CONSOLE] = { "console", tty_read, tty_write_file, false, true },
    [DEV_NULL]    = { "null", null_read, sink_write, true, false },
    [DEV_ZERO]    = { "zero", zero_read, sink_write, true, false },
};

/*
 * Make /dev (unless the initrd had it) with a node per device, then make
 * it read-only so no program can remove the console.
 */
void
dev_init(void)
{
    struct inode *root = vfs_root(), *dir, *ip;
    int err;

    err = vfs_ensure_dir(root, "dev", 0755, &dir);
    if (err < 0)
        panic("dev_init: mkdir /dev: %d", err);
    for (int i = 0; i < NDEV; i++) {
        /* The kernel's nodes replace anything the initrd put there. */
        if (vfs_dir_find(dir, devsw[i].name) != NULL)
            vfs_remove(dir, devsw[i].name, false);
        err = vfs_create(dir, devsw[i].name, S_IFCHR | 0666, &ip);
        if (err < 0)
            panic("dev_init: /dev/%s: %d", devsw[i].name, err);
        ip->u.chr.dev = i;
        inode_put(ip);
    }
    dir->flags |= I_READONLY;
    inode_put(dir);
}
