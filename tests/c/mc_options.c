/* mc_options: memcheck's command line under pyleak (see mc_options*.vgtest).

   Two 24-byte blocks are leaked through one helper, from two callers:
   their allocation stacks share the first two frames (malloc <
   make_node) and differ below.  With --leak-resolution=high they are two
   loss records; with low, one of 48 bytes in 2 blocks.  One 16-byte
   block stays reachable (a global): shown with --show-reachable=yes. */
#include <stdlib.h>
#include <string.h>
#include "leaktest.h"

void *kept;

static NOINLINE void *make_node(void)
{
   void *p = malloc(24);
   memset(p, 1, 24);
   return p;
}

static NOINLINE void from_parser(void)
{
   void *volatile p = make_node();
   p = NULL;
}

static NOINLINE void from_loader(void)
{
   void *volatile p = make_node();
   p = NULL;
}

int main(void)
{
   from_parser();
   from_loader();
   kept = malloc(16);
   clobber_stack();
   return 0;
}
