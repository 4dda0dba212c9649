/* stale_alias: a pointer to a freed block, left in a global, and a new
   block that gets the freed one's address.

   keep_stale() stores a 40-byte block's address in `stale` and frees the
   block, then frees enough blocks of another size that pyleak has taken
   the batch of frees in (pyleak/pl_freebuf.h: 128 per thread);
   leak_new() then allocates another 40-byte block (the arena hands out
   the address freed) and drops it.  Nothing refers to the new block,
   but `stale` holds its address.

   Expected: without a free queue (pyleak's default) the new block is
   "still reachable" through the stale word -- a leak checker cannot tell;
   with --freelist-vol=N (memcheck's default is 20 MB) the freed block is
   not reused at once, the new block gets another address and is
   definitely lost, as memcheck reports. */
#include <stdlib.h>
#include "leaktest.h"

void *volatile stale;

static NOINLINE void keep_stale(void)
{
   stale = malloc(40);
   free(stale);
   for (int i = 0; i < 256; i++)
      free(malloc(100));
}

static NOINLINE void leak_new(void)
{
   char *volatile p = malloc(40);
   p[0] = 1;
   p = NULL;
}

int main(void)
{
   keep_stale();
   leak_new();
   clobber_stack();
   return 0;
}
