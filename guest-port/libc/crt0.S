/*
 * crt0.S - the entry point of every user program.
 *
 * The kernel enters _start with the System V x86-64 initial stack:
 *     (%rsp)            argc
 *     8(%rsp)           argv[0] ... argv[argc-1], NULL
 *     then              envp[0] ... NULL
 * and nothing useful in the other registers.  _start finds the three,
 * aligns the stack to 16 bytes as the ABI wants at a call (printf's SSE
 * spills fault otherwise) and hands over to libc_start (start.c), which
 * runs the constructors, main and exit.
 */
    .text
    .globl _start
    .type _start, @function
_start:
    xor     %ebp, %ebp              /* the outermost frame, for backtraces */
    mov     (%rsp), %rdi            /* argc */
    lea     8(%rsp), %rsi           /* argv */
    lea     8(%rsi,%rdi,8), %rdx    /* envp: past argv's NULL */
    and     $-16, %rsp
    call    libc_start              /* does not return */
    ud2
    .size _start, . - _start

/*
 * newlib's __libc_init_array and __libc_fini_array call _init and _fini
 * around the init/fini arrays (it is built with HAVE_INIT_FINI).  This
 * toolchain puts every constructor in .init_array, so they have nothing to do.
 */
    .globl _init
    .type _init, @function
_init:
    ret
    .size _init, . - _init

    .globl _fini
    .type _fini, @function
_fini:
    ret
    .size _fini, . - _fini

    .section .note.GNU-stack, "", @progbits
