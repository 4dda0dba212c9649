/* c_churn: malloc/free churn of mixed sizes.
   A fixed pool of live slots; each step frees a random slot and refills
   it with a block of a new size drawn from a skewed mix (mostly small,
   some medium, rarely large), like a typical C program's heap traffic.
   The block is written and read so the work is not only in malloc. */
#include <stdio.h>
#include <string.h>
#include "bench_scale.h"

#define SLOTS 4096

static size_t pick_size(void)
{
   uint64_t r = rnd();
   unsigned kind = r % 100;
   if (kind < 70) return 8 + (r >> 8) % 120;        /* small: 8..127    */
   if (kind < 95) return 128 + (r >> 8) % 1920;     /* medium: ..2 KiB  */
   return 2048 + (r >> 8) % (62 * 1024);            /* large: ..64 KiB  */
}

int main(void)
{
   static unsigned char *slot[SLOTS];
   static size_t len[SLOTS];
   long steps = scaled(8000000);
   uint64_t sum = 0;

   for (long i = 0; i < steps; i++) {
      unsigned k = rnd() % SLOTS;
      if (slot[k]) {                      /* read back before freeing */
         sum += slot[k][0] + slot[k][len[k] - 1];
         free(slot[k]);
      }
      len[k] = pick_size();
      slot[k] = malloc(len[k]);
      if (!slot[k]) return 1;
      memset(slot[k], (int)i, len[k] < 64 ? len[k] : 64);
      slot[k][len[k] - 1] = (unsigned char)k;
   }
   for (unsigned k = 0; k < SLOTS; k++)
      free(slot[k]);
   printf("c_churn steps=%ld sum=%llu\n", steps, (unsigned long long)sum);
   return 0;
}
