/* pyleak: the reachability scan.
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   The semantics are memcheck's, reimplemented:
   - Roots are the client's readable and writable mappings that are not
     the client heap (data, bss, thread stacks, anonymous mmaps), minus
     device mappings, minus the part of each thread stack below its
     stack pointer (and the red zone of the thread that asked for the
     check, see redzone_of), plus every thread's registers.
   - Every pointer-aligned word is a candidate pointer.  A word equal to
     a block's start reaches it; a word inside it reaches it only
     "possibly".  A block reached from a root or a reachable block by a
     start pointer is reachable; one reached otherwise is possible, and
     so is everything reached only through it.
   - What is left is lost.  Walking the lost blocks in address order,
     each still-unvisited one becomes a clique leader ("definite"), and
     every unvisited lost block reachable from it joins its clique as
     "indirect", its bytes added to the leader's indirect total.
   - Python objects (when an interpreter is known) are told apart among
     the lost blocks by their reference counts; see "Python leaks"
     below.  The GC's list links in each object's GC header are not
     references and are neither scanned nor followed.
   Marking uses an explicit queue of block indices with a pending flag,
   so each block is in the queue at most once: a 10-million-node list
   needs 40 MB of queue array and no recursion.  The queue is first in,
   first out, so each root's blocks are reached breadth first: the
   block that first reaches another (its parent, kept for pl_retain.c)
   is on a shortest path from that root.

   What differs from memcheck: memcheck also skips words whose bits are
   undefined.  pyleak zeroes fresh blocks (pl_intercept.c) and skips the
   dead part of each stack, which covers the usual sources of stale
   words; an uninitialised local in a live frame can still hold one. */

#include "pub_tool_basics.h"
#include "pub_tool_libcproc.h"
#include "pub_tool_aspacehl.h"
#include "pub_tool_aspacemgr.h"
#include "pub_tool_debuginfo.h"
#include "pub_tool_execontext.h"
#include "pub_tool_xarray.h"
#include "pub_tool_addrinfo.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_libcsetjmp.h"
#include "pub_tool_libcsignal.h"
#include "pub_tool_machine.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_options.h"
#include "pub_tool_signals.h"
#include "pub_tool_threadstate.h"
#include "pub_tool_vki.h"
#include "pl_include.h"
#include "pl_elf.h"
#include "pl_python.h"

/* Scan states.  Unreached blocks end up leading a group of lost
   blocks (definite, leaked-ref, uncollected-cycle) or in one
   (S_Indirect). */
enum { S_Unreached = 0, S_Indirect, S_Possible, S_Reachable, S_LeakRoot };

/* Per block during a scan: 5 bytes (a heap of ten million blocks). */
typedef struct {
   UChar state    : 3;
   UChar pending  : 1;     /* on the mark stack now */
   UChar gc       : 1;     /* the object has a GC header */
   UChar cyclic   : 1;     /* group leader referenced from its group */
   UChar dead     : 1;     /* an object with no reference: free list */
   UChar has_dead : 1;     /* holds a dead range (see scan_live) */
   UChar heur     : 3;     /* reached by a heuristic's interior pointer
                              only: PL_Heuristic + 1, or 0 */
   UChar constant : 1;     /* an int or bytes a code object holds: its
                              payload is data (mark_constants) */
   UChar obj_off;          /* offset of its PyObject, or NO_OBJ */
   UChar hook_off;         /* CPython debug-hook headers' bytes */
   UChar text_off;         /* a bytes/str object's inline text, or 0 */
} Extra;

#define NO_OBJ PL_NO_OBJ
STATIC_ASSERT(PL_NHeur + 1 < 8);         /* Extra.heur */

/* The state of one scan; file-static because the fault catcher and
   the register callback take no closure. */
static PL_Block** sc_blocks;
static UInt       sc_n;
static Extra*     sc_extra;
static SizeT*     sc_indirect;     /* per clique leader; NULL while
                                      nothing is lost (group_lost) */
static Int*       sc_leader;       /* per block: the group it joined;
                                      NULL while nothing is lost */
static Addr*      sc_type;         /* per block: Python type, or 0;
                                      NULL: no interpreter (TYPE_OF) */
#define TYPE_OF(i) (sc_type ? sc_type[i] : 0)
static Int*       sc_queue;        /* ring of block indices to scan */
static UInt       sc_head, sc_count;
static Int*       sc_parent;       /* see PL_ScanResult */
static Int*       sc_order;
static UInt       sc_n_order;
static XArray*    sc_roots;
static Int        scan_src;        /* block being scanned, -1: a root */
static volatile Addr scan_cur;     /* the word being scanned, 0 for a
                                      register */
static ThreadId   scan_reg_tid;    /* the thread of a register root */
static Addr       sc_lo, sc_hi;    /* [lowest start, highest end) */

/*------------------------------------------------------------*/
/*--- Finding the block a word points into                 ---*/
/*------------------------------------------------------------*/

/* One past the last address block B covers: a zero-sized block covers
   its one start address, else nothing could ever point to it. */
static inline Addr block_end ( const PL_Block* b )
{
   return b->data + (b->szB ? b->szB : 1);
}

/* Index of the block containing A, or -1. */
static Int block_index ( PL_Block* const* blocks, UInt n, Addr a )
{
   Int lo = 0, hi = (Int)n - 1;
   while (lo <= hi) {
      Int mid = lo + (hi - lo) / 2;
      const PL_Block* b = blocks[mid];
      if (a < b->data)
         hi = mid - 1;
      else if (a >= block_end(b))
         lo = mid + 1;
      else
         return mid;
   }
   return -1;
}

/* A page index over [sc_lo, sc_hi), built for each scan: the binary
   search above reads a block record (a cache miss) at each of its
   ~20 steps for a million blocks, for every word of the heap that
   looks like a pointer into it, which made it most of a checkpoint's
   time.  sc_page[p] is how many blocks start before page p; the block
   that may hold an address of page p is then among the few that start
   in the page or the one before them.  Pages are 4 KB, or larger so
   that the index has at most a quarter as many entries as there are
   blocks (a sparse heap).  Not with nested blocks (a metapool's
   chunks hold other blocks), where the last block to start before an
   address need not be the one that holds it.

   Within a page the search reads sc_pol, each block's offset in its
   page (pages of at most 64 KB) in the low 16 bits and its size
   (65535 for larger ones) in the high 16, side by side, instead of the
   blocks' records: a Python heap has tens of blocks a page, and
   reading their records cost a cache miss a step, then one more for
   the size.  The array (4 bytes a block, during the scan only) is made
   when that is at most an eighth of the heap's bytes: a heap of tiny
   blocks (a C program's millions of 16-byte nodes) keeps its check's
   memory low instead. */
static UInt*      sc_page;
static UInt*      sc_pol;
static UInt       sc_page_shift;
#define POL_OFF(i) (sc_pol[i] & 0xFFFF)
#define POL_LEN(i) (sc_pol[i] >> 16)

static void build_page_index ( Bool nested, ULong heap_bytes )
{
   sc_page = NULL;
   sc_pol  = NULL;
   if (sc_n < 64 || nested)
      return;
   UWord span = sc_hi - sc_lo;
   sc_page_shift = 12;
   while ((span >> sc_page_shift) + 2 > (UWord)sc_n / 4 + 1024)
      sc_page_shift++;
   UWord n_pages = (span >> sc_page_shift) + 1;
   sc_page = VG_(malloc)("pl.scan.page", (n_pages + 1) * sizeof(UInt));
   UInt i = 0;
   for (UWord p = 0; p <= n_pages; p++) {
      Addr start = sc_lo + (p << sc_page_shift);
      while (i < sc_n && sc_blocks[i]->data < start) i++;
      sc_page[p] = i;
   }
   if (sc_page_shift <= 16 && 8 * 4 * (ULong)sc_n <= heap_bytes) {
      UWord mask = ((UWord)1 << sc_page_shift) - 1;
      sc_pol = VG_(malloc)("pl.scan.pol", sc_n * sizeof(UInt));
      for (i = 0; i < sc_n; i++) {
         SizeT len = block_end(sc_blocks[i]) - sc_blocks[i]->data;
         sc_pol[i] = (UInt)((sc_blocks[i]->data - sc_lo) & mask)
                     | (UInt)(len < 0xFFFF ? len : 0xFFFF) << 16;
      }
   }
}

static inline Int find_block ( Addr a )
{
   if (a < sc_lo || a >= sc_hi)
      return -1;
   if (sc_page == NULL)
      return block_index(sc_blocks, sc_n, a);
   UWord p = (a - sc_lo) >> sc_page_shift;
   /* The last block to start at or before A: one of those that start
      in page p, or the last to start before it. */
   Int first = (Int)sc_page[p], last = (Int)sc_page[p + 1] - 1;
   Int lo;
   if (sc_pol != NULL) {
      UWord off = (a - sc_lo) & (((UWord)1 << sc_page_shift) - 1);
      if (last < first || POL_OFF(first) > off) {
         lo = first - 1;               /* none in the page starts by A */
         if (lo < 0) return -1;
      } else {
         Int hi = last;
         lo = first;
         while (lo < hi) {
            Int mid = hi - (hi - lo) / 2;
            if (POL_OFF(mid) <= off) lo = mid; else hi = mid - 1;
         }
         /* A is in the block's page, OFF - its offset bytes into it. */
         if (off - POL_OFF(lo) < POL_LEN(lo)) return lo;
         if (POL_LEN(lo) < 0xFFFF) return -1;
      }
   } else {
      lo = first - 1;
      Int hi = last;
      if (lo < 0) lo = 0;
      if (hi < lo) return -1;
      while (lo < hi) {
         Int mid = hi - (hi - lo) / 2;
         if (sc_blocks[mid]->data <= a) lo = mid; else hi = mid - 1;
      }
   }
   const PL_Block* b = sc_blocks[lo];
   if (a < b->data || a >= block_end(b))
      return -1;
   return lo;
}

