/*
 * echo [-n] [ARG...] - print the arguments separated by spaces; -n leaves
 * out the final newline.
 */
#include <stdio.h>
#include <string.h>

int
main(int argc, char **argv)
{
    int newline = 1;
    int i = 1;

    if (argc > 1 && strcmp(argv[1], "-n") == 0) {
        newline = 0;
        i = 2;
    }
    for (; i < argc; i++) {
        fputs(argv[i], stdout);
        if (i + 1 < argc)
            putchar(' ');
    }
    if (newline)
        putchar('\n');
    return fflush(stdout) == 0 ? 0 : 1;
}
