/* pyleak: which heap blocks are Python objects (at leak-check time).
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   A Python object's block is laid out as
      [debug-hook headers?][pre-header 0/16][PyGC_Head 16 if GC][PyObject...]
   The object starts at block + layers + pre-header + GC header, where
   the type says which of these exist: Py_TPFLAGS_HAVE_GC, and on 3.11+
   the managed dict / weakref flags for the pre-header (the layout
   table's preheader_flags).  Debug hooks (PYTHONMALLOC=malloc_debug)
   put a 16-byte header per layer in front, recognisable by its API
   byte ('r', 'm', 'o') and seven 0xFD bytes.

   A block is taken for an object only when every candidate reading
   agrees: the word at ob_type is a valid type (readable; READY unless
   static; its
   own type is `type` or a metatype; a readable NUL-terminated name),
   the type's flags predict exactly the offset tried, and tp_basicsize
   (a compact string's header, for str) fits in the block.  Anything else is "not a Python object".

   Type checks are cached per scan (types do not change during one). */

#include "pub_tool_basics.h"
#include "pub_tool_aspacemgr.h"
#include "pub_tool_hashtable.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_mallocfree.h"
#include "pl_include.h"
#include "pl_python.h"

typedef struct _TypeNode {
   struct _TypeNode* next;
   UWord             key;       /* the type object's address */
   Bool              valid;
   ULong             flags;
   ULong             basicsize;
} TypeNode;

static VgHashTable* types;      /* per scan */
/* In front of it, the last types seen, by address: a scan asks about
   every block, most of them objects of a few dozen types. */
#define N_RECENT 512
static TypeNode* recent[N_RECENT];

void pl_pyobj_begin ( void )
{
   if (pl_py.found && types == NULL)
      types = VG_(HT_construct)("pl.pyobj.types");
   VG_(memset)(recent, 0, sizeof recent);
}

void pl_pyobj_end ( void )
{
   if (types) {
      VG_(HT_destruct)(types, VG_(free));
      types = NULL;
   }
   VG_(memset)(recent, 0, sizeof recent);
}

/* A type's name: a non-empty printable C string of under 256 bytes. */
static Bool name_ok ( Addr name )
{
   HChar buf[257];
   Bool  whole;
   SizeT len = pl_rd_cstr(name, buf, sizeof buf, &whole);
   if (!whole || len == 0) return False;
   for (SizeT i = 0; i < len; i++)
      if ((UChar)buf[i] < 0x20 || (UChar)buf[i] == 0x7f) return False;
   return True;
}

/* A static type lives in an object file's data.  Interpreter
   finalisation clears the READY flag of the static builtin types
   (3.12+), so at exit only a heap type must still be READY. */
static Bool is_static ( Addr tp )
{
   NSegment const* seg = VG_(am_find_nsegment)(tp);
   return seg != NULL && seg->kind == SkFileC;
}

static const TypeNode* type_info ( Addr tp )
{
   TypeNode** slot = &recent[(tp >> 4) % N_RECENT];
   if (*slot && (*slot)->key == tp)
      return *slot;
   TypeNode* t = VG_(HT_lookup)(types, tp);
   if (t) {
      *slot = t;
      return t;
   }
   const PL_PyLayout* L = pl_py.lay;
   t = VG_(malloc)("pl.pyobj.type", sizeof *t);
   VG_(memset)(t, 0, sizeof *t);
   t->key = tp;
   ULong meta, flags, basic, name, metaflags;
   if ((tp & 7) == 0
       && pl_rd64(tp + L->ob_type, &meta)
       && pl_rd64(tp + L->tp_flags, &flags)
       && pl_rd64(tp + L->tp_basicsize, &basic)
       && pl_rd64(tp + L->tp_name, &name)
       && ((flags & PL_TPF_READY) || is_static(tp))
       && basic >= 16 && basic < (1UL << 24)
       && (meta == pl_py.type_type
           || (pl_rd64(meta + L->tp_flags, &metaflags)
               && (metaflags & PL_TPF_TYPE_SUBCLASS)
               && (metaflags & PL_TPF_READY)))
       && name_ok(name)) {
      t->valid     = True;
      t->flags     = flags;
      t->basicsize = basic;
   }
   VG_(HT_add_node)(types, t);
   *slot = t;
   return t;
}

