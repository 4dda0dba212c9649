/* pyleak: client-side code of the preload library.
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   This file is linked into vgpreload_pyleak-*.so next to the core's
   malloc replacements, so it runs inside the client.  It must stay
   tiny and self-contained: no libc calls beyond what is wrapped here,
   no allocation.

   PYTHONMALLOC.  With CPython's default allocator (pymalloc) every
   object up to 512 bytes lives inside a 256 KiB arena and is never a
   malloc block, so pyleak could neither shadow it nor find it in a
   scan.  CPython reads its allocator choice once, at start-up, with
   getenv("PYTHONMALLOC").  Wrapping getenv lets pyleak answer that
   one question without touching the environment itself: os.environ
   and the children that pyleak does not trace see the user's
   environment unchanged, and children traced with --trace-children=yes
   load this preload again and get the same answer.  The tool decides
   (pl_python.c), so that it can say what it did. */

#include "valgrind.h"
#include "pyleak.h"

typedef unsigned long UWord_;

static int is_pythonmalloc ( const char* s )
{
   static const char want[] = "PYTHONMALLOC";
   unsigned i;
   if (s == 0) return 0;
   for (i = 0; i < sizeof want; i++)
      if (s[i] != want[i]) return 0;
   return 1;
}

/* The answers the tool may give (pl_python.c keeps the same order). */
static const char* const pythonmalloc_answer[] = {
   0,                 /* 0: keep what getenv found */
   "malloc",          /* 1 */
   "malloc_debug"     /* 2 */
};

char* I_WRAP_SONAME_FNNAME_ZU(libcZdsoZa, getenv) ( const char* name );
char* I_WRAP_SONAME_FNNAME_ZU(libcZdsoZa, getenv) ( const char* name )
{
   OrigFn fn;
   UWord_ found;
   VALGRIND_GET_ORIG_FN(fn);
   CALL_FN_W_W(found, fn, name);
   if (is_pythonmalloc(name)) {
      UWord_ answer = VALGRIND_DO_CLIENT_REQUEST_EXPR(
         0, VG_USERREQ__PYLEAK_PRIVATE_PYTHONMALLOC, found, 0, 0, 0, 0);
      if (answer > 0 && answer < 3)
         return (char*)pythonmalloc_answer[answer];
   }
   return (char*)found;
}

/* Free lists.  CPython keeps freed lists, tuples, dicts, floats (and,
   depending on the version, a few more types) and hands them out again
   without calling malloc, so the block's allocation stack would be
   that of the object's first life.  Every object that starts a new
   life, from a free list or fresh from malloc, goes through
   _Py_NewReference (exported by every supported version): the tool
   gives the block the stack of this call when it is not the block just
   allocated.  The interpreter is libpython, or the executable itself
   when it is linked statically (Debian's python3.11). */
#define PL_NEW_REFERENCE_WRAPPER(soname)                                 \
   void I_WRAP_SONAME_FNNAME_ZU(soname, _Py_NewReference) ( void* op );  \
   void I_WRAP_SONAME_FNNAME_ZU(soname, _Py_NewReference) ( void* op )   \
   {                                                                     \
      OrigFn fn;                                                         \
      VALGRIND_GET_ORIG_FN(fn);                                          \
      CALL_FN_v_W(fn, op);                                               \
      VALGRIND_DO_CLIENT_REQUEST_STMT(                                   \
         VG_USERREQ__PYLEAK_PRIVATE_NEW_REFERENCE, op, 0, 0, 0, 0);      \
   }

PL_NEW_REFERENCE_WRAPPER(libpython3Za)    /* libpython3.*  */
PL_NEW_REFERENCE_WRAPPER(NONE)            /* the executable */
