/*
 * vfs.c - inodes, the directory tree, path lookup and directory listing.
 *
 * The tree is kept in the inodes (see vfs.h).  Lookup walks it one
 * component at a time; nothing here sleeps, so a walk sees a consistent
 * tree, and references are taken only on what is handed back.
 */
#include "vfs.h"

/* Inodes come from kmalloc's 256-byte class; keep them there. */
_Static_assert(sizeof(struct inode) <= 256, "struct inode outgrew its slab");

static struct inode *root;
static uint32_t next_ino = 1;

int
xfer_out(struct xfer x, size_t at, const void *src, size_t n)
{
    if (x.user)
        return copyout(x.addr + at, src, n);
    memcpy((char *)(uintptr_t)x.addr + at, src, n);
    return 0;
}

int
xfer_in(void *dst, struct xfer x, size_t at, size_t n)
{
    if (x.user)
        return copyin(dst, x.addr + at, n);
    memcpy(dst, (const char *)(uintptr_t)x.addr + at, n);
    return 0;
}

uint64_t
vfs_now(void)
{
    return hal_wallclock_ns() + hal_time_ns();
}

struct inode *
inode_alloc(uint32_t mode)
{
    struct inode *ip = kmalloc(sizeof(*ip));

    if (ip == NULL)
        return NULL;
    ip->ino = next_ino++;
    ip->mode = mode;
    ip->ref = 1;
    ip->mtime_ns = vfs_now();
    if (I_ISDIR(ip))
        ip->u.dir.next_seq = 2;     /* 0 and 1 are "." and ".." */
    return ip;
}

struct inode *
inode_get(struct inode *ip)
{
    ip->ref++;
    return ip;
}

/* Free ip if neither a name nor a reference keeps it. */
static void
inode_maybe_free(struct inode *ip)
{
    if (ip->ref > 0 || ip->nlink > 0 || ip == root)
        return;
    if (I_ISREG(ip) && !I_ISPROC(ip))
        ramfs_truncate(ip);
    /* Directories are empty by now (rmdir checks); pipes are freed by
     * pipe.c when their last end closes. */
    kfree(ip);
}

void
inode_put(struct inode *ip)
{
    if (ip->ref <= 0)
        panic("inode_put: ino %u ref %d", ip->ino, ip->ref);
    ip->ref--;
    inode_maybe_free(ip);
}

void
vfs_tree_init(void)
{
    root = inode_alloc(S_IFDIR | 0755);
    if (root == NULL)
        panic("vfs: no memory for the root");
    root->nlink = 2;
}

struct inode *
vfs_root(void)
{
    return root;
}

static bool
is_dot(const char *name)
{
    return name[0] == '.' && name[1] == '\0';
}

static bool
is_dotdot(const char *name)
{
    return name[0] == '.' && name[1] == '.' && name[2] == '\0';
}

