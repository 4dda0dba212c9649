/* pyleak: the Python stack at every allocation.
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   For each allocation: find the allocating thread's PyThreadState,
   walk its frames, and turn them into file:line function triples,
   innermost first.

   Finding the thread state.  CPython's "current thread state"
   variables name the GIL holder (or are NULL while a thread has
   released the GIL), so they cannot be used for a C extension that
   allocates without the GIL.  Every PyThreadState records its
   thread's pthread_self(), which on amd64 is the FS base register,
   and Valgrind keeps the client's FS base in the guest state: the
   thread's own tstate is the one in the interpreters' thread lists
   whose thread_id equals it.  The last match per Valgrind thread is
   cached and re-checked with one read.  (glibc reuses a joined
   thread's pthread_t, so only live tstates are ever matched.)

   Cost.  A full decode (names, line tables) per allocation would
   double the run time.  The walk itself only reads (code object,
   instruction offset) per frame; that sequence is hashed and looked
   up in a direct-mapped cache of decoded stacks.  Only a miss decodes,
   through a per-code-object cache of names.  Code objects die (and
   their addresses are reused), so both caches carry a generation
   number that moves whenever a block that holds a code object the
   caches know is freed (pl_intercept.c tells us, via the block's
   PL_PYF_CODE flag).  Decoded names and stacks are copied into
   deduplicating pools: a stack outlives the code it names, and equal
   stacks are one id. */

#include "pub_tool_basics.h"
#include "pub_tool_deduppoolalloc.h"
#include "pub_tool_hashtable.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_machine.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_threadstate.h"
#include "pub_tool_xarray.h"
#include "pub_tool_aspacemgr.h"
#include "libvex_guest_amd64.h"
#include "pl_include.h"
#include "pl_python.h"

UInt pl_clo_py_depth = 32;
Bool pl_clo_py_stacks = True;

#define PL_MAX_PY_DEPTH 256

/*------------------------------------------------------------*/
/*--- Pools: names and stacks                              ---*/
/*------------------------------------------------------------*/

static DedupPoolAlloc* str_pool;      /* interned file and function names */
static DedupPoolAlloc* stack_pool;    /* interned PL_PyStacks */
static XArray*         stack_by_id;   /* id-1 -> const PL_PyStack* */

typedef struct _IdNode {
   struct _IdNode* next;
   UWord           key;               /* the interned stack's address */
   UInt            id;
} IdNode;
static VgHashTable* id_of_stack;

static const HChar* intern ( const HChar* s )
{
   return VG_(allocEltDedupPA)(str_pool, VG_(strlen)(s) + 1, s);
}

const PL_PyStack* pl_pystack_get ( UInt id )
{
   if (id == 0 || id > (UInt)VG_(sizeXA)(stack_by_id)) return NULL;
   return *(const PL_PyStack**)VG_(indexXA)(stack_by_id, id - 1);
}

static UInt stack_id ( const PL_PyFrame* fr, UInt n )
{
   SizeT sz = sizeof(PL_PyStack) + n * sizeof(PL_PyFrame);
   PL_PyStack* tmp = VG_(malloc)("pl.pystack.tmp", sz);
   VG_(memset)(tmp, 0, sz);              /* dedup compares padding too */
   tmp->n = n;
   tmp->groups = 0;
   for (UInt i = 0; i < n; i++)
      if (fr[i].entry || i == n - 1)
         tmp->groups++;
   for (UInt i = 0; i < n; i++) {       /* by field: not fr's padding */
      tmp->frames[i].file  = fr[i].file;
      tmp->frames[i].func  = fr[i].func;
      tmp->frames[i].line  = fr[i].line;
      tmp->frames[i].entry = fr[i].entry;
   }
   const PL_PyStack* s = VG_(allocEltDedupPA)(stack_pool, sz, tmp);
   VG_(free)(tmp);
   IdNode* node = VG_(HT_lookup)(id_of_stack, (UWord)s);
   if (node == NULL) {
      node = VG_(malloc)("pl.pystack.idnode", sizeof *node);
      node->key = (UWord)s;
      VG_(addToXA)(stack_by_id, &s);
      node->id = (UInt)VG_(sizeXA)(stack_by_id);
      tl_assert(node->id < (1U << 30));   /* PL_Block.py_stack */
      VG_(HT_add_node)(id_of_stack, node);
   }
   return node->id;
}

