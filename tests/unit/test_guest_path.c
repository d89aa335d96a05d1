/*
 * test_guest_path.c - the guest kernel's ramfs on the host: path lookup
 * (guest-port/kernel/vfs.c), file data (ramfs.c) and the initrd loader
 * (initrd.c with cpio.c).
 *
 * The kernel services underneath are faked here: kmalloc on calloc (with
 * a count of live objects, so leaks show), a small frame arena for
 * page_alloc (the "physmap" is pfn_to_va, redirected by guest_fs.mk),
 * and copyin/copyout over a small window of "user memory" so bad user
 * addresses can be tested.  Every case ends by removing the whole tree
 * and checking that every object and frame came back.
 */
#include <stdint.h>
#include <stdarg.h>
#include "unit.h"
#include "vfs.h"
#include "guest_cpio_build.h"

/* ---- fakes ------------------------------------------------------------- */

#define NFRAMES 2048              /* an 8 MiB arena */
#define PFN0    0x100             /* not 0: pfn 0 must not be special */

static unsigned char *arena;
static uint8_t frame_ref[NFRAMES];
static uint64_t nfree = NFRAMES;
static long live_objects;

void *
fs_test_pfn_to_va(uint64_t pfn)
{
    if (pfn < PFN0 || pfn >= PFN0 + NFRAMES) {
        fprintf(stderr, "pfn_to_va(%#llx): not an arena frame\n", (unsigned long long)pfn);
        abort();
    }
    return arena + (pfn - PFN0) * PAGE_SIZE;
}

uint64_t
page_alloc(void)
{
    for (size_t i = 0; i < NFRAMES; i++) {
        if (frame_ref[i] == 0) {
            frame_ref[i] = 1;
            nfree--;
            memset(arena + i * PAGE_SIZE, 0, PAGE_SIZE);
            return PFN0 + i;
        }
    }
    return PAGE_NONE;
}

void
page_free(uint64_t pfn)
{
    size_t i = pfn - PFN0;

    if (pfn < PFN0 || i >= NFRAMES || frame_ref[i] == 0) {
        fprintf(stderr, "page_free(%#llx): not allocated\n", (unsigned long long)pfn);
        abort();
    }
    if (--frame_ref[i] == 0) {
        nfree++;
        memset(arena + i * PAGE_SIZE, 0xdd, PAGE_SIZE);   /* catch use after free */
    }
}

uint64_t page_free_count(void) { return nfree; }

void *
kmalloc(size_t size)
{
    void *p = calloc(1, size);

    if (p != NULL)
        live_objects++;
    return p;
}

void
kfree(void *p)
{
    if (p != NULL)
        live_objects--;
    free(p);
}

/* User memory: [UBASE, UBASE + sizeof(umem)); a copy that runs past its
 * end moves the bytes before the bad address and fails, as a real
 * copyout does when it meets an unmapped page. */
#define UBASE 0x400000ull
static uint8_t umem[4 * PAGE_SIZE];

static size_t
user_ok_bytes(uint64_t uaddr, size_t n)
{
    if (uaddr < UBASE || uaddr >= UBASE + sizeof(umem))
        return 0;
    return n < UBASE + sizeof(umem) - uaddr ? n : (size_t)(UBASE + sizeof(umem) - uaddr);
}

/* Set to make the next copyins stop after this many bytes. */
static size_t copyin_fail_at = SIZE_MAX;

int
copyin(void *dst, uint64_t usrc, size_t n)
{
    size_t ok = user_ok_bytes(usrc, n);

    if (ok > copyin_fail_at)
        ok = copyin_fail_at;

    if (ok > 0)
        memcpy(dst, umem + (usrc - UBASE), ok);
    return ok == n ? 0 : -EFAULT;
}

int
copyout(uint64_t udst, const void *src, size_t n)
{
    size_t ok = user_ok_bytes(udst, n);

    if (ok > 0)
        memcpy(umem + (udst - UBASE), src, ok);
    return ok == n ? 0 : -EFAULT;
}

uint64_t hal_time_ns(void) { return 1500000000ull; }
uint64_t hal_wallclock_ns(void) { return 1700000000000000000ull; }

static int printk_count;

void
printk(const char *fmt, ...)
{
    (void)fmt;
    printk_count++;
}

void
panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fprintf(stderr, "panic: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    abort();
}

