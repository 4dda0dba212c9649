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
#include "pl_freebuf.h"

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

/* The check at finalisation.  Interpreter shutdown frees or collects
   most Python objects, so a check at exit sees neither an unbounded
   cache nor a cycle the GC was never allowed to collect.  Py_FinalizeEx
   (which Py_Finalize, Py_RunMain and Py_Exit call) tells the tool
   first; the tool then runs its main check while every module is
   still intact.

   Before that, when the interpreter is initialised and its cyclic GC
   is enabled, a full collection runs, as it would have sooner or
   later: garbage that is merely waiting for the next collection is not
   a leak.  With the GC disabled (gc.disable()), nothing is collected
   and cycles are reported as uncollected.  The tool gives the three
   functions' addresses (from the interpreter's .dynsym), so this code
   needs no dynamic-linker calls. */
typedef int  (*pl_int_fn) ( void );
typedef long (*pl_long_fn) ( void );

static UWord_ finalize_fn ( int which )
{
   return VALGRIND_DO_CLIENT_REQUEST_EXPR(
      0, VG_USERREQ__PYLEAK_PRIVATE_FINALIZE_FN, which, 0, 0, 0, 0);
}

static void before_finalize ( void )
{
   pl_int_fn  initialized = (pl_int_fn)finalize_fn(0);
   pl_int_fn  gc_enabled  = (pl_int_fn)finalize_fn(1);
   pl_long_fn gc_collect  = (pl_long_fn)finalize_fn(2);
   if (initialized && gc_enabled && gc_collect
       && initialized() && gc_enabled())
      (void)gc_collect();
   VALGRIND_DO_CLIENT_REQUEST_STMT(VG_USERREQ__PYLEAK_PRIVATE_FINALIZE,
                                   0, 0, 0, 0, 0);
}

#define PL_FINALIZE_WRAPPER(soname)                                      \
   int I_WRAP_SONAME_FNNAME_ZU(soname, Py_FinalizeEx) ( void );          \
   int I_WRAP_SONAME_FNNAME_ZU(soname, Py_FinalizeEx) ( void )           \
   {                                                                     \
      OrigFn fn;                                                         \
      int    r;                                                          \
      VALGRIND_GET_ORIG_FN(fn);                                          \
      before_finalize();                                                 \
      CALL_FN_W_v(r, fn);                                                \
      return r;                                                          \
   }

PL_FINALIZE_WRAPPER(libpython3Za)
PL_FINALIZE_WRAPPER(NONE)

/* free, batched (pl_freebuf.h says why).  These definitions replace
   the replacemalloc archive's free for libc.so* and for the core's
   malloc-library synonym (which Valgrind resolves to "*"; the build
   weakens the archive's two); cfree, C++ delete and frees under other
   sonames stay the archive's, straight to the tool.  The buffer
   belongs to the tool; a thread asks for it on its first free.
   Without one (the tool said no) every free goes to the tool on its
   own.

   Each thread finds its buffer through a pthread key, not in __thread
   storage: a preload with thread-local storage is one more TLS module
   in every process, which makes glibc's DTV of every thread (a heap
   block) one 16-byte slot larger than it is without pyleak -- a size
   memcheck's answer does not have (memcheck's reach_thread_register).
   A key's value lives in the thread descriptor (for the first 32
   keys), so a key costs no allocation and no block.  The key is made
   on the first free; the two functions are weak, so that a process
   without them (no libc's pthread in scope) frees through the tool. */
extern int   pthread_key_create ( unsigned* key, void (*dtor)(void*) )
   __attribute__((weak));
extern void* pthread_getspecific ( unsigned key ) __attribute__((weak));
extern int   pthread_setspecific ( unsigned key, const void* v )
   __attribute__((weak));

enum { KEY_NONE, KEY_MAKING, KEY_READY, KEY_FAILED };
static int      freebuf_key_state;            /* KEY_*, atomically */
static unsigned freebuf_key;
#define REFUSED ((PL_FreeBuf*)1)              /* the tool said no */

