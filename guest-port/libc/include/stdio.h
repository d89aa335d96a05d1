/*
 * stdio.h - newlib's <stdio.h>, plus getline and getdelim.
 *
 * newlib 3.3.0 implements them as __getline and __getdelim but declares
 * and defines the POSIX names only for targets with a posix directory;
 * getline.c here supplies them for this one.
 */
#ifndef GUEST_STDIO_H
#define GUEST_STDIO_H

#include_next <stdio.h>

#if __POSIX_VISIBLE >= 200809
ssize_t getline(char **__restrict line, size_t *__restrict cap, FILE *__restrict f);
ssize_t getdelim(char **__restrict line, size_t *__restrict cap, int delim,
                 FILE *__restrict f);
#endif

#endif