/*------------------------------------------------------------*/
/*--- Line tables                                          ---*/
/*------------------------------------------------------------*/

/* The bytes of a bytes object, validated; NULL if unreadable. */
static const UChar* bytes_of ( Addr obj, /*OUT*/SizeT* len )
{
   const PL_PyLayout* L = pl_py.lay;
   ULong n;
   if (!pl_rd64(obj + L->bytes_size, &n) || n > (16u << 20)) return NULL;
   if (!pl_readable(obj + L->bytes_sval, n)) return NULL;
   *len = n;
   return (const UChar*)(obj + L->bytes_sval);
}

/* 3.10, PEP 626: (sdelta, ldelta) byte pairs over byte offsets.  A is
   a byte offset, or negative for a frame that has not started. */
static Int addr2line_310 ( const UChar* t, SizeT len, Int first, Int a )
{
   if (a < 0) return first;
   Int line = first, addr = 0;
   for (SizeT i = 0; i + 1 < len; i += 2) {
      Int start = addr;
      addr += t[i];
      Int ldelta = (Char)t[i + 1];
      Int entry_line = -1;
      if (ldelta != -128) { line += ldelta; entry_line = line; }
      if (t[i] != 0 && a >= start && a < addr) return entry_line;
   }
   return -1;
}

static UInt read_varint ( const UChar* t, SizeT len, SizeT* i )
{
   UInt v = 0, shift = 0;
   while (*i < len) {
      UChar b = t[(*i)++];
      v |= (UInt)(b & 63) << shift;
      shift += 6;
      if (!(b & 64) || shift > 30) break;
   }
   return v;
}

static Int read_svarint ( const UChar* t, SizeT len, SizeT* i )
{
   UInt v = read_varint(t, len, i);
   return (v & 1) ? -(Int)(v >> 1) : (Int)(v >> 1);
}

/* 3.11+: the location table; A is an offset in code units. */
static Int addr2line_311 ( const UChar* t, SizeT len, Int first, Int a )
{
   if (a < 0) return first;
   Int line = first, addr = 0;
   SizeT i = 0;
   while (i < len) {
      UChar b = t[i++];
      if (!(b & 0x80)) continue;           /* resynchronise */
      Int code = (b >> 3) & 15, length = (b & 7) + 1;
      Int entry_line = line, delta = 0;
      switch (code) {
      case 15:  entry_line = -1; break;
      case 14:  delta = read_svarint(t, len, &i);
                (void)read_varint(t, len, &i);
                (void)read_varint(t, len, &i);
                (void)read_varint(t, len, &i);
                break;
      case 13:  delta = read_svarint(t, len, &i); break;
      case 10: case 11: case 12:
                delta = code - 10; i += 2; break;
      default:  i += 1; break;             /* short form */
      }
      if (code != 15) { line += delta; entry_line = line; }
      if (a >= addr && a < addr + length) return entry_line;
      addr += length;
   }
   return -1;
}

/*------------------------------------------------------------*/
/*--- Code objects                                         ---*/
/*------------------------------------------------------------*/

static UInt code_gen = 1;     /* moves when a known code object dies */

typedef struct _CodeInfo {
   struct _CodeInfo* next;
   UWord        key;          /* the code object's address */
   UInt         gen;
   const HChar* file;
   const HChar* func;
   Int          firstlineno;
   Bool         watched;      /* its death moves code_gen */
} CodeInfo;
static VgHashTable* code_infos;

void pl_pystack_code_freed ( void )
{
   code_gen++;
}

/* Mark the heap block holding code object CODE so that its free moves
   the generation.  Returns False if CODE's lifetime cannot be watched
   (neither a heap block nor static data): then it is not cached. */
