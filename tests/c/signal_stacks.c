/* signal_stacks: allocation stacks through a signal handler.

   The handler leaks one 32-byte block each time it runs.  The signal
   is raised from two call sites, site_a() and site_b(), 20 times each,
   alternating.  pyleak walks remembered stacks (pyleak/pl_unwind.c);
   the frames beyond a signal frame are whatever the signal
   interrupted, so they must never be taken from an earlier stack.

   Expected: two definite records of 640 bytes in 20 blocks,
   leak_in_handler < on_signal < ... < site_a < main and the same
   through site_b, as memcheck reports. */
#include <signal.h>
#include <stdlib.h>
#include "leaktest.h"

static NOINLINE void leak_in_handler(void)
{
   char *volatile p = malloc(32);
   p[0] = 1;
   p = NULL;
}

static void on_signal(int sig)
{
   (void)sig;
   leak_in_handler();
}

static NOINLINE void site_a(void) { raise(SIGUSR1); }
static NOINLINE void site_b(void) { raise(SIGUSR1); }

int main(void)
{
   signal(SIGUSR1, on_signal);
   for (int i = 0; i < 20; i++) {
      site_a();
      site_b();
   }
   clobber_stack();
   return 0;
}