/* vfs_init (initrd.c) calls these; this test builds the tree itself. */
void dev_init(void) {}
void procfs_init(void) {}

/* ---- helpers ------------------------------------------------------------ */

static void
setup(void)
{
    if (arena == NULL)
        arena = aligned_alloc(PAGE_SIZE, (size_t)NFRAMES * PAGE_SIZE);
    vfs_tree_init();
}

static void
remove_all(struct inode *dir)
{
    while (dir->u.dir.first != NULL) {
        struct inode *c = dir->u.dir.first;

        dir->flags &= ~I_READONLY;
        if (I_ISDIR(c))
            remove_all(c);
        if (vfs_remove(dir, c->name, I_ISDIR(c)) != 0)
            panic("remove_all: %s", c->name);
    }
}

/* Remove everything and check nothing leaked. */
static void
teardown(void)
{
    struct inode *root = vfs_root();

    remove_all(root);
    CHECK_EQ(root->ref, 1);
    CHECK_EQ(root->nlink, 2);
    kfree(root);
    CHECK_EQ(live_objects, 0);
    CHECK_EQ(nfree, NFRAMES);
}

/* Create path as type mode: 0 or a negative errno. */
static int
make(const char *path, uint32_t mode)
{
    char name[UAPI_NAME_MAX + 1];
    struct inode *dir, *ip;
    bool trailing;
    int err = vfs_lookup_parent(NULL, path, &dir, name, &trailing);

    if (err < 0)
        return err;
    err = vfs_create(dir, name, mode, &ip);
    inode_put(dir);
    if (err == 0)
        inode_put(ip);
    return err;
}

static int
rm(const char *path, bool dir_wanted)
{
    char name[UAPI_NAME_MAX + 1];
    struct inode *dir;
    bool trailing;
    int err = vfs_lookup_parent(NULL, path, &dir, name, &trailing);

    if (err < 0)
        return err;
    err = vfs_remove(dir, name, dir_wanted);
    inode_put(dir);
    return err;
}

/* The inode at path relative to cwd (not referenced), or NULL; *err. */
static struct inode *
look(struct inode *cwd, const char *path, int *err)
{
    struct inode *ip = NULL;

    *err = vfs_lookup(cwd, path, &ip);
    if (*err < 0)
        return NULL;
    inode_put(ip);              /* the tree keeps it alive */
    return ip;
}

static int
look_err(struct inode *cwd, const char *path)
{
    int err;

    look(cwd, path, &err);
    return err;
}

/* ---- lookup --------------------------------------------------------------- */

static void
test_lookup(void)
{
    struct inode *a, *b, *f;
    int err;
    char longname[UAPI_NAME_MAX + 2], path[UAPI_PATH_MAX + 8];

    setup();
    CHECK_EQ(make("/a", S_IFDIR | 0755), 0);
    CHECK_EQ(make("/a/b", S_IFDIR | 0755), 0);
    CHECK_EQ(make("/a/b/f", S_IFREG | 0644), 0);
    a = look(NULL, "/a", &err);
    b = look(NULL, "/a/b", &err);
    f = look(NULL, "/a/b/f", &err);
    REQUIRE(a && b && f);

    CHECK(look(NULL, "a/b/f", &err) == f);
    CHECK(look(NULL, "//a///b//f", &err) == f);
    CHECK(look(NULL, "/a/./b/../b/f", &err) == f);
    CHECK(look(NULL, "/..", &err) == vfs_root());
    CHECK(look(NULL, "/../../a", &err) == a);
    CHECK(look(NULL, "/", &err) == vfs_root());
    CHECK(look(NULL, "///", &err) == vfs_root());
    CHECK(look(NULL, "/a/b/", &err) == b);
    CHECK(look(NULL, ".", &err) == vfs_root());
    CHECK(look(a, "b/f", &err) == f);
    CHECK(look(a, "../a/b/f", &err) == f);
    CHECK(look(b, "..", &err) == a);
    CHECK(look(b, "/a", &err) == a);

    CHECK_EQ(look_err(NULL, ""), -ENOENT);
    CHECK_EQ(look_err(NULL, "/a/x"), -ENOENT);
    CHECK_EQ(look_err(NULL, "/a/x/y"), -ENOENT);
    CHECK_EQ(look_err(NULL, "/a/b/f/"), -ENOTDIR);
    CHECK_EQ(look_err(NULL, "/a/b/f/g"), -ENOTDIR);
    CHECK_EQ(look_err(NULL, "/a/b/f/."), -ENOTDIR);
    CHECK_EQ(look_err(NULL, "/a/b/f/.."), -ENOTDIR);

    /* Components: UAPI_NAME_MAX is fine, one more is too long. */
    memset(longname, 'n', UAPI_NAME_MAX);
    longname[UAPI_NAME_MAX] = '\0';
    snprintf(path, sizeof(path), "/a/%s", longname);
    CHECK_EQ(make(path, S_IFREG | 0644), 0);
    CHECK_EQ(look_err(NULL, path), 0);
    longname[UAPI_NAME_MAX] = 'n';
    longname[UAPI_NAME_MAX + 1] = '\0';
    snprintf(path, sizeof(path), "/a/%s", longname);
    CHECK_EQ(look_err(NULL, path), -ENAMETOOLONG);
    CHECK_EQ(make(path, S_IFREG | 0644), -ENAMETOOLONG);

    /* Paths: UAPI_PATH_MAX - 1 characters may be looked up, not more. */
    memset(path, '/', sizeof(path));
    memcpy(path + UAPI_PATH_MAX - 5, "/a/b", 4);
    path[UAPI_PATH_MAX - 1] = '\0';
    CHECK(look(NULL, path, &err) == b);
    memcpy(path + UAPI_PATH_MAX - 4, "/a/b", 4);
    path[UAPI_PATH_MAX] = '\0';
    CHECK_EQ(look_err(NULL, path), -ENAMETOOLONG);
    teardown();
}

