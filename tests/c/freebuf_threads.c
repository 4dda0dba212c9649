/* freebuf_threads: frees that threads have queued but not yet handed to
   the tool must count at a leak check that another thread requests.

   pyleak batches libc free() in a per-thread buffer of 128 entries
   (pyleak/pl_freebuf.h).  Four threads each allocate and free 999
   blocks of 48 bytes (7 full batches of 128, then 103 frees still in
   the buffer), leak one 48-byte block, and wait at a barrier while
   the main thread requests a check; then they exit.

   Expected, at the check (request "threads-waiting") and at exit:
   definite 192 bytes in 4 blocks (one per thread, at leak_one <
   thread_main), nothing else lost.  Were the threads' buffers not
   read before the check, their 4 x 103 queued blocks would show as
   definitely lost there. */
#include <pthread.h>
#include <stdlib.h>
#include "pyleak.h"
#include "leaktest.h"

#define NTHREADS 4

static pthread_barrier_t work_done, check_done;

static NOINLINE void churn(void)
{
   for (int i = 0; i < 999; i++) {
      char *volatile p = malloc(48);
      p[0] = (char)i;
      free(p);
   }
}

static NOINLINE void leak_one(void)
{
   char *volatile p = malloc(48);
   p[0] = 1;
   p = NULL;
}

static void *thread_main(void *arg)
{
   churn();
   leak_one();
   clobber_stack();
   pthread_barrier_wait(&work_done);
   pthread_barrier_wait(&check_done);
   return arg;
}

int main(void)
{
   pthread_t t[NTHREADS];
   pthread_barrier_init(&work_done, NULL, NTHREADS + 1);
   pthread_barrier_init(&check_done, NULL, NTHREADS + 1);
   for (int i = 0; i < NTHREADS; i++)
      pthread_create(&t[i], NULL, thread_main, NULL);
   pthread_barrier_wait(&work_done);
   PYLEAK_LEAK_CHECK("threads-waiting");
   pthread_barrier_wait(&check_done);
   for (int i = 0; i < NTHREADS; i++)
      pthread_join(t[i], NULL);
   return 0;
}
