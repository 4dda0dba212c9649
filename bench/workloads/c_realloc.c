/* c_realloc: realloc growth.
   Many dynamic arrays grow one element at a time with a small, fixed
   increment (so most pushes really call realloc and many of them move
   the block), plus a string builder that reallocs to the exact length on
   every append.  Everything is freed at the end of each round. */
#include <stdio.h>
#include <string.h>
#include "bench_scale.h"

#define VECS 64

int main(void)
{
   long rounds = scaled(700);
   uint64_t sum = 0;

   for (long r = 0; r < rounds; r++) {
      long *vec[VECS] = {0};
      size_t cap[VECS] = {0}, n[VECS] = {0};
      for (long i = 0; i < 40000; i++) {
         unsigned v = rnd() % VECS;
         if (n[v] == cap[v]) {            /* grow by 16 elements */
            cap[v] += 16;
            vec[v] = realloc(vec[v], cap[v] * sizeof *vec[v]);
            if (!vec[v]) return 1;
         }
         vec[v][n[v]++] = i;
      }
      for (unsigned v = 0; v < VECS; v++) {
         sum += n[v] ? (uint64_t)vec[v][n[v] - 1] : 0;
         free(vec[v]);
      }

      char *s = NULL;                     /* exact-size string builder */
      size_t len = 0;
      for (long i = 0; i < 2000; i++) {
         char piece[24];
         int k = snprintf(piece, sizeof piece, "%ld,", i);
         s = realloc(s, len + k + 1);
         if (!s) return 1;
         memcpy(s + len, piece, k + 1);
         len += k;
      }
      sum += len;
      free(s);
   }
   printf("c_realloc rounds=%ld sum=%llu\n", rounds, (unsigned long long)sum);
   return 0;
}