/* Whether the object at OP, whose reference count the interpreter is
   setting to 1, can be one reused from a free list: its type (the word
   after the count, kept from its previous life) is a static type of
   the interpreter, ready, of PyType_Type, with a GC header exactly
   when GC says so.  Called outside scans (no type table): a small
   cache of the answers keeps it cheap. */
Bool pl_pyobj_reusable ( Addr op, Bool gc )
{
   static struct { Addr tp; Bool gc, yes; } cache[64];
   const PL_PyLayout* L = pl_py.lay;
   Addr tp = *(const Addr*)(op + L->ob_type);
   if (tp < 4096 || (tp & 7) != 0) return False;
   UInt h = (UInt)(tp >> 3) % 64;
   if (cache[h].tp == tp && cache[h].gc == gc) return cache[h].yes;
   ULong meta, flags;
   Bool yes = is_static(tp)
              && pl_rd64(tp + L->ob_type, &meta) && meta == pl_py.type_type
              && pl_rd64(tp + L->tp_flags, &flags)
              && (flags & PL_TPF_READY)
              && ((flags & PL_TPF_HAVE_GC) != 0) == gc;
   cache[h].tp = tp;
   cache[h].gc = gc;
   cache[h].yes = yes;
   return yes;
}

/* The debug hooks' header: size (big-endian), API id, 7 x 0xFD; the
   size must be PAYLOAD, what the block holds inside this layer. */
static Bool debug_header ( Addr h, SizeT payload )
{
   const UChar* p = (const UChar*)h;
   if (p[8] != 'r' && p[8] != 'm' && p[8] != 'o') return False;
   for (Int i = 9; i < 16; i++)
      if (p[i] != 0xFD) return False;
   ULong size = 0;
   for (Int i = 0; i < 8; i++)
      size = size << 8 | p[i];
   return size == payload;
}

/* A type pointer in the right place is not enough: a block of
   attribute values (3.11+) holds a class at some offset as often as an
   instance does.  So the words around it must look like an object's
   header too.
   - The reference count: below 2^23, or immortal (3.12+: bit 31 of the
     low half set, the high half clear).  Heap and static addresses,
     which is what a non-object block would hold there, are larger.
     0 is allowed: objects parked on a free list have a count of 0.
   - With a GC header, the GC's doubly linked list must link back: the
     next header's prev (flag bits masked) is this header.  An
     untracked object (next == 0) has nothing to check.  A list's head
     sits in the interpreter's GC state, which need not be 8-aligned
     (3.13 has its generation heads at 4 mod 8: Debian's 3.13.5 ends
     its lists there), so only 4-byte alignment is asked of the next
     header. */
static Bool refcount_ok ( Addr obj )
{
   ULong rc = *(const ULong*)obj;
   ULong count = rc & pl_py.lay->rc_mask;
   return count < (1ULL << 23)
          || (count < (1ULL << 32) && pl_py_immortal(rc));
}

static Bool gc_links_ok ( Addr obj )
{
   Addr  head = obj - 16;
   /* Bit 0 of the next link is a flag: the object's space in
      3.14.0-3.14.4's incremental GC, "unreachable" during a collection
      in the others. */
   ULong next = *(const ULong*)head & ~1ULL, back;
   return next == 0
          || ((next & 3) == 0 && pl_rd64(next + 8, &back)
              && (back & ~(ULong)3) == head);
}

SizeT pl_pyobj_hook_offset ( const PL_Block* b )
{
   SizeT off = 0, n = b->szB;
   /* Each layer adds a 16-byte header and an 8-byte tail, and its
      header gives the size of what it holds: a raw allocation of a
      few bytes (an argv copy) is recognised as well as an object. */
   while (n >= 24 && debug_header(b->data + off, n - 24)) {
      off += 16;
      n   -= 24;
   }
   return off;
}

