/* threads_leak: leaks made by other threads.

   Four threads each run thread_main(), which calls a different function
   leak_tN() (so each leak has its own loss record, leak_tN < thread_main)
   leaking 1111 * N bytes, then wipes its own dead stack.  main joins all of
   them before exiting.  Memory that glibc allocates for the threads (DTV,
   TLS) is either freed when they are joined or by glibc's __libc_freeres,
   which Valgrind runs at exit (--run-libc-freeres=yes, the default).

   Expected at exit: definite 11110 bytes in 4 blocks
   (1111 + 2222 + 3333 + 4444), nothing else. */
#include <pthread.h>
#include <stdlib.h>
#include "leaktest.h"

static NOINLINE void leak_t1(void) { char *volatile p = malloc(1111); p[0] = 1; p = NULL; }
static NOINLINE void leak_t2(void) { char *volatile p = malloc(2222); p[0] = 1; p = NULL; }
static NOINLINE void leak_t3(void) { char *volatile p = malloc(3333); p[0] = 1; p = NULL; }
static NOINLINE void leak_t4(void) { char *volatile p = malloc(4444); p[0] = 1; p = NULL; }

static void (*const leakers[4])(void) = { leak_t1, leak_t2, leak_t3, leak_t4 };

static void *thread_main(void *arg)
{
   leakers[(long)arg]();
   clobber_stack();
   return NULL;
}

int main(void)
{
   pthread_t t[4];
   long i;
   for (i = 0; i < 4; i++)
      if (pthread_create(&t[i], NULL, thread_main, (void *)i) != 0)
         return 2;
   for (i = 0; i < 4; i++)
      if (pthread_join(t[i], NULL) != 0)
         return 2;
   clobber_stack();
   return 0;
}
