/* alloca_frames: allocation stacks through a frame whose size changes
   from call to call.

   pyleak finds most allocation stacks by walking the client's stack
   with frame sizes learnt from the core's unwinder (pyleak/pl_unwind.c).
   scratch() allocas a different amount for each caller, so the
   distance from its frame to its caller's is not fixed; and it fills
   the alloca'd bytes with the return address of its previous call,
   from the other caller, so that a walk with the other call's frame
   size would read a plausible return address there.  via_a() and
   via_b() call scratch() 50 times each, alternating; each call leaks
   one 24-byte block (leak_one).

   Expected: two definite records of 1,200 bytes in 50 blocks,
   leak_one < scratch < via_a < main and leak_one < scratch < via_b <
   main, as memcheck reports. */
#include <alloca.h>
#include <stdlib.h>
#include <string.h>
#include "leaktest.h"

static void *volatile last_ra;

static NOINLINE void leak_one(void)
{
   char *volatile p = malloc(24);
   p[0] = 1;
   p = NULL;
}

static NOINLINE void scratch(size_t n)
{
   void **buf = alloca(n);
   for (size_t i = 0; i < n / sizeof(void *); i++)
      buf[i] = last_ra;
   last_ra = __builtin_return_address(0);
   leak_one();
   __asm__ volatile("" : : "r"(buf) : "memory");
}

static NOINLINE void via_a(void) { scratch(64); }
static NOINLINE void via_b(void) { scratch(512); }

int main(void)
{
   for (int i = 0; i < 50; i++) {
      via_a();
      via_b();
   }
   clobber_stack();
   return 0;
}
