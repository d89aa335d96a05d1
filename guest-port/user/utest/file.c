/*
 * file.c - files and directories through the VFS and the RAM file
 * system: create/read/write, lseek, open flags, stat, unlink while open,
 * directories, dup, the working directory.  Everything happens in the
 * test's scratch directory (utest_dir).
 */
#include "utest.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* utest_dir/name, in one of two rotating buffers. */
static const char *path(const char *name)
{
    static char buf[2][256];
    static int which;
    which ^= 1;
    snprintf(buf[which], sizeof(buf[which]), "%s/%s", utest_dir, name);
    return buf[which];
}

static int xopen(const char *p, int flags)
{
    int fd = open(p, flags, 0644);
    if (fd < 0)
        fail("open %s (flags %#x): %s", p, flags, strerror(errno));
    return fd;
}

static void expect_read(int fd, const char *want)
{
    char buf[256];
    size_t n = strlen(want);
    ssize_t r = read(fd, buf, sizeof(buf));
    CHECK(r == (ssize_t)n && memcmp(buf, want, n) == 0,
          "read %ld bytes '%.*s', want '%s'", (long)r, r > 0 ? (int)r : 0, buf, want);
}

static void t_file_rw(void)
{
    int fd = xopen(path("f"), O_CREAT | O_WRONLY);
    xwrite_all(fd, "hello, ", 7);
    xwrite_all(fd, "world", 5);
    EXPECT_ERR(read(fd, (char[4]){ 0 }, 4), EBADF);     /* write-only */
    close(fd);
    fd = xopen(path("f"), O_RDONLY);
    expect_read(fd, "hello, world");
    char c;
    CHECK(read(fd, &c, 1) == 0, "read at end of file did not give 0");
    EXPECT_ERR(write(fd, "x", 1), EBADF);               /* read-only */
    close(fd);
    EXPECT_ERR(read(fd, &c, 1), EBADF);                 /* closed */
    EXPECT_ERR(close(fd), EBADF);
    EXPECT_ERR(open(path("missing"), O_RDONLY), ENOENT);
}

/* 64 KiB in odd-sized pieces, read back across block boundaries. */
static void t_file_large(void)
{
    enum { N = 65536 };
    static unsigned char data[N], back[N];
    for (int i = 0; i < N; i++)
        data[i] = (unsigned char)(i * 31 + (i >> 8));
    int fd = xopen(path("big"), O_CREAT | O_RDWR);
    for (int off = 0; off < N; ) {
        int n = (N - off < 1000) ? N - off : 1000;
        xwrite_all(fd, data + off, n);
        off += n;
    }
    CHECK(lseek(fd, 0, SEEK_SET) == 0, "lseek to 0");
    int total = 0;
    ssize_t n;
    while ((n = read(fd, back + total, 777)) > 0)
        total += (int)n;
    CHECK(total == N, "read back %d bytes, want %d", total, N);
    CHECK(memcmp(data, back, N) == 0, "data differs");
    struct stat st;
    EXPECT_OK(fstat(fd, &st));
    CHECK(st.st_size == N, "fstat size %ld", (long)st.st_size);
    close(fd);
}

static void t_file_lseek(void)
{
    int fd = xopen(path("s"), O_CREAT | O_RDWR);
    xwrite_all(fd, "0123456789", 10);
    CHECK(lseek(fd, 0, SEEK_CUR) == 10, "SEEK_CUR after writing");
    CHECK(lseek(fd, 3, SEEK_SET) == 3, "SEEK_SET 3");
    expect_read(fd, "3456789");
    CHECK(lseek(fd, -4, SEEK_END) == 6, "SEEK_END -4");
    char two[2];
    CHECK(read(fd, two, 2) == 2 && two[0] == '6', "read at 6");
    CHECK(lseek(fd, -1, SEEK_CUR) == 7, "SEEK_CUR -1");
    EXPECT_ERR(lseek(fd, -100, SEEK_SET), EINVAL);
    EXPECT_ERR(lseek(fd, 0, 42), EINVAL);
    /* A hole past the end reads as zeros. */
    CHECK(lseek(fd, 20, SEEK_SET) == 20, "seek past the end");
    xwrite_all(fd, "Z", 1);
    struct stat st;
    EXPECT_OK(fstat(fd, &st));
    CHECK(st.st_size == 21, "size after writing past the end: %ld", (long)st.st_size);
    CHECK(lseek(fd, 10, SEEK_SET) == 10, "seek to the hole");
    char hole[11];
    CHECK(read(fd, hole, 11) == 11, "read the hole");
    for (int i = 0; i < 10; i++)
        CHECK(hole[i] == 0, "hole byte %d is %d", i, hole[i]);
    CHECK(hole[10] == 'Z', "byte after the hole");
    close(fd);
    int p[2];
    EXPECT_OK(pipe(p));
    EXPECT_ERR(lseek(p[0], 0, SEEK_SET), ESPIPE);
    close(p[0]);
    close(p[1]);
}