static void
test_lookup_parent(void)
{
    char name[UAPI_NAME_MAX + 1];
    struct inode *dir;
    bool trailing;

    setup();
    CHECK_EQ(make("/d", S_IFDIR | 0755), 0);
    CHECK_EQ(make("/f", S_IFREG | 0644), 0);
    REQUIRE(vfs_lookup_parent(NULL, "/d/new", &dir, name, &trailing) == 0);
    CHECK(dir == look(NULL, "/d", &(int){0}));
    CHECK_STR(name, "new");
    CHECK(!trailing);
    inode_put(dir);
    REQUIRE(vfs_lookup_parent(NULL, "d/sub//", &dir, name, &trailing) == 0);
    CHECK_STR(name, "sub");
    CHECK(trailing);
    inode_put(dir);
    REQUIRE(vfs_lookup_parent(NULL, "/", &dir, name, &trailing) == 0);
    CHECK(dir == vfs_root());
    CHECK_STR(name, ".");
    inode_put(dir);
    CHECK_EQ(vfs_lookup_parent(NULL, "/f/x", &dir, name, &trailing), -ENOTDIR);
    CHECK_EQ(vfs_lookup_parent(NULL, "/nope/x", &dir, name, &trailing), -ENOENT);
    CHECK_EQ(vfs_lookup_parent(NULL, "", &dir, name, &trailing), -ENOENT);
    teardown();
}

/* ---- create, remove ------------------------------------------------------ */

