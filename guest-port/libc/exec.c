/*
 * exec.c - the exec family on top of execve: execv, execvp (PATH search),
 * execl and execlp.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXEC_PATH_MAX 256           /* UAPI_PATH_MAX */
#define EXEC_DEFAULT_PATH "/bin"
#define EXECL_MAX_ARGS 64

extern char **environ;

int
execv(const char *path, char *const argv[])
{
    return execve(path, argv, environ);
}

/*
 * Runs file, searched for in $PATH (default /bin) unless it contains a '/'.
 * Keeps looking past directories where it is missing; returns -1 with the
 * most telling errno (EACCES over ENOENT) if no candidate ran.  A file that
 * is not an executable (ENOEXEC) is not handed to a shell.
 */
int
execvp(const char *file, char *const argv[])
{
    char buf[EXEC_PATH_MAX];
    const char *dirs, *p;
    int saw_eacces = 0;
    size_t flen;

    if (file == NULL || *file == '\0') {
        errno = ENOENT;
        return -1;
    }
    if (strchr(file, '/') != NULL)
        return execve(file, argv, environ);

    dirs = getenv("PATH");
    if (dirs == NULL)
        dirs = EXEC_DEFAULT_PATH;
    flen = strlen(file);
    for (p = dirs; ; p++) {
        const char *end = strchr(p, ':');
        size_t dlen = end ? (size_t)(end - p) : strlen(p);

        if (dlen == 0) {            /* an empty entry means "." */
            buf[0] = '.';
            dlen = 1;
        } else if (dlen < sizeof(buf)) {
            memcpy(buf, p, dlen);
        }
        if (dlen + 1 + flen < sizeof(buf)) {
            buf[dlen] = '/';
            memcpy(buf + dlen + 1, file, flen + 1);
            execve(buf, argv, environ);
            if (errno == EACCES)
                saw_eacces = 1;
            else if (errno != ENOENT && errno != ENOTDIR)
                return -1;          /* it exists but would not run */
        }
        if (end == NULL)
            break;
        p = end;
    }
    errno = saw_eacces ? EACCES : ENOENT;
    return -1;
}

/* Gathers execl's NULL-terminated variadic list into argv (at most
 * EXECL_MAX_ARGS - 1 arguments; E2BIG beyond). */
static int
gather_args(char **argv, const char *arg0, va_list ap)
{
    int n = 0;
    const char *a = arg0;

    while (a != NULL) {
        if (n == EXECL_MAX_ARGS - 1) {
            errno = E2BIG;
            return -1;
        }
        argv[n++] = (char *)a;
        a = va_arg(ap, const char *);
    }
    argv[n] = NULL;
    return 0;
}

int
execl(const char *path, const char *arg0, ...)
{
    char *argv[EXECL_MAX_ARGS];
    va_list ap;
    int r;

    va_start(ap, arg0);
    r = gather_args(argv, arg0, ap);
    va_end(ap);
    if (r < 0)
        return -1;
    return execv(path, argv);
}

int
execlp(const char *file, const char *arg0, ...)
{
    char *argv[EXECL_MAX_ARGS];
    va_list ap;
    int r;

    va_start(ap, arg0);
    r = gather_args(argv, arg0, ap);
    va_end(ap);
    if (r < 0)
        return -1;
    return execvp(file, argv);
}
