/*
 * core.c - which scheduling policy runs (sched= boot option, later).
 */
#include "sched.h"

const struct scheduler *sched = &sched_rr;