static void
test_create_remove(void)
{
    struct inode *root, *d, *ip;
    int err;

    setup();
    root = vfs_root();
    CHECK_EQ(make("/d", S_IFDIR | 0755), 0);
    CHECK_EQ(make("/d", S_IFDIR | 0755), -EEXIST);
    CHECK_EQ(make("/d", S_IFREG | 0644), -EEXIST);
    CHECK_EQ(make("/d/.", S_IFDIR | 0755), -EEXIST);
    CHECK_EQ(make("/d/..", S_IFDIR | 0755), -EEXIST);
    CHECK_EQ(make("/", S_IFDIR | 0755), -EEXIST);
    CHECK_EQ(make("/d/f", S_IFREG | 0644), 0);
    CHECK_EQ(make("/d/e", S_IFDIR | 0755), 0);
    d = look(NULL, "/d", &err);
    REQUIRE(d != NULL);
    CHECK_EQ(root->nlink, 3);
    CHECK_EQ(d->nlink, 3);
    CHECK_EQ(look(NULL, "/d/f", &err)->nlink, 1);

    CHECK_EQ(rm("/d", true), -ENOTEMPTY);
    CHECK_EQ(rm("/d/f", true), -ENOTDIR);
    CHECK_EQ(rm("/d/e", false), -EISDIR);
    CHECK_EQ(rm("/d/.", true), -EINVAL);
    CHECK_EQ(rm("/d/..", true), -ENOTEMPTY);
    CHECK_EQ(rm("/d/zz", false), -ENOENT);
    CHECK_EQ(rm("/d/f", false), 0);
    CHECK_EQ(look_err(NULL, "/d/f"), -ENOENT);
    CHECK_EQ(rm("/d/e", true), 0);
    CHECK_EQ(d->nlink, 2);

    /* A removed directory held as a cwd: empty, no new entries, no "..". */
    inode_get(d);
    CHECK_EQ(rm("/d", true), 0);
    CHECK_EQ(root->nlink, 2);
    CHECK_EQ(d->nlink, 0);
    CHECK(look(d, ".", &err) == d);
    CHECK_EQ(look_err(d, ".."), -ENOENT);
    CHECK_EQ(vfs_create(d, "x", S_IFREG | 0644, &ip), -ENOENT);
    inode_put(d);                         /* freed now */

    /* Read-only directories refuse changes but can be read. */
    CHECK_EQ(make("/ro", S_IFDIR | 0555), 0);
    CHECK_EQ(make("/ro/in", S_IFREG | 0444), 0);
    look(NULL, "/ro", &err)->flags |= I_READONLY;
    CHECK_EQ(make("/ro/new", S_IFREG | 0644), -EACCES);
    CHECK_EQ(rm("/ro/in", false), -EACCES);
    CHECK_EQ(look_err(NULL, "/ro/in"), 0);
    CHECK_EQ(make("/ro/in", S_IFREG | 0644), -EEXIST);  /* existence first */
    teardown();
}

/* An unlinked file stays readable through a reference until it is put. */
static void
test_unlink_open_file(void)
{
    struct inode *ip;
    char buf[16] = { 0 };
    uint64_t before;

    setup();
    before = nfree;
    CHECK_EQ(make("/f", S_IFREG | 0644), 0);
    REQUIRE(vfs_lookup(NULL, "/f", &ip) == 0);        /* "open" */
    CHECK_EQ(ramfs_write(ip, 0, xfer_kernel("still here"), 10), 10);
    CHECK_EQ(nfree, before - 1);
    CHECK_EQ(rm("/f", false), 0);
    CHECK_EQ(look_err(NULL, "/f"), -ENOENT);
    CHECK_EQ(ip->nlink, 0);
    CHECK_EQ(ramfs_read(ip, 0, xfer_kernel(buf), sizeof(buf)), 10);
    CHECK_STR(buf, "still here");
    CHECK_EQ(ramfs_write(ip, 10, xfer_kernel("!"), 1), 1);
    inode_put(ip);                                    /* "close": freed */
    CHECK_EQ(nfree, before);
    /* The name can be reused at once. */
    CHECK_EQ(make("/f", S_IFREG | 0644), 0);
    teardown();
}

/* ---- readdir, path_of, stat ---------------------------------------------- */

static void
test_readdir(void)
{
    struct uapi_dirent d;
    struct inode *dir;
    uint64_t pos = 0;
    int err;

    setup();
    CHECK_EQ(make("/d", S_IFDIR | 0755), 0);
    CHECK_EQ(make("/d/one", S_IFREG | 0644), 0);
    CHECK_EQ(make("/d/two", S_IFDIR | 0755), 0);
    CHECK_EQ(make("/d/three", S_IFREG | 0644), 0);
    dir = look(NULL, "/d", &err);
    REQUIRE(dir != NULL);

    REQUIRE(vfs_readdir(dir, &pos, &d) == 1);
    CHECK_STR(d.d_name, ".");
    CHECK_EQ(d.d_ino, dir->ino);
    CHECK_EQ(d.d_type, DT_DIR);
    REQUIRE(vfs_readdir(dir, &pos, &d) == 1);
    CHECK_STR(d.d_name, "..");
    CHECK_EQ(d.d_ino, vfs_root()->ino);
    REQUIRE(vfs_readdir(dir, &pos, &d) == 1);
    CHECK_STR(d.d_name, "one");
    CHECK_EQ(d.d_type, DT_REG);
    CHECK_EQ(d.d_namlen, 3);
    /* Removing the next entry and adding one mid-listing: nothing is
     * repeated, the removed one is not shown, the new one comes last. */
    CHECK_EQ(rm("/d/two", true), 0);
    CHECK_EQ(make("/d/four", S_IFREG | 0644), 0);
    REQUIRE(vfs_readdir(dir, &pos, &d) == 1);
    CHECK_STR(d.d_name, "three");
    REQUIRE(vfs_readdir(dir, &pos, &d) == 1);
    CHECK_STR(d.d_name, "four");
    CHECK_EQ(vfs_readdir(dir, &pos, &d), 0);
    CHECK_EQ(vfs_readdir(dir, &pos, &d), 0);
    CHECK_EQ(sizeof(struct uapi_dirent), 64);
    teardown();
}

