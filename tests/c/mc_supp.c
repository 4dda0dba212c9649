/* mc_supp: a suppression file written for memcheck (Memcheck:Leak
   entries, memcheck's match-leak-kinds words; mc_supp.supp) works under
   pyleak, at a summary check too (VALGRIND_DO_QUICK_LEAK_CHECK), and
   VALGRIND_COUNT_LEAKS reads the suppressed totals.

   leak_quietly() leaks 40 bytes (suppressed: definite); keep_quietly()
   keeps 24 bytes in a global (suppressed: reachable, although reachable
   records are not shown); leak_loudly() leaks 8 bytes (not suppressed).
   The program prints what COUNT_LEAKS says after the quick check:
   leaked 8, reachable 0, suppressed 64. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "memcheck.h"
#include "leaktest.h"

void *kept;

static NOINLINE void leak_quietly(void)
{
   char *volatile p = malloc(40);
   p[0] = 1;
   p = NULL;
}

static NOINLINE void keep_quietly(void)
{
   kept = malloc(24);
   memset(kept, 0, 24);
}

static NOINLINE void leak_loudly(void)
{
   char *volatile p = malloc(8);
   p[0] = 1;
   p = NULL;
}

int main(void)
{
   unsigned long leaked = 0, dubious = 0, reachable = 0, suppressed = 0;
   leak_quietly();
   keep_quietly();
   leak_loudly();
   clobber_stack();
   VALGRIND_DO_QUICK_LEAK_CHECK;
   VALGRIND_COUNT_LEAKS(leaked, dubious, reachable, suppressed);
   printf("leaked %lu, dubious %lu, reachable %lu, suppressed %lu\n",
          leaked, dubious, reachable, suppressed);
   return 0;
}