Int pl_scan_find ( const PL_ScanResult* s, Addr a )
{
   return block_index(s->blocks, s->n_blocks, a);
}

static void push ( Int i )
{
   if (sc_extra[i].pending)
      return;
   sc_extra[i].pending = 1;
   UInt at = sc_head + sc_count++;
   sc_queue[at >= sc_n ? at - sc_n : at] = i;
}

static Int pop ( void )
{
   Int i = sc_queue[sc_head];
   sc_head = sc_head + 1 == sc_n ? 0 : sc_head + 1;
   sc_count--;
   sc_extra[i].pending = 0;
   return i;
}

/* Block I has just become reachable from what is being scanned. */
static void reached ( Int i )
{
   if (sc_parent == NULL)
      return;                          /* no retainers wanted */
   if (scan_src >= 0) {
      sc_parent[i] = scan_src;
   } else {
      PL_Root r = { scan_cur, scan_cur ? VG_INVALID_THREADID : scan_reg_tid };
      sc_parent[i] = PL_ROOT_PARENT(VG_(sizeXA)(sc_roots));
      VG_(addToXA)(sc_roots, &r);
   }
   sc_order[sc_n_order++] = i;
}

/* The references found while marking, for the dominator tree
   (pl_retain.c): from a reachable block or a root to a reachable block,
   by a pointer to its start (or its object). */
static Bool    sc_want_edges;     /* for the dominators */
static Bool    sc_want_ret;       /* the retainers of reachable objects */
static UInt*   sc_efrom;
static UInt*   sc_eto;
static UInt    sc_ne, sc_ecap;
static XArray* sc_root_edges;

static void add_edge ( Int i )
{
   if (scan_src < 0) {
      PL_RootEdge re = { { scan_cur, scan_cur ? VG_INVALID_THREADID
                                              : scan_reg_tid }, (UInt)i };
      VG_(addToXA)(sc_root_edges, &re);
      return;
   }
   if (sc_ne == sc_ecap) {
      sc_ecap = sc_ecap ? 2 * sc_ecap : 4096;
      sc_efrom = VG_(realloc)("pl.scan.efrom", sc_efrom, sc_ecap * sizeof(UInt));
      sc_eto   = VG_(realloc)("pl.scan.eto", sc_eto, sc_ecap * sizeof(UInt));
   }
   sc_efrom[sc_ne] = (UInt)scan_src;
   sc_eto[sc_ne]   = (UInt)i;
   sc_ne++;
}

/* Is W inside block I's GC header?  The header holds the GC's list
   links (3.12+ with flag bits in them): every tracked object is on a
   list whose head is in the interpreter's state, so following them
   would make every object reachable.  Nothing else points there. */
static inline Bool in_gc_head ( Int i, Addr w )
{
   const Extra* ex = &sc_extra[i];
   if (ex->obj_off == NO_OBJ || !ex->gc) return False;
   Addr obj = sc_blocks[i]->data + ex->obj_off;
   return w >= obj - 16 && w < obj;
}

/* Is W a reference to block I's Python object? */
static inline Bool is_obj_ref ( Int i, Addr w )
{
   const Extra* ex = &sc_extra[i];
   return ex->obj_off != NO_OBJ && w == sc_blocks[i]->data + ex->obj_off;
}

/*------------------------------------------------------------*/
/*--- The two marking rules                                ---*/
/*------------------------------------------------------------*/

/* The block being scanned is a dead object (see scan_block). */
static Bool scan_src_dead;


/* --debug-pointers-to-size=N: say where each pointer to a block of N
   bytes was found in the root phase (a debugging aid for "why is
   this block reachable"). */
SizeT pl_clo_debug_ptr_size = 0;

static void debug_pointer ( Addr w, Int i )
{
   NSegment const* seg = scan_cur ? VG_(am_find_nsegment)(scan_cur) : NULL;
   Int from = scan_cur ? find_block(scan_cur) : -1;
   VG_(umsg)("pointer to the %lu-byte block at %#lx (+%lu) found at %#lx"
             " (%s%s) in [%#lx, %#lx] off %#llx\n", sc_blocks[i]->szB, sc_blocks[i]->data,
             w - sc_blocks[i]->data, (Addr)scan_cur,
             scan_cur == 0 ? "a register" : from >= 0 ? "heap block"
             : seg == NULL ? "?" : seg->kind == SkFileC ? "file mapping "
             : seg->kind == SkAnonC ? "anonymous mapping" : "other",
             seg && seg->kind == SkFileC && from < 0
                ? (VG_(am_get_filename)(seg) ? VG_(am_get_filename)(seg) : "")
                : "", seg ? seg->start : 0, seg ? seg->end : 0, seg ? (ULong)seg->offset : 0ULL);
   if (from >= 0) {
      HChar tn[96] = "not a Python object";
      if (TYPE_OF(from)) pl_pyobj_type_name(sc_type[from], tn, sizeof tn);
      VG_(umsg)("   in the %lu-byte block at %#lx (+%lu, %s), allocated\n",
                sc_blocks[from]->szB, sc_blocks[from]->data,
                (Addr)scan_cur - sc_blocks[from]->data, tn);
      pl_pp_stacks(pl_block_where(sc_blocks[from]), sc_blocks[from]->py_stack);
   }
}

/* The aligned-allocation idiom: malloc more than needed, point at an
   aligned address inside, and keep the block's own start next to it
   (before or just after the aligned pointer) to free it later.  glibc
   does this for its dl_find_object tables, which every process that
   dlopens an extension has; a check made while the program runs would
   call them "possibly lost".  Such an interior pointer counts as a
   pointer to the start. */
static Bool aligned_alloc_pointer ( Addr w, Int i )
{
   Addr d = sc_blocks[i]->data, end = d + sc_blocks[i]->szB;
   if (w == d || (w & 7) != 0) return False;
   if (w >= d + 8 && *(const Addr*)(w - 8) == d) return True;
   if (w + 16 <= end && *(const Addr*)(w + 8) == d) return True;
   return False;
}

/* 3.11 and 3.12 keep an instance's attribute values in a block whose
   start holds the insertion order, and point past it: the byte just
   before the values is the prefix's size (a multiple of 8 below 256,
   written by the interpreter's new_values()).  3.12 stores the pointer
   tagged, minus one (PyDictOrValues). */
static Bool dict_values_pointer ( Addr w, Addr d )
{
   if (!pl_py.found || pl_py.lay->minor < 11 || pl_py.lay->minor > 12)
      return False;
   for (Int tag = pl_py.lay->minor == 12 ? 1 : 0; tag >= 0; tag--) {
      Addr  v = w + tag;
      UWord k = v - d;
      if (k >= 8 && k < 256 && (k & 7) == 0 && *(const UChar*)(v - 1) == k)
         return True;
   }
   return False;
}

/* 3.14+: a frame's slots are _PyStackRefs, an object's address with
   tag bits; tag 1 marks a reference the frame does not own (borrowed or
   deferred), and is still how the frame holds the object. */
static Bool stackref_pointer ( Addr w, Int i )
{
   return pl_py.found && pl_py.lay->stackrefs && (w & 3) == 1
          && is_obj_ref(i, w - 1);
}

/* Does W point to block I the way its owner holds it: its start, or,
   for a Python object, the object (past the GC header and pre-header:
   how every Python reference looks), a frame's tagged reference to
   it, the object past debug-hook headers, or a `char *` to a bytes or
   str object's text (pl_pyobj_text_offset)? */
static Bool points_at_start ( Int i, Addr w )
{
   const Extra* ex = &sc_extra[i];
   Addr d = sc_blocks[i]->data;
   return w == d || is_obj_ref(i, w) || stackref_pointer(w, i)
          || (ex->hook_off && w == d + ex->hook_off)
          || (ex->text_off && w == d + ex->text_off);
}

/* memcheck's --leak-check-heuristics: interior pointers that common
   C++ and C idioms make, which count as pointers to the block's start
   (the block is then "reachable via heuristic"):
   - stdstring: the characters of a pre-C++11 std::string, after its
     length, capacity and refcount (block = 3 words + capacity + 1);
   - length64: 8 bytes in, after a 64-bit count of the bytes after it
     (sqlite's allocations);
   - newarray: one word in, after new[]'s element count (a non-zero
     count that divides the rest);
   - multipleinheritance: a C++ object's second base, whose first word,
     like the block's first word, points at a vtable (an array, in a
     file mapping, of at least two pointers into executable file
     mappings, among its first 20 words).
   The reads are guarded: a fault means "no". */
static UInt sc_heuristics;

/* A fault catcher is left with a longjmp, out of the signal handler
   that called it: the signal it ran for would stay blocked, and the
   next fault would kill the process.  So the catchers unblock it first
   (memcheck's do the same), and no scan needs to save the mask. */
static void unblock_signal ( Int sigNo )
{
   vki_sigset_t mask;
   VG_(sigprocmask)(VKI_SIG_SETMASK, NULL, &mask);
   VG_(sigdelset)(&mask, sigNo);
   VG_(sigprocmask)(VKI_SIG_SETMASK, &mask, NULL);
}