static void
test_path_of_and_stat(void)
{
    char buf[64];
    struct inode *ip;
    struct uapi_stat st;
    int err;

    setup();
    CHECK_EQ(vfs_path_of(vfs_root(), buf, sizeof(buf)), 1);
    CHECK_STR(buf, "/");
    CHECK_EQ(vfs_path_of(vfs_root(), buf, 1), -ERANGE);
    CHECK_EQ(make("/usr", S_IFDIR | 0755), 0);
    CHECK_EQ(make("/usr/local", S_IFDIR | 0755), 0);
    ip = look(NULL, "/usr/local", &err);
    REQUIRE(ip != NULL);
    CHECK_EQ(vfs_path_of(ip, buf, sizeof(buf)), 10);
    CHECK_STR(buf, "/usr/local");
    CHECK_EQ(vfs_path_of(ip, buf, 10), -ERANGE);
    CHECK_EQ(vfs_path_of(ip, buf, 11), 10);

    vfs_stat(ip, &st);
    CHECK_EQ(st.st_mode, S_IFDIR | 0755);
    CHECK_EQ(st.st_nlink, 2);
    CHECK_EQ(st.st_ino, ip->ino);
    CHECK_EQ(st.st_blksize, 4096);
    CHECK_EQ(st.st_mtim.tv_sec, 1700000001);
    CHECK_EQ(sizeof(st), 104);

    inode_get(ip);
    CHECK_EQ(rm("/usr/local", true), 0);
    CHECK_EQ(vfs_path_of(ip, buf, sizeof(buf)), -ENOENT);
    inode_put(ip);

    CHECK_EQ(make("/usr/f", S_IFREG | 0640), 0);
    ip = look(NULL, "/usr/f", &err);
    CHECK_EQ(ramfs_write(ip, 5000, xfer_kernel("x"), 1), 1);
    vfs_stat(ip, &st);
    CHECK_EQ(st.st_mode, S_IFREG | 0640);
    CHECK_EQ(st.st_size, 5001);
    CHECK_EQ(st.st_blocks, 8);                 /* one frame: page 0 is a hole */
    teardown();
}

/* ---- file data ------------------------------------------------------------ */

static struct inode *
new_file(const char *path)
{
    int err;

    if (make(path, S_IFREG | 0644) != 0)
        return NULL;
    return look(NULL, path, &err);
}

