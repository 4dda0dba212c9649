/* realloc_zero: realloc(p, 0) does what the platform's realloc does.
   glibc frees p and returns NULL; Valgrind 3.21 and later pass the call
   to the tool, which must follow --realloc-zero-bytes-frees (yes by
   default on glibc systems) as memcheck does, instead of handing out a
   zero-sized block.  The program prints what it got and then leaks one
   77-byte block in leak_after(): that block is the only leak, whatever
   the Valgrind version. */
#include <stdio.h>
#include <stdlib.h>
#include "leaktest.h"

static NOINLINE void *shrink_to_zero(void)
{
   void *p = malloc(40);
   return realloc(p, 0);
}

static NOINLINE void leak_after(void)
{
   char *volatile p = malloc(77);
   p[0] = 1;
   p = NULL;
}

int main(void)
{
   void *volatile q = shrink_to_zero();
   printf("realloc(p, 0) returned %s\n", q ? "a block" : "NULL");
   q = NULL;
   leak_after();
   clobber_stack();
   return 0;
}