/* Reads of a block's words in mark_from (the interior-pointer rules and
   the heuristics): a block can be unreadable (the program mprotect'ed
   it behind Valgrind's back); the answer is then "no", and the scan
   around goes on. */
static VG_MINIMAL_JMP_BUF(probe_jmpbuf);

static void probe_fault_catcher ( Int sigNo, Addr addr )
{
   if (sigNo == VKI_SIGSEGV || sigNo == VKI_SIGBUS) {
      unblock_signal(sigNo);
      VG_MINIMAL_LONGJMP(probe_jmpbuf);
   }
}

/* The aligned word at A, inside block I. */
static Bool block_word ( Int i, Addr a, /*OUT*/UWord* v )
{
   const PL_Block* b = sc_blocks[i];
   if ((a & (sizeof(UWord) - 1)) || a < b->data
       || a + sizeof(UWord) > b->data + b->szB)
      return False;
   *v = *(const UWord*)a;
   return True;
}

static Bool is_vtable ( Addr p )
{
   if ((p & (sizeof(Addr) - 1)) || p < VKI_PAGE_SIZE)
      return False;
   NSegment const* seg = VG_(am_find_nsegment)(p);
   if (seg == NULL || seg->kind != SkFileC || !seg->hasR)
      return False;
   Addr max = p + 20 * sizeof(Addr);
   if (max > seg->end + 1 - sizeof(Addr)) max = seg->end + 1 - sizeof(Addr);
   UInt n_fn = 0;
   for (Addr a = p; a <= max; a += sizeof(Addr)) {
      Addr fn = *(const Addr*)a;
      if (fn == 0)
         continue;
      NSegment const* fs = VG_(am_find_nsegment)(fn);
      if (fs == NULL || fs->kind != SkFileC || !fs->hasT)
         return False;
      if (++n_fn == 2)
         return True;
   }
   return False;
}

static UInt heuristic_of ( Addr w, Int i )
{
   const PL_Block* b = sc_blocks[i];
   Addr  d = b->data;
   UWord v0, v1;
   if ((sc_heuristics & (1u << PL_HStdString))
       && w == d + 3 * sizeof(SizeT) && block_word(i, d + sizeof(SizeT), &v1)
       && 3 * sizeof(SizeT) + v1 + 1 == b->szB
       && block_word(i, d, &v0) && v0 <= v1)
      return PL_HStdString + 1;
   if ((sc_heuristics & (1u << PL_HLength64))
       && w == d + 8 && block_word(i, d, &v0)
       && v0 > 0 && b->szB - 8 == v0)
      return PL_HLength64 + 1;
   if ((sc_heuristics & (1u << PL_HNewArray))
       && w == d + sizeof(SizeT) && block_word(i, d, &v0)
       && v0 > 0 && (b->szB - sizeof(SizeT)) % v0 == 0)
      return PL_HNewArray + 1;
   if ((sc_heuristics & (1u << PL_HMultipleInheritance))
       && block_word(i, w, &v1) && block_word(i, d, &v0)
       && is_vtable(v1) && is_vtable(v0))
      return PL_HMultipleInheritance + 1;
   return 0;
}

/* The rules for an interior pointer W into block I that read the
   block: 1 + PL_NHeur for a pointer that counts as one to the start
   (the aligned-allocation idiom, 3.11/3.12's attribute values), 1 + h
   for one heuristic h accepts, 0 for none. */
/* CPython's vectorcall convention (PY_VECTORCALL_ARGUMENTS_OFFSET): an
   array of object pointers is made with a spare slot in front and
   passed on as args + 1 (_PyStack_UnpackDict, method calls), so a
   frame in the middle of such a call (a fork child that exits there)
   holds a pointer one word into the block: when that word references
   a Python object, it counts as a pointer to the start. */
static Bool vectorcall_pointer ( Addr w, Int i )
{
   if (!pl_py.found || w != sc_blocks[i]->data + sizeof(Addr))
      return False;
   Addr o = *(const Addr*)w;
   Int  j = find_block(o);
   return j >= 0 && is_obj_ref(j, o);
}

static UInt interior_rules ( Addr w, Int i )
{
   if (dict_values_pointer(w, sc_blocks[i]->data) || aligned_alloc_pointer(w, i)
       || vectorcall_pointer(w, i))
      return 1 + PL_NHeur;
   return sc_heuristics ? heuristic_of(w, i) : 0;
}

/* interior_rules, under a fault catcher of its own (the one of
   scan_range would skip the rest of its page). */
static UInt probe_interior ( Addr w, Int i )
{
   fault_catcher_t prev = VG_(set_fault_catcher)(probe_fault_catcher);
   volatile UInt r = 0;       /* its value must survive the longjmp */
   if (VG_MINIMAL_SETJMP(probe_jmpbuf) == 0)
      r = interior_rules(w, i);
   VG_(set_fault_catcher)(prev);
   return r;
}

/* Root phase: a word found in a root, a reachable block (PRIOR_DEF)
   or a possible block (!PRIOR_DEF). */
static void mark_from ( Addr w, Bool prior_def )
{
   Int i = find_block(w);
   if (i < 0)
      return;
   if (UNLIKELY(pl_clo_debug_ptr_size) && sc_blocks[i]->szB == pl_clo_debug_ptr_size)
      debug_pointer(w, i);
   Extra* ex = &sc_extra[i];
   Addr d = sc_blocks[i]->data;
   /* The start of a block whose Python object sits after a pre-header
      (3.11+ managed dicts, weakrefs): it makes the block reachable, as
      for memcheck, but it is no reference for the dominator tree: no
      CPython code keeps such a pointer, and a stale one does exist
      (3.10 and 3.11's _PyPegen_dummy_name keeps a pointer into a freed
      parser arena in a static, whatever block later starts there), so
      a live object it happens to hit would be retained by no one. */
   Bool pre_start = w == d && ex->obj_off != NO_OBJ && ex->obj_off > 16
                    && !(ex->hook_off && w == d + ex->hook_off);
   if (ex->state == S_Reachable) {
      if (ex->heur && w == d)
         ex->heur = 0;           /* reached by its start after all */
      if (sc_want_edges && prior_def && !in_gc_head(i, w) && !pre_start
          && !(scan_src_dead && !ex->dead) && points_at_start(i, w))
         add_edge(i);
      return;
   }
   if (in_gc_head(i, w) || (scan_src_dead && !ex->dead))
      return;
   Bool start = points_at_start(i, w);
   UInt heur = 0;
   if (!start) {
      UInt r = probe_interior(w, i);
      start = r != 0;
      heur  = r != 0 && r <= PL_NHeur ? r : 0;
   }
   if (start && prior_def) {
      ex->state = S_Reachable;
      ex->heur  = (UChar)heur;
      reached(i);
      if (sc_want_edges && !pre_start)
         add_edge(i);
      push(i);              /* rescan: what it points to is now definite */
   } else if (ex->state == S_Unreached) {
      ex->state = S_Possible;
      push(i);
   }
}

/* Clique phase: W, in a block of the group LEADER leads, points to
   block I by its start (points_at_start), and the leader is a Python
   object (a leaked reference or an uncollected cycle). */
static Bool holds_by_start ( Int leader, Int i, Addr w )
{
   const Extra* lx = &sc_extra[leader];
   return lx->obj_off != NO_OBJ && !lx->dead && points_at_start(i, w);
}

/* Clique phase: a word found in a lost block of clique LEADER. */
static void mark_clique ( Addr w, Int leader )
{
   Int i = find_block(w);
   if (i < 0 || in_gc_head(i, w) || (scan_src_dead && !sc_extra[i].dead))
      return;
   if (i == leader) {
      if (is_obj_ref(i, w)) sc_extra[i].cyclic = 1;
      return;
   }
   if (sc_extra[i].state == S_Possible && holds_by_start(leader, i, w)) {
      /* Part of a lost Python object's group after all: only an
         interior pointer reached it from live memory (a stale pointer
         into a dict's keys table, left in a live stack slot, is the
         common one), while a lost object holds it as Python holds its
         buffers and objects, by the start.  Without this, what a
         leaked dict keeps alive turns "possibly lost" under its own
         sites whenever a stale pointer happens to fall into it, and
         the leaked reference retains nothing.  A C leak's group keeps
         memcheck's rule (its cliques take unreached blocks only). */
   } else if (sc_extra[i].state != S_Unreached) {
      return;
   }
   sc_extra[i].state = S_Indirect;
   /* A block that led its own clique joins this one with everything
      it had gathered (its members find the new leader through it). */
   sc_indirect[leader] += sc_blocks[i]->szB + sc_indirect[i];
   sc_indirect[i] = 0;
   sc_leader[i] = leader;
   push(i);
}

/*------------------------------------------------------------*/
/*--- Scanning memory that may fault                       ---*/
/*------------------------------------------------------------*/

/* Memory can still fault (a file mapped past its end gives SIGBUS, a
   guard page set with MADV_GUARD_INSTALL or a block the program
   mprotect'ed behind Valgrind's back gives SIGSEGV); the core hands the
   fault to us and we skip the page (the catcher unblocks the signal,
   see unblock_signal). */
static VG_MINIMAL_JMP_BUF(scan_jmpbuf);

