/* joined_noguard: threads whose stacks touch (no guard page between
   them: one segment to Valgrind; glibc 2.42+ gets the same layout with
   its default guard, set with MADV_GUARD_INSTALL) keep their DTVs
   reachable after they end: each ended thread's descriptor, at the top
   of its cached stack, points to its DTV, whether the threads above it
   in the segment have ended too or still run.

   Four threads are made with guardsize 0.  Each leaks one block and
   waits for its turn to end; the main thread lets them end from the
   lowest stack up, the highest last but one still running at the first
   check ("one-running"), then ended too at the second ("all-joined").
   The highest thread ending last is what matters: were an ended
   thread's stack taken to start at the segment's start, or a running
   thread's dead part, the descriptors of the threads below it would be
   skipped and their DTVs called definitely lost.

   Expected at both checks: definitely lost 4 blocks of 48 bytes
   (leak_one < thread_main) and nothing else definitely lost (memcheck:
   the DTVs are possibly lost, pointed to 16 bytes past their start; the
   harness compares definite records only, as the DTV's size depends on
   the libraries loaded). */
#include <pthread.h>
#include <stdlib.h>
#include "pyleak.h"
#include "leaktest.h"

#define NTHREADS 4

static pthread_barrier_t started;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_cv = PTHREAD_COND_INITIALIZER;
static int turn = -1;                   /* the rank allowed to end */
static char *volatile stack_of[NTHREADS];

static NOINLINE void leak_one(void)
{
   char *volatile p = malloc(48);
   p[0] = 1;
   p = NULL;
}

static void *thread_main(void *arg)
{
   int me = (int)(long)arg;
   char here;
   stack_of[me] = &here;
   leak_one();
   clobber_stack();
   pthread_barrier_wait(&started);
   pthread_mutex_lock(&lock);
   while (turn != me)
      pthread_cond_wait(&turn_cv, &lock);
   pthread_mutex_unlock(&lock);
   return NULL;
}

static void end_thread(pthread_t t, int who)
{
   pthread_mutex_lock(&lock);
   turn = who;
   pthread_cond_broadcast(&turn_cv);
   pthread_mutex_unlock(&lock);
   pthread_join(t, NULL);
}

int main(void)
{
   pthread_t t[NTHREADS];
   int order[NTHREADS];
   pthread_attr_t attr;
   pthread_attr_init(&attr);
   pthread_attr_setguardsize(&attr, 0);
   pthread_attr_setstacksize(&attr, 256 * 1024);
   pthread_barrier_init(&started, NULL, NTHREADS + 1);
   for (int i = 0; i < NTHREADS; i++)
      pthread_create(&t[i], &attr, thread_main, (void *)(long)i);
   pthread_barrier_wait(&started);
   /* The threads by their stacks' addresses, lowest first. */
   for (int i = 0; i < NTHREADS; i++)
      order[i] = i;
   for (int i = 0; i < NTHREADS; i++)
      for (int j = i + 1; j < NTHREADS; j++)
         if (stack_of[order[j]] < stack_of[order[i]]) {
            int x = order[i]; order[i] = order[j]; order[j] = x;
         }
   for (int i = 0; i < NTHREADS - 1; i++)
      end_thread(t[order[i]], order[i]);
   clobber_stack();
   PYLEAK_LEAK_CHECK("one-running");
   end_thread(t[order[NTHREADS - 1]], order[NTHREADS - 1]);
   clobber_stack();
   PYLEAK_LEAK_CHECK("all-joined");
   return 0;
}
