/* A block the program made unreadable (mprotect PROT_NONE) while a
   global points into it: the scan's interior-pointer rules read the
   block's words and fault (pl_scan.c: probe_interior).  The fault must
   only make that pointer a plain interior one (the block is possibly
   lost, as memcheck says), and the scan must go on with the next word
   of the same page: 'after', the only pointer to a 77-byte block, is
   still reachable.  Before, the fault skipped the rest of the page and
   the 77 bytes were "definitely lost". */
#include <stdlib.h>
#include <unistd.h>
#include <sys/mman.h>
#include "memcheck.h"
#include "leaktest.h"

static struct { char* inner; void* after; } g;
static char* big_page;

static NOINLINE void make_blocks ( void )
{
   long pg = sysconf(_SC_PAGESIZE);
   char* big = malloc(4 * pg);
   big_page = (char*)(((unsigned long)big + pg - 1) & ~(pg - 1));
   g.inner = big_page + 8;      /* interior: the rules read the block */
   g.after = malloc(77);
   mprotect(big_page, pg, PROT_NONE);
}

int main ( void )
{
   make_blocks();
   clobber_stack();
   VALGRIND_DO_LEAK_CHECK;
   mprotect(big_page, sysconf(_SC_PAGESIZE), PROT_READ | PROT_WRITE);
   return 0;
}
