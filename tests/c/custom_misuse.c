/* Misused allocator requests: memcheck reports some as errors and
   aborts on others (an AUTO_FREE pool that is no METAPOOL, a block
   inside a plain pool's chunk).  pyleak says what is wrong, with the
   stack, and goes on: the program runs to its end and the report is
   whole.  The 16-byte blocks inside the plain pool's chunk are lost
   (inner_blocks, 2 x 16); the chunk that holds them is left out of
   the leak check, as a superblock would be.  A chunk whose memory was
   unmapped under it (unmapped_chunk, 40 bytes), still pointed to, is
   reachable, and scanning it does not fault the scan. */

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include "memcheck.h"
#include "leaktest.h"

static char mem[1024];

static NOINLINE void inner_blocks ( void )
{
   VALGRIND_MALLOCLIKE_BLOCK(mem + 64, 16, 0, 0);
   VALGRIND_MALLOCLIKE_BLOCK(mem + 96, 16, 0, 0);
}

static void* unmapped;

static NOINLINE void unmapped_chunk ( void )
{
   static int pool;
   char* m = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
   VALGRIND_CREATE_MEMPOOL(&pool, 0, 0);
   VALGRIND_MEMPOOL_ALLOC(&pool, m + 16, 40);
   unmapped = m + 16;
   munmap(m, 4096);
}

int main ( void )
{
   static int pool, not_a_pool;
   VALGRIND_MEMPOOL_ALLOC(&not_a_pool, mem, 16);       /* no such pool */
   VALGRIND_FREELIKE_BLOCK(mem + 8, 0);                /* no such block */
   VALGRIND_DESTROY_MEMPOOL(&not_a_pool);
   VALGRIND_CREATE_MEMPOOL_EXT(&not_a_pool, 0, 0, VALGRIND_MEMPOOL_AUTO_FREE);
   VALGRIND_DESTROY_MEMPOOL(&not_a_pool);

   VALGRIND_CREATE_MEMPOOL(&pool, 0, 0);
   VALGRIND_CREATE_MEMPOOL(&pool, 0, 0);               /* twice */
   VALGRIND_MEMPOOL_ALLOC(&pool, mem, sizeof mem);
   inner_blocks();                                      /* overlap */
   unmapped_chunk();
   printf("done\n");
   return 0;
}