static Bool watch_code ( Addr code )
{
   /* Under PYTHONMALLOC=malloc a code object starts its block; the
      malloc_debug hooks put one or two 16-byte headers before it. */
   for (Int pre = 0; pre <= 32; pre += 16) {
      PL_Block* b = pl_shadow_lookup(code - pre);
      if (b && b->szB > (SizeT)pre) {
         b->py_flags |= PL_PYF_CODE;
         return True;
      }
   }
   NSegment const* seg = VG_(am_find_nsegment)(code);
   return seg && seg->kind == SkFileC;   /* static (deep-frozen) code */
}

static Bool code_info ( Addr code, /*OUT*/CodeInfo* out )
{
   CodeInfo* ci = VG_(HT_lookup)(code_infos, code);
   if (ci && ci->gen == code_gen) { *out = *ci; return True; }

   const PL_PyLayout* L = pl_py.lay;
   ULong fname, name;
   UInt  first;
   if (!pl_rd64(code + L->co_filename, &fname)
       || !pl_rd64(code + (L->co_qualname >= 0 ? L->co_qualname : L->co_name),
                   &name)
       || !pl_rd32(code + L->co_firstlineno, &first))
      return False;
   HChar buf[512];
   CodeInfo tmp;
   tmp.key = code;
   tmp.gen = code_gen;
   tmp.firstlineno = (Int)first;
   tmp.file = intern(pl_py_str(fname, buf, sizeof buf) ? buf : "???");
   tmp.func = intern(pl_py_str(name, buf, sizeof buf) ? buf : "???");
   tmp.watched = watch_code(code);
   *out = tmp;
   if (!tmp.watched) return True;
   if (ci == NULL) {
      ci = VG_(malloc)("pl.pystack.codeinfo", sizeof *ci);
      *ci = tmp;
      VG_(HT_add_node)(code_infos, ci);
   } else {
      CodeInfo* link = ci->next;
      *ci = tmp;
      ci->next = link;
   }
   return True;
}

static Int code_line ( Addr code, const CodeInfo* ci, Long off )
{
   const PL_PyLayout* L = pl_py.lay;
   ULong lt;
   SizeT len;
   if (!pl_rd64(code + L->co_linetable, &lt)) return -1;
   const UChar* t = bytes_of(lt, &len);
   if (t == NULL) return -1;
   if (L->linetable == PL_LineTable310)
      return addr2line_310(t, len, ci->firstlineno, off < 0 ? -1 : (Int)(2 * off));
   return addr2line_311(t, len, ci->firstlineno, (Int)off);
}

/* The line of each (code object, offset) seen lately.  A stack not in
   the cache of decoded stacks (below) is decoded frame by frame, and
   finding a frame's line walks its code object's location table from
   the start: for the long functions of a test runner, with tens of
   frames a stack, that walk was most of an allocation's cost.  An
   entry holds while its code object lives (code_gen). */
#define N_LINECACHE 8192
typedef struct { Addr code; Long off; UInt gen; Int line; } LineEntry;
static LineEntry linecache[N_LINECACHE];

static Int line_at ( Addr code, const CodeInfo* ci, Long off )
{
   if (!ci->watched)
      return code_line(code, ci, off);
   LineEntry* e = &linecache[pl_ptab_mix(code, (UWord)off) % N_LINECACHE];
   if (e->code == code && e->off == off && e->gen == code_gen)
      return e->line;
   e->code = code;
   e->off  = off;
   e->gen  = code_gen;
   e->line = code_line(code, ci, off);
   return e->line;
}

/*------------------------------------------------------------*/
/*--- Threads and frames                                   ---*/
/*------------------------------------------------------------*/

/* Per Valgrind thread; VG_N_THREADS is only known after the command
   line (--max-threads), so the array is made on first use. */
static Addr* tstate_cache;

static Bool is_thread_of ( Addr ts, void* fs )
{
   ULong v;
   return pl_rd64(ts + pl_py.lay->ts_thread_id, &v) && v == *(ULong*)fs;
}

Addr pl_thread_pointer ( ThreadId tid )
{
   ULong fs = 0;
   VG_(get_shadow_regs_area)(tid, (UChar*)&fs, 0,
                             offsetof(VexGuestAMD64State, guest_FS_CONST), 8);
   return (Addr)fs;
}