struct inode *
vfs_dir_find(struct inode *dir, const char *name)
{
    if (!I_ISDIR(dir))
        return NULL;
    if (is_dot(name))
        return dir;
    if (is_dotdot(name))
        return dir == root ? root : dir->parent;   /* NULL once removed */
    for (struct inode *c = dir->u.dir.first; c != NULL; c = c->next)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

/*
 * The walk behind vfs_lookup and vfs_lookup_parent.  With want_parent it
 * stops before the last component and returns it in name.
 */
static int
walk(struct inode *cwd, const char *path, bool want_parent,
     struct inode **out, char *name, bool *trailing_slash)
{
    char comp[UAPI_NAME_MAX + 1];
    size_t len = strnlen(path, UAPI_PATH_MAX);
    struct inode *ip;
    const char *p = path;

    if (len == 0)
        return -ENOENT;
    if (len >= UAPI_PATH_MAX)
        return -ENAMETOOLONG;
    ip = (path[0] == '/' || cwd == NULL) ? root : cwd;
    inode_get(ip);

    for (;;) {
        const char *start, *q;
        size_t clen;
        struct inode *next;

        while (*p == '/')
            p++;
        if (*p == '\0')
            break;
        start = p;
        while (*p != '\0' && *p != '/')
            p++;
        clen = (size_t)(p - start);
        if (clen > UAPI_NAME_MAX) {
            inode_put(ip);
            return -ENAMETOOLONG;
        }
        memcpy(comp, start, clen);
        comp[clen] = '\0';

        if (!I_ISDIR(ip)) {
            inode_put(ip);
            return -ENOTDIR;
        }
        q = p;
        while (*q == '/')
            q++;
        if (want_parent && *q == '\0') {
            memcpy(name, comp, clen + 1);
            *trailing_slash = (q != p);
            *out = ip;
            return 0;
        }
        next = vfs_dir_find(ip, comp);
        if (next == NULL) {
            inode_put(ip);
            return -ENOENT;
        }
        inode_get(next);
        inode_put(ip);
        ip = next;
    }

    /* No components left: the path was "/" (or only slashes) or named a
     * directory with a trailing slash that the loop already consumed. */
    if (want_parent) {
        /* Only reachable for all-slash paths: ip is the root. */
        name[0] = '.';
        name[1] = '\0';
        *trailing_slash = true;
        *out = ip;
        return 0;
    }
    if (path[len - 1] == '/' && !I_ISDIR(ip)) {
        inode_put(ip);
        return -ENOTDIR;
    }
    *out = ip;
    return 0;
}

int
vfs_lookup(struct inode *cwd, const char *path, struct inode **out)
{
    return walk(cwd, path, false, out, NULL, NULL);
}

int
vfs_lookup_parent(struct inode *cwd, const char *path, struct inode **dir,
                  char *name, bool *trailing_slash)
{
    return walk(cwd, path, true, dir, name, trailing_slash);
}

int
vfs_create(struct inode *dir, const char *name, uint32_t mode, struct inode **out)
{
    struct inode *ip;
    size_t len = strnlen(name, UAPI_NAME_MAX + 1);

    if (!I_ISDIR(dir))
        return -ENOTDIR;
    if (dir->nlink == 0)
        return -ENOENT;              /* created in a removed directory */
    if (len == 0)
        return -ENOENT;
    if (len > UAPI_NAME_MAX)
        return -ENAMETOOLONG;
    if (vfs_dir_find(dir, name) != NULL)
        return -EEXIST;              /* "." and ".." included */
    if (dir->flags & I_READONLY)
        return -EACCES;
    /* Each subdirectory's ".." links dir: the 16-bit count must not wrap
     * to 0, which would free dir while it is still in the tree. */
    if ((mode & S_IFMT) == S_IFDIR && dir->nlink == UINT16_MAX)
        return -EMLINK;
    /* Inodes are kernel memory: keep the frames user faults and file data
     * need (an unlimited number of empty files would eat them all). */
    if (page_free_count() < RAMFS_RESERVE_PAGES)
        return -ENOSPC;
    ip = inode_alloc(mode);
    if (ip == NULL)
        return -ENOMEM;

    memcpy(ip->name, name, len + 1);
    ip->parent = dir;
    ip->seq = dir->u.dir.next_seq++;
    if (dir->u.dir.last != NULL)
        dir->u.dir.last->next = ip;
    else
        dir->u.dir.first = ip;
    dir->u.dir.last = ip;
    if (I_ISDIR(ip)) {
        ip->nlink = 2;
        dir->nlink++;
    } else {
        ip->nlink = 1;
    }
    dir->mtime_ns = ip->mtime_ns;
    *out = ip;
    return 0;
}

int
vfs_ensure_dir(struct inode *dir, const char *name, uint32_t mode, struct inode **out)
{
    struct inode *ip = vfs_dir_find(dir, name);

    if (ip == NULL)
        return vfs_create(dir, name, S_IFDIR | (mode & 07777), out);
    if (!I_ISDIR(ip))
        return -ENOTDIR;
    *out = inode_get(ip);
    return 0;
}

int
vfs_remove(struct inode *dir, const char *name, bool want_dir)
{
    struct inode *c, *prev = NULL;

    if (!I_ISDIR(dir))
        return -ENOTDIR;
    if (is_dot(name))
        return -EINVAL;
    if (is_dotdot(name))
        return want_dir ? -ENOTEMPTY : -EISDIR;
    for (c = dir->u.dir.first; c != NULL; prev = c, c = c->next)
        if (strcmp(c->name, name) == 0)
            break;
    if (c == NULL)
        return -ENOENT;
    if (dir->flags & I_READONLY)
        return -EACCES;
    if (want_dir) {
        if (!I_ISDIR(c))
            return -ENOTDIR;
        if (c->u.dir.first != NULL)
            return -ENOTEMPTY;
    } else if (I_ISDIR(c)) {
        return -EISDIR;
    }

    if (prev != NULL)
        prev->next = c->next;
    else
        dir->u.dir.first = c->next;
    if (dir->u.dir.last == c)
        dir->u.dir.last = prev;
    c->next = NULL;
    c->parent = NULL;
    c->nlink = 0;
    if (I_ISDIR(c))
        dir->nlink--;
    dir->mtime_ns = vfs_now();
    inode_maybe_free(c);
    return 0;
}

static uint8_t
dirent_type(struct inode *ip)
{
    switch (I_TYPE(ip)) {
    case S_IFDIR:  return DT_DIR;
    case S_IFREG:  return DT_REG;
    case S_IFCHR:  return DT_CHR;
    case S_IFIFO:  return DT_FIFO;
    default:       return DT_UNKNOWN;
    }
}

static void
fill_dirent(struct uapi_dirent *d, struct inode *ip, const char *name)
{
    size_t len = strnlen(name, UAPI_NAME_MAX);

    memset(d, 0, sizeof(*d));
    d->d_ino = ip->ino;
    d->d_type = dirent_type(ip);
    d->d_namlen = (uint8_t)len;
    memcpy(d->d_name, name, len);
}

int
vfs_readdir(struct inode *dir, uint64_t *pos, struct uapi_dirent *d)
{
    struct inode *c;

    if (*pos == 0) {
        fill_dirent(d, dir, ".");
        *pos = 1;
        return 1;
    }
    if (*pos == 1) {
        struct inode *up = vfs_dir_find(dir, "..");
        fill_dirent(d, up != NULL ? up : dir, "..");
        *pos = 2;
        return 1;
    }
    /* Children are kept in seq order: the first one at or past *pos. */
    for (c = dir->u.dir.first; c != NULL; c = c->next) {
        if (c->seq >= *pos) {
            fill_dirent(d, c, c->name);
            *pos = (uint64_t)c->seq + 1;
            return 1;
        }
    }
    return 0;
}

long
vfs_path_of(struct inode *dir, char *buf, size_t size)
{
    size_t len = 0, at;

    if (dir == root) {
        if (size < 2)
            return -ERANGE;
        buf[0] = '/';
        buf[1] = '\0';
        return 1;
    }
    for (struct inode *ip = dir; ip != root; ip = ip->parent) {
        if (ip->parent == NULL)
            return -ENOENT;          /* removed, or an ancestor was */
        len += 1 + strlen(ip->name);
    }
    if (len + 1 > size)
        return -ERANGE;
    at = len;
    buf[at] = '\0';
    for (struct inode *ip = dir; ip != root; ip = ip->parent) {
        size_t n = strlen(ip->name);
        at -= n;
        memcpy(buf + at, ip->name, n);
        buf[--at] = '/';
    }
    return (long)len;
}

void
vfs_stat(struct inode *ip, struct uapi_stat *st)
{
    struct uapi_timespec t = {
        (int64_t)(ip->mtime_ns / 1000000000ull),
        (int64_t)(ip->mtime_ns % 1000000000ull),
    };

    memset(st, 0, sizeof(*st));
    st->st_dev = 1;
    st->st_ino = (uint16_t)ip->ino;
    st->st_mode = ip->mode;
    st->st_nlink = ip->nlink;
    if (I_ISCHR(ip))
        st->st_rdev = (int16_t)(ip->u.chr.dev + 1);
    if (I_ISREG(ip) && !I_ISPROC(ip)) {
        st->st_size = (int64_t)ip->size;
        st->st_blocks = (int64_t)ramfs_blocks(ip);
    }
    st->st_atim = t;
    st->st_mtim = t;
    st->st_ctim = t;
    st->st_blksize = 4096;
}
