/* many_blocks: a large number of live blocks.

   alloc_many() allocates 1,000,000 blocks of 16 bytes and keeps every
   pointer in a static array (in .bss, not on the heap, so the array itself
   is not a block); none is freed.  leak_one() leaks one 111-byte block.
   This exercises the checker's block table, sorting and scanning of a large
   data segment (8 MB of pointers), not subtle reachability.

   Expected at exit:
     definite   111 bytes in 1 block         (leak_one < main)
     reachable  16,000,000 bytes in 1,000,000 blocks (alloc_many < main)
   (all million blocks come from the same call site, so one loss record).

   The heap is moved above 4 GB first (move_heap_above_4g(), see
   leaktest.h), so that no non-pointer word in ld.so's data (ELF hash
   values, string fragments) can look like a pointer to the 111-byte block:
   the 80 MB of blocks would otherwise cover some of those values. */
#define LEAKTEST_NEED_HIGH_HEAP 1
#include <stdlib.h>
#include "leaktest.h"

#define NBLOCKS 1000000
#define BLOCK_SIZE 16

static void *blocks[NBLOCKS];

static NOINLINE void alloc_many(void)
{
   long i;
   for (i = 0; i < NBLOCKS; i++)
      blocks[i] = malloc(BLOCK_SIZE);
}

static NOINLINE void leak_one(void)
{
   char *volatile p = malloc(111);
   p[0] = 1;
   p = NULL;
}

int main(void)
{
   move_heap_above_4g();
   alloc_many();
   leak_one();
   clobber_stack();
   return 0;
}
