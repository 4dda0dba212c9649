/* main_local_exit: a block whose only pointer is a local of main() is
   definitely lost once main() has returned, as memcheck says: exit()'s
   own frames then lie over main's, and what they never wrote is not a
   pointer (memcheck: undefined).  pyleak clears the dead stack below
   exit()'s caller before exit() runs (pl_preload.c), so nothing main
   left there (nor what exit's frames save of its registers' stale
   values) keeps the block.

   Expected at exit: definitely lost 49 bytes in 1 block, allocated by
   realloc in main (the buffer grown a byte at a time from 1 to 49). */
#include <stdlib.h>

int main(void)
{
   char *buf = malloc(1);
   for (size_t n = 2; n <= 49; n++) {
      buf = realloc(buf, n);
      buf[n - 1] = (char)n;
   }
   return 0;
}
