/*
 * exec.c - replace the running process's program with a static ELF64
 * executable from the file system.
 *
 * The new address space is built completely on the side (segments, stack,
 * arguments) while the old one stays loaded and untouched; only when
 * nothing can fail any more does the process switch to it.  So a failed
 * execve returns its error to a program that is still intact.
 *
 * The new address space:
 *   each PT_LOAD segment   its pages, prot from the ELF flags; file bytes
 *                          copied in, the rest (bss) demand-zero
 *   the heap               empty; starts at the page after the highest
 *                          segment (brk grows it)
 *   the stack              USTACK_SIZE below USER_TOP, demand-zero, with
 *                          the arguments at its top (SysV x86-64 ABI):
 *
 *     USER_TOP ->  argv and envp strings
 *                  (padding to 16 bytes)
 *                  0, 0                 auxiliary vector: just AT_NULL
 *                  NULL, envp[envc-1] .. envp[0]
 *                  NULL, argv[argc-1] .. argv[0]
 *     rsp      ->  argc                 (rsp 16-byte aligned)
 */
#include "kproc.h"
#include "ksignal.h"
#include "vm.h"

#define USTACK_SIZE   (8ul * 1024 * 1024)
#define USTACK_BOTTOM (USER_TOP - USTACK_SIZE)

/* Map every segment of img into vm and copy its file bytes from file.
 * *top gets the end of the highest segment (page aligned).  0, -ENOEXEC
 * (a segment reaches into the stack) or -ENOMEM. */
static int
load_segments(struct vm *vm, const uint8_t *file, const struct elf_image *img,
              uint64_t *top)
{
    *top = 0;
    for (int i = 0; i < img->nseg; i++) {
        const struct elf_segment *s = &img->seg[i];
        uint64_t start = PAGE_ROUND_DOWN(s->vaddr);
        uint64_t end = PAGE_ROUND_UP(s->vaddr + s->memsz);
        int err;

        if (end > USTACK_BOTTOM)
            return -ENOEXEC;
        err = vm_map_anon(vm, start, end - start, s->prot | HAL_PROT_USER);
        if (err < 0)
            return err == -EINVAL ? -ENOEXEC : err;
        if (s->filesz > 0) {
            err = vm_copy_to(vm, s->vaddr, file + s->offset, s->filesz);
            if (err < 0)
                return err;
        }
        if (end > *top)
            *top = end;
    }
    return 0;
}

/* Writes a run of 8-byte words to consecutive user addresses of a vm,
 * a buffer at a time. */
struct word_writer {
    struct vm *vm;
    uint64_t at;            /* user address of buf[0] */
    size_t n;               /* words in buf */
    int err;                /* the first error */
    uint64_t buf[32];
};

static void
ww_flush(struct word_writer *w)
{
    if (w->n > 0 && w->err == 0)
        w->err = vm_copy_to(w->vm, w->at, w->buf, w->n * sizeof(uint64_t));
    w->at += w->n * sizeof(uint64_t);
    w->n = 0;
}

static void
ww_put(struct word_writer *w, uint64_t v)
{
    w->buf[w->n++] = v;
    if (w->n == NELEM(w->buf))
        ww_flush(w);
}

/* Count the strings of a NULL-terminated vector (NULL: none) and add
 * their sizes, NULs included, to *bytes. */
static size_t
vec_count(char *const *v, size_t *bytes)
{
    size_t n = 0;

    if (v == NULL)
        return 0;
    for (; v[n] != NULL; n++)
        *bytes += strlen(v[n]) + 1;
    return n;
}

/* Copy the strings of v to user address *at on, moving *at past them. */
static int
copy_strings(struct vm *vm, char *const *v, size_t n, uint64_t *at)
{
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(v[i]) + 1;
        int err = vm_copy_to(vm, *at, v[i], len);

        if (err < 0)
            return err;
        *at += len;
    }
    return 0;
}

