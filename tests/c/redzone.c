/* redzone: the 128 bytes below a thread's stack pointer (the x86-64 red
   zone) are live for a leaf function that writes there, and dead once a
   call or a return has passed: memcheck is told so by VEX at every call
   and return, and sees a just-returned frame's words there as undefined.

   - The main thread calls leak_in_frame(), which keeps the only pointer
     to a 40-byte block in a local of its own frame and returns: that
     frame now lies in main's red zone.  At the check main requests, the
     block is definitely lost (memcheck says so too); read as a root, the
     stale local would keep it reachable.
   - A second thread stores the only pointer to a 48-byte block in its
     red zone (inline assembly: a leaf loop, no call after the store,
     the register cleared) and spins there until the check is over; then
     it takes the pointer back and frees the block.  At the check the
     block is still reachable: a thread stopped in a leaf function keeps
     its locals in its red zone, as memcheck sees too.

   Expected: at the check "redzone", definitely lost 40 bytes in 1 block
   (leak_in_frame < main), still reachable 48 bytes in 1 block
   (spinner); at exit the 40-byte block is still definitely lost. */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include "pyleak.h"
#include "leaktest.h"

static volatile int stored, checked;

static NOINLINE void leak_in_frame(void)
{
   char *volatile p = malloc(40);
   p[0] = 1;
}

/* Optimised, unlike the rest of the tests: at -O0 the compiler would keep
   a copy of P in the function's frame. */
__attribute__((optimize("O2"))) static void *spinner(void *arg)
{
   void *p = malloc(48);
#if defined(__x86_64__)
   /* Store P 16 bytes below the stack pointer and clear every register
      that may still hold it (the operand and the caller-saved ones:
      malloc's result and its scratch registers).  The function calls
      malloc and free, so the compiler keeps nothing of its own in the
      red zone. */
   __asm__ __volatile__(
      "movq %0, -16(%%rsp)\n\t"
      "xorl %k0, %k0\n\t"
      "xorl %%eax, %%eax\n\t"
      "xorl %%ecx, %%ecx\n\t"
      "xorl %%edx, %%edx\n\t"
      "xorl %%esi, %%esi\n\t"
      "xorl %%edi, %%edi\n\t"
      "xorl %%r8d, %%r8d\n\t"
      "xorl %%r9d, %%r9d\n\t"
      "xorl %%r10d, %%r10d\n\t"
      "xorl %%r11d, %%r11d\n\t"
      "movl $1, %1\n"
      "1:\n\t"
      "pause\n\t"
      "cmpl $0, %2\n\t"
      "je 1b\n\t"
      "movq -16(%%rsp), %0\n\t"
      : "+r"(p), "=m"(stored)
      : "m"(checked)
      : "memory", "cc", "rax", "rcx", "rdx", "rsi", "rdi",
        "r8", "r9", "r10", "r11");
#else
   stored = 1;
   while (!checked) sched_yield();
#endif
   free(p);
   return NULL;
}

int main(void)
{
   pthread_t t;
   pthread_create(&t, NULL, spinner, NULL);
   while (!stored)
      sched_yield();
   leak_in_frame();
   PYLEAK_LEAK_CHECK("redzone");
   checked = 1;
   pthread_join(t, NULL);
   clobber_stack();
   return 0;
}
