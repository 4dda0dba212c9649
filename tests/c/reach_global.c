/* reach_global: memory reachable from a global variable is not leaked.

   A 555-byte block (make_tree < main) whose address is kept in a global
   points at a 66-byte block (alloc_child < make_tree).  Both are "still
   reachable" at exit: the first directly from the data segment, the second
   through the first.

   Expected at exit: still reachable 621 bytes in 2 blocks; nothing lost. */
#include <stdlib.h>
#include "leaktest.h"

void **g_root;

static NOINLINE void *alloc_child(void)
{
   return malloc(66);
}

static NOINLINE void make_tree(void)
{
   void **r = malloc(555);
   r[0] = alloc_child();
   g_root = r;
}

int main(void)
{
   make_tree();
   clobber_stack();
   return 0;
}
