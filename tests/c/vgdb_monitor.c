/* vgdb_monitor: pyleak's monitor commands, sent by vgdb while the program
   runs (vgdb_monitor.vgtest).  The program leaks 123 bytes in
   leak_before, then has a child run the commands of the script given as
   its argument (vgdb --pid=<this process> ...; the child execs a shell,
   which Valgrind does not trace), and spins -- a running program, so that
   Valgrind's gdbserver polls for the commands -- until the child is done.
   Then it leaks 456 bytes in leak_after and exits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "leaktest.h"

static NOINLINE void leak_before(void)
{
   char *volatile p = malloc(123);
   p[0] = 1;
   p = NULL;
}

static NOINLINE void leak_after(void)
{
   char *volatile p = malloc(456);
   p[0] = 1;
   p = NULL;
}

/* Run SCRIPT with the pid of this process as $1; wait for it while
   busy.  Returns its exit status, or -1. */
static NOINLINE int run_commands(const char *script)
{
   char pid[32];
   snprintf(pid, sizeof pid, "%d", (int)getpid());
   pid_t child = fork();
   if (child < 0) return -1;
   if (child == 0) {
      execl("/bin/sh", "sh", script, pid, (char *)NULL);
      _exit(127);
   }
   time_t give_up = time(NULL) + 120;
   volatile unsigned long spin = 0;
   int status;
   while (waitpid(child, &status, WNOHANG) == 0) {
      for (int i = 0; i < 100000; i++) spin++;
      if (time(NULL) > give_up) {
         fprintf(stderr, "vgdb_monitor: the commands did not finish\n");
         return -1;
      }
   }
   return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int main(int argc, char **argv)
{
   if (argc != 2) {
      fprintf(stderr, "usage: vgdb_monitor SCRIPT\n");
      return 2;
   }
   leak_before();
   clobber_stack();
   int rc = run_commands(argv[1]);
   leak_after();
   clobber_stack();
   return rc == 0 ? 0 : 1;
}
