/* signal_death: the program dies of SIGTERM (raise(SIGTERM), default
   action) after leaking; the exit-time leak check must still run.

   leak_one() leaks 777 bytes (leak_one < main).  SIGTERM is used rather
   than abort(): SIGABRT would make Valgrind write a vgcore.PID file.
   Valgrind prints "Process terminating with default action of signal 15
   (SIGTERM)", runs the leak check, then kills itself with the same signal,
   so a shell sees exit status 128 + 15 = 143.

   Expected at exit: definite 777/1, the rest 0; the client has no exit code
   (JSON "exit_code": null, "signal": 15). */
#include <signal.h>
#include <stdlib.h>
#include "leaktest.h"

static NOINLINE void leak_one(void)
{
   char *volatile p = malloc(777);
   p[0] = 1;
   p = NULL;
}

int main(void)
{
   leak_one();
   clobber_stack();
   raise(SIGTERM);
   return 0;   /* not reached */
}
