/* pyleak: words of the interpreter's own data that are not references.
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   The interpreter's writable data (the .data and .bss of libpython, or
   of a python executable that links it statically) is a root like any
   other: every word in it that points into a block counts.  Two kinds
   of word there are not pointers at all, or no longer, and under
   Valgrind, whose client heap sits at low addresses, they can point
   into a leaked block.  A leaked block that one of them points into is
   "possibly lost" instead of "definitely lost" (or reachable, if it
   points at the start), and which block that is depends on where the
   allocator put it: a report that changes from run to run.

   1. Payloads of the statically allocated ("deep-frozen", 3.11 to 3.13)
      code, bytes and int objects of the frozen modules (importlib, os,
      runpy, site...): the bytecode of a code object, written at run
      time by the specialising interpreter, the line and exception
      tables of bytes objects, and the digits of int constants.
      Bytecode is pairs of bytes; two instructions followed by two
      empty inline-cache units read as one 64-bit word such as
      0x0525_4711, an address in Valgrind's heap; an int constant such
      as _collections_abc's 89869747 is one.  The same parts of heap
      code objects are left out by the scan too (pl_scan.c: scan_block,
      mark_constants); a static bytes object is a constant of a frozen
      module, so no program can have stored a pointer there, and an
      int's digits are a number.

   2. CPython 3.10 and 3.11's parser keeps, in a function-local static
      (the cache in _PyPegen_dummy_name), a pointer to an AST node of the
      first parse that needed a placeholder name: any parse of a call
      with arguments.  The node lives in that parse's arena, which is
      freed when the compilation ends, so the cache dangles from then on
      (3.12 moved the placeholder into _PyRuntime).  In most processes
      the first such parse is a .pth line of site-packages, at start-up.
      The static has no exported name, so it is found by what it does:
      when a block that is a parser arena block (pyarena.c's header:
      size, offset, next, and a pointer to just past itself) is freed,
      the interpreter's .bss is searched for words pointing into it.
      Such a word is dangling at that moment; it is left out of the
      roots for as long as it keeps that value.

   Neither changes anything for a C program (no interpreter, nothing to
   leave out): memcheck's answers there stay pyleak's.  memcheck counts
   these words, and so can give the "possibly lost" this avoids. */

#include "pub_tool_basics.h"
#include "pub_tool_vki.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_options.h"
#include "pl_include.h"
#include "pl_python.h"

/* Where the interpreter's data is (set by pl_python.c when it finds
   the runtime). */
static Addr data_lo, data_hi;       /* the writable PT_LOAD, in memory */
static Addr bss_lo, bss_hi;         /* its .bss */

void pl_pystatic_set_data ( Addr lo, Addr hi, Addr blo, Addr bhi )
{
   data_lo = lo;  data_hi = hi;
   bss_lo  = blo; bss_hi  = bhi;
}

/*------------------------------------------------------------*/
/*--- 1. Static objects' payloads                          ---*/
/*------------------------------------------------------------*/

static PL_Range* skips;             /* sorted, disjoint */
static UInt      n_skips, cap_skips;
static Bool      skips_made;

static void add_skip ( Addr lo, Addr hi )
{
   lo = VG_ROUNDDN(lo, sizeof(Addr));
   hi = VG_ROUNDUP(hi, sizeof(Addr));
   if (lo >= hi) return;
   if (n_skips > 0 && skips[n_skips - 1].hi >= lo) {   /* adjacent */
      if (hi > skips[n_skips - 1].hi) skips[n_skips - 1].hi = hi;
      return;
   }
   if (n_skips == cap_skips) {
      cap_skips = cap_skips ? 2 * cap_skips : 256;
      skips = VG_(realloc)("pl.pystatic.skips", skips,
                           cap_skips * sizeof(PL_Range));
   }
   skips[n_skips++] = (PL_Range){ lo, hi };
}

/* Whether OBJ is a str object (its type has Py_TPFLAGS_UNICODE_SUBCLASS). */
static Bool is_str ( Addr obj )
{
   ULong tp = 0, flags = 0;
   return obj != 0
          && pl_rd64(obj + pl_py.lay->ob_type, &tp) && tp != 0
          && pl_rd64((Addr)tp + pl_py.lay->tp_flags, &flags)
          && (flags & PL_TPF_UNICODE_SUBCLASS);
}