static int freebuf_key_ready ( void )
{
   int st = __atomic_load_n(&freebuf_key_state, __ATOMIC_ACQUIRE);
   if (st == KEY_NONE) {
      int none = KEY_NONE;
      if (!__atomic_compare_exchange_n(&freebuf_key_state, &none, KEY_MAKING,
                                       0, __ATOMIC_ACQ_REL,
                                       __ATOMIC_ACQUIRE))
         return 0;          /* another thread is making it: not yet */
      st = pthread_key_create && pthread_getspecific && pthread_setspecific
           && pthread_key_create(&freebuf_key, 0) == 0
           ? KEY_READY : KEY_FAILED;
      __atomic_store_n(&freebuf_key_state, st, __ATOMIC_RELEASE);
   }
   return st == KEY_READY;
}

static PL_FreeBuf* thread_freebuf ( void )
{
   if (!freebuf_key_ready())
      return 0;
   PL_FreeBuf* b = (PL_FreeBuf*)pthread_getspecific(freebuf_key);
   if (b == 0) {
      b = (PL_FreeBuf*)VALGRIND_DO_CLIENT_REQUEST_EXPR(
         0, VG_USERREQ__PYLEAK_PRIVATE_FREE_BUFFER, 0, 0, 0, 0, 0);
      if (b == 0)
         b = REFUSED;
      (void)pthread_setspecific(freebuf_key, b);
   }
   return b == REFUSED ? 0 : b;
}

static void batched_free ( void* p )
{
   PL_FreeBuf* b;
   unsigned long n;
   if (p == 0)
      return;
   b = thread_freebuf();
   /* No buffer, or one not emptied (never write past it): straight to
      the tool. */
   if (b == 0 || (n = b->count) >= PL_FREEBUF_CAP) {
      VALGRIND_DO_CLIENT_REQUEST_STMT(VG_USERREQ__PYLEAK_PRIVATE_FREE,
                                      p, 0, 0, 0, 0);
      return;
   }
   b->ptr[n] = p;                 /* the entry first, then the count */
   b->count = n + 1;
   if (n + 1 >= PL_FREEBUF_CAP)
      VALGRIND_DO_CLIENT_REQUEST_STMT(VG_USERREQ__PYLEAK_PRIVATE_FREE_FLUSH,
                                      b, 0, 0, 0, 0);
}

/* The core's names for "replaces free in SONAME, equivalence class 1005
   (the malloc family), priority 0": the archive's own spelling. */
#define PL_FREE_REPLACEMENT(soname)                                      \
   void VG_CONCAT4(_vgr10050ZU_, soname, _, free) ( void* p );          \
   void VG_CONCAT4(_vgr10050ZU_, soname, _, free) ( void* p )           \
   {                                                                     \
      batched_free(p);                                                   \
   }

PL_FREE_REPLACEMENT(libcZdsoZa)           /* libc.so* */
PL_FREE_REPLACEMENT(VgSoSynsomalloc)      /* --soname-synonyms=somalloc */

/* For the Python helper module (python/pyleak/__init__.py), which is
   pure Python: it finds these with ctypes in the process's global
   symbol scope, where the preload is only when the program runs under
   pyleak, and does nothing when they are absent.  Plain names, not
   redirections: nothing replaces them. */
int pyleak_running ( void );
int pyleak_running ( void )
{
   return 1;
}

void pyleak_leak_check ( const char* label );
void pyleak_leak_check ( const char* label )
{
   PYLEAK_LEAK_CHECK(label);
}

/* OUT[0..3]: leaked, dubious, reachable, suppressed of the latest
   check, in bytes (BLOCKS 0) or blocks. */
void pyleak_count_leaks ( unsigned long* out, int blocks );
void pyleak_count_leaks ( unsigned long* out, int blocks )
{
   unsigned long a = 0, b = 0, c = 0, d = 0;
   if (blocks) {
      PYLEAK_COUNT_LEAK_BLOCKS(a, b, c, d);
   } else {
      PYLEAK_COUNT_LEAKS(a, b, c, d);
   }
   out[0] = a; out[1] = b; out[2] = c; out[3] = d;
}

/* A checkpoint (see PYLEAK_CHECKPOINT in pyleak.h). */
void pyleak_checkpoint ( const char* label, int min_runs );
void pyleak_checkpoint ( const char* label, int min_runs )
{
   PYLEAK_CHECKPOINT(label, min_runs < 0 ? 0 : min_runs);
}

/* OUT[0..2]: bytes, blocks and records the latest checkpoint showed. */
void pyleak_count_growth ( long* out );
void pyleak_count_growth ( long* out )
{
   long a = 0, b = 0, c = 0;
   PYLEAK_COUNT_GROWTH(a, b, c);
   out[0] = a; out[1] = b; out[2] = c;
}
