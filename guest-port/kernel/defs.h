/*
 * defs.h - the guest kernel's internal interfaces, grouped by the file
 * that implements them.  Everything here is portable; the machine is
 * reached through hal.h only.
 *
 * Conventions: functions that can fail return 0 or a negative errno
 * (uapi/abi.h values); pointer-returning ones return NULL.  "uaddr"
 * parameters are user virtual addresses, never dereferenced directly.
 */
#ifndef GUEST_DEFS_H
#define GUEST_DEFS_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdarg.h>
#include "hal.h"
#include "uapi/abi.h"
#include "uapi/syscall.h"

#define NELEM(a)  (sizeof(a) / sizeof((a)[0]))
#define PAGE_ROUND_UP(x)   (((uint64_t)(x) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))
#define PAGE_ROUND_DOWN(x) ((uint64_t)(x) & ~(PAGE_SIZE - 1))

struct proc;
struct file;
struct inode;
struct vm;

/* lib.c: freestanding string and formatting helpers */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strncpy(char *dst, const char *src, size_t n);
size_t strlcpy(char *dst, const char *src, size_t size);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* printk.c: kernel messages to the console */
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* panic with a register dump of tf first (a kernel-mode fault). */
void panic_tf(const struct trapframe *tf, const char *why) __attribute__((noreturn));
void backtrace(uint64_t rbp);

/* page.c: the frame allocator and per-frame reference counts */
void page_init(const struct hal_boot *boot);
/* A zeroed frame with reference count 1, or -1 (as uint64_t: PAGE_NONE). */
#define PAGE_NONE (~0ull)
uint64_t page_alloc(void);
void page_free(uint64_t pfn);          /* drops one reference; frees at 0 */
void page_ref(uint64_t pfn);           /* one more reference (COW sharing) */
unsigned page_refcount(uint64_t pfn);
uint64_t page_free_count(void);
uint64_t page_total_count(void);

/* kmalloc.c: small kernel objects (power-of-two slabs; > 2 KiB gets pages) */
void *kmalloc(size_t size);             /* zeroed; NULL when out of memory */
void kfree(void *p);

/* uaccess.c: user memory, always through the current process's vm.
 * Faults in demand-zero and copy-on-write pages as the CPU would; any
 * address that is not a valid user mapping with the needed access gives
 * -EFAULT.  Never faults in the kernel. */
int copyin(void *dst, uint64_t usrc, size_t n);
int copyout(uint64_t udst, const void *src, size_t n);
/* Copy a NUL-terminated string of at most max-1 characters: its length,
 * -EFAULT, or -ENAMETOOLONG. */
long copyinstr(char *dst, uint64_t usrc, size_t max);

/* vm.c: user address spaces (regions, demand paging, COW) */
struct vm *vm_create(void);
void vm_destroy(struct vm *vm);
/* COW copy; NULL if ENOMEM.  The page holding hot_va (the user stack
 * pointer: both processes write there at once) is copied eagerly instead
 * of shared, saving each a copy-on-write fault; 0 for none. */
struct vm *vm_fork(struct vm *parent, uint64_t hot_va);
/* Add a region [start, start+len) with HAL_PROT_* bits, demand-zero. */
int vm_map_anon(struct vm *vm, uint64_t start, uint64_t len, unsigned prot);
int vm_unmap(struct vm *vm, uint64_t start, uint64_t len);
/* Find a free range of len bytes (mmap without a hint): address or 0. */
uint64_t vm_find_free(struct vm *vm, uint64_t len);
/* Resolve a fault or an access at va: 0 if the page is now mapped with
 * the access allowed, -EFAULT otherwise. */
int vm_fault(struct vm *vm, uint64_t va, bool write);
/* The frame that backs user page va for an access (faulting it in). */
int vm_page_for(struct vm *vm, uint64_t va, bool write, uint64_t *pfn);
void vm_switch(struct vm *vm);                   /* load it (hal_as_switch) */
uint64_t vm_pages(struct vm *vm);                /* resident user pages */

