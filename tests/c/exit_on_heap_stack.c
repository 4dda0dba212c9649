/* exit_on_heap_stack: exit() called on a stack the program made of a
   heap block (a coroutine's ucontext stack, here) must leave the heap
   alone.  pyleak clears the dead stack below exit()'s caller (see
   main_local_exit.c) only on the thread's own stack: here the stack
   pointer is inside a malloc'd block, whose segment is the whole heap.

   Expected at exit: the 32-byte node and the 48-byte block it points to
   are still reachable (global kept -> node -> payload); the 16-byte
   block leaked inside the coroutine is definitely lost; the 64 KiB
   coroutine stack is still reachable (a global points to it). */
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include "leaktest.h"

struct node { void *payload; char pad[24]; };

struct node *kept;
void *co_stack;
static ucontext_t main_ctx, co_ctx;

static NOINLINE void leak_one(void)
{
   char *volatile p = malloc(16);
   p[0] = 1;
   p = NULL;
}

static void coroutine(void)
{
   leak_one();
   clobber_stack();
   exit(0);
}

int main(void)
{
   kept = malloc(sizeof *kept);
   memset(kept, 0, sizeof *kept);
   kept->payload = malloc(48);
   memset(kept->payload, 2, 48);
   co_stack = malloc(64 * 1024);
   getcontext(&co_ctx);
   co_ctx.uc_stack.ss_sp = co_stack;
   co_ctx.uc_stack.ss_size = 64 * 1024;
   co_ctx.uc_link = &main_ctx;
   makecontext(&co_ctx, coroutine, 0);
   swapcontext(&main_ctx, &co_ctx);
   return 1;                              /* not reached */
}