static void scan_fault_catcher ( Int sigNo, Addr addr )
{
   if (sigNo == VKI_SIGSEGV || sigNo == VKI_SIGBUS) {
      unblock_signal(sigNo);
      VG_MINIMAL_LONGJMP(scan_jmpbuf);
   }
}

/* Per lost Python object: the references to it found in lost blocks. */
static UInt* sc_internal;
#define COUNT_REFS (-2)

static void count_ref ( Addr w )
{
   Int i = find_block(w);
   if (i >= 0 && sc_extra[i].state == S_Unreached && is_obj_ref(i, w)
       && !scan_src_dead)
      sc_internal[i]++;
}

/* who_points_at: a word W in [sc_lo, sc_hi) found at scan_cur. */
#define SEARCH (-3)
static void search_hit ( Addr w );

/* Scan [start, start+len) word by word.  LEADER >= 0: clique phase;
   SEARCH: who_points_at;
   COUNT_REFS: count references to lost objects; otherwise root/mark
   phase with PRIOR_DEF. */
static void scan_range ( Addr start, SizeT len, Bool prior_def, Int leader )
{
   Addr end = VG_ROUNDDN(start + len, sizeof(Addr));
   fault_catcher_t prev = VG_(set_fault_catcher)(scan_fault_catcher);

   scan_cur = VG_ROUNDUP(start, sizeof(Addr));
   if (VG_MINIMAL_SETJMP(scan_jmpbuf) != 0) {
      /* Faulted in scan_cur's page: skip the rest of it. */
      scan_cur = VG_PGROUNDDN(scan_cur) + VKI_PAGE_SIZE;
   }
   /* A page at a time: scan_cur (volatile, for the fault catcher and
      for the root a hit is found in) is written once a page and at
      each hit, the words themselves read in a register loop. */
   while (scan_cur < end) {
      Addr p    = scan_cur;
      Addr stop = VG_PGROUNDDN(p) + VKI_PAGE_SIZE;
      if (stop > end || stop < p) stop = end;
      __asm__ __volatile__("" ::: "memory");
      for (; p < stop; p += sizeof(Addr)) {
         UWord w = *(const UWord*)p;
         if (LIKELY(w < sc_lo || w >= sc_hi))
            continue;
         scan_cur = p;
         if (leader >= 0)                 mark_clique(w, leader);
         else if (leader == COUNT_REFS)   count_ref(w);
         else if (leader == SEARCH)       search_hit(w);
         else                             mark_from(w, prior_def);
      }
      scan_cur = stop;
   }
   VG_(set_fault_catcher)(prev);
}

/* Memory that holds stale pointers, not references: the dead part of
   each thread's stack, the stacks of exited threads, and the
   interpreter's stale data-stack and free-list slots (pl_pyobj.c).
   Most are in root mappings; 3.10's interpreter state, which holds its
   free lists, is a heap block (Extra.has_dead). */
#define MAX_STACKS 512
static Addr dead_lo[MAX_STACKS], dead_hi[MAX_STACKS];
static Int  n_dead;

static void drain ( Int leader );

/* scan_range over [lo, hi) less the dead ranges inside it; with
   DRAIN_EACH (roots), each live piece is drained before the next. */
static void scan_live ( Addr lo, Addr hi, Bool prior_def, Int leader,
                        Bool drain_each )
{
   for (Int d = 0; d < n_dead; d++) {
      if (dead_hi[d] <= lo || dead_lo[d] >= hi)
         continue;
      if (dead_lo[d] > lo)
         scan_live(lo, dead_lo[d], prior_def, leader, drain_each);
      if (dead_hi[d] < hi)
         scan_live(dead_hi[d], hi, prior_def, leader, drain_each);
      return;
   }
   scan_range(lo, hi - lo, prior_def, leader);
   if (drain_each)
      drain(leader);
}

/* Scan block I's words, leaving out its GC header.  An object whose
   reference count is 0 is parked on a free list: its fields are what
   its last life left (a dict's keys table, a tuple's items, long since
   released), not references, except the link to the next free object
   (a tuple's first item, a MemoryError's dict slot, ...).  So from a
   dead object only pointers to other dead objects are followed. */
/* A dict's version tag (ma_version_tag; 3.14+ _ma_watcher_tag, the
   word after ma_used) is a counter, not a reference: 3.12+ step it by
   4096 at every mutation of any dict, so after some tens of thousands
   of mutations its values are multiples of 4096 in the range of heap
   addresses, and one that falls inside a leaked block would make it
   "possibly lost" (memcheck, reading it as an ordinary word, can be
   fooled the same way).  The offset of that word in block I, or 0 when
   I is not a dict. */
static SizeT dict_version_word ( Int i )
{
   Addr tp = TYPE_OF(i);
   if (tp == 0 || !pl_py.found || pl_py.dict_type == 0)
      return 0;
   if (tp != pl_py.dict_type) {
      static Addr  last_tp;
      static Bool  last_is_dict;
      if (tp != last_tp) {
         ULong flags = 0;
         last_is_dict = pl_rd64(tp + pl_py.lay->tp_flags, &flags)
                        && (flags & PL_TPF_DICT_SUBCLASS);
         last_tp = tp;
      }
      if (!last_is_dict)
         return 0;
   }
   return sc_extra[i].obj_off + pl_py.lay->ob_type + 16;
}

static void scan_block ( Int i, Bool prior_def, Int leader )
{
   const PL_Block* b  = sc_blocks[i];
   const Extra*    ex = &sc_extra[i];
   scan_src_dead = ex->dead;
   SizeT end = b->szB;
   /* 3.11+ code objects end in their bytecode, whose inline caches keep
      borrowed pointers (a specialised attribute load caches the
      attribute's value, guarded by the type's version): not references,
      and often stale. */
   if (TYPE_OF(i) != 0 && sc_type[i] == pl_py.code_type
       && pl_py.lay->co_code_adaptive > 0
       && ex->obj_off + (SizeT)pl_py.lay->co_code_adaptive < end)
      end = ex->obj_off + pl_py.lay->co_code_adaptive;
   /* A code object's constant int or bytes: its header only. */
   if (ex->constant) {
      SizeT head = ex->obj_off + (sc_type[i] == pl_py.long_type
                                  ? pl_py.lay->long_digits
                                  : pl_py.lay->bytes_sval);
      if (head < end) end = head;
   }
   if (ex->obj_off != NO_OBJ && ex->gc) {
      SizeT head = ex->obj_off - 16;
      SizeT ver  = dict_version_word(i);
      scan_range(b->data, head, prior_def, leader);
      if (ver != 0 && ver + 8 <= end) {
         scan_range(b->data + ex->obj_off, ver - ex->obj_off, prior_def,
                    leader);
         scan_range(b->data + ver + 8, end - ver - 8, prior_def, leader);
      } else {
         scan_range(b->data + ex->obj_off, end - ex->obj_off, prior_def,
                    leader);
      }
   } else if (ex->has_dead) {
      scan_live(b->data, b->data + end, prior_def, leader, False);
   } else {
      scan_range(b->data, end, prior_def, leader);
   }
   scan_src_dead = False;
}

/* The queued blocks in address order (their indices ascending), in
   their places in the ring: by a bitmap over the indices, which the
   queue holds at most once each (the pending flag). */
static UWord* sc_batch_bits;
#define BATCH_WBITS (VG_WORDSIZE * 8)      /* bits a word of the bitmap */

static void sort_queue ( void )
{
   UInt c = sc_count, lo = sc_n, hi = 0;
   const UInt wbits = BATCH_WBITS;
   for (UInt k = 0, at = sc_head; k < c; k++) {
      UInt i = (UInt)sc_queue[at];
      sc_batch_bits[i / wbits] |= (UWord)1 << (i % wbits);
      at = at + 1 == sc_n ? 0 : at + 1;
      if (i < lo) lo = i;
      if (i > hi) hi = i;
   }
   UInt at = sc_head;
   for (UInt w = lo / wbits; w <= hi / wbits; w++) {
      UWord bits = sc_batch_bits[w];
      sc_batch_bits[w] = 0;
      while (bits != 0) {
         UInt b = (UInt)__builtin_ctzl(bits);
         bits &= bits - 1;
         sc_queue[at] = (Int)(w * wbits + b);
         at = at + 1 == sc_n ? 0 : at + 1;
      }
   }
}

/* Scan the queued blocks, and those they reach, until none is left.
   The queue is first in, first out: a block's parent (for retainers)
   is then on a shortest path from a root.  Without retainers and
   outside the cliques (the mark phase of a checkpoint or of a C
   program), which block reaches another first makes no difference, and
   a large batch of queued blocks is taken in address order instead:
   their records, states and memory are then read in one sweep rather
   than at random, which the scan of a Python heap (objects queued in
   the order their referrers were found) spent most of its time on. */
static void drain ( Int leader )
{
   Bool batched = leader == -1 && sc_parent == NULL;
   while (sc_count > 0) {
      UInt c = 1;
      if (batched && sc_count >= 64 && sc_count >= sc_n / 1024) {
         if (sc_batch_bits == NULL)
            sc_batch_bits = VG_(calloc)("pl.scan.batch",
                                        sc_n / BATCH_WBITS + 1,
                                        sizeof(UWord));   /* 1 bit a block */
         sort_queue();
         c = sc_count;
      }
      for (; c > 0; c--) {
         Int i = pop();
         scan_src = i;
         scan_block(i, sc_extra[i].state == S_Reachable, leader);
      }
   }
   scan_src = -1;
}

/*------------------------------------------------------------*/
/*--- Roots                                                ---*/
/*------------------------------------------------------------*/