/* proc.c: processes, the scheduler, sleep and wakeup */
struct proc *myproc(void);
void proc_init(void);
void scheduler(void) __attribute__((noreturn));
void yield(void);
/* Sleep on chan until wakeup(chan).  Interruptible: -EINTR if a signal is
 * pending when it wakes (or was already), else 0. */
int sleep_on(void *chan);
void wakeup(void *chan);
/* Sleep until hal_time_ns() >= deadline or a signal: 0 or -EINTR. */
int sleep_until(uint64_t deadline_ns);
void proc_exit(int status) __attribute__((noreturn));
struct proc *proc_find(int pid);
/* A snapshot line per process for /proc: fills buf, returns bytes. */
size_t proc_list_text(char *buf, size_t size);

/* signal.c */
int signal_send(struct proc *p, int sig);
int signal_send_group(int pgid, int sig);
/* Deliver pending signals before returning to user mode with tf. */
void signal_deliver(struct trapframe *tf);
bool signal_pending(struct proc *p);

/* exec.c */
long exec(const char *path, char *const *kargv, char *const *kenvp);

/* timer.c: the one-shot timer multiplexed over sleepers and the scheduler tick */
void timer_tick(void);                            /* T_TIMER */
void timer_rearm(void);

/* syscall.c */
void syscall(struct trapframe *tf);

/* --- files (file.c, vfs.c, ramfs.c, pipe.c, tty.c, procfs.c, sysfile.c) --- */
void vfs_init(const void *initrd, size_t len);   /* unpack the cpio initrd into the ramfs */
void tty_init(void);
void tty_input(void);                              /* T_CONSOLE: drain hal_console_getc() */
void tty_write(const char *s, size_t n);           /* kernel messages interleave with users' */
/* A process's descriptor table and cwd (proc.c calls these) */
void files_fork(struct proc *parent, struct proc *child);
void files_exit(struct proc *p);
void files_exec(struct proc *p);                   /* close O_CLOEXEC descriptors */
/* Open path for exec: read the whole file into a kmalloc'd buffer. */
int vfs_read_whole(const char *path, void **buf, size_t *len);
int vfs_stdio_open(struct proc *p);                /* fds 0,1,2 on /dev/console for init */

/* The file system calls (sysfile.c), table-dispatched by syscall.c */
struct sysargs {
    uint64_t a[6];
};
long sys_read(struct sysargs *a);
long sys_write(struct sysargs *a);
long sys_open(struct sysargs *a);
long sys_close(struct sysargs *a);
long sys_lseek(struct sysargs *a);
long sys_stat(struct sysargs *a);
long sys_fstat(struct sysargs *a);
long sys_unlink(struct sysargs *a);
long sys_mkdir(struct sysargs *a);
long sys_rmdir(struct sysargs *a);
long sys_getdents(struct sysargs *a);
long sys_dup(struct sysargs *a);
long sys_dup2(struct sysargs *a);
long sys_pipe(struct sysargs *a);
long sys_chdir(struct sysargs *a);
long sys_getcwd(struct sysargs *a);
long sys_tcsetpgrp(struct sysargs *a);
long sys_tcgetpgrp(struct sysargs *a);

/* elf.c: parse and check a static ELF64 executable (pure; host-tested) */
#define ELF_MAX_SEGMENTS 8
struct elf_segment {
    uint64_t vaddr, memsz;     /* page-aligned start not required */
    uint64_t offset, filesz;
    unsigned prot;             /* HAL_PROT_* (USER added by exec) */
};
struct elf_image {
    uint64_t entry;
    int nseg;
    struct elf_segment seg[ELF_MAX_SEGMENTS];
};
/* 0 or -ENOEXEC: checks magic, class, machine, type EXEC, every segment
 * inside the file and below USER_TOP, no overlap, entry inside an X segment. */
int elf_parse(const void *file, size_t len, struct elf_image *out);

#endif
