/* alloc_funcs: one definite leak per allocation function, each in its own
   function so each gets its own loss record (leak_X < main):

     malloc(0)                       0 bytes   (a zero-sized block is still
                                               a block: memcheck reports
                                               "0 bytes in 1 blocks")
     malloc(101)                   101
     calloc(3, 67)                 201
     realloc(malloc(10), 301)      301   (the 10-byte block is freed)
     memalign(64, 401)             401
     posix_memalign(&p, 128, 501)  501
     aligned_alloc(32, 608)        608   (608 = 19 * 32, as C11 wants)
     valloc(701)                   701   (Valgrind does not round up to a page)

   pvalloc is NOT tested: Valgrind 3.19's replacement for it (shared by all
   tools) aborts the program ("Program aborting because of call to pvalloc").

   Also checked, with the exit code (0 = all fine):
     2: calloc(SIZE_MAX/2 + 2, 2) (overflowing nmemb*size) must return NULL
     3: malloc_usable_size(p) must be >= the requested size
     4: an allocation function returned NULL / misaligned memory

   Expected at exit: definite 2814 bytes in 8 blocks
   (0+101+201+301+401+501+608+701), nothing else. */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include "leaktest.h"

static void check(void *p, size_t align, size_t req)
{
   if (p == NULL && req != 0)
      exit(4);
   if (align != 0 && ((uintptr_t)p % align) != 0)
      exit(4);
   if (p != NULL && malloc_usable_size(p) < req)
      exit(3);
}

static NOINLINE void leak_malloc0(void)
{
   void *volatile p = malloc(0);
   (void)p;
   p = NULL;
}

static NOINLINE void leak_malloc(void)
{
   void *volatile p = malloc(101);
   check(p, 0, 101);
   p = NULL;
}

static NOINLINE void leak_calloc(void)
{
   unsigned char *volatile p = calloc(3, 67);
   size_t i;
   check(p, 0, 201);
   for (i = 0; i < 201; i++)
      if (p[i] != 0)
         exit(4);
   p = NULL;
}

static NOINLINE void leak_realloc(void)
{
   void *volatile p = malloc(10);
   p = realloc(p, 301);
   check(p, 0, 301);
   p = NULL;
}

static NOINLINE void leak_memalign(void)
{
   void *volatile p = memalign(64, 401);
   check(p, 64, 401);
   p = NULL;
}

static NOINLINE void leak_posix_memalign(void)
{
   void *p = NULL;
   if (posix_memalign(&p, 128, 501) != 0)
      exit(4);
   check(p, 128, 501);
   p = NULL;
}

static NOINLINE void leak_aligned_alloc(void)
{
   void *volatile p = aligned_alloc(32, 608);
   check(p, 32, 608);
   p = NULL;
}

static NOINLINE void leak_valloc(void)
{
   void *volatile p = valloc(701);
   check(p, 4096, 701);   /* every Linux page size is a multiple of 4096 */
   p = NULL;
}

static NOINLINE void calloc_overflow(void)
{
   volatile size_t n = SIZE_MAX / 2 + 2;
   void *p = calloc(n, 2);
   if (p != NULL)
      exit(2);
}

int main(void)
{
   leak_malloc0();
   leak_malloc();
   leak_calloc();
   leak_realloc();
   leak_memalign();
   leak_posix_memalign();
   leak_aligned_alloc();
   leak_valloc();
   calloc_overflow();
   clobber_stack();
   return 0;
}