/* The dead part of a thread's stack: [FLOOR, SP - REDZONE), FLOOR
   being the start of its mapping (see stack_floor).  It holds stale
   frames that memcheck sees as inaccessible.  (The ranges themselves
   are declared with scan_live, which skips them.) */
static void add_dead_stack ( Addr sp, Addr floor, SizeT redzone )
{
   Addr live = sp - redzone;
   if (live <= floor || n_dead >= MAX_STACKS)
      return;
   dead_lo[n_dead] = floor;
   dead_hi[n_dead] = live;
   n_dead++;
}

static void add_dead_range ( Addr lo, Addr hi )
{
   if (lo < hi && n_dead < MAX_STACKS) {
      dead_lo[n_dead] = lo;
      dead_hi[n_dead] = hi;
      n_dead++;
   }
}

/* The thread stacks the scan knows of: the live threads' and those of
   threads that have exited, whose stacks glibc keeps mapped (it caches
   them for the next thread).  An exited thread's stack is full of stale
   pointers below the SP it had when it ended, and its frames above
   that SP are over too: memcheck sees all of it as inaccessible.  What
   lies above the stack's top in the same mapping is not: the thread's
   descriptor (struct pthread, at the thread pointer) and static TLS,
   which glibc keeps with the cached stack and whose DTV pointer keeps
   the DTV reachable (memcheck reads them; a joined ThreadPoolExecutor's
   DTVs are otherwise "definitely lost").  TID is VG_INVALID_THREADID
   for an exited thread. */
typedef struct {
   ThreadId tid;
   Addr     sp;     /* live: current SP; exited: the SP it ended with */
   Addr     top;    /* the stack's highest byte, as Valgrind knows it */
   Addr     tp;     /* thread pointer (its descriptor), 0 if unknown */
} PL_Stack;

/* Exited threads, one entry per stack (a stack glibc hands to a new
   thread that exits in turn gets that thread's SP), forgotten when the
   stack is unmapped. */
#define MAX_EXITED 512
static PL_Stack exited[MAX_EXITED];
static Int      n_exited;

/* The last thread that exited, as it was: at exit the core has
   retired the thread that called exit_group before the final check,
   and asks about a retired thread fail. */
static PL_Stack last_exited;

void pl_scan_thread_exited ( ThreadId tid )
{
   PL_Stack s = { VG_INVALID_THREADID, VG_(get_SP)(tid),
                  VG_(thread_get_stack_max)(tid), pl_thread_pointer(tid) };
   last_exited = s;
   last_exited.tid = tid;
   for (Int i = 0; i < n_exited; i++)
      if (exited[i].top == s.top) { exited[i] = s; return; }
   if (n_exited < MAX_EXITED)
      exited[n_exited++] = s;
}

void pl_scan_forget_stacks ( Addr a, SizeT len )
{
   for (Int i = 0; i < n_exited; ) {
      if (exited[i].top >= a && exited[i].sp < a + len)
         exited[i] = exited[--n_exited];
      else
         i++;
   }
}

/* The red zone, the 128 bytes below the stack pointer that a leaf
   function may use without moving it, is live only for a function that
   has written there since the last call or return: VEX tells memcheck
   at every call and return that the red zone is now undefined, so
   memcheck sees stale words there (just-returned frames) as not there.
   A thread that made a client request or the exit system call got
   there by calls: its red zone is dead.  Any other thread may be
   stopped inside a leaf function whose locals are there: it is read. */
static SizeT redzone_of ( ThreadId tid, ThreadId requester )
{
   return tid == requester || (tid == pl_exit_tid && !pl_exit_by_signal)
          ? 0 : VG_STACK_REDZONE_SZB;
}

/* The live threads, then the exited ones whose stacks no live thread
   runs on. */
static PL_Stack stk[MAX_STACKS + MAX_EXITED];
static Int      n_stk, n_live;

static void list_live_stacks ( void )
{
   ThreadId tid;
   Addr sp, smax;
   n_live = 0;
   VG_(thread_stack_reset_iter)(&tid);
   while (VG_(thread_stack_next)(&tid, &sp, &smax))
      if (n_live < MAX_STACKS) {
         PL_Stack s = { tid, sp, smax, pl_thread_pointer(tid) };
         stk[n_live++] = s;
      }
   /* At exit the core has already retired the thread that called
      exit_group, so the iterator above misses it. */
   Bool listed = False;
   for (Int i = 0; i < n_live; i++)
      listed |= stk[i].tid == pl_exit_tid;
   if (pl_exit_tid != VG_INVALID_THREADID && !listed && n_live < MAX_STACKS) {
      PL_Stack s = { pl_exit_tid, VG_(get_SP)(pl_exit_tid), 0, 0 };
      if (last_exited.tid == pl_exit_tid) {
         s.top = last_exited.top;
         s.tp  = last_exited.tp;
      }
      stk[n_live++] = s;
   }
   n_stk = n_live;
}

/* Where the mapping of stack I starts.  Usually the start of its
   segment.  But glibc 2.42+ guards thread stacks with
   MADV_GUARD_INSTALL instead of PROT_NONE pages, and Valgrind then
   sees consecutive thread stacks, live and cached, as one segment: the
   dead part of one stack must stop above every stack below it in the
   same segment, whose descriptor (above the thread pointer), static TLS
   (below it) and live frames lie at the top of their own mappings.  The
   bound is generous: a few live pages of the stale part scanned cost
   less than a descriptor left out. */
#define PL_TCB_SLACK (64 * 1024)
static Addr stack_floor ( Int i )
{
   NSegment const* seg = VG_(am_find_nsegment)(stk[i].sp);
   if (seg == NULL)
      return stk[i].sp;
   Addr floor = seg->start;
   for (Int j = 0; j < n_stk; j++) {
      if (j == i || stk[j].sp >= stk[i].sp
          || VG_(am_find_nsegment)(stk[j].sp) != seg)
         continue;
      /* An exited thread's entry for this very stack (given to the
         thread at I since) is not below it. */
      if (stk[j].tid == VG_INVALID_THREADID && stk[j].top >= stk[i].sp)
         continue;
      Addr top = stk[j].top;
      if (stk[j].tp > top && stk[j].tp < stk[i].sp) top = stk[j].tp;
      if (top < stk[j].sp) top = stk[j].sp;
      top = VG_PGROUNDUP(top + PL_TCB_SLACK);
      if (top > floor) floor = top;
   }
   return floor;
}

static void collect_dead_stacks ( ThreadId requester )
{
   n_dead = 0;
   list_live_stacks();
   /* An exited thread's stack that a live thread runs on again (glibc
      gave it to a new thread) is that thread's. */
   for (Int e = 0; e < n_exited; e++) {
      NSegment const* seg = VG_(am_find_nsegment)(exited[e].sp);
      if (seg == NULL || seg->kind != SkAnonC || !seg->hasW)
         continue;
      Bool reused = False;
      for (Int j = 0; j < n_live && !reused; j++)
         reused = stk[j].top == exited[e].top
                  || (stk[j].sp <= exited[e].top
                      && stk[j].sp >= exited[e].sp - PL_TCB_SLACK
                      && VG_(am_find_nsegment)(stk[j].sp) == seg);
      if (!reused)
         stk[n_stk++] = exited[e];
   }
   for (Int i = 0; i < n_stk; i++) {
      Addr floor = stack_floor(i);
      if (stk[i].tid != VG_INVALID_THREADID) {
         add_dead_stack(stk[i].sp, floor, redzone_of(stk[i].tid, requester));
      } else {
         /* The whole stack up to its top, not the descriptor above
            it; with no known top, up to the SP. */
         NSegment const* seg = VG_(am_find_nsegment)(stk[i].sp);
         Addr top = stk[i].top;
         Addr hi  = top >= stk[i].sp && top < seg->end
                    ? VG_ROUNDUP(top + 1, sizeof(Addr)) : stk[i].sp;
         add_dead_range(floor, hi);
      }
   }
   /* Stale slots in the interpreter's data stacks and free lists. */
   pl_pyobj_dead_ranges(add_dead_range);
   /* A dangling static of the parser's (3.10, 3.11). */
   pl_pystatic_dead_words(add_dead_range);
}

void pl_scan_clear_dead_stack ( ThreadId tid )
{
   Int me = -1;
   list_live_stacks();
   for (Int i = 0; i < n_live && me < 0; i++)
      if (stk[i].tid == tid) me = i;
   if (me < 0)
      return;
   /* This writes: only on the thread's own stack as Valgrind knows it,
      never on a stack the program made of a heap block (a coroutine's,
      a malloc'd sigaltstack), whose segment is the whole heap. */
   Addr  sp   = stk[me].sp;
   Addr  top  = VG_(thread_get_stack_max)(tid);
   SizeT size = VG_(thread_get_stack_size)(tid);
   Addr  low  = top > size ? top - size : 0;
   NSegment const* seg = VG_(am_find_nsegment)(sp);
   if (seg == NULL || seg->isCH || !seg->hasW || sp > top || sp < low)
      return;
   /* The red zone too: this runs at a function's entry
      (pl_exitclear.c), where a call has just passed.  Not below the
      live threads under it in the same segment (the exited ones' stacks
      are stale: clearing them is harmless, but their descriptors are
      not, so stay above those as well). */
   for (Int e = 0; e < n_exited && n_stk < MAX_STACKS + MAX_EXITED; e++)
      stk[n_stk++] = exited[e];
   Addr floor = stack_floor(me);
   if (floor < seg->start) floor = seg->start;
   if (floor < low) floor = low;
   if (floor >= sp)
      return;
   VG_(memset)((void*)floor, 0, sp - floor);
}

