/* exit3_reachable: only reachable memory, and a non-zero exit code of its
   own.  Program of the error_exitcode_off and errors_for_kinds_reachable
   cases.

   keep() stores a 222-byte block in a global (keep < main); main returns 3.
   With --error-exitcode=42, "still reachable" is not an error by default
   (--errors-for-leak-kinds=definite,possible), so Valgrind exits with the
   program's own code 3; with --errors-for-leak-kinds=reachable it is, and
   the exit code is 42.

   Expected at exit: reachable 222/1, the rest 0; client exit code 3. */
#include <stdlib.h>
#include "leaktest.h"

void *g_keep;

static NOINLINE void keep(void)
{
   g_keep = malloc(222);
}

int main(void)
{
   keep();
   clobber_stack();
   return 3;
}
