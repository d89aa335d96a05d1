/*
 * hello - the smallest proof that the C library works: printf of a long
 * long (newlib's io-long-long), of a double (SSE registers, which the
 * kernel must save and restore) and sqrt from libm.
 */
#include <math.h>
#include <stdio.h>

int
main(int argc, char **argv)
{
    volatile double two = 2.0;      /* keep sqrt from being folded at compile time */
    long long big = 1LL << 40;

    printf("hello from %s: %lld %f sqrt(2)=%.6f\n",
           argc > 0 ? argv[0] : "?", big, 3.25, sqrt(two));
    return 0;
}
