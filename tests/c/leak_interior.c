/* leak_interior: a block reachable only through an interior pointer.

   make_interior() allocates 123 bytes and keeps only p + 16 in a global.
   Memcheck calls such a block "possibly lost".  Offset 16 is chosen so that
   none of memcheck's --leak-check-heuristics (all enabled by default:
   stdstring = offset 24, length64/newarray/multipleinheritance = offset 8)
   applies and turns it into "still reachable".

   Expected at exit: possibly lost 123 bytes in 1 block (make_interior <
   main); nothing else. */
#include <stdlib.h>
#include "leaktest.h"

char *g_interior;

static NOINLINE void make_interior(void)
{
   char *volatile p = malloc(123);
   g_interior = p + 16;
   p = NULL;
}

int main(void)
{
   make_interior();
   clobber_stack();
   return 0;
}