Int pl_pyobj_offset ( const PL_Block* b, /*OUT*/Bool* is_gc,
                      /*OUT*/Addr* type )
{
   if (types == NULL || pl_py.type_type == 0) return -1;
   const PL_PyLayout* L = pl_py.lay;
   SizeT hook = pl_pyobj_hook_offset(b);      /* 16 + 8 bytes per layer */
   Addr  base = b->data + hook;
   SizeT n    = b->szB - hook / 16 * 24;
   for (Int pre = 0; pre <= 32; pre += 16) {
      if ((SizeT)pre + 16 > n) break;
      ULong tp = *(const ULong*)(base + pre + L->ob_type);
      /* The count first: it costs a read of this block, where a type
         not seen before costs reads of the memory it points to and a
         node in the type table.  At offset 0 of an object with a GC
         header it rejects the header's links, which would otherwise
         be looked up as a type once for every such object. */
      if (tp < 4096 || !refcount_ok(base + pre)) continue;
      const TypeNode* t = type_info(tp);
      if (!t->valid) continue;
      Int expect = ((t->flags & PL_TPF_HAVE_GC) ? 16 : 0)
                   + ((t->flags & L->preheader_flags) ? 16 : 0);
      /* A compact str is smaller than str's tp_basicsize (which is the
         legacy PyUnicodeObject's size). */
      SizeT need = (t->flags & PL_TPF_UNICODE_SUBCLASS)
                   ? (SizeT)L->ascii_size : (SizeT)t->basicsize;
      if (expect != pre || need + pre > n) continue;
      if ((t->flags & PL_TPF_HAVE_GC) && !gc_links_ok(base + pre))
         continue;
      *is_gc = (t->flags & PL_TPF_HAVE_GC) != 0;
      *type  = tp;
      return (Int)(base - b->data) + pre;
   }
   return -1;
}

/* The offset, from the object, of the text a C `char *` into the
   object of type TP at OBJ would point at: a bytes object's ob_sval
   (PyBytes_AS_STRING), a compact str's inline characters (PyUnicode_DATA,
   and for ASCII also PyUnicode_AsUTF8).  0 if there is none.  C code
   keeps such pointers as long-lived references: numpy, for one, holds
   every docstring it adds as the str's UTF-8 text (tp_doc, ml_doc) and
   a reference it never drops. */
Int pl_pyobj_text_offset ( Addr obj, Addr tp )
{
   if (types == NULL) return 0;
   const PL_PyLayout* L = pl_py.lay;
   const TypeNode*    t = type_info(tp);
   if (!t->valid) return 0;
   if (t->flags & PL_TPF_BYTES_SUBCLASS)
      return L->bytes_sval;
   if (t->flags & PL_TPF_UNICODE_SUBCLASS) {
      UInt state = *(const UInt*)(obj + L->uni_state);
      Bool compact = (state >> 5) & 1, ascii = (state >> 6) & 1;
      if (compact)
         return ascii ? L->ascii_size : L->compact_size;
   }
   return 0;
}

/* The name of type TP (tp_name: with its module for static types,
   e.g. "collections.OrderedDict", bare for heap types), into BUF. */
void pl_pyobj_type_name ( Addr tp, HChar* buf, SizeT sz )
{
   ULong name;
   Bool  whole;
   SizeT len = 0;
   buf[0] = '\0';
   if (pl_py.lay && pl_rd64(tp + pl_py.lay->tp_name, &name))
      len = pl_rd_cstr(name, buf, sz, &whole);
   pl_printable(buf);
   if (len == 0 && sz > 3)
      VG_(strcpy)(buf, "???");
}

/*------------------------------------------------------------*/
/*--- Interpreter memory that holds no references          ---*/
/*------------------------------------------------------------*/

/* A data stack chunk: {previous, size (bytes, header included), top
   (the saved slot index, for chunks below the current one), data[]};
   the current chunk's live slots end at the thread's datastack_top
   (the word after datastack_chunk in PyThreadState). */
#define CHUNK_PREVIOUS 0
#define CHUNK_SIZE     8
#define CHUNK_TOP      16
#define CHUNK_DATA     24
#define FREELIST_SLOTS 80