/* The object whose type word is at A, of type code, bytes or int: its
   payload's range, or False when what is there is not such an object
   but a word that merely equals the type's address -- the type
   attribute cache in _PyRuntime holds such words (an attribute whose
   value is the type), between strong references to its names.  So
   the checks are the object's own invariants, beginning with the one
   every statically allocated object has: it is immortal (3.12+: the
   refcount's low half, signed, is negative; 3.11: it starts at
   999999999, and the small ints' counts move up from there). */
static Bool static_refcount ( Addr o )
{
   ULong rc = 0;
   if (!pl_rd64(o + pl_py.lay->ob_type - 8, &rc))
      return False;
   if (pl_py.lay->immortal)
      return pl_py_immortal(rc);
   return rc >= 999999999ULL && rc < 999999999ULL + (1ULL << 31);
}

static Bool code_payload ( Addr a, Addr* lo, Addr* hi )
{
   const PL_PyLayout* L = pl_py.lay;
   Addr  o = a - L->ob_type;
   ULong n = 0, file = 0, name = 0;
   if (L->co_code_adaptive <= 0 || !static_refcount(o)
       || !pl_rd64(a + 8, &n) || n == 0 || n > (1UL << 22)
       || !pl_rd64(o + L->co_filename, &file) || !is_str((Addr)file)
       || !pl_rd64(o + L->co_name, &name) || !is_str((Addr)name))
      return False;
   *lo = o + L->co_code_adaptive;
   *hi = *lo + 2 * n;                        /* code units of 2 bytes */
   return *hi <= data_hi;
}

static Bool bytes_payload ( Addr a, Addr* lo, Addr* hi )
{
   const PL_PyLayout* L = pl_py.lay;
   Addr  o = a - L->ob_type;
   ULong n = 0;
   UChar nul = 1;
   if (!static_refcount(o)
       || !pl_rd64(o + L->bytes_size, &n) || n > (1UL << 20)
       || o + L->bytes_sval + n + 1 > data_hi
       || !pl_rd8(o + L->bytes_sval + n, &nul) || nul != 0)
      return False;
   *lo = o + L->bytes_sval;
   *hi = *lo + n;
   return True;
}

/* An int's digits: 30 bits in each 4-byte digit, so the upper half of
   the word holding a one-digit int is zero and the value itself can
   be anything below 2^30 -- an address in Valgrind's heap, often. */
static Bool long_payload ( Addr a, Addr* lo, Addr* hi )
{
   const PL_PyLayout* L = pl_py.lay;
   Addr  o = a - L->ob_type;
   ULong w = 0;
   if (!static_refcount(o) || !pl_rd64(o + L->long_digits - 8, &w))
      return False;
   Long n = L->long_tag ? (Long)(w >> 3) : (Long)w;
   if (n < 0) n = -n;
   if (n > 64 || o + L->long_digits + 4 * n > data_hi)
      return False;
   *lo = o + L->long_digits;
   *hi = *lo + 4 * n;
   /* Digits have their top two bits clear, and the top one is not 0. */
   for (Long d = 0; d < n; d++) {
      UInt digit = 0;
      if (!pl_rd32(*lo + 4 * d, &digit) || (digit >> 30) != 0
          || (d == n - 1 && digit == 0))
         return False;
   }
   return True;
}