/* Write the user pointers to n consecutive strings starting at *at (as
 * copy_strings placed them), then a NULL. */
static void
put_pointers(struct word_writer *w, char *const *v, size_t n, uint64_t *at)
{
    for (size_t i = 0; i < n; i++) {
        ww_put(w, *at);
        *at += strlen(v[i]) + 1;
    }
    ww_put(w, 0);
}

/*
 * Lay out argc, argv, envp and an empty auxiliary vector at the top of
 * vm's stack (see the picture above).  *sp gets the initial rsp.  0,
 * -E2BIG (over UAPI_ARG_MAX) or -ENOMEM.
 */
static int
setup_stack(struct vm *vm, char *const *argv, char *const *envp, uint64_t *sp)
{
    size_t bytes = 0, argc, envc, words;
    uint64_t strings, at;
    struct word_writer w;
    int err;

    argc = vec_count(argv, &bytes);
    envc = vec_count(envp, &bytes);
    words = 1 + (argc + 1) + (envc + 1) + 2;
    if (bytes + words * sizeof(uint64_t) > UAPI_ARG_MAX + 64)
        return -E2BIG;

    strings = USER_TOP - bytes;
    *sp = (strings - words * sizeof(uint64_t)) & ~15ul;

    at = strings;
    err = copy_strings(vm, argv, argc, &at);
    if (err == 0)
        err = copy_strings(vm, envp, envc, &at);
    if (err < 0)
        return err;

    memset(&w, 0, sizeof(w));
    w.vm = vm;
    w.at = *sp;
    ww_put(&w, argc);
    at = strings;
    put_pointers(&w, argv, argc, &at);
    put_pointers(&w, envp, envc, &at);
    ww_put(&w, 0);                      /* AT_NULL */
    ww_put(&w, 0);
    ww_flush(&w);
    return w.err;
}

/*
 * Replace the running process's program with the executable at path,
 * given argv and envp (kernel memory, NULL-terminated; the caller frees
 * them afterwards).  On success: the new address space is loaded, the
 * process is named after path, its heap is empty, close-on-exec
 * descriptors are closed, caught signals are reset to their default
 * action, the FPU is in its initial state and p->tf enters the program;
 * returns 0.  On failure nothing has changed: -ENOENT and the like from
 * the file system, -ENOEXEC, -E2BIG, -ENOMEM.
 */
long
exec(const char *path, char *const *kargv, char *const *kenvp)
{
    struct proc *p = myproc();
    struct elf_image img;
    struct vm *vm;
    void *file = NULL;
    size_t len = 0;
    uint64_t top = 0, sp = 0;
    int err;

    err = vfs_read_whole(path, &file, &len);
    if (err < 0)
        return err;
    err = elf_parse(file, len, &img);
    if (err < 0)
        goto out_file;
    vm = vm_create();
    if (vm == NULL) {
        err = -ENOMEM;
        goto out_file;
    }
    err = load_segments(vm, file, &img, &top);
    if (err == 0)
        err = vm_map_anon(vm, USTACK_BOTTOM, USTACK_SIZE,
                          HAL_PROT_READ | HAL_PROT_WRITE | HAL_PROT_USER);
    if (err == 0)
        err = setup_stack(vm, kargv, kenvp, &sp);
    if (err < 0) {
        vm_destroy(vm);
        goto out_file;
    }
    kfree(file);

    /* The point of no return: from here on nothing fails. */
    proc_replace_vm(vm);
    proc_set_name(p, path);
    p->brk_start = top;
    p->brk = top;
    files_exec(p);
    signal_exec_reset(p);
    /* The old program's FPU registers are live in the CPU: reset them. */
    hal_fpu_init(&p->fpu);
    hal_fpu_restore(&p->fpu);
    hal_tf_init_user(p->tf, img.entry, sp);
    return 0;

out_file:
    kfree(file);
    return err;
}
