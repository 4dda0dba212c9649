/* Blocks of the program's own allocators, told with memcheck's client
   requests (pyleak/pl_custom.c).  Each case leaks from a function of
   its own, so the .json.exp names the site:

   - an mmap'd pool (CREATE_MEMPOOL, MEMPOOL_ALLOC): one chunk leaked
     (24 bytes, pool_chunk_leak), one kept by a global, one freed;
   - a malloc'd superblock carved with MALLOCLIKE_BLOCK: the superblock
     itself is not reported (its bytes are its blocks'), although its
     only pointer is lost; a lost 32-byte block (malloclike_leak) that
     holds the only pointer to a 100-byte malloc block (indirect);
   - RESIZEINPLACE_BLOCK: a 10-byte block grown to 40 is lost as 40;
     FREELIKE_BLOCK: a freed block is not reported;
   - MEMPOOL_TRIM keeps 2 of 4 chunks (lost: 2 x 16 bytes,
     trim_chunks), MEMPOOL_CHANGE moves and resizes one (lost: 48
     bytes at its new place, changed_chunk), MOVE_MEMPOOL renames a
     pool (its chunk still lost: 8 bytes, moved_pool_chunk);
   - metapools (CREATE_MEMPOOL_EXT): with AUTO_FREE, freeing the
     chunk frees the 3 blocks inside; without it they stay, lost
     (3 x 16 bytes, meta_leak);
   - MEMPOOL_EXISTS is printed on stdout.

   Chunk contents are written before the pointer to them is dropped,
   as a real allocator's users do (memcheck does not count undefined
   words as pointers; pyleak cannot tell). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "memcheck.h"
#include "leaktest.h"

static char* arena;               /* the mmap'd pool's memory */
static size_t arena_used;
static void* kept;                /* a chunk kept reachable */
static char meta_mem[4096];       /* a metapool's memory */
static char meta2_mem[4096];

static NOINLINE void* pool_get ( void* pool, size_t n )
{
   void* p = arena + arena_used;
   arena_used += (n + 15) & ~(size_t)15;
   VALGRIND_MEMPOOL_ALLOC(pool, p, n);
   memset(p, 0, n);
   return p;
}

static NOINLINE void pool_chunk_leak ( void* pool )
{
   void* p = pool_get(pool, 24);
   memset(p, 1, 24);
}

static NOINLINE void pool_chunk_keep ( void* pool )
{
   kept = pool_get(pool, 56);
}

static NOINLINE void pool_chunk_free ( void* pool )
{
   void* p = pool_get(pool, 72);
   VALGRIND_MEMPOOL_FREE(pool, p);
}

static NOINLINE void trim_chunks ( void* pool )
{
   /* TRIM acts on the whole pool: this one has only these chunks */
   char* first = pool_get(pool, 16);
   for (int i = 1; i < 4; i++)
      pool_get(pool, 16);
   /* keep chunks 1 and 2 (each 16 bytes at a 16-byte stride) */
   VALGRIND_MEMPOOL_TRIM(pool, first + 16, 32);
}

static NOINLINE void changed_chunk ( void* pool )
{
   char* p = pool_get(pool, 8);
   char* q = arena + arena_used;
   arena_used += 48;
   VALGRIND_MEMPOOL_CHANGE(pool, p, q, 48);
}

static NOINLINE void moved_pool_chunk ( void* pool )
{
   pool_get(pool, 8);
}

/* A malloc'd superblock, carved with MALLOCLIKE_BLOCK. */
static NOINLINE char* superblock ( void )
{
   return malloc(1024);
}

static NOINLINE void malloclike_leak ( char* sb )
{
   void** blk = (void**)sb;
   VALGRIND_MALLOCLIKE_BLOCK(blk, 32, 0, 0);
   memset(blk, 0, 32);
   blk[0] = malloc(100);
}

static NOINLINE void freelike_freed ( char* sb )
{
   VALGRIND_MALLOCLIKE_BLOCK(sb + 64, 16, 0, 0);
   VALGRIND_FREELIKE_BLOCK(sb + 64, 0);
}

static NOINLINE void resized_leak ( char* sb )
{
   VALGRIND_MALLOCLIKE_BLOCK(sb + 128, 10, 0, 0);
   VALGRIND_RESIZEINPLACE_BLOCK(sb + 128, 10, 40, 0);
   memset(sb + 128, 0, 40);
}

static NOINLINE void meta_blocks ( char* mem, int n )
{
   for (int i = 0; i < n; i++) {
      VALGRIND_MALLOCLIKE_BLOCK(mem + 16 + 16 * i, 16, 0, 0);
      memset(mem + 16 + 16 * i, 0, 16);
   }
}

static NOINLINE void meta_auto_free ( void )
{
   VALGRIND_CREATE_MEMPOOL_EXT(meta_mem, 0, 0,
      VALGRIND_MEMPOOL_METAPOOL | VALGRIND_MEMPOOL_AUTO_FREE);
   VALGRIND_MEMPOOL_ALLOC(meta_mem, meta_mem, sizeof meta_mem);
   meta_blocks(meta_mem, 3);
   VALGRIND_MEMPOOL_FREE(meta_mem, meta_mem);
   VALGRIND_DESTROY_MEMPOOL(meta_mem);
}

static NOINLINE void meta_leak ( void )
{
   VALGRIND_CREATE_MEMPOOL_EXT(meta2_mem, 0, 0, VALGRIND_MEMPOOL_METAPOOL);
   VALGRIND_MEMPOOL_ALLOC(meta2_mem, meta2_mem, sizeof meta2_mem);
   meta_blocks(meta2_mem, 3);
   VALGRIND_MEMPOOL_FREE(meta2_mem, meta2_mem);
   VALGRIND_DESTROY_MEMPOOL(meta2_mem);
}

int main ( void )
{
   static int pool_handle, pool_handle2;
   void* pool = &pool_handle;
   arena = mmap(NULL, 65536, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
   if (arena == MAP_FAILED) return 1;
   arena_used = 16;        /* a header: no chunk where 'arena' points */
   VALGRIND_CREATE_MEMPOOL(pool, 0, 0);
   printf("exists: %d\n", (int)VALGRIND_MEMPOOL_EXISTS(pool));

   pool_chunk_leak(pool);
   pool_chunk_keep(pool);
   pool_chunk_free(pool);
   changed_chunk(pool);
   static int trim_handle;
   VALGRIND_CREATE_MEMPOOL(&trim_handle, 0, 0);
   trim_chunks(&trim_handle);

   void* pool2 = &pool_handle2;
   VALGRIND_CREATE_MEMPOOL(pool2, 0, 0);
   moved_pool_chunk(pool2);
   static int pool_handle3;
   VALGRIND_MOVE_MEMPOOL(pool2, &pool_handle3);
   printf("moved: %d %d\n", (int)VALGRIND_MEMPOOL_EXISTS(pool2),
          (int)VALGRIND_MEMPOOL_EXISTS(&pool_handle3));

   char* sb = superblock();
   malloclike_leak(sb);
   freelike_freed(sb);
   resized_leak(sb);
   sb = NULL;

   meta_auto_free();
   meta_leak();
   clobber_stack();
   return 0;
}
