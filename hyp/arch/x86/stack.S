/*
 * stack.S - void call_on_stack(uint64_t top, void (*fn)(void)):
 * run fn on another stack; fn must not return.
 */
    .text
    .global call_on_stack
call_on_stack:
    movq %rdi, %rsp
    xorl %ebp, %ebp                 /* a new stack: backtraces end here */
    callq *%rsi
    ud2
