/* pyleak: the shadow table of live heap blocks.
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   Every block the client allocates through the replaced malloc family
   gets a PL_Block, found by its start address in a PL_BMap (pl_bmap.c:
   it grows and shrinks by itself, so lookups stay O(1) for free and
   realloc with tens of millions of blocks).  Records come from a pool
   allocator: a malloc-heavy Python process allocates and frees them at
   a high rate and the pool keeps that cheap. */

#include "pub_tool_basics.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_poolalloc.h"
#include "pub_tool_threadstate.h"
#include "pl_include.h"
#include "pl_python.h"

PL_HeapStats pl_heap;

static PL_BMap    blocks;
static PoolAlloc* block_pool;
/* While a check holds the table's own array (pl_shadow_sorted), the
   table is empty: lookups search that array. */
static PL_Block** taken;
static UInt       taken_n;
static PL_Block*  taken_find ( Addr data );

ExeContext** pl_sites;
static UInt  sites_cap;

void pl_shadow_init ( void )
{
   pl_bmap_init(&blocks);
   block_pool = VG_(newPA)(sizeof(PL_Block), 1000, VG_(malloc),
                           "pl.shadow.pool", VG_(free));
   sites_cap = 1024;
   pl_sites  = VG_(calloc)("pl.shadow.sites", sites_cap, sizeof(ExeContext*));
}

/* A block's stack is kept as the ECU / 4 of its ExeContext (the core's
   own ECU -> ExeContext lookup walks its whole table): 4 bytes instead
   of 8, and room in the record for the flags.  Index 0 is no stack. */
void pl_block_set_where ( PL_Block* b, ExeContext* ec )
{
   if (ec == NULL) {
      b->where_ix = 0;
      return;
   }
   UInt ix = VG_(get_ECU_from_ExeContext)(ec) >> 2;
   tl_assert(ix > 0 && ix < (1U << 29));
   if (UNLIKELY(ix >= sites_cap)) {
      UInt cap = sites_cap;
      while (cap <= ix) cap *= 2;
      pl_sites = VG_(realloc)("pl.shadow.sites", pl_sites,
                              cap * sizeof(ExeContext*));
      VG_(memset)(pl_sites + sites_cap, 0,
                  (cap - sites_cap) * sizeof(ExeContext*));
      sites_cap = cap;
   }
   pl_sites[ix] = ec;
   b->where_ix  = ix;
}

/* The native stack of an allocation made while Python code runs ends
   at the evaluation-loop frame that runs the outermost Python frames
   (kept, so that the report shows where Python took over): below it,
   the native stack is the interpreter calling itself, which the Python
   stack says better.  Where C called back into Python (a callback, a
   slot, an import) the Python stack is several runs of frames, each
   run by its own call of the loop, and the native stack goes through
   the innermost call back to the loop that runs the code that made
   it: the C code between the two (the extension function that called
   back) is in it, and the report prints both stacks as one
   (pl_records.c, pl_stack_order).  Only the innermost: each further
   level would cost every allocation under it (an import, a class's
   __init__) a dozen more frames to unwind.  See pl_unwind.c for how
   stacks are found. */
static ExeContext* native_stack ( ThreadId tid, UInt py_stack, UChar* depth )
{
   const PL_PyStack* s = pl_pystack_get(py_stack);
   UInt n_eval = s == NULL ? 0 : s->groups > 2 ? 2 : s->groups;
   return pl_unwind(tid, n_eval, s ? depth : NULL);
}

/* The block each thread allocated last (see pl_shadow_renew). */
static Addr* last_alloc;

/* A record for a block of SZB bytes at DATA that thread TID allocates
   now, with this moment's stacks, counted in the allocation totals;
   not in any table (pl_shadow_new puts malloc's blocks in this one,
   pl_custom.c other allocators' blocks in its own). */
