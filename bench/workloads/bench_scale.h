/* bench_scale.h: shared helpers for the C workloads of bench/run.
   BENCH_SCALE (a float, default 1.0) multiplies each workload's size so
   that `bench/run --quick` can smoke-test everything in seconds. */
#ifndef BENCH_SCALE_H
#define BENCH_SCALE_H

#include <stdint.h>
#include <stdlib.h>

/* n scaled by $BENCH_SCALE, never below 1. */
static long scaled(long n)
{
   const char *s = getenv("BENCH_SCALE");
   double f = s ? atof(s) : 1.0;
   long r = (long)(n * (f > 0 ? f : 1.0));
   return r < 1 ? 1 : r;
}

/* xorshift64: deterministic, so every configuration does identical work. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void)
{
   rng_state ^= rng_state << 13;
   rng_state ^= rng_state >> 7;
   rng_state ^= rng_state << 17;
   return rng_state;
}

#endif
