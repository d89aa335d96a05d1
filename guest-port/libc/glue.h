/*
 * glue.h - what the C-library glue files share among themselves.
 *
 * newlib calls the system through underscore names (_read, _fork, ...)
 * and leaves the POSIX names (read, fork, ...) to the system as well, so
 * each call is written once under one name and GLUE_ALIAS gives it the other.
 */
#ifndef GUEST_LIBC_GLUE_H
#define GUEST_LIBC_GLUE_H

#include <stdint.h>

#define GLUE_ALIAS(name, target) \
    __typeof__(target) name __attribute__((alias(#target)))

/* CLOCK_MONOTONIC nanoseconds when the program started (start.c), the
 * base of times() and so of clock(). */
extern int64_t libc_start_ns;

/* Nanoseconds on the monotonic clock, or 0 if it cannot be read. */
int64_t libc_monotonic_ns(void);

/*
 * The kernel's structures that newlib has no type for, spelled out here
 * because the uapi header cannot be included next to newlib's (their macro
 * names clash).  abi_check.c proves each matches uapi/abi.h field by field.
 */
struct kernel_sigaction {          /* struct uapi_sigaction */
    uint64_t handler;
    uint64_t mask;                  /* bit (sig-1); newlib's sigset_t uses bit sig */
    uint64_t flags;
    uint64_t restorer;
};

#define KERNEL_NAME_MAX 57
struct kernel_dirent {             /* struct uapi_dirent, 64 bytes */
    uint32_t d_ino;
    uint8_t  d_type;
    uint8_t  d_namlen;
    char     d_name[KERNEL_NAME_MAX + 1];
};

/* The handlers' return address: makes SYS_sigreturn (sigrestore.S). */
void libc_sigrestore(void);

#endif
