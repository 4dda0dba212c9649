/* leak_chain: definite leaks that carry indirect ones.

   1. A chain head (111 bytes, make_chain < main) -> child 1 -> child 2
      (48 bytes each, make_child < make_chain).  Only the head's pointer is
      dropped: the head is definitely lost, the two children are only pointed
      to from lost memory, so they are indirectly lost (96 bytes, 2 blocks).
   2. A cycle of two 64-byte blocks (cycle_node < make_cycle) pointing at
      each other, with no outside pointer.  Memcheck makes the first of them
      in address order the "clique leader" (definitely lost) and the other
      indirectly lost.  Both have the same size and the same allocation
      stack, so the totals and records do not depend on which one is first.

   Loss records are per allocation stack *including return addresses*, so
   the two make_child() calls (and the two cycle_node() calls) give separate
   records even though they print the same "function < caller".

   Expected at exit:
     definite 175 bytes in 2 blocks  (111 + 64)
     indirect 160 bytes in 3 blocks  (48 + 48 + 64)
     possible 0, reachable 0. */
#include <stdlib.h>
#include "leaktest.h"

static NOINLINE void *make_child(void *next)
{
   void **c = malloc(48);
   c[0] = next;
   return c;
}

static NOINLINE void make_chain(void)
{
   void **head = malloc(111);
   head[0] = make_child(make_child(NULL));
   head = NULL;
}

static NOINLINE void *cycle_node(void)
{
   void **n = malloc(64);
   n[0] = NULL;
   return n;
}

static NOINLINE void make_cycle(void)
{
   void **a = cycle_node();
   void **b = cycle_node();
   a[0] = b;
   b[0] = a;
   a = b = NULL;
}

int main(void)
{
   make_chain();
   clobber_stack();
   make_cycle();
   clobber_stack();
   return 0;
}