static void
test_sparse_and_large(void)
{
    static uint8_t big[3 * 1024 * 1024 + 123], back[sizeof(big)];
    struct inode *ip;
    uint8_t buf[100];

    setup();
    ip = new_file("/f");
    REQUIRE(ip != NULL);
    /* A write far out leaves a hole of zeros. */
    CHECK_EQ(ramfs_write(ip, 100000, xfer_kernel("end"), 3), 3);
    CHECK_EQ(ip->size, 100003);
    memset(buf, 0x55, sizeof(buf));
    CHECK_EQ(ramfs_read(ip, 50000, xfer_kernel(buf), sizeof(buf)), 100);
    for (size_t i = 0; i < sizeof(buf); i++)
        CHECK_EQ(buf[i], 0);
    CHECK_EQ(ramfs_read(ip, 99999, xfer_kernel(buf), sizeof(buf)), 4);
    CHECK_MEM(buf, "\0end", 4);
    CHECK_EQ(ramfs_read(ip, 100003, xfer_kernel(buf), sizeof(buf)), 0);
    CHECK_EQ(ramfs_read(ip, 1ull << 40, xfer_kernel(buf), sizeof(buf)), 0);
    CHECK_EQ(NFRAMES - nfree, 2);              /* the data frame and one index frame */

    /* Several MiB through the direct slots and three index frames. */
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (uint8_t)(i * 31 + (i >> 12));
    ramfs_truncate(ip);
    CHECK_EQ(nfree, NFRAMES);
    CHECK_EQ(ramfs_write(ip, 0, xfer_kernel(big), sizeof(big)), sizeof(big));
    CHECK_EQ(ip->size, sizeof(big));
    CHECK_EQ(ramfs_read(ip, 0, xfer_kernel(back), sizeof(back)), sizeof(back));
    CHECK(memcmp(big, back, sizeof(big)) == 0);
    /* Unaligned overwrite across a page boundary. */
    CHECK_EQ(ramfs_write(ip, 2 * PAGE_SIZE - 2, xfer_kernel("ABCD"), 4), 4);
    CHECK_EQ(ramfs_read(ip, 2 * PAGE_SIZE - 3, xfer_kernel(buf), 6), 6);
    CHECK_EQ(buf[0], big[2 * PAGE_SIZE - 3]);
    CHECK_MEM(buf + 1, "ABCD", 4);
    CHECK_EQ(buf[5], big[2 * PAGE_SIZE + 2]);

    /* The largest file, and past it. */
    CHECK_EQ(ramfs_write(ip, RAMFS_MAX_SIZE, xfer_kernel("x"), 1), -EFBIG);
    CHECK_EQ(ramfs_write(ip, RAMFS_MAX_SIZE - 2, xfer_kernel("xyz"), 3), 2);
    CHECK_EQ(ip->size, RAMFS_MAX_SIZE);
    teardown();
}

static void
test_out_of_frames(void)
{
    static uint8_t chunk[64 * 1024];
    struct inode *ip;
    long n, total = 0;

    setup();
    ip = new_file("/fill");
    REQUIRE(ip != NULL);
    memset(chunk, 'f', sizeof(chunk));
    while ((n = ramfs_write(ip, (uint64_t)total, xfer_kernel(chunk), sizeof(chunk))) > 0)
        total += n;
    CHECK_EQ(n, -ENOSPC);
    CHECK_EQ(nfree, RAMFS_RESERVE_PAGES - 1);   /* stops at the reserve */
    CHECK_EQ(ip->size, (uint64_t)total);
    CHECK(total > 7 * 1024 * 1024);
    teardown();                                  /* frees every frame */
}

/* Bytes from and to "user" memory, with bad addresses. */
static void
test_user_transfers(void)
{
    struct inode *ip;
    uint8_t buf[PAGE_SIZE];
    uint64_t uend = UBASE + sizeof(umem);

    setup();
    ip = new_file("/u");
    REQUIRE(ip != NULL);
    memset(umem, 'u', sizeof(umem));
    CHECK_EQ(ramfs_write(ip, 0, xfer_user(UBASE), 3 * PAGE_SIZE), 3 * PAGE_SIZE);
    CHECK_EQ(ramfs_write(ip, 0, xfer_user(0x1000), 10), -EFAULT);
    CHECK_EQ(ip->size, 3 * PAGE_SIZE);

    /* A huge read into a small buffer stops at the end of the memory. */
    CHECK_EQ(ramfs_read(ip, 0, xfer_user(uend - 100), (size_t)-1 / 2), 100);
    CHECK_EQ(ramfs_read(ip, 0, xfer_user(uend), 100), -EFAULT);
    CHECK_EQ(ramfs_read(ip, 0, xfer_user(0), 100), -EFAULT);

    /* A write whose source ends mid-way moves what there is. */
    memset(umem, 'w', sizeof(umem));
    CHECK_EQ(ramfs_write(ip, 3 * PAGE_SIZE, xfer_user(uend - PAGE_SIZE - 10),
                         2 * PAGE_SIZE), PAGE_SIZE + 10);
    CHECK_EQ(ip->size, 4 * PAGE_SIZE + 10);

    /* A copy that fails after part of a page arrived: the size does not
     * grow, and the bytes that did arrive never show up as file data
     * when the file grows past them later. */
    copyin_fail_at = 50;
    CHECK_EQ(ramfs_write(ip, 4 * PAGE_SIZE + 10, xfer_user(UBASE), 200), -EFAULT);
    copyin_fail_at = SIZE_MAX;
    CHECK_EQ(ip->size, 4 * PAGE_SIZE + 10);
    CHECK_EQ(ramfs_write(ip, 6 * PAGE_SIZE, xfer_kernel("z"), 1), 1);
    CHECK_EQ(ramfs_read(ip, 4 * PAGE_SIZE + 10, xfer_kernel(buf), PAGE_SIZE), PAGE_SIZE);
    for (size_t i = 0; i < PAGE_SIZE; i++)
        if (buf[i] != 0) {
            CHECK_EQ(buf[i], 0);
            break;
        }
    teardown();
}