static void datastack_dead ( Addr ts, void (*add)(Addr, Addr) )
{
   const PL_PyLayout* L = pl_py.lay;
   ULong chunk, top;
   if (L->ts_datastack < 0 || !pl_rd64(ts + L->ts_datastack, &chunk)
       || !pl_rd64(ts + L->ts_datastack + 8, &top))
      return;
   for (Int nc = 0; chunk && nc < 10000; nc++) {
      ULong size, prev, saved;
      if (!pl_rd64(chunk + CHUNK_SIZE, &size)
          || !pl_rd64(chunk + CHUNK_PREVIOUS, &prev)
          || size < CHUNK_DATA || size > (1ULL << 32))
         return;
      if (top >= chunk + CHUNK_DATA && top <= chunk + size)
         add(top, chunk + size);
      chunk = prev;
      if (chunk == 0 || !pl_rd64(chunk + CHUNK_TOP, &saved))
         return;
      top = chunk + CHUNK_DATA + 8 * saved;
   }
}

/* The free lists' place in the interpreter state is not published
   (3.13's _Py_DebugOffsets leave them out), and it moves between builds
   of one version: from 3.13 on, a debug build's PyConfig has one more
   field (run_presite) before them, so they are 8 bytes later than in
   the release builds the table was measured on.  Read at a wrong place,
   "stale slots" would hide live references from the scan and
   "free-listed keys tables" would be live objects scanned as dead:
   false leaks.  So the place the table and the build say is checked
   against the memory there: counts of at most 80, and every slot below
   its count a list, resp. dict, object with no reference left.  If it
   does not look right, a place nearby where both lists hold such
   objects is searched for; with none, the free lists are left alone:
   their stale slots then keep old objects reachable, which can hide a
   leak but never invents one. */
#define FREELIST_SEARCH 256             /* bytes either side of the table's */

static Bool freelist_holds ( Addr arr, Addr count_at, Addr type, UInt* n )
{
   const PL_PyLayout* L = pl_py.lay;
   if (!pl_rd32(count_at, n) || *n > FREELIST_SLOTS) return False;
   for (UInt i = 0; i < *n; i++) {
      ULong o, tp, rc;
      if (!pl_rd64(arr + 8 * i, &o) || o == 0 || (o & 7) != 0
          || !pl_rd64(o + L->ob_type, &tp) || tp != type
          || !pl_rd64(o, &rc) || (UInt)rc != 0)
         return False;
   }
   return True;
}

/* 3.14+: a chain through the parked objects' first word, HEAD_AT the
   first, SIZE_AT how many (a Py_ssize_t; -1 once the interpreter has
   switched the list off); each node of type TYPE (0: any). */
static Bool chain_holds ( Addr head_at, Addr size_at, Addr type, UInt* n )
{
   const PL_PyLayout* L = pl_py.lay;
   ULong size, node, tp;
   if (!pl_rd64(size_at, &size) || !pl_rd64(head_at, &node)
       || ((Long)size < -1 || (Long)size > FREELIST_SLOTS))
      return False;
   *n = (Long)size < 0 ? 0 : (UInt)size;
   for (UInt i = 0; i < *n; i++) {
      if (node == 0 || (node & 7) != 0
          || (type && (!pl_rd64(node + L->ob_type, &tp) || tp != type))
          || !pl_rd64(node, &node))
         return False;
   }
   return node == 0;
}

/* Free list K of INTERP, D bytes from the table's place: holds *N
   objects of TYPE? */
static Bool freelist_at ( Addr interp, Long d, Int k, Addr type, UInt* n )
{
   const PL_PyLayout* L = pl_py.lay;
   Addr a = interp + d + L->is_freelists[k].array;
   Addr c = interp + d + L->is_freelists[k].count;
   return L->freelists_linked ? chain_holds(a, c, type, n)
                              : freelist_holds(a, c, type, n);
}

/* Do the free lists of INTERP sit D bytes from the table's place?
   EVIDENCE: at least one object must be on the list or dict list. */
static Bool freelist_shift_ok ( Addr interp, Long d, Bool evidence )
{
   const PL_PyLayout* L = pl_py.lay;
   UInt nl, nd, nk;
   if (!freelist_at(interp, d, 0, pl_py.list_type, &nl)
       || !freelist_at(interp, d, 1, pl_py.dict_type, &nd))
      return False;
   if (L->freelists_linked) {
      if (!freelist_at(interp, d, 2, 0, &nk)) return False;
   } else if (!pl_rd32(interp + d + L->is_freelists[2].count, &nk)
              || nk > FREELIST_SLOTS) {
      return False;
   }
   return !evidence || nl + nd > 0;
}

