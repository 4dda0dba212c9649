/* leaktest.h: helpers shared by the pyleak C/C++ regression-test programs.

   A leak checker scans the stack and the registers for pointers, so a stale
   copy of a pointer (left in a dead stack slot below SP, or in a scratch
   register after the function that used it returned) can keep a block
   "reachable" that the test means to be lost.  Memcheck does not scan dead
   stack (it is not addressable for it), but a checker that simply scans from
   SP downwards by a red zone, or scans uninitialised-but-addressable words,
   may.  So, like memcheck's own tests (memcheck/tests/leak.h), every program
   does its leak-producing work in separate NOINLINE functions and calls
   clobber_stack() afterwards, which
     - overwrites 32 KiB of dead stack below the caller's frame with zeros, and
     - zeroes the caller-saved general-purpose registers (x86-64 only; on other
       architectures the stack overwrite alone is done).
   Callee-saved registers are not touched: at -O0 gcc does not keep pointers
   in them across calls.

   Build with -g -O0 -fno-omit-frame-pointer -fno-inline so the allocation
   stacks (function < caller) are exactly the ones written in the .json.exp
   files. */

#ifndef LEAKTEST_H
#define LEAKTEST_H

#include <stddef.h>

#define NOINLINE __attribute__((noinline))

#if defined(__GNUC__)
#  define LT_UNUSED __attribute__((unused))
#else
#  define LT_UNUSED
#endif

static inline void clobber_regs(void)
{
#if defined(__x86_64__)
   __asm__ __volatile__(
      "xorl %%eax, %%eax\n\t"
      "xorl %%ecx, %%ecx\n\t"
      "xorl %%edx, %%edx\n\t"
      "xorl %%esi, %%esi\n\t"
      "xorl %%edi, %%edi\n\t"
      "xorl %%r8d, %%r8d\n\t"
      "xorl %%r9d, %%r9d\n\t"
      "xorl %%r10d, %%r10d\n\t"
      "xorl %%r11d, %%r11d\n\t"
      : : : "rax", "rcx", "rdx", "rsi", "rdi",
            "r8", "r9", "r10", "r11", "cc", "memory");
#endif
}

/* Overwrite dead stack and the scratch registers (see above). */
static NOINLINE LT_UNUSED void clobber_stack(void)
{
   volatile char buf[32768];
   size_t i;
   for (i = 0; i < sizeof buf; i++)
      buf[i] = 0;
   clobber_regs();
}

/* Conservative scanning and large heaps.  A leak checker treats every
   aligned word of the root set as a potential pointer, and the root set
   contains numbers that are not pointers: ld.so's writable data holds ELF
   (SysV) hash values of symbol-version names ("GLIBC_2.3" -> 0x0d696913;
   SysV ELF hashes are always below 0x10000000) and 32-bit fragments of
   strings (0x2f34365f = "_64/"; four ASCII bytes lie between 0x20202020
   and 0x7f7f7f7f).  Under Valgrind the client heap starts near 0x4a40000, so
   a heap of hundreds of MB covers such values, and whether one of them
   falls inside a block or in the gap between blocks depends on the tool's
   redzone size.  Seen with the 10,000,000-node list: memcheck reported
   408,320 nodes as still reachable and 1,430,990 as possibly lost; with the
   heap moved to 0x24a42000, pyleak (smaller redzones) reported 3,692,607 as
   possibly lost while memcheck found none.

   move_heap_above_4g() therefore fills every free gap of at least 4 MB (the
   size of a Valgrind client-arena superblock) below 4 GB with PROT_NONE,
   MAP_NORESERVE mappings, before the program's first malloc.  They cost no
   memory and, not being readable, are never scanned.  Valgrind places
   client mappings first-fit from the bottom of the client address space,
   so the heap's superblocks then lie above 4 GB, where a root word can only
   match a heap address if it is a real pointer (8 ASCII bytes, or a 32-bit
   number, cannot).  About 15 mmap calls under Valgrind; natively the kernel
   places mappings high anyway and 5 calls return at once.
   Used only by the big-heap tests (long_list, many_blocks). */
#if defined(LEAKTEST_NEED_HIGH_HEAP)
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
static NOINLINE void move_heap_above_4g(void)
{
   static const size_t sizes[] = {
      1UL << 30, 256UL << 20, 64UL << 20, 16UL << 20, 4UL << 20
   };
   size_t i;
   for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
      for (;;) {
         void *r = mmap(NULL, sizes[i], PROT_NONE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
         if (r == MAP_FAILED)
            exit(2);
         if ((uintptr_t)r >= 0x100000000UL) {   /* no gap this big below 4 GB */
            munmap(r, sizes[i]);
            break;
         }
      }
   }
}
#endif

#endif /* LEAKTEST_H */
