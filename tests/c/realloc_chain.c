/* realloc_chain: realloc in all its forms.

   realloc_chain() (all reallocs of the lost block happen here, so its
   allocation stack is realloc_chain < main):
     p = realloc(NULL, 100)   acts as malloc(100)
     p = realloc(p, 1000)     grow
     p = realloc(p, 500)      shrink
     p = realloc(p, 500)      same size
     p = realloc(p, 555)      grow again; this last block is then dropped
   zero_realloc(): q = malloc(50); r = realloc(q, 0).  glibc (and
     Valgrind's replacement on Linux) frees q and returns NULL; should an
     implementation return a fresh block instead, it is freed, so the case
     is leak-free either way.
   keep_chain(): a global grown from realloc(NULL, 10) to 2020 bytes and
     kept: still reachable (keep_chain < main).
   Every realloc that moves the block frees the old one (memcheck always
   moves), so no intermediate size survives.

   Expected at exit: definite 555/1, reachable 2020/1, the rest 0. */
#include <stdlib.h>
#include <string.h>
#include "leaktest.h"

void *g_keep;

static NOINLINE void realloc_chain(void)
{
   char *volatile p = realloc(NULL, 100);
   memset(p, 'a', 100);
   p = realloc(p, 1000);
   memset(p, 'b', 1000);
   p = realloc(p, 500);
   p = realloc(p, 500);
   p = realloc(p, 555);
   p[554] = 'c';
   p = NULL;
}

static NOINLINE void zero_realloc(void)
{
   void *q = malloc(50);
   void *r = realloc(q, 0);
   if (r != NULL)
      free(r);
}

static NOINLINE void keep_chain(void)
{
   g_keep = realloc(NULL, 10);
   g_keep = realloc(g_keep, 20);
   g_keep = realloc(g_keep, 2020);
}

int main(void)
{
   realloc_chain();
   clobber_stack();
   zero_realloc();
   clobber_stack();
   keep_chain();
   clobber_stack();
   return 0;
}