/* Scan a root range, leaving out the dead parts inside it.  Each live
   piece is drained before the next one is scanned, so the marking tree
   (and with it the retainers, pl_retain.c) reaches blocks through the
   earlier piece first: in _PyRuntime, through the interpreter's modules
   rather than through caches of borrowed pointers further on (3.13's
   function version cache). */
static void scan_root ( Addr lo, Addr hi )
{
   /* Less the interpreter's static payloads (pl_pystatic.c). */
   const PL_Range* r;
   UInt n = pl_pystatic_skips(&r), k = 0, top = n;
   while (k < top) {                          /* first r[k].hi > lo */
      UInt mid = k + (top - k) / 2;
      if (r[mid].hi <= lo) k = mid + 1; else top = mid;
   }
   for (; k < n && r[k].lo < hi; k++) {
      if (r[k].lo > lo)
         scan_live(lo, r[k].lo, True, -1, True);
      if (r[k].hi > lo)
         lo = r[k].hi;
   }
   if (lo < hi)
      scan_live(lo, hi, True, -1, True);
}

/* The writable segment of an ELF object rarely starts or ends on a
   page boundary.  Its first page also maps the file bytes before it
   (the end of .eh_frame or .rodata), and its last page the file bytes
   after it (symbol tables, debug information: ld.so zeroes the .bss
   part of that page, not the rest).  Those are constants, not data,
   and now and then one looks like a heap pointer.  For a writable
   file mapping SEG, narrow [*lo, *hi) to the bytes of the PT_LOAD
   segment it maps; leave it alone when the file does not say. */
static void file_window ( NSegment const* seg, Addr* lo, Addr* hi )
{
   const HChar* name = VG_(am_get_filename)(seg);
   PL_ElfFile f;
   if (name == NULL || name[0] != '/' || !pl_elf_open(name, &f)) return;
   ULong m_lo = seg->offset;                            /* file offsets */
   ULong m_hi = seg->offset + (seg->end + 1 - seg->start);
   for (Int i = 0; i < f.n_ph; i++) {
      const Elf64_Phdr* ph = &f.ph[i];
      if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_W))
         continue;
      ULong s_lo = ph->p_offset;
      ULong s_hi = ph->p_offset + ph->p_memsz;
      if (s_hi <= m_lo || s_lo >= m_hi)
         continue;                         /* not this mapping's */
      if (s_lo > m_lo) *lo = seg->start + (s_lo - m_lo);
      if (s_hi < m_hi) *hi = seg->start + (s_hi - m_lo);
      break;
   }
   pl_elf_close(&f);
}

static Bool is_root_segment ( NSegment const* seg )
{
   if (!(seg->hasR && seg->hasW) || seg->isCH)
      return False;
   /* Reading a device mapping can hang or have effects; /dev/zero is
      ordinary memory that some programs map by hand. */
   if (seg->kind == SkFileC
       && (VKI_S_ISCHR(seg->mode) || VKI_S_ISBLK(seg->mode))) {
      const HChar* name = VG_(am_get_filename)(seg);
      return name != NULL && VG_(strcmp)(name, "/dev/zero") == 0;
   }
   return True;
}

static void scan_register ( ThreadId tid, const HChar* regname, UWord val )
{
   scan_cur = 0;
   scan_reg_tid = tid;
   if (val >= sc_lo && val < sc_hi) {
      mark_from(val, True);
      drain(-1);
   }
}

/* Each interpreter's sys.modules first (where published, 3.13+): the
   marking tree then reaches what modules keep through the modules,
   before the interpreter's caches of borrowed pointers elsewhere in its
   state (3.14's come before its modules) can be the first path. */
static void scan_modules_root ( Addr interp, void* unused )
{
   Addr a = interp + pl_py.lay->is_modules;
   scan_root(a, a + sizeof(Addr));
}

/* FN on the root part of each of the segments at STARTS. */
static void for_each_root_range ( const Addr* starts, Int n_starts,
                                  void (*fn)(Addr lo, Addr hi) )
{
   for (Int i = 0; i < n_starts; i++) {
      NSegment const* seg = VG_(am_find_nsegment)(starts[i]);
      if (seg == NULL || !is_root_segment(seg))
         continue;
      Addr lo = seg->start, hi = seg->end + 1;
      if (seg->kind == SkFileC)
         file_window(seg, &lo, &hi);
      if (lo < hi)
         fn(lo, hi);
   }
}

static void scan_roots ( ThreadId requester )
{
   Int n_starts;
   Addr* starts = VG_(get_segment_starts)(SkFileC | SkAnonC | SkShmC,
                                          &n_starts);
   collect_dead_stacks(requester);
   for (Int d = 0; d < n_dead; d++) {
      Int i = find_block(dead_lo[d]);
      if (i >= 0) sc_extra[i].has_dead = 1;
   }
   if (pl_py.found && pl_py.lay->is_modules >= 0)
      (void)pl_py_walk_threads(scan_modules_root, NULL, NULL);
   for_each_root_range(starts, n_starts, scan_root);
   VG_(free)(starts);
   VG_(apply_to_GP_regs)(scan_register);
}

/*------------------------------------------------------------*/
/*--- Python leaks: grouping what the roots did not reach  ---*/
/*------------------------------------------------------------*/

/* Every block the roots did not reach joins one group, led by a block
   that no other group reaches (memcheck's cliques: leaders are tried in
   address order, and a leader reached from a later one joins it with
   its whole group).  What a group is depends on its leader:

   - A Python object whose reference count is more than the references
     to it found in lost blocks is held by a reference nobody has: a
     reference leaked by C code (an extra Py_INCREF, a missing
     Py_DECREF).  These lead first, and no other group absorbs them:
     each is a `leaked-ref`, with what it alone keeps alive folded in.
   - A Python object whose count the lost blocks explain, and that is
     referenced from its own group, is on a cycle of references that
     nothing outside reaches: garbage the cyclic GC has not freed, an
     `uncollected-cycle` (its whole group).  Python objects are tried
     as leaders before other blocks so that a cycle running through
     non-object blocks (a dict's keys table, a list's item array) is
     led by one of its objects.
   - Any other block is a C leak: `definite`, its group `indirect`,
     exactly as memcheck (a C struct that held the only reference to a
     Python object leaks the object with it).
   Immortal objects (3.12+) have no meaningful count and never lead as
   leaked references. */

static Bool refcount_unexplained ( Int i )
{
   ULong rc;
   if (!pl_rd64(sc_blocks[i]->data + sc_extra[i].obj_off, &rc))
      return False;
   if (pl_py_immortal(rc))
      return False;
   rc &= pl_py.lay->rc_mask;
   return (Long)rc > (Long)sc_internal[i];
}

static void lead ( Int i )
{
   push(i);
   drain(i);
}

static void group_lost ( void )
{
   Bool any = False;
   for (UInt i = 0; i < sc_n && !any; i++)
      any = sc_extra[i].state == S_Unreached;
   if (!any)
      return;
   sc_indirect = VG_(calloc)("pl.scan.ind", sc_n + 1, sizeof(SizeT));
   sc_leader   = VG_(malloc)("pl.scan.leader", (sc_n + 1) * sizeof(Int));
   for (UInt i = 0; i < sc_n; i++) sc_leader[i] = -1;
   Bool py = False;
   for (UInt i = 0; i < sc_n && !py; i++)
      py = sc_extra[i].state == S_Unreached && sc_extra[i].obj_off != NO_OBJ
           && !sc_extra[i].dead;

   if (py) {
      sc_internal = VG_(calloc)("pl.scan.internal", sc_n + 1, sizeof(UInt));
      for (UInt i = 0; i < sc_n; i++)
         if (sc_extra[i].state == S_Unreached)
            scan_block(i, False, COUNT_REFS);
      for (UInt i = 0; i < sc_n; i++)
         if (sc_extra[i].state == S_Unreached
             && sc_extra[i].obj_off != NO_OBJ && refcount_unexplained(i))
            sc_extra[i].state = S_LeakRoot;
      VG_(free)(sc_internal);
      sc_internal = NULL;
      for (UInt i = 0; i < sc_n; i++)
         if (sc_extra[i].state == S_LeakRoot)
            lead(i);
      for (UInt i = 0; i < sc_n; i++)
         if (sc_extra[i].state == S_Unreached
             && sc_extra[i].obj_off != NO_OBJ && !sc_extra[i].dead)
            lead(i);
   }
   for (UInt i = 0; i < sc_n; i++)
      if (sc_extra[i].state == S_Unreached)
         lead(i);
}

/*------------------------------------------------------------*/
/*--- The scan                                             ---*/
/*------------------------------------------------------------*/

/* A block the interpreter keeps for reuse, its contents stale. */
/* The object at OBJ, if it is the Python object of a block of type
   TP: that block's index, else -1. */
static Int object_block ( Addr obj, Addr tp )
{
   Int j = obj ? find_block(obj) : -1;
   return j >= 0 && TYPE_OF(j) == tp && is_obj_ref(j, obj) ? j : -1;
}

static void mark_constant ( Addr obj )
{
   Int j = object_block(obj, pl_py.long_type);
   if (j < 0) j = object_block(obj, pl_py.bytes_type);
   if (j >= 0) sc_extra[j].constant = 1;
}

