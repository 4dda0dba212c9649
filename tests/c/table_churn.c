/* The shadow table under churn (pyleak/pl_bmap.c): 60,000 blocks
   allocated, freed and reallocated in a scrambled order, so that the
   table grows, shrinks after the peak and closes the gap of every
   free; leak checks in the middle and at exit must still find every
   live block and each leak exactly (the same answers as memcheck).

   Leaks: every 1000th block of the first round (60 blocks of
   17 + i % 13 bytes) loses its pointer; a 7,777-byte block is lost
   after the table has shrunk. */
#include <stdlib.h>
#include "memcheck.h"

#define N 60000

static void *slot[N];

/* A block lost as soon as it is made (no pointer left in a register:
   memset implementations differ in what they leave there). */
static void __attribute__((noinline)) lose(void)
{
   char *p = malloc(7777);
   p[0] = 1;
}

static unsigned next(unsigned *s)
{
   *s = *s * 1103515245u + 12345u;
   return (*s >> 8) % N;
}

int main(void)
{
   unsigned seed = 42;
   for (int i = 0; i < N; i++)
      slot[i] = malloc(17 + i % 13);
   for (int i = 0; i < N; i += 1000)
      slot[i] = NULL;                       /* 60 leaks */
   /* Free two thirds in a scrambled order, reallocating some. */
   for (int k = 0; k < 2 * N; k++) {
      unsigned i = next(&seed);
      if (i % 1000 == 0) continue;
      if (k % 3 == 0 && slot[i]) {
         slot[i] = realloc(slot[i], 40 + k % 50);
      } else {
         free(slot[i]);
         slot[i] = NULL;
      }
   }
   VALGRIND_DO_LEAK_CHECK;
   /* Most of the rest go: the table shrinks. */
   for (int i = 0; i < N; i++)
      if (i % 7 != 0) {
         free(slot[i]);
         slot[i] = NULL;
      }
   lose();
   VALGRIND_DO_LEAK_CHECK;
   return 0;
}
