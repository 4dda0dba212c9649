/* leak_single: the simplest leak -- one block of 111 bytes whose only
   pointer dies when leak_one() returns.

   Expected at exit: definitely lost 111 bytes in 1 block (allocated at
   leak_one < main); nothing else.  The program never uses stdio, so glibc
   allocates nothing that could show up as "still reachable".

   Also used (as the program of) error_exitcode_on and errors_for_kinds. */
#include <stdlib.h>
#include "leaktest.h"

static NOINLINE void leak_one(void)
{
   char *volatile p = malloc(111);
   p[0] = 1;
   p = NULL;
}

int main(void)
{
   leak_one();
   clobber_stack();
   return 0;
}
