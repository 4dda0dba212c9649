/* threads_noguard: live threads whose stacks are next to each other in
   memory, with no guard page between them, must each keep what their
   live frames and thread-local variables point to.

   Four threads are made with guardsize 0 (glibc 2.42+ gets the same
   layout with its default guard, set with MADV_GUARD_INSTALL), so their
   stack mappings touch and Valgrind sees them as one segment.  Each
   thread keeps one block in a live local and one in a __thread
   variable, leaks one, and waits while the main thread requests a
   check.

   Expected at the check ("threads-running"): definitely lost 4 blocks
   of 40 bytes (leak_one < thread_main); still reachable the 4 blocks of
   24 bytes in live locals (keep_local) and the 4 of 32 bytes in
   thread-local variables (keep_tls).  (The DTV glibc makes for each
   thread is pointed to only past its start: possibly lost, as memcheck
   says.)  Were the dead part of the topmost thread's stack taken to
   start at the segment's start, the other threads' frames and
   descriptors would be skipped and their blocks called lost. */
#include <pthread.h>
#include <stdlib.h>
#include "pyleak.h"
#include "leaktest.h"

#define NTHREADS 4

static pthread_barrier_t work_done, check_done;
static __thread void *tls_kept;

static NOINLINE void leak_one(void)
{
   char *volatile p = malloc(40);
   p[0] = 1;
   p = NULL;
}

static NOINLINE void *keep_local(void)
{
   return malloc(24);
}

static NOINLINE void keep_tls(void)
{
   tls_kept = malloc(32);
}

static void *thread_main(void *arg)
{
   void *volatile local = keep_local();
   keep_tls();
   leak_one();
   clobber_stack();
   pthread_barrier_wait(&work_done);
   pthread_barrier_wait(&check_done);
   free(local);
   free(tls_kept);
   return arg;
}

int main(void)
{
   pthread_t t[NTHREADS];
   pthread_attr_t attr;
   pthread_attr_init(&attr);
   pthread_attr_setguardsize(&attr, 0);
   pthread_attr_setstacksize(&attr, 256 * 1024);
   pthread_barrier_init(&work_done, NULL, NTHREADS + 1);
   pthread_barrier_init(&check_done, NULL, NTHREADS + 1);
   for (int i = 0; i < NTHREADS; i++)
      pthread_create(&t[i], &attr, thread_main, NULL);
   pthread_barrier_wait(&work_done);
   PYLEAK_LEAK_CHECK("threads-running");
   pthread_barrier_wait(&check_done);
   for (int i = 0; i < NTHREADS; i++)
      pthread_join(t[i], NULL);
   return 0;
}
