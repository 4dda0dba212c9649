/* midrun_check: a leak check requested by the program in the middle of the
   run (PYLEAK_LEAK_CHECK), plus PYLEAK_COUNT_LEAKS / _BLOCKS to read the
   numbers back.

   Before the request:
     - leak_a() leaks 1111 bytes (definitely lost),
     - keep_reachable() keeps a 321-byte block in a global (still reachable),
     - keep_interior() keeps only p + 16 of a 123-byte block in a global
       (possibly lost; see leak_interior.c for the offset).
   PYLEAK_LEAK_CHECK("after-phase-1"), then the counts are printed to stdout:
     leaked=1111 dubious=123 reachable=321 suppressed=0
     blocks: leaked=1 dubious=1 reachable=1 suppressed=0
   Then leak_b() leaks 2222 more bytes and the program exits.
   stdout is written with write(2) from a stack buffer, so stdio never
   allocates a buffer that would show up as reachable.  (Run without pyleak
   the counts are all 0, so the stdout expectation is pyleak-specific.)

   Expected check 1 (when=request, label "after-phase-1"):
     definite 1111/1, indirect 0/0, possible 123/1, reachable 321/1.
   Expected check 2 (when=exit):
     definite 3333/2 (1111 + 2222), indirect 0/0, possible 123/1,
     reachable 321/1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "pyleak.h"
#include "leaktest.h"

void *g_keep;
char *g_interior;

static NOINLINE void leak_a(void)
{
   char *volatile p = malloc(1111);
   p[0] = 1;
   p = NULL;
}

static NOINLINE void leak_b(void)
{
   char *volatile p = malloc(2222);
   p[0] = 1;
   p = NULL;
}

static NOINLINE void keep_reachable(void)
{
   g_keep = malloc(321);
}

static NOINLINE void keep_interior(void)
{
   char *volatile p = malloc(123);
   g_interior = p + 16;
   p = NULL;
}

static void say(const char *s)
{
   ssize_t n = write(1, s, strlen(s));
   (void)n;
}

int main(void)
{
   char line[200];
   unsigned long leaked, dubious, reachable, suppressed;

   leak_a();
   keep_reachable();
   keep_interior();
   clobber_stack();

   PYLEAK_LEAK_CHECK("after-phase-1");

   PYLEAK_COUNT_LEAKS(leaked, dubious, reachable, suppressed);
   snprintf(line, sizeof line, "leaked=%lu dubious=%lu reachable=%lu suppressed=%lu\n",
            leaked, dubious, reachable, suppressed);
   say(line);
   PYLEAK_COUNT_LEAK_BLOCKS(leaked, dubious, reachable, suppressed);
   snprintf(line, sizeof line, "blocks: leaked=%lu dubious=%lu reachable=%lu suppressed=%lu\n",
            leaked, dubious, reachable, suppressed);
   say(line);

   leak_b();
   clobber_stack();
   return 0;
}