PL_Block* pl_shadow_make ( ThreadId tid, Addr data, SizeT szB,
                           PL_AllocKind kind )
{
   if (UNLIKELY(last_alloc == NULL)) {
      last_alloc = VG_(malloc)("pl.shadow.last", VG_N_THREADS * sizeof(Addr));
      VG_(memset)(last_alloc, 0, VG_N_THREADS * sizeof(Addr));
   }
   last_alloc[tid] = data;
   PL_Block* b = VG_(allocEltPA)(block_pool);
   b->data      = data;
   b->szB       = szB;
   b->allockind = kind;
   b->py_flags  = 0;
   /* The Python stack, when an interpreter is (or has just become)
      known: see pl_pystack.c for why this is cheap. */
   pl_python_poll();
   UChar* depth = NULL;
   b->py_stack  = pl_clo_py_stacks ? pl_pystack_capture(tid, &depth) : 0;
   /* The first IP is the replacement function in our preload (for a
      client request, the function that made it); the core's unwinder
      starts at the client's call into it, which is what every leak
      report wants to show. */
   pl_block_set_where(b, native_stack(tid, b->py_stack, depth));

   pl_heap.n_allocs++;
   pl_heap.bytes_allocated += szB;
   return b;
}

PL_Block* pl_shadow_new ( ThreadId tid, Addr data, SizeT szB,
                          PL_AllocKind kind )
{
   PL_Block* b = pl_shadow_make(tid, data, szB, kind);
   tl_assert(taken == NULL);           /* no allocation during a check */
   pl_bmap_add(&blocks, b);
   pl_heap.in_use_bytes += szB;
   pl_heap.in_use_blocks++;
   return b;
}

/* Block B starts a new life in thread TID: it takes this moment's
   Python and native stacks. */
static void take_stacks ( ThreadId tid, PL_Block* b )
{
   UChar* depth = NULL;
   b->py_stack = pl_pystack_capture(tid, &depth);
   pl_block_set_where(b, native_stack(tid, b->py_stack, depth));
}

/* A Python object at OP starts a new life (_Py_NewReference, seen by
   the preload).  When its block is not the one this thread has just
   allocated, the object came from one of CPython's free lists: the
   block's stacks become this call's, so that a leaked list is
   reported where the leaking code made it, not where its block was
   first allocated.  The object sits after a GC header (lists,
   tuples, dicts), at the block start (floats), or behind debug-hook
   headers with PYTHONMALLOC=malloc_debug. */
void pl_shadow_renew ( ThreadId tid, Addr op )
{
   if (!pl_clo_py_stacks || !pl_py.found || last_alloc == NULL)
      return;
   static const Int pre[] = { 16, 0, 32, 48 };
   PL_Block* b = NULL;
   for (Int i = 0; i < 4 && b == NULL; i++) {
      PL_Block* c = pl_bmap_find(&blocks, op - pre[i]);
      if (c && op + 16 <= c->data + c->szB)
         b = c;
   }
   if (b == NULL || b->data == last_alloc[tid])
      return;
   take_stacks(tid, b);
}

/* The reference count of the object at OP is being set to 1 by the
   interpreter's own code (pl_newref.c): if OP is a reused object of a
   free-listed type at the start of a block (after a GC header for GC
   types) that this thread did not just allocate, it starts a new life
   here. */
void pl_shadow_renew_reused ( ThreadId tid, Addr op )
{
   if (!pl_py.found || last_alloc == NULL)
      return;
   for (SizeT pre = 0; pre <= 16; pre += 16) {
      PL_Block* b = pl_bmap_find(&blocks, op - pre);
      if (b == NULL)
         continue;
      if (b->data != last_alloc[tid] && op + 16 <= b->data + b->szB
          && pl_pyobj_reusable(op, pre != 0))
         take_stacks(tid, b);
      return;
   }
}

PL_Block* pl_shadow_lookup ( Addr data )
{
   if (UNLIKELY(taken != NULL))
      return taken_find(data);
   return pl_bmap_find(&blocks, data);
}

void pl_shadow_mark_prefork ( void )
{
   PL_Block* b;
   UInt i = 0;
   while ((b = pl_bmap_next(&blocks, &i)) != NULL)
      b->py_flags |= PL_PYF_PREFORK;
}

/* Unlink the record of the block at DATA; NULL if there is none (a
   bad free, which the caller ignores like glibc would not, but which
   is not ours to diagnose: we are a leak checker). */
