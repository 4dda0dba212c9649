/* fork_leak: a leak in a forked child and another in the parent.

   The parent allocates nothing before fork(), so the child inherits an empty
   heap.  The child leaks 3434 bytes (leak_in_child < main) and exits with
   code 0 (via exit(), so Valgrind runs the child's exit-time leak check).
   The parent waits for the child (so the child's report is complete on
   stderr before the parent does anything else), then leaks 1212 bytes
   (leak_in_parent < main) and returns 0.  If the child does not exit
   normally with 0 the parent returns 2.

   Expected: two leak reports on stderr, the child's first:
     child:  definite 3434/1, the rest 0,
     parent: definite 1212/1, the rest 0.
   The JSON file (same --json-file for both processes) is expected to hold the
   parent's report, which is written last.  memcheck's stderr also has two
   LEAK SUMMARYs; the parent's is the last one. */
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include "leaktest.h"

static NOINLINE void leak_in_child(void)
{
   char *volatile p = malloc(3434);
   p[0] = 1;
   p = NULL;
}

static NOINLINE void leak_in_parent(void)
{
   char *volatile p = malloc(1212);
   p[0] = 1;
   p = NULL;
}

int main(void)
{
   int status;
   pid_t pid = fork();
   if (pid < 0)
      return 2;
   if (pid == 0) {
      leak_in_child();
      clobber_stack();
      exit(0);
   }
   if (waitpid(pid, &status, 0) != pid
       || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
      return 2;
   leak_in_parent();
   clobber_stack();
   return 0;
}
