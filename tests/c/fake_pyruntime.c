/* fake_pyruntime: programs that look like a CPython runtime to pyleak's
   detector (an ELF section ".PyRuntime" holding `_PyRuntime`, and
   Py_Version in .dynsym -- the program is linked with -rdynamic) but are
   not one pyleak may read as such.  One source, one variant per -D:

   FAKE_PY316      Py_Version says 3.16 (a pre-release newer than the
                   newest supported): unsupported, said in one line.
   FAKE_PY313T     3.13 whose _Py_DebugOffsets say free-threaded:
                   unsupported, said in one line.
   FAKE_OLD        .PyRuntime without Py_Version and not 3.10's size: an
                   older CPython, unsupported.
   FAKE_GARBAGE312 says 3.12, and its "runtime" leads pyleak's stack walk
                   through the thread list (matched by pthread_self(), as
                   a real one would be) into a frame chain of bad
                   pointers: an unmapped file name, a code pointer into
                   page zero, a line table claiming a terabyte, a frame
                   that is its own caller.  pyleak must not crash, must
                   not loop, and must take what it can (the function name
                   of the one well-formed frame) and nothing else.

   In every variant the program then leaks one 213-byte block in
   leak_here(), which must be reported as usual, with the C stack, and
   prints the answer to getenv("PYTHONMALLOC"), the question a CPython
   asks at start-up: pyleak answers "malloc" unless the interpreter is
   free-threaded (FAKE_PY313T), whose allocator must be left alone (a
   free-threaded CPython refuses PYTHONMALLOC=malloc and dies). */
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "leaktest.h"

#define RT_WORDS 128
#define USED __attribute__((used))

#if defined(FAKE_PY316)
USED const unsigned long Py_Version = 0x031000a1;
#elif defined(FAKE_PY313T)
USED const unsigned long Py_Version = 0x030d00f0;
#elif defined(FAKE_GARBAGE312)
USED const unsigned long Py_Version = 0x030c01f0;
#endif

#if defined(FAKE_PY313T)
/* _Py_DebugOffsets: cookie, version, free_threaded, runtime size. */
USED __attribute__((section(".PyRuntime")))
struct { char cookie[8]; unsigned long w[RT_WORDS - 1]; } _PyRuntime = {
   { 'x', 'd', 'e', 'b', 'u', 'g', 'p', 'y' },
   { 0x030d00f0, 1, RT_WORDS * 8 }
};
#else
USED __attribute__((section(".PyRuntime")))
unsigned long _PyRuntime[RT_WORDS] = { 1 };
#endif

#if defined(FAKE_GARBAGE312)
/* 3.12 offsets: runtime+40 interpreters.head; interp+72 threads.head;
   tstate+136 thread_id, +56 cframe; cframe+0 current frame; frame +0
   code, +8 previous, +56 prev_instr, +70 owner; code +112 filename,
   +128 qualname, +136 linetable, +68 firstlineno, +176 firsttraceable,
   +192 bytecode; str +16 length, +32 state, ascii data at +40. */
static unsigned long interp[32], tstate[64], cframe[4];
static unsigned long frame1[16], frame2[16], code[64], name[16], table[8];

static void build_fake_runtime(void)
{
   _PyRuntime[5] = (unsigned long)interp;
   interp[9] = (unsigned long)tstate;
   tstate[17] = (unsigned long)pthread_self();
   tstate[7] = (unsigned long)cframe;
   cframe[0] = (unsigned long)frame1;

   frame1[0] = (unsigned long)code;
   frame1[1] = (unsigned long)frame2;
   frame1[7] = (unsigned long)code + 192 + 2 * 3;
   code[14] = 0xdead0000UL;                    /* filename: unmapped */
   code[16] = (unsigned long)name;             /* qualname */
   code[17] = (unsigned long)table;            /* linetable */
   ((int *)code)[17] = 7;                      /* firstlineno (+68) */
   name[2] = 9;                                /* length */
   name[4] = 4 | 32 | 64;                      /* 1-byte, compact, ascii */
   memcpy((char *)name + 40, "fake_func", 10);
   table[2] = 1UL << 40;                       /* ob_size: absurd */

   frame2[0] = 0x10;                           /* code in page zero */
   frame2[1] = (unsigned long)frame2;          /* its own caller */
   frame2[7] = 0x10;
}
#else
static void build_fake_runtime(void) { }
#endif

static NOINLINE void leak_here(void)
{
   char *volatile p = malloc(213);
   p[0] = 1;
   p = NULL;
}

int main(void)
{
   const char *pm;
   build_fake_runtime();
   leak_here();
   pm = getenv("PYTHONMALLOC");
   printf("PYTHONMALLOC=%s\n", pm ? pm : "(unset)");
   clobber_stack();
   return 0;
}
