/*
 * sys/stat.h - newlib's <sys/stat.h>, plus lstat.
 *
 * newlib declares lstat only for a few systems.  There are no symbolic
 * links here, so the glue's lstat is stat.
 */
#ifndef GUEST_SYS_STAT_H
#define GUEST_SYS_STAT_H

#include_next <sys/stat.h>

#if !defined(__SPU__) && !defined(__rtems__) && !defined(__CYGWIN__)
int lstat(const char *__restrict path, struct stat *__restrict st);
#endif

#endif
