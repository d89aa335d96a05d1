/*
 * start.c - from _start (crt0.S) to main and back out through exit.
 */
#include <stdlib.h>

#include "glue.h"

extern char **environ;
int main(int argc, char **argv, char **envp);
void __libc_init_array(void);
void __libc_fini_array(void);
void libc_start(int argc, char **argv, char **envp) __attribute__((noreturn));

int64_t libc_start_ns;

/*
 * Called by _start with the kernel's argc, argv and envp on a 16-byte
 * aligned stack.  Runs the constructors, arranges for the destructors to
 * run at exit, and exits with main's result.  Does not return.
 */
void
libc_start(int argc, char **argv, char **envp)
{
    environ = envp;
    libc_start_ns = libc_monotonic_ns();
    atexit(__libc_fini_array);
    __libc_init_array();
    exit(main(argc, argv, envp));
}