/* The word at offset OFF of block I's object, if the block holds it
   (a live heap block: read directly), else 0. */
static inline Addr object_word ( Int i, Int off )
{
   SizeT at = sc_extra[i].obj_off + (SizeT)off;
   return off >= 0 && at + sizeof(Addr) <= sc_blocks[i]->szB
          ? *(const Addr*)(sc_blocks[i]->data + at) : 0;
}

/* Ints and bytes objects that code objects hold as constants (their
   co_consts) or as tables (line and exception tables; on 3.10 the
   bytecode too) are compile-time data: an int's digits are a number, a
   bytes object's text is the source's literal or a table.  Under
   Valgrind the client heap is below 1 GiB, so a one-digit int such as
   the constant 89869747 (0x55b4db3) in _collections_abc, which every
   process imports, reads as an address in it, and whichever leaked
   block covers that address would be "possibly lost".  Only these
   objects' payloads are left out: an int a program made at run time
   may be a pointer kept as a number (ctypes' c_void_p results, a C
   library's handles), and is scanned like any word. */
static void mark_constants ( void )
{
   const PL_PyLayout* L = pl_py.lay;
   if (!pl_py.found || pl_py.code_type == 0 || L->co_consts < 0
       || (pl_py.long_type == 0 && pl_py.bytes_type == 0))
      return;
   for (UInt i = 0; i < sc_n; i++) {
      if (TYPE_OF(i) != pl_py.code_type || sc_extra[i].dead)
         continue;
      mark_constant(object_word(i, L->co_linetable));
      mark_constant(object_word(i, L->co_code));
      mark_constant(object_word(i, L->co_exceptiontable));
      Int t = object_block(object_word(i, L->co_consts), pl_py.tuple_type);
      if (t < 0)
         continue;
      Addr n = object_word(t, L->ob_type + 8);
      for (Addr k = 0; k < n && k < 4096; k++)
         mark_constant(object_word(t, L->tuple_items + 8 * (Int)k));
   }
}

/* A is a block the interpreter keeps for reuse, or (3.14+) a parked
   object's address inside one: references to it look like references
   to an object even though its first word no longer says so. */
static void mark_dead_block ( Addr a )
{
   Int i = find_block(a);
   if (i < 0) return;
   sc_extra[i].dead = 1;
   Addr d = sc_blocks[i]->data;
   if (sc_extra[i].obj_off == NO_OBJ && a > d && a - d < NO_OBJ)
      sc_extra[i].obj_off = (UChar)(a - d);
}

/* PyThread_allocate_lock, or (LTO builds inline it) the _thread
   module's functions that call it for lock objects: newlockobject,
   thread_PyThread_allocate_lock, rlock_new, with any ".lto_priv.N". */
static void lock_frame ( UInt i, DiEpoch ep, Addr ip, void* found )
{
   const HChar* fn;
   if (i > 0 && i < 6 && VG_(get_fnname)(ep, ip, &fn)
       && (VG_(strstr)(fn, "PyThread_allocate_lock") != NULL
           || VG_(strncmp)(fn, "newlockobject", 13) == 0
           || VG_(strncmp)(fn, "rlock_new", 9) == 0))
      *(Bool*)found = True;
}

/* CPython 3.10-3.12 abandon a lock on purpose in a fork child each
   time they re-create one after fork() (_PyThread_at_fork_reinit: the
   old one may be in any state, and its address may be in use), for the
   runtime's, the import system's and every threading lock: no pointer
   to the old block is left.  Such a block, made before the fork by
   PyThread_allocate_lock, is kept by the interpreter for good rather
   than lost: reported as still reachable. */
static Bool abandoned_at_fork ( const PL_Block* b )
{
   if (!pl_py.found || !(b->py_flags & PL_PYF_PREFORK))
      return False;
   Bool found = False;
   VG_(apply_ExeContext)(lock_frame, &found, pl_block_where(b));
   return found;
}

void pl_scan ( /*OUT*/PL_ScanResult* res, ThreadId requester,
               UInt heuristics )
{
   sc_heuristics = heuristics;
   sc_blocks = pl_shadow_sorted(&sc_n);
   sc_extra    = VG_(calloc)("pl.scan.extra", sc_n + 1, sizeof(Extra));
   sc_indirect = NULL;
   sc_leader   = NULL;
   sc_queue    = VG_(malloc)("pl.scan.queue", (sc_n + 1) * sizeof(Int));
   sc_head = sc_count = 0;
   sc_want_ret   = pl_py.found && pl_retain_wanted();
   sc_want_edges = sc_want_ret && pl_dominators_wanted();
   /* Who reached each block, and in which order: for retainers only
      (a C program, a quiet checkpoint go without). */
   sc_parent = sc_order = NULL;
   if (sc_want_ret) {
      sc_parent = VG_(malloc)("pl.scan.parent", (sc_n + 1) * sizeof(Int));
      for (UInt i = 0; i < sc_n; i++) sc_parent[i] = -1;
      sc_order  = VG_(malloc)("pl.scan.order", (sc_n + 1) * sizeof(Int));
   }
   sc_n_order  = 0;
   sc_roots    = VG_(newXA)(VG_(malloc), "pl.scan.roots", VG_(free),
                            sizeof(PL_Root));
   scan_src    = -1;
   sc_efrom = sc_eto = NULL;
   sc_ne = sc_ecap = 0;
   sc_root_edges = sc_want_edges
                   ? VG_(newXA)(VG_(malloc), "pl.scan.redges", VG_(free),
                                sizeof(PL_RootEdge))
                   : NULL;
   /* Blocks may overlap (a metapool's chunks hold other blocks,
      pl_custom.c): the last to start need not end last. */
   sc_lo = sc_n > 0 ? sc_blocks[0]->data : 0;
   sc_hi = 0;
   Bool  nested = False;
   ULong bytes  = 0;
   for (UInt i = 0; i < sc_n; i++) {
      nested |= sc_blocks[i]->data < sc_hi;
      if (block_end(sc_blocks[i]) > sc_hi) sc_hi = block_end(sc_blocks[i]);
      bytes += sc_blocks[i]->szB;
   }
   build_page_index(nested, bytes);

   /* Which blocks are Python objects, and where the object starts;
      their types (a C program goes without the array). */
   sc_type = pl_py.found
             ? VG_(calloc)("pl.scan.type", sc_n + 1, sizeof(Addr)) : NULL;
   pl_pyobj_begin();
   for (UInt i = 0; i < sc_n; i++) {
      Bool gc = False;
      Addr no_type = 0;
      /* Another allocator's block need not be mapped any more (its
         pool unmapped without telling): only read what is. */
      Int off = PL_IS_CUSTOM(sc_blocks[i])
                && !VG_(am_is_valid_for_client)(sc_blocks[i]->data,
                       sc_blocks[i]->szB ? sc_blocks[i]->szB : 1,
                       VKI_PROT_READ)
                ? -1 : pl_pyobj_offset(sc_blocks[i], &gc,
                                       sc_type ? &sc_type[i] : &no_type);
      sc_extra[i].obj_off = (off >= 0 && off < NO_OBJ) ? (UChar)off : NO_OBJ;
      sc_extra[i].gc = gc;
      if (sc_extra[i].obj_off != NO_OBJ) {
         Addr obj = sc_blocks[i]->data + off;
         Int  t   = pl_pyobj_text_offset(obj, TYPE_OF(i));
         sc_extra[i].dead = *(const ULong*)obj == 0;
         sc_extra[i].text_off = t > 0 && off + t < 256 ? (UChar)(off + t) : 0;
      }
      else if (pl_py.found) {
         SizeT h = pl_pyobj_hook_offset(sc_blocks[i]);
         sc_extra[i].hook_off = h < 256 ? (UChar)h : 0;
      }
      if (UNLIKELY(pl_clo_debug_ptr_size)
          && sc_blocks[i]->szB == pl_clo_debug_ptr_size)
         VG_(umsg)("the %lu-byte block at %#lx holds %s (offset %d%s)\n",
                   sc_blocks[i]->szB, sc_blocks[i]->data,
                   off >= 0 ? "a Python object" : "no Python object",
                   off, gc ? ", GC" : "");
   }
   pl_pyobj_end();
   pl_pyobj_dead_blocks(mark_dead_block);
   mark_constants();

   if (sc_n > 0) {
      scan_roots(requester);
      group_lost();
   }
   VG_(free)(sc_queue);          /* before the result's arrays */
   if (sc_batch_bits) VG_(free)(sc_batch_bits);
   sc_batch_bits = NULL;
   sc_queue = NULL;

   res->blocks       = sc_blocks;
   res->n_blocks     = sc_n;
   res->indirect_szB = sc_indirect;
   res->py_type      = sc_type;
   res->leader       = sc_leader;
   res->parent       = sc_parent;
   res->order        = sc_order;
   res->n_order      = sc_n_order;
   res->roots        = sc_roots;
   res->retainer     = NULL;
   res->edge_from    = sc_efrom;
   res->edge_to      = sc_eto;
   res->n_edges      = sc_ne;
   res->root_edges   = sc_root_edges;
   res->dom          = NULL;
   res->dom_bytes    = NULL;
   res->dom_blocks   = NULL;
   sc_efrom = sc_eto = NULL;
   sc_root_edges = NULL;
   sc_want_edges = False;
   VG_(memset)(res->heur_bytes, 0, sizeof res->heur_bytes);
   VG_(memset)(res->heur_blocks, 0, sizeof res->heur_blocks);
   res->heur = VG_(malloc)("pl.scan.heur", sc_n + 1);
   for (UInt i = 0; i < sc_n; i++) {
      Bool h = sc_extra[i].state == S_Reachable && sc_extra[i].heur;
      res->heur[i] = h ? sc_extra[i].heur : 0;
      if (h) {
         res->heur_bytes[sc_extra[i].heur - 1] += sc_blocks[i]->szB;
         res->heur_blocks[sc_extra[i].heur - 1]++;
      }
   }
   res->kind         = VG_(malloc)("pl.scan.kind", sc_n + 1);
   res->obj_off      = VG_(malloc)("pl.scan.objoff", sc_n + 1);
   for (UInt i = 0; i < sc_n; i++) {
      Extra* ex = &sc_extra[i];
      UChar  k;
      /* An object parked on a free list (refcount 0) was scanned as an
         object, so that the free list's pointers to it count, but it is
         no live Python object: it is memory the interpreter keeps for
         reuse, and is reported as a C block (reachable-c when the free
         list is reachable). */
      if (ex->dead) {
         ex->obj_off = NO_OBJ;
         if (sc_type) sc_type[i] = 0;
      }
      res->obj_off[i] = ex->obj_off;
      switch (ex->state) {
         case S_LeakRoot:  k = PL_KLeakedRef; break;
         case S_Unreached:                  /* a group's leader */
            k = ex->obj_off != NO_OBJ && ex->cyclic ? PL_KCycle
                                                    : PL_KDefinite;
            if (k == PL_KDefinite && abandoned_at_fork(sc_blocks[i]))
               k = PL_KReachableC;
            break;
         case S_Indirect:  k = PL_KIndirect;  break;  /* see below */
         case S_Possible:  k = PL_KPossible;  break;
         default:
            k = ex->obj_off != NO_OBJ ? PL_KReachablePy : PL_KReachableC;
            break;
      }
      res->kind[i] = k;
   }
   /* Members of a group take their final leader's kind, unless it is a
      C leak (memcheck's indirect).  Absorbed leaders are followed
      (with path compression) to the leader that absorbed them. */
   for (UInt i = 0; i < sc_n; i++) {
      if (sc_extra[i].state != S_Indirect) continue;
      Int l = sc_leader[i];
      while (sc_leader[l] >= 0) l = sc_leader[l];
      for (Int j = (Int)i; sc_leader[j] != l; ) {
         Int nx = sc_leader[j]; sc_leader[j] = l; j = nx;
      }
      if (res->kind[l] != PL_KDefinite)
         res->kind[i] = res->kind[l];
   }
   VG_(free)(sc_extra);
   if (sc_page) VG_(free)(sc_page);
   if (sc_pol) VG_(free)(sc_pol);
   sc_page = NULL;
   sc_pol  = NULL;
   sc_extra = NULL;
   if (sc_want_ret) {
      UInt t0 = VG_(read_millisecond_timer)();
      pl_retain_compute(res);
      pl_check_ms.retain += VG_(read_millisecond_timer)() - t0;
   }
}

