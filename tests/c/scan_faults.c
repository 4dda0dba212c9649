/* scan_faults: a root mapping that faults on several pages must not cost
   the report.

   The program maps a one-page file over four pages, shared and
   writable (a root: the scan reads it), so reading the three pages past
   the end of the file raises SIGBUS -- once per page; the scan skips
   each page.  It also keeps a block's only pointer in the file's page,
   and leaks one block.  Each fault is taken inside the scan's handler
   and left with a longjmp; were the signal left blocked after the first,
   the second would kill the process before any report.

   Expected at the mid-run check and at exit: definitely lost 77 bytes in
   1 block (leak_one < main); the block whose pointer sits in the mapped
   file (kept_in_file, 66 bytes) is still reachable. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "pyleak.h"
#include "leaktest.h"

static NOINLINE void leak_one(void)
{
   char *volatile p = malloc(77);
   p[0] = 1;
   p = NULL;
}

static NOINLINE void keep_in(void **slot)
{
   *slot = malloc(66);
}

int main(void)
{
   long page = sysconf(_SC_PAGESIZE);
   char path[] = "/tmp/pyleak-scan-faults-XXXXXX";
   int fd = mkstemp(path);
   if (fd < 0 || ftruncate(fd, page) != 0)
      return 2;
   unlink(path);
   void **map = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_SHARED,
                     fd, 0);
   if (map == MAP_FAILED)
      return 3;
   keep_in(&map[1]);
   leak_one();
   clobber_stack();
   PYLEAK_LEAK_CHECK("mapped-past-end");
   return 0;
}
