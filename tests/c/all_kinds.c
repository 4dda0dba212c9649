/* all_kinds: one loss record of each kind.  Program of the show_kinds_*
   and leak_check_* cases (which differ only in pyleak's options).

     leak_definite()    111 bytes, definitely lost
     leak_with_child()  222 bytes, definitely lost, pointing at
       alloc_child()     33 bytes, indirectly lost (alloc_child < leak_with_child)
     leak_possible()    444 bytes, possibly lost (only p + 16 kept in a global)
     keep_reachable()   555 bytes, still reachable (kept in a global)

   Expected at exit:
     definite 333/2, indirect 33/1, possible 444/1, reachable 555/1. */
#include <stdlib.h>
#include "leaktest.h"

void *g_reachable;
char *g_interior;

static NOINLINE void leak_definite(void)
{
   char *volatile p = malloc(111);
   p[0] = 1;
   p = NULL;
}

static NOINLINE void *alloc_child(void)
{
   return malloc(33);
}

static NOINLINE void leak_with_child(void)
{
   void **volatile p = malloc(222);
   p[0] = alloc_child();
   p = NULL;
}

static NOINLINE void leak_possible(void)
{
   char *volatile p = malloc(444);
   g_interior = p + 16;
   p = NULL;
}

static NOINLINE void keep_reachable(void)
{
   g_reachable = malloc(555);
}

int main(void)
{
   leak_definite();
   leak_with_child();
   leak_possible();
   keep_reachable();
   clobber_stack();
   return 0;
}