static void make_skips ( void )
{
   if (!pl_py.found)
      return;                      /* perhaps at a later check */
   skips_made = True;
   if (data_lo >= data_hi
       || (pl_py.code_type == 0 && pl_py.bytes_type == 0
           && pl_py.long_type == 0))
      return;
   /* Only the part backed by the file can hold initialised objects;
      the .bss is zeros at start-up. */
   Addr end = bss_lo > data_lo && bss_lo < data_hi ? bss_lo : data_hi;
   end = VG_ROUNDDN(end, sizeof(Addr));
   for (Addr a = VG_ROUNDUP(data_lo, sizeof(Addr)); a < end;
        a += sizeof(Addr)) {
      if (!pl_readable(a, sizeof(Addr))) {
         a = VG_PGROUNDUP(a + 1) - sizeof(Addr);
         continue;
      }
      Addr w = *(Addr*)a, lo, hi;
      if (w == 0)
         continue;
      if (w == pl_py.code_type && code_payload(a, &lo, &hi)) {
         add_skip(lo, hi);
         a = VG_ROUNDDN(hi, sizeof(Addr)) - sizeof(Addr);
      } else if ((w == pl_py.bytes_type && bytes_payload(a, &lo, &hi))
                 || (w == pl_py.long_type && long_payload(a, &lo, &hi))) {
         add_skip(lo, hi);
         a = VG_ROUNDDN(hi, sizeof(Addr)) - sizeof(Addr);
      }
   }
   if (VG_(clo_verbosity) > 1) {
      SizeT bytes = 0;
      for (UInt i = 0; i < n_skips; i++)
         bytes += skips[i].hi - skips[i].lo;
      VG_(umsg)("pyleak: %lu bytes in %u ranges of the interpreter's "
                "static objects are not roots (bytecode, tables, digits)\n",
                bytes, n_skips);
   }
}

UInt pl_pystatic_skips ( const PL_Range** out )
{
   if (!skips_made)
      make_skips();
   *out = skips;
   return n_skips;
}

/*------------------------------------------------------------*/
/*--- 2. The parser's dangling cache (3.10, 3.11)          ---*/
/*------------------------------------------------------------*/

/* pyarena.c: a block of an arena is one malloc'd piece, a header of
   four words then the memory handed out: { size_t ab_size (8192 but
   for one-off large blocks), size_t ab_offset, next block, ab_mem:
   just past the header }.  A debug build's allocator hooks put two
   words of their own before it. */
#define ARENA_BLOCK_DEFAULT 8192
#define ARENA_HEADER        32

#define MAX_STALE 8
static struct { Addr at; Addr value; } stale[MAX_STALE];
static UInt n_stale;

Bool pl_pystatic_watch_arenas = False;

void pl_pystatic_runtime_found ( void )
{
   pl_pystatic_watch_arenas = pl_py.lay->minor <= 11 && bss_lo < bss_hi;
}

static void note_stale ( Addr at, Addr value )
{
   for (UInt i = 0; i < n_stale; i++)
      if (stale[i].at == at) {
         stale[i].value = value;
         return;
      }
   if (n_stale < MAX_STALE) {
      stale[n_stale].at = at;
      stale[n_stale].value = value;
      n_stale++;
      if (VG_(clo_verbosity) > 1)
         VG_(umsg)("pyleak: the word at %#lx points into a freed parser "
                   "arena (CPython's dangling parser cache): not a root "
                   "while it holds %#lx\n", at, value);
   }
}

void pl_pystatic_block_freed ( Addr data, SizeT szB )
{
   static const SizeT hook[2] = { 0, 16 };
   for (UInt k = 0; k < 2; k++) {
      Addr  h = data + hook[k];
      if (h + ARENA_HEADER > data + szB) break;
      if (!pl_readable(h, ARENA_HEADER))   /* another allocator's */
         return;
      const Addr* w = (const Addr*)h;
      if (w[0] < ARENA_BLOCK_DEFAULT || w[1] > w[0]
          || w[3] != h + ARENA_HEADER
          || h + ARENA_HEADER + w[0] > data + szB)
         continue;
      Addr lo = h + ARENA_HEADER, hi = lo + w[0];
      if (!pl_readable(bss_lo, bss_hi - bss_lo))
         return;
      for (Addr a = bss_lo; a + sizeof(Addr) <= bss_hi; a += sizeof(Addr)) {
         Addr v = *(const Addr*)a;
         if (v >= lo && v < hi)
            note_stale(a, v);
      }
      return;
   }
}


void pl_pystatic_dead_words ( void (*add)(Addr lo, Addr hi) )
{
   for (UInt i = 0; i < n_stale; i++) {
      Addr v;
      if (pl_readable(stale[i].at, sizeof(Addr))
          && (v = *(const Addr*)stale[i].at) == stale[i].value)
         add(stale[i].at, stale[i].at + sizeof(Addr));
   }
}