/* ---- the initrd ----------------------------------------------------------- */

static struct cpio_build ar;

static void
test_initrd_unpack(void)
{
    static const char motd[] = "welcome\n";
    const uint8_t *orig;
    struct inode *ip;
    uint8_t buf[64];
    int err, before;

    setup();
    ar.len = 0;
    cpio_add(&ar, ".", 040755, NULL, 0);
    cpio_add(&ar, "./bin", 040755, NULL, 0);
    cpio_add(&ar, "./bin/sh", 0100755, "SHELL", 5);
    cpio_add(&ar, "etc/motd", 0100644, motd, sizeof(motd) - 1);  /* no "etc" member */
    cpio_add(&ar, "usr/lib/deep/x", 0100644, "x", 1);
    cpio_add(&ar, "../evil", 0100644, "evil", 4);
    cpio_add(&ar, "/abs", 0100600, "abs", 3);
    cpio_add(&ar, "link", 0120777, "bin/sh", 6);
    cpio_add(&ar, "dev/console", 020600, NULL, 0);
    cpio_add(&ar, "bin/sh", 0100755, "SHELL2", 6);              /* later wins */
    cpio_add(&ar, "bin", 040700, NULL, 0);                       /* dir again */
    cpio_trailer(&ar);

    before = printk_count;
    CHECK_EQ(initrd_unpack(vfs_root(), ar.buf, ar.len), 3);
    CHECK_EQ(printk_count - before, 3);
    CHECK_EQ(nfree, NFRAMES);                  /* nothing copied */

    ip = look(NULL, "/bin/sh", &err);
    REQUIRE(ip != NULL);
    CHECK_EQ(ip->mode, S_IFREG | 0755);
    CHECK_EQ(ip->size, 6);
    CHECK(ip->u.reg.rodata >= ar.buf && ip->u.reg.rodata < ar.buf + ar.len);
    CHECK_EQ(ramfs_read(ip, 0, xfer_kernel(buf), sizeof(buf)), 6);
    CHECK_MEM(buf, "SHELL2", 6);
    CHECK_EQ(look(NULL, "/bin", &err)->mode, S_IFDIR | 0700);
    CHECK_EQ(look(NULL, "/etc", &err)->mode, S_IFDIR | 0755);
    CHECK_EQ(look_err(NULL, "/usr/lib/deep/x"), 0);
    CHECK_EQ(look_err(NULL, "/abs"), 0);
    CHECK_EQ(look_err(NULL, "/evil"), -ENOENT);
    CHECK_EQ(look_err(NULL, "/link"), -ENOENT);
    CHECK_EQ(look_err(NULL, "/dev/console"), -ENOENT);

    /* Writing copies just the page written; the archive is untouched. */
    ip = look(NULL, "/etc/motd", &err);
    REQUIRE(ip != NULL);
    orig = ip->u.reg.rodata;
    CHECK_EQ(ramfs_write(ip, 3, xfer_kernel("COME"), 4), 4);
    CHECK_EQ(NFRAMES - nfree, 1);
    CHECK_EQ(ramfs_read(ip, 0, xfer_kernel(buf), sizeof(buf)), 8);
    CHECK_MEM(buf, "welCOME\n", 8);
    CHECK_MEM(orig, motd, sizeof(motd) - 1);
    /* Growing past the initrd's bytes shows zeros, then the new bytes. */
    CHECK_EQ(ramfs_write(ip, 20, xfer_kernel("!"), 1), 1);
    CHECK_EQ(ramfs_read(ip, 0, xfer_kernel(buf), sizeof(buf)), 21);
    CHECK_MEM(buf, "welCOME\n\0\0\0\0\0\0\0\0\0\0\0\0!", 21);
    /* Truncating forgets the initrd's bytes. */
    ramfs_truncate(ip);
    CHECK_EQ(ip->size, 0);
    CHECK_EQ(ramfs_read(ip, 0, xfer_kernel(buf), sizeof(buf)), 0);
    CHECK_EQ(nfree, NFRAMES);
    teardown();
}

