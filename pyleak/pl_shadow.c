/* pyleak: the shadow table of live heap blocks.
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   Every block the client allocates through the replaced malloc family
   gets a PL_Block, found by its start address in the core's hash
   table (which grows by itself, so lookups stay O(1) for free and
   realloc with tens of millions of blocks).  Records come from a pool
   allocator: a malloc-heavy Python process allocates and frees them at
   a high rate and the pool keeps that cheap. */

#include "pub_tool_basics.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_machine.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_poolalloc.h"
#include "pub_tool_options.h"
#include "pub_tool_stacktrace.h"
#include "pub_tool_threadstate.h"
#include "pl_include.h"
#include "pl_python.h"

PL_HeapStats pl_heap;

static VgHashTable* blocks;
static PoolAlloc*   block_pool;

void pl_shadow_init ( void )
{
   blocks     = VG_(HT_construct)("pl.shadow.blocks");
   block_pool = VG_(newPA)(sizeof(PL_Block), 1000, VG_(malloc),
                           "pl.shadow.pool", VG_(free));
}

/* The native stack of an allocation made while Python code runs.

   Below the innermost evaluation-loop frame the native stack is the
   interpreter calling itself, which the Python stack says better; so
   the stack ends at that frame (kept, so that the report shows where
   Python took over).  And unwinding, frame by frame through the CFI,
   is most of what an allocation costs pyleak, so it is avoided where
   it can be.  Allocations made from one Python stack (same code
   objects, same instruction offsets) nearly always come through the
   same C functions: each Python stack's cache entry (M) remembers the
   last native stack seen from it, and where, relative to the stack
   pointer, each of its return addresses was.  When the client's stack
   holds those same return addresses at those same places, and the IP
   is the same, a fresh unwind would follow the same frames to the same
   answer: the remembered stack is the answer.  Otherwise the unwinder
   runs, asked for no more frames than the deepest eval-loop frame seen
   from that Python stack (M->depth; Python allocations in the benchmark
   reach it in 2 to 9 frames, most in 2 to 4, where --num-callers is
   12), then for the full --num-callers if that was too short; and what
   it finds is remembered. */
static ExeContext* memo_lookup ( ThreadId tid, const PL_NativeMemo* m )
{
   Addr ip = VG_(get_IP)(tid), sp = 0;
   for (UInt w = 0; w < PL_MEMO_WAYS; w++) {
      const PL_MemoWay* x = &m->way[w];
      if (x->n < 2 || x->ip0 != ip)
         continue;
      if (sp == 0)
         sp = VG_(get_SP)(tid);
      if (!pl_readable(sp, x->off[x->n - 1] + sizeof(Addr)))
         continue;
      UInt i = 1;
      while (i < x->n && *(const Addr*)(sp + x->off[i]) == x->ra[i])
         i++;
      if (i == x->n)
         return x->ec;
   }
   return NULL;
}

/* Remember the stack IPS[0..N-1] (SPS: its frames' stack pointers),
   if every return address is where the unwinder's rules put it: just
   below the caller's stack pointer. */
static void memo_store ( PL_NativeMemo* m, ExeContext* ec,
                         const Addr* ips, const Addr* sps, UInt n )
{
   if (n < 2 || n > PL_MEMO_FRAMES)
      return;
   PL_MemoWay* x = &m->way[m->next];
   x->n = 0;
   for (UInt i = 1; i < n; i++) {
      Addr slot = sps[i] - sizeof(Addr);
      if (slot < sps[0] || slot - sps[0] > 0xFFFFFFFFul
          || (i > 1 && slot - sps[0] <= x->off[i - 1])
          || *(const Addr*)slot != ips[i] + 1)
         return;
      x->off[i] = (UInt)(slot - sps[0]);
      x->ra[i]  = ips[i] + 1;
   }
   x->ec  = ec;
   x->ip0 = ips[0];
   x->n   = (UChar)n;
   m->next = (UChar)((m->next + 1) % PL_MEMO_WAYS);
}