static Addr find_tstate ( ThreadId tid )
{
   const PL_PyLayout* L = pl_py.lay;
   ULong fs = pl_thread_pointer(tid), v;
   if (UNLIKELY(tstate_cache == NULL)) {
      tstate_cache = VG_(malloc)("pl.pystack.tscache",
                                 VG_N_THREADS * sizeof(Addr));
      VG_(memset)(tstate_cache, 0, VG_N_THREADS * sizeof(Addr));
   }
   Addr ts = tstate_cache[tid];
   if (ts && pl_rd64(ts + L->ts_thread_id, &v) && v == fs)
      return ts;
   tstate_cache[tid] = pl_py_walk_threads(NULL, is_thread_of, &fs);
   return tstate_cache[tid];
}

/* Long, not Int: the cache compares keys word by word, so no padding.
   A code object is 8-aligned: the low bit of CODE is PL_PyFrame's
   ENTRY (the frame began a call of the evaluation loop). */
typedef struct { Addr code; Long off; } FrameKey;
#define KEY_ENTRY  ((Addr)1)

/* How many bytes from its start a frame's and a code object's fields
   that the walk reads reach: each frame and each code object is
   validated once, as one range, and its fields are then read
   directly.  The walk runs at every allocation, and one validation per
   field was a tenth of pyleak's time on Python workloads. */
static const PL_PyLayout* spans_for;
static SizeT frame_span, code_span;

static void compute_spans ( const PL_PyLayout* L )
{
#  define REACH(var, off, sz)  if ((off) >= 0 && (SizeT)(off) + (sz) > var) \
                                  var = (SizeT)(off) + (sz)
   frame_span = code_span = 0;
   REACH(frame_span, L->fr_code, 8);
   REACH(frame_span, L->fr_prev, 8);
   REACH(frame_span, L->fr_lasti, 4);
   REACH(frame_span, L->fr_instr, 8);
   REACH(frame_span, L->fr_owner, 1);
   REACH(frame_span, L->fr_is_entry, 1);
   REACH(code_span, L->ob_type, 8);
   REACH(code_span, L->co_firsttraceable, 4);
#  undef REACH
   spans_for = L;
}

#define FIELD64(base, off)  (*(const ULong*)((base) + (off)))
#define FIELD32(base, off)  (*(const UInt*)((base) + (off)))
#define FIELD8(base, off)   (*(const UChar*)((base) + (off)))

/* The innermost frame of thread state TS, or 0. */
static Addr top_frame ( Addr ts )
{
   const PL_PyLayout* L = pl_py.lay;
   ULong f, cf;
   if (L->ts_cframe >= 0) {
      if (!pl_rd64(ts + L->ts_cframe, &cf) || cf == 0
          || !pl_rd64(cf + L->cf_frame, &f)) return 0;
   } else if (!pl_rd64(ts + L->ts_frame, &f)) {
      return 0;
   }
   return f;
}

/* A stack deeper than --py-depth keeps its innermost frames and its
   outermost ones (the entry function a report is grouped by), with one
   elision frame between, within the same number of frames.  Walking
   to the outermost costs one read per frame of the whole chain, up to
   this many frames (twice Python's default recursion limit). */
#define PL_PY_OUTER      8
#define PL_PY_WALK_MAX   2000
#define KEY_ELIDED_CODE  ((Addr)0)     /* the elision frame's key */