static void
test_initrd_damaged(void)
{
    size_t second;

    setup();
    ar.len = 0;
    cpio_add(&ar, "kept", 0100644, "k", 1);
    second = cpio_add(&ar, "lost", 0100644, "l", 1);
    cpio_trailer(&ar);
    ar.buf[second + 3] = 'X';                  /* bad magic */
    CHECK_EQ(initrd_unpack(vfs_root(), ar.buf, ar.len), -EINVAL);
    CHECK_EQ(look_err(NULL, "/kept"), 0);
    CHECK_EQ(look_err(NULL, "/lost"), -ENOENT);
    CHECK_EQ(initrd_unpack(vfs_root(), NULL, 0), -EINVAL);
    teardown();
}

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t
next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Random damage to an archive with nested names: unpacking never
 * crashes or leaks, whatever it keeps. */
static void
test_initrd_random_damage(void)
{
    static struct cpio_build good;
    static unsigned char mut[CPIO_BUILD_MAX];

    good.len = 0;
    cpio_add(&good, "a", 040755, NULL, 0);
    cpio_add(&good, "a/b/c", 0100644, "abc", 3);
    cpio_add(&good, "a/b", 0100644, "file over dir", 13);
    cpio_add(&good, "a/b/c/d", 0100644, "x", 1);
    cpio_add(&good, "./x/../y", 0100644, "y", 1);
    cpio_add(&good, "z", 040755, NULL, 0);
    cpio_add(&good, "z/q", 0100644, "qqqq", 4);
    cpio_trailer(&good);
    for (int round = 0; round < 2000; round++) {
        size_t len = good.len;
        unsigned char *copy;

        memcpy(mut, good.buf, good.len);
        for (int k = 0, n = 1 + (int)(next_rand() % 4); k < n; k++)
            mut[next_rand() % good.len] = (unsigned char)("0123456789abcdef/.\0x"[next_rand() % 20]);
        if (next_rand() % 4 == 0)
            len = next_rand() % (good.len + 1);
        copy = malloc(len ? len : 1);
        memcpy(copy, mut, len);
        setup();
        initrd_unpack(vfs_root(), copy, len);
        teardown();
        free(copy);
        if (unit_cur.failures)
            return;
    }
}

/*
 * A directory's link count is 16 bits and each subdirectory adds one: at
 * the top, mkdir must fail with EMLINK instead of wrapping the count to 0,
 * which freed the directory while it was still in the tree.  (White box:
 * the count is set near the top rather than making 65,533 directories.)
 */
static void
test_dir_link_limit(void)
{
    int err;
    struct inode *a;

    setup();
    CHECK_EQ(make("/a", S_IFDIR | 0755), 0);
    a = look(NULL, "/a", &err);
    REQUIRE(a != NULL);
    a->nlink = UINT16_MAX - 1;
    CHECK_EQ(make("/a/last", S_IFDIR | 0755), 0);
    CHECK_EQ(a->nlink, UINT16_MAX);
    CHECK_EQ(make("/a/one-too-many", S_IFDIR | 0755), -EMLINK);
    CHECK_EQ(make("/a/file", S_IFREG | 0644), 0);          /* files do not link it */
    CHECK_EQ(a->nlink, UINT16_MAX);
    CHECK(look(NULL, "/a", &err) == a);
    a->nlink = 3;                       /* back to the truth: ".", "/a" and last's ".." */
    teardown();
}

static const struct unit_case cases[] = {
    UNIT_CASE(test_lookup),
    UNIT_CASE(test_lookup_parent),
    UNIT_CASE(test_create_remove),
    UNIT_CASE(test_unlink_open_file),
    UNIT_CASE(test_readdir),
    UNIT_CASE(test_path_of_and_stat),
    UNIT_CASE(test_sparse_and_large),
    UNIT_CASE(test_out_of_frames),
    UNIT_CASE(test_user_transfers),
    UNIT_CASE(test_initrd_unpack),
    UNIT_CASE(test_initrd_damaged),
    UNIT_CASE(test_initrd_random_damage),
    UNIT_CASE(test_dir_link_limit),
};

int
main(void)
{
    int r = unit_run(cases, UNIT_COUNT(cases));

    free(arena);
    return r;
}
