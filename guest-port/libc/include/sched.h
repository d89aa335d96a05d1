/*
 * sched.h - newlib's <sched.h>, plus sched_yield.
 *
 * newlib declares sched_yield only with _POSIX_PRIORITY_SCHEDULING or
 * _POSIX_THREADS, which would also promise calls this kernel does not
 * have (sched_setparam, ...); the glue implements just this one.
 */
#ifndef GUEST_SCHED_H
#define GUEST_SCHED_H

#include_next <sched.h>

#if !defined(_POSIX_THREADS) && !defined(_POSIX_PRIORITY_SCHEDULING)
int sched_yield(void);
#endif

#endif
