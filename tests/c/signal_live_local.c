/* Killed by a signal while a local variable holds the only pointer to a
   block: the thread that took the signal is where the process stopped,
   its stack is live, and the block is still reachable (memcheck says
   so).  The core retires that thread before the tool's final check, as
   it does exit_group's: pyleak used to leave its stack out and call the
   block definitely lost. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include "leaktest.h"

static NOINLINE int hold_and_die ( void )
{
   char* volatile p = malloc(321);
   p[0] = 1;
   raise(SIGTERM);
   return p[0];
}

int main ( void )
{
   return hold_and_die();
}
