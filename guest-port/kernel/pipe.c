/*
 * pipe.c - pipes: a pipebuf in one frame plus blocking.
 *
 * A pipe is an anonymous FIFO inode (so fstat says S_IFIFO) with two
 * files on it, the read end and the write end.  readers and writers count
 * the open files of each end (dup and fork share a file, so they do not
 * change the counts).  Readers and writers sleep on the pipe itself and
 * every change wakes them all to look again.
 *
 * Writes of at most UAPI_PIPE_BUF bytes are atomic: they wait until the
 * whole write fits and then copy it without sleeping, and nothing else
 * runs in between because the kernel is not preemptible.  The buffer is
 * exactly UAPI_PIPE_BUF bytes so such a write always fits eventually.
 */
#include "file.h"
#include "pipebuf.h"

struct pipe {
    struct pipebuf buf;
    uint64_t pfn;            /* the frame holding the bytes */
    int readers;             /* open files on the read end */
    int writers;             /* ... and on the write end */
};

_Static_assert(UAPI_PIPE_BUF <= PAGE_SIZE, "a pipe's buffer is one frame");

int
pipe_create(struct file **rf, struct file **wf)
{
    struct inode *ip;
    struct pipe *p;

    ip = inode_alloc(S_IFIFO | 0600);
    if (ip == NULL)
        return -ENOMEM;
    p = kmalloc(sizeof(*p));
    if (p == NULL)
        goto no_pipe;
    p->pfn = page_alloc();
    if (p->pfn == PAGE_NONE)
        goto no_frame;
    pipebuf_init(&p->buf, pfn_to_va(p->pfn), PAGE_SIZE);
    ip->u.fifo.pipe = p;

    *rf = file_alloc(ip, O_RDONLY);          /* takes ip's first reference */
    if (*rf == NULL)
        goto no_rfile;
    p->readers = 1;
    *wf = file_alloc(inode_get(ip), O_WRONLY);
    if (*wf == NULL) {
        inode_put(ip);
        file_close(*rf);                     /* frees the pipe and ip */
        return -ENFILE;
    }
    p->writers = 1;
    return 0;

no_rfile:
    ip->u.fifo.pipe = NULL;
    page_free(p->pfn);
no_frame:
    kfree(p);
no_pipe:
    inode_put(ip);
    return -ENOMEM;
}

void
pipe_close(struct file *f)
{
    struct pipe *p = f->ip->u.fifo.pipe;

    if (p == NULL)
        return;
    if (file_readable(f))
        p->readers--;
    else
        p->writers--;
    wakeup(p);
    if (p->readers == 0 && p->writers == 0) {
        page_free(p->pfn);
        kfree(p);
        f->ip->u.fifo.pipe = NULL;
    }
}

/*
 * Read up to n bytes: blocks while the pipe is empty and a writer exists.
 * Bytes read, 0 at end of file, -EINTR, -EAGAIN (O_NONBLOCK), -EFAULT.
 */
long
pipe_read(struct file *f, struct xfer dst, size_t n)
{
    struct pipe *p = f->ip->u.fifo.pipe;
    size_t done = 0;

    if (n == 0)
        return 0;
    while (pipebuf_used(&p->buf) == 0) {
        if (p->writers == 0)
            return 0;
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        if (sleep_on(p) < 0)
            return -EINTR;
    }
    while (done < n) {
        const uint8_t *span;
        size_t k = pipebuf_read_span(&p->buf, &span);

        if (k == 0)
            break;
        if (k > n - done)
            k = n - done;
        /* Consume only what reached the reader. */
        if (xfer_out(dst, done, span, k) < 0) {
            if (done == 0)
                return -EFAULT;
            break;
        }
        pipebuf_consume(&p->buf, k);
        done += k;
    }
    wakeup(p);
    return (long)done;
}

/*
 * Write n bytes, blocking while the pipe is full.  Bytes written (fewer
 * only if a signal, a bad address or the last reader's close interrupted
 * a long write), or -EPIPE (and SIGPIPE) if no reader is left, -EINTR,
 * -EAGAIN, -EFAULT when nothing was written.
 */
long
pipe_write(struct file *f, struct xfer src, size_t n)
{
    struct pipe *p = f->ip->u.fifo.pipe;
    size_t done = 0;

    while (done < n) {
        size_t need;

        if (p->readers == 0) {
            signal_send(myproc(), SIGPIPE);
            return done > 0 ? (long)done : -EPIPE;
        }
        /* A small write goes in whole or waits; a large one may be split. */
        need = n <= UAPI_PIPE_BUF ? n : 1;
        if (pipebuf_space(&p->buf) < need) {
            if (f->flags & O_NONBLOCK)
                return done > 0 ? (long)done : -EAGAIN;
            if (sleep_on(p) < 0)
                return done > 0 ? (long)done : -EINTR;
            continue;
        }
        while (done < n) {
            uint8_t *span;
            size_t k = pipebuf_write_span(&p->buf, &span);

            if (k == 0)
                break;
            if (k > n - done)
                k = n - done;
            if (xfer_in(span, src, done, k) < 0) {
                wakeup(p);
                return done > 0 ? (long)done : -EFAULT;
            }
            pipebuf_commit(&p->buf, k);
            done += k;
        }
        wakeup(p);
    }
    return (long)done;
}
