/*
 * sys/dirent.h - directory entries for newlib's <dirent.h>, which includes
 * this file (newlib's own is an #error for targets without one).
 *
 * Read with SYS_getdents: the kernel fills fixed 64-byte records
 * (struct uapi_dirent); readdir hands them out one by one.
 */
#ifndef _SYS_DIRENT_H_
#define _SYS_DIRENT_H_

#include <sys/types.h>

#define DT_UNKNOWN 0
#define DT_FIFO    1
#define DT_CHR     2
#define DT_DIR     4
#define DT_REG     8

#define DIRENT_NAME_MAX 57          /* UAPI_NAME_MAX */

struct dirent {
    ino_t         d_ino;
    unsigned char d_type;           /* DT_* */
    unsigned char d_namlen;
    char          d_name[DIRENT_NAME_MAX + 1];
};

typedef struct libc_dir DIR;        /* opaque; dirent.c */

#endif
