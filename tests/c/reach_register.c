/* reach_register: a block whose only pointer is in a callee-saved register
   (r12) when a PYLEAK_LEAK_CHECK("reg") client request runs.  x86-64 only
   (the .vgtest has a prereq; elsewhere the program just leaks the 111 bytes).

   r12 is a *global* register variable: gcc then never uses r12 for anything
   else in this file, so the value survives until the request.  Functions
   from other files (libc) preserve r12 by ABI, but they are not called
   between loading r12 and the request anyway.

   Sequence:
     - leak_one() leaks 111 bytes (definite at both checks),
     - alloc_to_tmp() puts a 888-byte block's address in the global g_tmp,
     - the address is copied into r12 and g_tmp is cleared,
     - clobber_stack() wipes dead stack and the scratch registers, so the
       only copy left anywhere is r12,
     - PYLEAK_LEAK_CHECK("reg"): the 888-byte block must be "still reachable"
       (a checker that forgot to scan registers would call it definitely lost),
     - the block is freed through r12.

   Expected check 1 (when=request, label "reg"):
     definite 111/1, reachable 888/1 (alloc_to_tmp < main), the rest 0.
   Expected at exit: definite 111/1, the rest 0. */
#include <stdlib.h>
#include "pyleak.h"
#include "leaktest.h"

#if defined(__x86_64__)
register void *g_reg __asm__("r12");
#endif

void *volatile g_tmp;

static NOINLINE void leak_one(void)
{
   char *volatile p = malloc(111);
   p[0] = 1;
   p = NULL;
}

static NOINLINE void alloc_to_tmp(void)
{
   g_tmp = malloc(888);
}

int main(void)
{
   leak_one();
   clobber_stack();
#if defined(__x86_64__)
   alloc_to_tmp();
   g_reg = g_tmp;
   g_tmp = NULL;
   clobber_stack();

   PYLEAK_LEAK_CHECK("reg");

   free(g_reg);
   g_reg = NULL;
#endif
   return 0;
}
