/* joined_threads: threads that have ended and been joined leave their
   stacks to glibc's cache, with their descriptor and static TLS at the
   top, and the descriptor still points to the thread's DTV (16 bytes
   past its start).  At a check made after the joins, the DTVs are
   therefore not definitely lost (memcheck: possibly lost), while each
   thread's own 56-byte leak is.

   Expected at the check "after-join": definitely lost 2 blocks of 56
   bytes (leak_in_thread < worker), and no DTV among the definite
   records (the harness compares definite records only: the DTV's size
   depends on the libraries loaded). */
#include <pthread.h>
#include <stdlib.h>
#include "pyleak.h"
#include "leaktest.h"

static NOINLINE void leak_in_thread(void)
{
   char *volatile p = malloc(56);
   p[0] = 1;
   p = NULL;
}

static void *worker(void *arg)
{
   leak_in_thread();
   clobber_stack();
   return NULL;
}

int main(void)
{
   pthread_t t[2];
   for (int i = 0; i < 2; i++)
      pthread_create(&t[i], NULL, worker, NULL);
   for (int i = 0; i < 2; i++)
      pthread_join(t[i], NULL);
   clobber_stack();
   PYLEAK_LEAK_CHECK("after-join");
   return 0;
}