/* Collect (code, offset) for TSTATE's frames, at most MAX; returns n. */
static UInt walk ( Addr ts, FrameKey* keys, UInt max )
{
   const PL_PyLayout* L = pl_py.lay;
   if (UNLIKELY(spans_for != L)) compute_spans(L);
   Addr f = top_frame(ts);

   /* Past MAX frames, the last OUTER ones go round RING. */
   UInt outer = max >= 4 * PL_PY_OUTER ? PL_PY_OUTER : max / 4;
   FrameKey ring[PL_PY_OUTER];
   UInt rn = 0;                     /* frames that went to the ring */
   FrameKey* last = NULL;           /* the latest frame kept */

   UInt n = 0;
   /* A real chain skips at most one shim frame per kept
      one; the bound also ends a chain that loops. */
   UInt limit = outer ? 2 * PL_PY_WALK_MAX : 2 * max + 16;
   for (UInt guard = 0; f && guard < limit; guard++) {
      if (n == max && outer == 0) break;
      if (!pl_readable(f, frame_span)) break;
      Addr code = pl_stackref_obj(L, FIELD64(f, L->fr_code));
      Addr prev = FIELD64(f, L->fr_prev);
      Long off  = -1;
      Bool keep = True;
      if (L->fr_lasti >= 0) {                       /* 3.10 */
         off = (Int)FIELD32(f, L->fr_lasti);        /* -1: not started */
      } else {                                      /* 3.11+ */
         UChar owner = FIELD8(f, L->fr_owner);
         if (L->owner_cstack >= 0 && owner == L->owner_cstack) {
            keep = False;                           /* shim frame: */
            if (last)                  /* the frame after it began a */
               last->code |= KEY_ENTRY;              /* call (3.12+) */
         } else if (!pl_readable(code, code_span)
                    || (pl_py.code_type
                        && FIELD64(code, L->ob_type) != pl_py.code_type)) {
            keep = False;                           /* not code */
         } else {
            ULong instr   = FIELD64(f, L->fr_instr);
            Addr  start   = code + L->co_code_adaptive;
            UInt  firsttr = L->co_firsttraceable >= 0
                               ? FIELD32(code, L->co_firsttraceable) : 0;
            /* A frame in its prologue (MAKE_CELL, COPY_FREE_VARS, before
               RESUME) is linked and its code set: what it allocates (the
               cells of a closure) is the function's, at its def line. */
            if (owner != L->owner_generator
                && instr < start + 2 * (ULong)firsttr)
               off = -1;
            else
               off = instr < start ? -1 : (Long)((instr - start) / 2);
         }
      }
      if (keep) {
         FrameKey* k = n < max ? &keys[n++] : &ring[rn++ % outer];
         k->code = code;
         k->off  = off;
         if (L->fr_is_entry >= 0 && FIELD8(f, L->fr_is_entry))   /* 3.11 */
            k->code |= KEY_ENTRY;
         last = k;
      }
      f = prev;
   }
   if (rn == 0)
      return n;

   /* Deeper than MAX: the innermost MAX - OUTER - 1, the elision frame,
      the outermost OUTER (from the end of KEYS when the ring has fewer
      than OUTER). */
   UInt total = max + rn;
   UInt inner = max - outer - 1;
   FrameKey tail[PL_PY_OUTER];
   for (UInt t = 0; t < outer; t++) {
      UInt i = total - outer + t;             /* in the whole sequence */
      tail[t] = i < max ? keys[i] : ring[(i - max) % outer];
   }
   keys[inner].code = KEY_ELIDED_CODE;
   keys[inner].off  = (Long)(total - inner - outer);     /* how many */
   for (UInt t = 0; t < outer; t++)
      keys[inner + 1 + t] = tail[t];
   return inner + 1 + outer;
}

/*------------------------------------------------------------*/
/*--- Which frame's local a root word is (retainers)       ---*/
/*------------------------------------------------------------*/

typedef struct { Addr a, frame; HChar* buf; SizeT sz; } LocalQuery;

static Bool find_local ( Addr ts, void* opaque )
{
   LocalQuery* q = opaque;
   const PL_PyLayout* L = pl_py.lay;
   ULong f = top_frame(ts), code, names, name;
   UInt  n;
   for (UInt guard = 0; f && guard < 10000; guard++) {
      Addr lo = f + L->fr_localsplus;
      if (!pl_rd64(f + L->fr_code, &code)
          || !pl_rd32(pl_stackref_obj(L, code) + L->co_nlocalsplus, &n))
         return False;
      code = pl_stackref_obj(L, code);
      if (q->a >= lo && q->a < lo + 8 * (ULong)n && n < (1u << 20)) {
         HChar var[96] = "?";
         UInt i = (q->a - lo) / 8;
         /* The names tuple's items. */
         if (pl_rd64(code + L->co_localsplusnames, &names)
             && pl_rd64(names + L->tuple_items + 8 * (ULong)i, &name))
            pl_py_str(name, var, sizeof var);
         CodeInfo ci;
         Bool ok = code_info(code, &ci);
         VG_(snprintf)(q->buf, q->sz, "local '%s' in %s (%s)", var,
                       ok ? ci.func : "?", ok ? ci.file : "?");
         q->frame = f;
         return True;
      }
      if (!pl_rd64(f + L->fr_prev, &f)) return False;
   }
   return False;
}