static ExeContext* python_native_stack ( ThreadId tid, PL_NativeMemo* m )
{
   UInt k = VG_(clo_backtrace_size);
   if (pl_py.eval_lo == 0)
      return VG_(record_ExeContext)(tid, 0);
   ExeContext* ec = memo_lookup(tid, m);
   if (ec)
      return ec;
   Addr ips[500], sps[500];         /* the core's --num-callers limit */
   UInt max = m->depth ? m->depth + 1 : k;
   if (max > k) max = k;
   for (;;) {
      UInt n = VG_(get_StackTrace)(tid, ips, max, sps, NULL, 0);
      for (UInt i = 1; i < n; i++)
         if (ips[i] >= pl_py.eval_lo && ips[i] < pl_py.eval_hi) {
            if (i > m->depth) m->depth = (UChar)(i < 255 ? i : 255);
            ec = VG_(make_ExeContext_from_StackTrace)(ips, i + 1);
            memo_store(m, ec, ips, sps, i + 1);
            return ec;
         }
      if (n < max || max == k) {           /* the whole stack, or k */
         m->depth = (UChar)(k - 1 < 255 ? k - 1 : 255);
         return VG_(make_ExeContext_from_StackTrace)(ips, n);
      }
      max = k;                                /* the hint was short */
   }
}

/* The block each thread allocated last (see pl_shadow_renew). */
static Addr* last_alloc;

PL_Block* pl_shadow_new ( ThreadId tid, Addr data, SizeT szB,
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
   b->tid       = (UShort)tid;
   b->allockind = (UChar)kind;
   b->py_flags  = 0;
   /* The Python stack, when an interpreter is (or has just become)
      known: see pl_pystack.c for why this is cheap. */
   pl_python_poll();
   PL_NativeMemo* memo = NULL;
   b->py_stack  = pl_clo_py_stacks ? pl_pystack_capture(tid, &memo) : 0;
   /* The first IP is the replacement function in our preload; the
      core's unwinder starts at the client's call into it, which is
      what every leak report wants to show. */
   b->where     = b->py_stack ? python_native_stack(tid, memo)
                              : VG_(record_ExeContext)(tid, 0);
   VG_(HT_add_node)(blocks, b);

   pl_heap.n_allocs++;
   pl_heap.bytes_allocated += szB;
   pl_heap.in_use_bytes    += szB;
   pl_heap.in_use_blocks++;
   return b;
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
      PL_Block* c = VG_(HT_lookup)(blocks, op - pre[i]);
      if (c && op + 16 <= c->data + c->szB)
         b = c;
   }
   if (b == NULL || b->data == last_alloc[tid])
      return;
   PL_NativeMemo* memo = NULL;
   b->tid      = (UShort)tid;
   b->py_stack = pl_pystack_capture(tid, &memo);
   b->where    = b->py_stack ? python_native_stack(tid, memo)
                             : VG_(record_ExeContext)(tid, 0);
}

PL_Block* pl_shadow_lookup ( Addr data )
{
   return VG_(HT_lookup)(blocks, data);
}

/* Unlink the record of the block at DATA; NULL if there is none (a
   bad free, which the caller ignores like glibc would not, but which
   is not ours to diagnose: we are a leak checker). */
PL_Block* pl_shadow_remove ( Addr data )
{
   PL_Block* b = VG_(HT_remove)(blocks, data);
   if (b) {
      pl_heap.n_frees++;
      pl_heap.in_use_bytes -= b->szB;
      pl_heap.in_use_blocks--;
   }
   return b;
}

void pl_shadow_release ( PL_Block* b )
{
   VG_(freeEltPA)(block_pool, b);
}

static Int cmp_block_addr ( const void* a, const void* b )
{
   Addr x = (*(PL_Block* const*)a)->data;
   Addr y = (*(PL_Block* const*)b)->data;
   return x < y ? -1 : x > y ? 1 : 0;
}

PL_Block** pl_shadow_sorted ( UInt* n )
{
   PL_Block** arr = (PL_Block**)VG_(HT_to_array)(blocks, n);
   VG_(ssort)(arr, *n, sizeof(PL_Block*), cmp_block_addr);
   return arr;
}
