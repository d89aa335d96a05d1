/*
 * getline.c - the POSIX names for newlib's __getline and __getdelim
 * (declared in the glue's <stdio.h>).
 */
#include <stdio.h>

ssize_t
getline(char **line, size_t *cap, FILE *f)
{
    return __getline(line, cap, f);
}

ssize_t
getdelim(char **line, size_t *cap, int delim, FILE *f)
{
    return __getdelim(line, cap, delim, f);
}
