/* no_leaks: allocates and frees everything; also the trivial program of
   the bad_option_* cases.

   Expected at exit: nothing in use (memcheck: "All heap blocks were freed
   -- no leaks are possible"), i.e. all four totals 0 and no records. */
#include <stdlib.h>
#include "leaktest.h"

static NOINLINE void alloc_and_free(void)
{
   char *volatile p = malloc(100);
   p[0] = 1;
   p = realloc(p, 200);
   free(p);
   p = NULL;
}

int main(void)
{
   alloc_and_free();
   return 0;
}
