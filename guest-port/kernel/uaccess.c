/*
 * uaccess.c - the only way the kernel touches user memory.
 *
 * A user address is never dereferenced.  Each page is resolved through
 * the current process's vm (vm_page_for: region and access checks,
 * demand-zero and copy-on-write faults done as the CPU would) and the
 * bytes are copied through the physmap alias of its frame.  So a hostile
 * pointer can only give -EFAULT, never a kernel fault, and a copyout into
 * a page shared after fork writes the process's private copy.
 */
#include "defs.h"
#include "proc.h"

/* The current process's vm, or NULL (no process: nothing is user memory). */
static struct vm *
cur_vm(void)
{
    struct proc *p = myproc();

    return p ? p->vm : NULL;
}

/* True if [ua, ua+n) lies below USER_TOP without wrapping (n > 0). */
static bool
range_ok(uint64_t ua, size_t n)
{
    return ua < USER_TOP && n <= USER_TOP - ua;
}

/*
 * Copy n bytes between kernel buffer k and user address ua, page by page;
 * to_user says which way.  0, -EFAULT, or -ENOMEM (a page could not be
 * faulted in).  Bytes before a failing page may have been copied.
 */
static int
copy_user(uint64_t ua, void *k, size_t n, bool to_user)
{
    struct vm *vm = cur_vm();
    char *kp = k;

    if (n == 0)
        return 0;
    if (vm == NULL || !range_ok(ua, n))
        return -EFAULT;
    while (n > 0) {
        uint64_t off = ua % PAGE_SIZE, pfn;
        size_t chunk = PAGE_SIZE - off < n ? PAGE_SIZE - off : n;
        int rc = vm_page_for(vm, ua, to_user, &pfn);
        char *frame;

        if (rc < 0)
            return rc;
        frame = (char *)pfn_to_va(pfn) + off;
        if (to_user)
            memcpy(frame, kp, chunk);
        else
            memcpy(kp, frame, chunk);
        kp += chunk;
        ua += chunk;
        n -= chunk;
    }
    return 0;
}

/* Copy n bytes from user address usrc to dst: 0, -EFAULT or -ENOMEM. */
int
copyin(void *dst, uint64_t usrc, size_t n)
{
    return copy_user(usrc, dst, n, false);
}

/* Copy n bytes from src to user address udst: 0, -EFAULT or -ENOMEM. */
int
copyout(uint64_t udst, const void *src, size_t n)
{
    return copy_user(udst, (void *)src, n, true);
}

/*
 * Copy the NUL-terminated string at usrc into dst (max bytes, NUL
 * included): its length, -EFAULT (bad address before the NUL),
 * -ENAMETOOLONG (no NUL in the first max bytes; dst is then not a
 * string), or -ENOMEM.  Reads no user byte past the NUL.
 */
long
copyinstr(char *dst, uint64_t usrc, size_t max)
{
    struct vm *vm = cur_vm();
    size_t len = 0;

    if (max == 0)
        return -ENAMETOOLONG;
    if (vm == NULL || usrc >= USER_TOP)
        return -EFAULT;
    while (len < max) {
        uint64_t ua = usrc + len, off = ua % PAGE_SIZE, pfn;
        const char *frame;
        int rc;

        if (ua >= USER_TOP)
            return -EFAULT;
        rc = vm_page_for(vm, ua, false, &pfn);
        if (rc < 0)
            return rc;
        frame = (const char *)pfn_to_va(pfn) + off;
        for (uint64_t i = 0; i < PAGE_SIZE - off && len < max; i++, len++) {
            dst[len] = frame[i];
            if (frame[i] == '\0')
                return (long)len;
        }
    }
    return -ENAMETOOLONG;
}
