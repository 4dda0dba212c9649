/* reach_stack: pointers held in live local variables of main() at the time
   of a PYLEAK_LEAK_CHECK("stack") client request.

   Before the request:
     - leak_one() leaks 111 bytes (definitely lost: nothing points at it),
     - p holds the start of a 333-byte block (make_block < main): reachable,
     - q holds only p2 + 16, an interior pointer into a 444-byte block
       (make_block2 < main): possibly lost.  (Offset 16: no memcheck leak
       heuristic applies, see leak_interior.c.)
   clobber_stack() runs right before the request, so no scratch register and
   no dead stack slot still holds the start address of the 444-byte block
   (malloc's return value would otherwise linger in a register).

   Expected check 1 (when=request, label "stack"):
     definite 111/1, indirect 0/0, possible 444/1, reachable 333/1.
   Then both blocks are freed, so at exit only the 111-byte leak remains:
     definite 111/1, the rest 0. */
#include <stdlib.h>
#include "pyleak.h"
#include "leaktest.h"

static NOINLINE void leak_one(void)
{
   char *volatile p = malloc(111);
   p[0] = 1;
   p = NULL;
}

static NOINLINE void *make_block(void)
{
   return malloc(333);
}

static NOINLINE void *make_block2(void)
{
   return malloc(444);
}

int main(void)
{
   void *volatile p;
   char *volatile q;

   leak_one();
   clobber_stack();

   p = make_block();
   q = (char *)make_block2() + 16;
   clobber_stack();

   PYLEAK_LEAK_CHECK("stack");

   free(p);
   free(q - 16);
   p = NULL;
   q = NULL;
   return 0;
}