static void t_file_append(void)
{
    int fd = xopen(path("a"), O_CREAT | O_WRONLY);
    xwrite_all(fd, "abc", 3);
    close(fd);
    fd = xopen(path("a"), O_WRONLY | O_APPEND);
    lseek(fd, 0, SEEK_SET);
    xwrite_all(fd, "de", 2);            /* still at the end */
    lseek(fd, 1, SEEK_SET);
    xwrite_all(fd, "f", 1);
    close(fd);
    fd = xopen(path("a"), O_RDONLY);
    expect_read(fd, "abcdef");
    close(fd);
}

static void t_file_trunc_excl(void)
{
    int fd = xopen(path("t"), O_CREAT | O_WRONLY);
    xwrite_all(fd, "long contents", 13);
    close(fd);
    fd = xopen(path("t"), O_WRONLY | O_TRUNC);
    struct stat st;
    EXPECT_OK(fstat(fd, &st));
    CHECK(st.st_size == 0, "size after O_TRUNC: %ld", (long)st.st_size);
    xwrite_all(fd, "new", 3);
    close(fd);
    fd = xopen(path("t"), O_RDONLY);
    expect_read(fd, "new");
    close(fd);
    EXPECT_ERR(open(path("t"), O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
    fd = xopen(path("t2"), O_CREAT | O_EXCL | O_WRONLY);   /* new: fine */
    close(fd);
}

static void t_file_stat(void)
{
    struct stat st;
    int fd = xopen(path("st"), O_CREAT | O_WRONLY);
    xwrite_all(fd, "12345", 5);
    EXPECT_OK(fstat(fd, &st));
    CHECK(S_ISREG(st.st_mode), "fstat of a file: mode %#o", (unsigned)st.st_mode);
    CHECK(st.st_size == 5, "fstat size %ld", (long)st.st_size);
    close(fd);
    EXPECT_OK(stat(path("st"), &st));
    CHECK(S_ISREG(st.st_mode) && st.st_size == 5, "stat: mode %#o size %ld",
          (unsigned)st.st_mode, (long)st.st_size);
    EXPECT_OK(stat(utest_dir, &st));
    CHECK(S_ISDIR(st.st_mode), "stat of a directory: mode %#o", (unsigned)st.st_mode);
    EXPECT_OK(stat("/", &st));
    CHECK(S_ISDIR(st.st_mode), "stat /: mode %#o", (unsigned)st.st_mode);
    EXPECT_ERR(stat(path("nope"), &st), ENOENT);
    EXPECT_ERR(stat(path("st/x"), &st), ENOTDIR);
    int p[2];
    EXPECT_OK(pipe(p));
    EXPECT_OK(fstat(p[0], &st));
    CHECK(S_ISFIFO(st.st_mode), "fstat of a pipe: mode %#o", (unsigned)st.st_mode);
    close(p[0]);
    close(p[1]);
    EXPECT_OK(stat("/dev/null", &st));
    CHECK(S_ISCHR(st.st_mode), "stat /dev/null: mode %#o", (unsigned)st.st_mode);
}

/* An unlinked file lives on while open. */
static void t_unlink_open(void)
{
    int fd = xopen(path("u"), O_CREAT | O_RDWR);
    xwrite_all(fd, "still here", 10);
    EXPECT_OK(unlink(path("u")));
    struct stat st;
    EXPECT_ERR(stat(path("u"), &st), ENOENT);
    EXPECT_ERR(unlink(path("u")), ENOENT);
    CHECK(lseek(fd, 0, SEEK_SET) == 0, "lseek");
    expect_read(fd, "still here");
    xwrite_all(fd, "!", 1);
    EXPECT_OK(fstat(fd, &st));
    CHECK(st.st_size == 11, "size of the unlinked file %ld", (long)st.st_size);
    close(fd);
    /* The name is free again. */
    fd = xopen(path("u"), O_CREAT | O_EXCL | O_RDWR);
    char c;
    CHECK(read(fd, &c, 1) == 0, "new file with the old name is not empty");
    close(fd);
}

static void t_dirs(void)
{
    struct stat st;
    EXPECT_OK(mkdir(path("d"), 0755));
    EXPECT_ERR(mkdir(path("d"), 0755), EEXIST);
    EXPECT_OK(stat(path("d"), &st));
    CHECK(S_ISDIR(st.st_mode), "mkdir made mode %#o", (unsigned)st.st_mode);
    EXPECT_OK(mkdir(path("d/sub"), 0755));
    int fd = xopen(path("d/file"), O_CREAT | O_WRONLY);
    close(fd);
    EXPECT_ERR(rmdir(path("d")), ENOTEMPTY);
    EXPECT_ERR(rmdir(path("d/file")), ENOTDIR);
    EXPECT_ERR(mkdir(path("missing/x"), 0755), ENOENT);
    EXPECT_ERR(open(path("d"), O_WRONLY), EISDIR);
    errno = 0;
    CHECK(unlink(path("d/sub")) == -1 && (errno == EISDIR || errno == EPERM),
          "unlink of a directory: errno %d, want EISDIR or EPERM", errno);
    EXPECT_OK(rmdir(path("d/sub")));
    EXPECT_OK(unlink(path("d/file")));
    EXPECT_OK(rmdir(path("d")));
    EXPECT_ERR(rmdir(path("d")), ENOENT);
    EXPECT_ERR(stat(path("d"), &st), ENOENT);
}

struct seen {
    int a, b, c, other, dots;
    char other_name[64];
};

static void see(const char *name, void *arg)
{
    struct seen *s = arg;
    if (strcmp(name, "alpha") == 0)
        s->a++;
    else if (strcmp(name, "beta") == 0)
        s->b++;
    else if (strcmp(name, "gamma") == 0)
        s->c++;
    else if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        s->dots++;
    else {
        s->other++;
        snprintf(s->other_name, sizeof(s->other_name), "%s", name);
    }
}

/* A directory lists exactly the names in it (and maybe . and ..). */
static void t_readdir(void)
{
    EXPECT_OK(mkdir(path("ls"), 0755));
    close(xopen(path("ls/alpha"), O_CREAT | O_WRONLY));
    close(xopen(path("ls/beta"), O_CREAT | O_WRONLY));
    EXPECT_OK(mkdir(path("ls/gamma"), 0755));
    struct seen s = { 0 };
    EXPECT_OK(list_dir(path("ls"), see, &s));
    CHECK(s.a == 1 && s.b == 1 && s.c == 1, "listed alpha %d beta %d gamma %d times",
          s.a, s.b, s.c);
    CHECK(s.other == 0, "listed a stray name '%s'", s.other_name);
    EXPECT_OK(unlink(path("ls/beta")));
    memset(&s, 0, sizeof(s));
    EXPECT_OK(list_dir(path("ls"), see, &s));
    CHECK(s.a == 1 && s.b == 0 && s.c == 1, "after unlink: alpha %d beta %d gamma %d",
          s.a, s.b, s.c);
}

/* dup'd descriptors share one offset; dup2 replaces and closes. */
static void t_dup(void)
{
    int fd = xopen(path("dup"), O_CREAT | O_RDWR);
    xwrite_all(fd, "abcdef", 6);
    lseek(fd, 0, SEEK_SET);
    int fd2 = dup(fd);
    CHECK(fd2 >= 0 && fd2 != fd, "dup gave %d", fd2);
    char c;
    CHECK(read(fd, &c, 1) == 1 && c == 'a', "read via the original");
    CHECK(read(fd2, &c, 1) == 1 && c == 'b', "read via the dup: '%c', want 'b'", c);
    CHECK(lseek(fd, 0, SEEK_CUR) == 2, "offset not shared");
    int fd3 = 20;
    CHECK(dup2(fd, fd3) == fd3, "dup2 to 20");
    CHECK(read(fd3, &c, 1) == 1 && c == 'c', "read via dup2's copy");
    CHECK(dup2(fd3, fd3) == fd3, "dup2 onto itself");
    close(fd);
    CHECK(read(fd2, &c, 1) == 1 && c == 'd', "dup works after closing the original");
    /* dup2 onto an open descriptor closes it first. */
    int other = xopen(path("dup"), O_RDONLY);
    CHECK(dup2(fd2, other) == other, "dup2 onto an open fd");
    CHECK(read(other, &c, 1) == 1 && c == 'e', "dup2 replaced the target: '%c'", c);
    close(fd2);
    close(fd3);
    close(other);
    EXPECT_ERR(dup(fd), EBADF);
    EXPECT_ERR(dup2(fd, 21), EBADF);
    EXPECT_ERR(dup2(0, -1), EBADF);
}

/* A file descriptor shared across fork shares its offset too. */
static void t_fork_offset(void)
{
    int fd = xopen(path("fo"), O_CREAT | O_RDWR);
    pid_t pid = xfork();
    if (pid == 0) {
        IGNORE(write(fd, "child", 5));
        _exit(0);
    }
    expect_exit(pid, 0, "writer child");
    xwrite_all(fd, "parent", 6);
    lseek(fd, 0, SEEK_SET);
    expect_read(fd, "childparent");
    close(fd);
}

/* Descriptors run out at the per-process limit and come back. */
static void t_fd_limit(void)
{
    int fds[256], n = 0;
    for (; n < 256; n++) {
        fds[n] = open("/dev/null", O_RDONLY);
        if (fds[n] < 0)
            break;
    }
    if (!UTEST_GUEST && n == 256) {             /* the host's limit is higher */
        for (int i = 0; i < n; i++)
            close(fds[i]);
        return;
    }
    CHECK(n < 256, "opened 256 descriptors without hitting a limit");
    CHECK(errno == EMFILE, "open at the limit: errno %d, want EMFILE", errno);
    for (int i = 0; i < n; i++)
        close(fds[i]);
    int fd = open("/dev/null", O_RDONLY);
    CHECK(fd >= 0, "open after closing everything: %s", strerror(errno));
    close(fd);
}

static void t_cwd(void)
{
    char buf[256], orig[256];
    CHECK(getcwd(orig, sizeof(orig)) != NULL, "getcwd: %s", strerror(errno));
    EXPECT_OK(chdir(utest_dir));
    CHECK(getcwd(buf, sizeof(buf)) && strcmp(buf, utest_dir) == 0,
          "getcwd after chdir(%s) gave %s", utest_dir, buf);
    /* relative paths resolve from here */
    EXPECT_OK(mkdir("rel", 0755));
    int fd = xopen("rel/f", O_CREAT | O_WRONLY);
    xwrite_all(fd, "rel", 3);
    close(fd);
    fd = xopen("./rel/../rel/f", O_RDONLY);
    expect_read(fd, "rel");
    close(fd);
    struct stat st;
    EXPECT_OK(stat(path("rel/f"), &st));
    EXPECT_OK(chdir("rel"));
    fd = xopen("f", O_RDONLY);
    close(fd);
    EXPECT_OK(chdir(".."));
    CHECK(getcwd(buf, sizeof(buf)) && strcmp(buf, utest_dir) == 0, "after chdir(..): %s", buf);
    EXPECT_ERR(chdir("rel/f"), ENOTDIR);
    EXPECT_ERR(chdir("nowhere"), ENOENT);
    EXPECT_NULL_ERR(getcwd(buf, 2), ERANGE);
    /* the root's parent is the root */
    EXPECT_OK(chdir("/.."));
    CHECK(getcwd(buf, sizeof(buf)) && strcmp(buf, "/") == 0, "chdir(/..) gave %s", buf);
    EXPECT_OK(chdir(orig));
}

const struct utest utest_file[] = {
    { "file_rw", t_file_rw },
    { "file_large", t_file_large },
    { "file_lseek", t_file_lseek },
    { "file_append", t_file_append },
    { "file_trunc_excl", t_file_trunc_excl },
    { "file_stat", t_file_stat },
    { "unlink_open", t_unlink_open },
    { "dirs", t_dirs },
    { "readdir", t_readdir },
    { "dup", t_dup },
    { "fork_offset", t_fork_offset },
    { "fd_limit", t_fd_limit },
    { "cwd", t_cwd },
    { NULL, NULL },
};