PL_Block* pl_shadow_remove ( Addr data )
{
   tl_assert(taken == NULL);           /* no free during a check */
   PL_Block* b = pl_bmap_remove(&blocks, data);
   if (b) {
      pl_heap.in_use_bytes -= b->szB;
      pl_heap.in_use_blocks--;
   }
   return b;
}

void pl_shadow_release ( PL_Block* b )
{
   VG_(freeEltPA)(block_pool, b);
}

/* Sort ARR (N blocks) by address: a least-significant-digit radix sort
   on the address bits above the lowest block's, 11 bits a pass.  A
   check sorts every block of the process (a pytest process: 137,000 at
   each of its checkpoints), and a comparison sort through a function
   pointer, each comparison reading two block records, cost a tenth of
   a checkpoint; this reads each record twice a pass, in order. */
#define RADIX_BITS 11
static void sort_by_address ( PL_Block** arr, UInt n )
{
   if (n < 2)
      return;
   Addr lo = arr[0]->data, hi = lo;
   for (UInt i = 1; i < n; i++) {
      Addr a = arr[i]->data;
      if (a < lo) lo = a;
      if (a > hi) hi = a;
   }
   UInt bits = 0;
   while (bits < 64 && ((hi - lo) >> bits) != 0) bits++;
   PL_Block** tmp = VG_(malloc)("pl.shadow.sort", n * sizeof(PL_Block*));
   UInt* count = VG_(malloc)("pl.shadow.count",
                             (1U << RADIX_BITS) * sizeof(UInt));
   PL_Block** from = arr;
   PL_Block** to   = tmp;
   for (UInt shift = 0; shift < bits; shift += RADIX_BITS) {
      const UWord mask = (1UL << RADIX_BITS) - 1;
      VG_(memset)(count, 0, (1U << RADIX_BITS) * sizeof(UInt));
      for (UInt i = 0; i < n; i++)
         count[((from[i]->data - lo) >> shift) & mask]++;
      UInt sum = 0;
      for (UInt d = 0; d <= mask; d++) {
         UInt c = count[d];
         count[d] = sum;
         sum += c;
      }
      for (UInt i = 0; i < n; i++)
         to[count[((from[i]->data - lo) >> shift) & mask]++] = from[i];
      PL_Block** t = from; from = to; to = t;
   }
   if (from != arr)
      VG_(memcpy)(arr, from, n * sizeof(PL_Block*));
   VG_(free)(count);
   VG_(free)(tmp);
}

/* Every block a leak check considers, sorted by address: malloc's,
   merged with other allocators' (pl_custom.c decides which of each).
   With malloc's blocks only (the usual case), the array is the shadow
   table's own, sorted in place: a copy would be the largest array of
   the check (8 bytes a block). */
PL_Block** pl_shadow_sorted ( UInt* n )
{
   tl_assert(taken == NULL);
   if (!pl_custom_any()) {
      PL_Block** arr = pl_bmap_take(&blocks, n);
      sort_by_address(arr, *n);
      taken   = arr;
      taken_n = *n;
      return arr;
   }
   PL_Block** arr = pl_bmap_to_array(&blocks, n);
   if (arr) sort_by_address(arr, *n);
   return pl_custom_merge(arr, n);
}

void pl_shadow_sorted_done ( PL_Block** arr, UInt n )
{
   if (arr != NULL && arr == taken) {
      pl_bmap_give_back(&blocks, arr, taken_n);
      taken   = NULL;
      taken_n = 0;
   } else if (arr != NULL) {
      VG_(free)(arr);
   }
}

/* The block at DATA in the taken (sorted) array, or NULL. */
static PL_Block* taken_find ( Addr data )
{
   Int lo = 0, hi = (Int)taken_n - 1;
   while (lo <= hi) {
      Int mid = lo + (hi - lo) / 2;
      if (taken[mid]->data < data)      lo = mid + 1;
      else if (taken[mid]->data > data) hi = mid - 1;
      else return taken[mid];
   }
   return NULL;
}