void pl_scan_free ( PL_ScanResult* res )
{
   if (res->leader) VG_(free)(res->leader);
   if (res->parent) VG_(free)(res->parent);
   if (res->order) VG_(free)(res->order);
   VG_(deleteXA)(res->roots);
   if (res->retainer) VG_(free)(res->retainer);
   if (res->edge_from) VG_(free)(res->edge_from);
   if (res->edge_to) VG_(free)(res->edge_to);
   if (res->root_edges) VG_(deleteXA)(res->root_edges);
   if (res->dom) VG_(free)(res->dom);
   if (res->dom_bytes) VG_(free)(res->dom_bytes);
   if (res->dom_blocks) VG_(free)(res->dom_blocks);
   VG_(free)(res->kind);
   if (res->indirect_szB) VG_(free)(res->indirect_szB);
   if (res->py_type) VG_(free)(res->py_type);
   VG_(free)(res->obj_off);
   VG_(free)(res->heur);
   /* Last: it may be the shadow table's array, rebuilt into a table. */
   pl_shadow_sorted_done(res->blocks, res->n_blocks);
   VG_(memset)(res, 0, sizeof *res);
}

/*------------------------------------------------------------*/
/*--- who_points_at (monitor command)                      ---*/
/*------------------------------------------------------------*/

/* memcheck's who_points_at: every word of the roots, of the blocks and
   of the registers that points into [a, a+len), with where it is: for
   a word inside a block, the block's allocation stacks and the Python
   object it holds.  For a Python object's address, how many of its
   references were found against its reference count: the difference
   is what holds it that no scan can see (a leaked reference). */
static Addr  srch_addr;
static UInt  srch_hits;

static void describe_location ( Addr loc )
{
   Int j = block_index(sc_blocks, sc_n, loc);
   if (j < 0) {
      AddrInfo ai;
      ai.tag = Addr_Undescribed;
      VG_(describe_addr)(VG_(current_DiEpoch)(), loc, &ai);
      VG_(pp_addrinfo)(loc, &ai);
      VG_(clear_addrinfo)(&ai);
      return;
   }
   const PL_Block* b = sc_blocks[j];
   VG_(umsg)(" Address %#lx is %lu bytes inside a block of size %lu"
             " alloc'd\n", loc, loc - b->data, b->szB);
   Bool gc = False;
   Addr tp = 0;
   Int off = PL_IS_CUSTOM(b) ? -1 : pl_pyobj_offset(b, &gc, &tp);
   if (off >= 0) {
      HChar tn[96];
      pl_pyobj_type_name(tp, tn, sizeof tn);
      VG_(umsg)("   holding a Python '%s' object at %#lx\n", tn,
                b->data + off);
   }
   pl_pp_stacks(pl_block_where(b), b->py_stack);
}

static void search_hit ( Addr w )
{
   Addr loc = scan_cur;
   srch_hits++;
   if (w == srch_addr)
      VG_(umsg)("*%#lx points at %#lx\n", loc, srch_addr);
   else
      VG_(umsg)("*%#lx interior points at %lu bytes inside %#lx\n", loc,
                w - srch_addr, srch_addr);
   describe_location(loc);
   Int j = w != srch_addr ? block_index(sc_blocks, sc_n, w) : -1;
   if (j < 0)
      return;
   UInt saved = sc_heuristics;
   for (Int h = 0; h < PL_NHeur; h++) {
      sc_heuristics = 1u << h;
      UInt r = probe_interior(w, j);
      if (r != 0 && r <= PL_NHeur)
         VG_(umsg)("block at %#lx considered reachable by ptr %#lx using"
                   " %s heuristic\n", sc_blocks[j]->data, w,
                   pl_heur_name[h]);
   }
   sc_heuristics = saved;
}

static void search_range ( Addr lo, Addr hi )
{
   scan_live(lo, hi, True, SEARCH, False);
}

static void search_register ( ThreadId tid, const HChar* regname, UWord val )
{
   if (val < sc_lo || val >= sc_hi)
      return;
   srch_hits++;
   if (val == srch_addr)
      VG_(umsg)("tid %u register %s pointing at %#lx\n", tid, regname,
                srch_addr);
   else
      VG_(umsg)("tid %u register %s interior pointing %lu bytes inside"
                " %#lx\n", tid, regname, val - srch_addr, srch_addr);
}

void pl_who_points_at ( ThreadId tid, Addr a, SizeT len )
{
   if (len == 1)
      VG_(umsg)("Searching for pointers to %#lx\n", a);
   else
      VG_(umsg)("Searching for pointers pointing in %lu bytes from %#lx\n",
                len, a);
   pl_intercept_drain();
   sc_blocks = pl_shadow_sorted(&sc_n);
   srch_addr = a;
   srch_hits = 0;
   sc_lo = a;
   sc_hi = a + len;
   pl_pyobj_begin();
   collect_dead_stacks(tid);

   Int n_starts;
   Addr* starts = VG_(get_segment_starts)(SkFileC | SkAnonC | SkShmC,
                                          &n_starts);
   for_each_root_range(starts, n_starts, search_range);
   VG_(free)(starts);
   for (UInt i = 0; i < sc_n; i++) {
      const PL_Block* b = sc_blocks[i];
      if (PL_IS_CUSTOM(b)
          && !VG_(am_is_valid_for_client)(b->data, b->szB, VKI_PROT_READ))
         continue;
      scan_range(b->data, b->szB, True, SEARCH);
   }
   VG_(apply_to_GP_regs)(search_register);

   /* A Python object: its references against its count. */
   Int j = block_index(sc_blocks, sc_n, a);
   Bool gc = False;
   Addr tp = 0;
   ULong rc;
   if (j >= 0 && pl_py.found && !PL_IS_CUSTOM(sc_blocks[j])
       && pl_pyobj_offset(sc_blocks[j], &gc, &tp) == (Int)(a - sc_blocks[j]->data)
       && pl_rd64(a, &rc)) {
      HChar tn[96];
      pl_pyobj_type_name(tp, tn, sizeof tn);
      rc &= pl_py.lay->rc_mask;
      VG_(umsg)("%#lx is a Python '%s' object with reference count %llu;"
                " %u pointers to it found\n", a, tn, rc, srch_hits);
   }
   pl_pyobj_end();
   pl_shadow_sorted_done(sc_blocks, sc_n);
   sc_blocks = NULL;
   sc_n = 0;
   n_dead = 0;
}