/* How far from the table's place the free lists of INTERP are. */
static Bool freelist_shift ( Addr interp, /*OUT*/Long* d )
{
   static Addr last_interp;
   static Long last_d;
   if (pl_py.lay->is_freelists[0].array <= 0 || pl_py.list_type == 0
       || pl_py.dict_type == 0)
      return False;
   Long expected = pl_py.debug_build && pl_py.lay->minor >= 13 ? 8 : 0;
   if (interp == last_interp && freelist_shift_ok(interp, last_d, False)) {
      *d = last_d;
      return True;
   }
   if (freelist_shift_ok(interp, expected, False)) {
      *d = expected;
      return True;
   }
   for (Long k = 0; k <= FREELIST_SEARCH; k += 8)
      for (Int sign = 1; sign >= -1; sign -= 2) {
         Long c = expected + sign * k;
         if ((k == 0 && sign < 0) || !freelist_shift_ok(interp, c, True))
            continue;
         last_interp = interp;
         last_d      = c;
         *d = c;
         return True;
      }
   return False;
}

/* Free list K of interpreter INTERP, a slot array (up to 3.13): the
   array and how many slots are in use.  False if the layout has none
   or it was not found. */
static Bool freelist ( Addr interp, Int k, /*OUT*/Addr* arr, /*OUT*/UInt* n )
{
   const PL_PyLayout* L = pl_py.lay;
   Long d;
   if (L->freelists_linked || !freelist_shift(interp, &d)) return False;
   *arr = interp + d + L->is_freelists[k].array;
   return pl_rd32(interp + d + L->is_freelists[k].count, n)
          && *n <= FREELIST_SLOTS;
}

/* Slot arrays keep stale pointers above their counts; chains (3.14+)
   leave none behind (freelist() says no). */
static void freelists_dead ( Addr interp, void (*add)(Addr, Addr) )
{
   for (Int k = 0; k < 3; k++) {
      Addr arr;
      UInt n;
      if (freelist(interp, k, &arr, &n))
         add(arr + 8 * n, arr + 8 * FREELIST_SLOTS);
   }
}

/* The live part of the dict-keys free list (is_freelists[2]): keys
   tables a dict gave back.  Their entries are stale: a resized dict's
   old table still holds the pointers it moved to the new one, and a
   freed one those of its last life. */
static void keys_freelist ( Addr interp, void* addp )
{
   void (*add)(Addr) = (void (*)(Addr))addp;
   Addr arr;
   UInt n;
   if (pl_py.lay->freelists_linked) {
      /* 3.14+: every parked object's first word is its chain's link,
         where its reference count was, so it no longer looks like an
         object: each is added (by the object's address) as dead
         memory, lists and tuples as much as keys tables. */
      const PL_PyLayout* L = pl_py.lay;
      Long d;
      if (!freelist_shift(interp, &d)) return;
      for (Int k = 0; k < L->freelists_all_n; k++) {
         ULong node;
         if (!pl_rd64(interp + d + L->freelists_all + 16 * k, &node))
            continue;
         for (UInt i = 0; node != 0 && (node & 7) == 0 && i < 100000; i++) {
            add((Addr)node);
            if (!pl_rd64(node, &node)) break;
         }
      }
      return;
   }
   if (!freelist(interp, 2, &arr, &n))
      return;
   for (UInt k = 0; k < n; k++) {
      ULong p;
      if (pl_rd64(arr + 8 * k, &p) && p != 0)
         add((Addr)p);
   }
}

void pl_pyobj_dead_blocks ( void (*add)(Addr blk) )
{
   if (pl_py.found)
      (void)pl_py_walk_threads(keys_freelist, NULL, (void*)add);
}

static void interp_dead ( Addr interp, void* add )
{
   freelists_dead(interp, (void (*)(Addr, Addr))add);
}

static Bool thread_dead ( Addr ts, void* add )
{
   datastack_dead(ts, (void (*)(Addr, Addr))add);
   return False;                              /* every thread */
}

void pl_pyobj_dead_ranges ( void (*add)(Addr lo, Addr hi) )
{
   if (pl_py.found)
      (void)pl_py_walk_threads(interp_dead, thread_dead, (void*)add);
}