Bool pl_pystack_local_at ( Addr a, /*OUT*/Addr* frame, HChar* buf,
                           SizeT sz )
{
   if (!pl_py.found || pl_py.lay->fr_localsplus < 0) return False;
   LocalQuery q = { a, 0, buf, sz };
   if (pl_py_walk_threads(NULL, find_local, &q) == 0) return False;
   *frame = q.frame;
   return True;
}

/*------------------------------------------------------------*/
/*--- The cache of decoded stacks                          ---*/
/*------------------------------------------------------------*/

#define N_SIGCACHE 4096

typedef struct {
   UWord     hash;
   UInt      gen;
   UInt      n;
   UInt      id;
   UChar     native_depth;   /* pl_pystack_capture's *DEPTH */
   FrameKey* keys;           /* n entries */
} SigEntry;

static SigEntry sigcache[N_SIGCACHE];

/* FrameKey is two words, without padding. */
static UWord hash_keys ( const FrameKey* k, UInt n )
{
   return pl_hash_words((const UWord*)k, 2 * n);
}

static UInt decode ( const FrameKey* keys, UInt n )
{
   PL_PyFrame fr[PL_MAX_PY_DEPTH];
   UInt m = 0;
   for (UInt i = 0; i < n; i++) {
      CodeInfo ci;
      Addr code = keys[i].code & ~KEY_ENTRY;
      if (code == KEY_ELIDED_CODE) {
         /* Not how many: one record for every depth of a recursion. */
         fr[m].file  = intern("...");
         fr[m].func  = fr[m].file;
         fr[m].line  = -1;
         fr[m].entry = False;
         m++;
         continue;
      }
      if (!code_info(code, &ci)) continue;
      fr[m].file  = ci.file;
      fr[m].func  = ci.func;
      fr[m].line  = line_at(code, &ci, keys[i].off);
      fr[m].entry = (keys[i].code & KEY_ENTRY) != 0;
      m++;
   }
   return m ? stack_id(fr, m) : 0;
}

UInt pl_pystack_capture ( ThreadId tid, /*OUT*/UChar** depth )
{
   if (!pl_py.found) return 0;
   Addr ts = find_tstate(tid);
   if (ts == 0) return 0;

   FrameKey keys[PL_MAX_PY_DEPTH];
   UInt n = walk(ts, keys, pl_clo_py_depth);
   if (n == 0) return 0;

   UWord h = hash_keys(keys, n);
   SigEntry* e = &sigcache[h % N_SIGCACHE];
   if (e->hash == h && e->gen == code_gen && e->n == n) {
      UInt i = 0;          /* VG_(memcmp) goes byte by byte: too slow */
      while (i < n && e->keys[i].code == keys[i].code
             && e->keys[i].off == keys[i].off)
         i++;
      if (i == n) {
         *depth = &e->native_depth;
         return e->id;
      }
   }

   UInt id = decode(keys, n);
   if (e->keys) VG_(free)(e->keys);
   e->keys = VG_(malloc)("pl.pystack.sigkeys", n * sizeof(FrameKey));
   VG_(memcpy)(e->keys, keys, n * sizeof(FrameKey));
   e->hash = h;
   e->gen  = code_gen;
   e->n    = n;
   e->id   = id;
   e->native_depth = 0;
   *depth  = &e->native_depth;
   return id;
}

void pl_pystack_init ( void )
{
   str_pool    = VG_(newDedupPA)(16384, 1, VG_(malloc), "pl.pystack.str",
                                 VG_(free));
   stack_pool  = VG_(newDedupPA)(16384, sizeof(void*), VG_(malloc),
                                 "pl.pystack.stacks", VG_(free));
   stack_by_id = VG_(newXA)(VG_(malloc), "pl.pystack.byid", VG_(free),
                            sizeof(const PL_PyStack*));
   id_of_stack = VG_(HT_construct)("pl.pystack.ids");
   code_infos  = VG_(HT_construct)("pl.pystack.code");
}
