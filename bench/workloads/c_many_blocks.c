/* Scale benchmark workload (bench/checkpoints): BENCH_BLOCKS live blocks
   of 16 bytes, each reachable from one array (held by a global to the
   end: the check at exit sees the same live heap), then one leak check
   (PYLEAK_LEAK_CHECK) and nothing freed.  pyleak's -v line says how
   long the check took; the peak RSS, how much memory the run needed. */
#include <stdio.h>
#include <stdlib.h>
#include "pyleak.h"

void **volatile kept;

int main(void)
{
   const char *e = getenv("BENCH_BLOCKS");
   long n = e ? atol(e) : 1000000;
   void **all = malloc((size_t)n * sizeof *all);
   if (all == NULL) return 1;
   for (long i = 0; i < n; i++)
      all[i] = malloc(16);
   PYLEAK_LEAK_CHECK("scale");
   printf("%ld blocks\n", n);
   kept = all;                     /* live at exit too */
   return all[n - 1] == NULL;
}
