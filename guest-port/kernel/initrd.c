/*
 * initrd.c - build the root file system at boot: unpack the cpio initrd
 * into the ramfs, then add /tmp, /dev and /proc.
 *
 * Regular files keep pointing at the initrd's bytes (ramfs_set_rodata):
 * nothing is copied at boot, a page is copied when it is first written.
 * The HAL never hands the initrd's frames to the page allocator, so the
 * bytes stay valid for as long as the kernel runs.
 */
#include "vfs.h"
#include "cpio.h"

/*
 * Make the directories leading to path's last component under top:
 * 0 with *dir (referenced) and last, or a negative errno.
 */
static int
make_parents(struct inode *top, const char *path, struct inode **dir, char *last)
{
    struct inode *d = inode_get(top);
    const char *p = path;

    for (;;) {
        const char *slash = p;
        size_t len;
        struct inode *next;
        int err;

        while (*slash != '\0' && *slash != '/')
            slash++;
        len = (size_t)(slash - p);
        if (len > UAPI_NAME_MAX) {             /* cpio_normalize prevents it */
            inode_put(d);
            return -ENAMETOOLONG;
        }
        memcpy(last, p, len);
        last[len] = '\0';
        if (*slash == '\0') {
            *dir = d;
            return 0;
        }
        err = vfs_ensure_dir(d, last, 0755, &next);
        inode_put(d);
        if (err < 0)
            return err;
        d = next;
        p = slash + 1;
    }
}

/* Put one archive member into the tree under top: 0 or a negative errno. */
static int
unpack_entry(struct inode *top, const struct cpio_entry *e)
{
    char name[UAPI_NAME_MAX + 1];
    struct inode *dir, *ip;
    int err;

    if (e->path[0] == '\0')
        return 0;                              /* the root itself */
    if ((e->mode & S_IFMT) != S_IFDIR && (e->mode & S_IFMT) != S_IFREG)
        return -EINVAL;                        /* links, devices, FIFOs */
    err = make_parents(top, e->path, &dir, name);
    if (err < 0)
        return err;
    if ((e->mode & S_IFMT) == S_IFDIR) {
        err = vfs_ensure_dir(dir, name, e->mode, &ip);
        if (err == 0) {
            ip->mode = S_IFDIR | (e->mode & 07777);
            inode_put(ip);
        }
    } else {
        /* A later member of the same name wins, as with cpio -i -u. */
        ip = vfs_dir_find(dir, name);
        if (ip != NULL && !I_ISDIR(ip))
            vfs_remove(dir, name, false);
        err = vfs_create(dir, name, S_IFREG | (e->mode & 07777), &ip);
        if (err == 0) {
            ramfs_set_rodata(ip, e->data, e->size);
            inode_put(ip);
        }
    }
    inode_put(dir);
    return err;
}

int
initrd_unpack(struct inode *top, const void *archive, size_t len)
{
    struct cpio_iter it;
    struct cpio_entry e;
    int skipped = 0;

    cpio_iter_init(&it, archive, len);
    for (;;) {
        switch (cpio_next(&it, &e)) {
        case CPIO_ENTRY:
            if (unpack_entry(top, &e) < 0) {
                printk("initrd: skipped /%s (mode %o)\n", e.path, e.mode);
                skipped++;
            }
            break;
        case CPIO_BAD_NAME:
            printk("initrd: skipped a member with an unsafe name\n");
            skipped++;
            break;
        case CPIO_END:
            return skipped;
        default:
            return -EINVAL;
        }
    }
}

void
vfs_init(const void *initrd, size_t len)
{
    struct inode *tmp;
    int r;

    vfs_tree_init();
    if (initrd != NULL) {
        r = initrd_unpack(vfs_root(), initrd, len);
        if (r < 0)
            printk("initrd: the archive is damaged; kept what came before\n");
        else if (r > 0)
            printk("initrd: %d members skipped\n", r);
    } else {
        printk("initrd: none\n");
    }
    if (vfs_ensure_dir(vfs_root(), "tmp", 01777, &tmp) == 0)
        inode_put(tmp);
    dev_init();
    procfs_init();
}
