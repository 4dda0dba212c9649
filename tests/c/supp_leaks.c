/* supp_leaks: three definite leaks in three functions, for the
   suppression tests: 100 bytes from leak_parser, 200 from leak_cache,
   300 from leak_socket (each called from main).  It prints one line
   first, so that a test can tell whether the program ran at all (a bad
   suppression file must stop the run before the program starts). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "leaktest.h"

static NOINLINE void leak_parser(void)
{
   char *volatile p = malloc(100);
   p[0] = 1;
   p = NULL;
}

static NOINLINE void leak_cache(void)
{
   char *volatile p = malloc(200);
   p[0] = 1;
   p = NULL;
}

static NOINLINE void leak_socket(void)
{
   char *volatile p = malloc(300);
   p[0] = 1;
   p = NULL;
}

int main(void)
{
   /* write(2), not stdio: stdio's buffer would be a reachable block. */
   static const char msg[] = "supp_leaks: program started\n";
   if (write(1, msg, sizeof msg - 1) < 0) return 1;
   leak_parser();
   leak_cache();
   leak_socket();
   clobber_stack();
   return 0;
}
