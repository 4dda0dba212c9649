/* pyleak: blocks inside another allocator's memory.
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   Programs with allocators of their own (arenas, pools, slab caches)
   tell Valgrind tools about their blocks with client requests, and
   pyleak gives those blocks memcheck's leak semantics:

   - VALGRIND_MALLOCLIKE_BLOCK / FREELIKE_BLOCK / RESIZEINPLACE_BLOCK:
     a "custom" block, anywhere in memory (an mmap'd superblock, a
     static array, a malloc'd one).
   - The mempool requests: a pool is a handle (an address) with chunks
     (MEMPOOL_ALLOC/FREE/TRIM/CHANGE, MOVE_MEMPOOL, DESTROY_MEMPOOL,
     MEMPOOL_EXISTS).  CREATE_MEMPOOL_EXT's flags: a METAPOOL's chunks
     are superblocks that MALLOCLIKE blocks may lie inside; an
     AUTO_FREE metapool frees those blocks with the chunk.

   Each block is a PL_Block like malloc's, with its allocation stacks,
   kept here in tables of its own (MALLOCLIKE blocks in one, each pool's
   chunks in the pool's), so that malloc's hot paths never see them.  A
   leak check scans them with malloc's blocks (pl_custom_merge):

   - every custom block and pool chunk is a block;
   - a malloc'd block that holds custom blocks (the superblock the
     allocator carves them from) is not: its memory is the custom
     blocks', and counting it too would count the bytes twice;
   - a metapool chunk and the MALLOCLIKE blocks inside it are both
     blocks (memcheck's rule);
   - any other overlap is a misuse of the requests.  memcheck aborts
     on it; pyleak says so once, with both allocation stacks, and
     leaves the enclosing (or the later) block out.

   Heap statistics follow memcheck: custom blocks count as allocations
   and as heap in use, pool chunks as allocations only; FREELIKE counts
   as a free, MEMPOOL_FREE does not.

   What pyleak cannot do as memcheck does: memcheck scans only words
   whose value is defined, so a chunk carved from reused memory holds
   no pointers until written.  pyleak never writes a custom block (the
   allocator owns its contents), so stale pointers in a non-zeroed
   chunk count as pointers. */

#include "pub_tool_basics.h"
#include "pub_tool_hashtable.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_options.h"
#include "pub_tool_stacktrace.h"
#include "pub_tool_threadstate.h"
#include "pl_include.h"
#include "pl_python.h"
#include "valgrind.h"

typedef struct _PL_Pool {
   struct _PL_Pool* next;
   Addr          pool;          /* the handle; hash key */
   Bool          auto_free;
   Bool          metapool;
   PL_BMap       chunks;
} PL_Pool;

static PL_BMap      customs;     /* MALLOCLIKE blocks */
static VgHashTable* pools;       /* of PL_Pool */
static ULong        n_chunks;    /* pool chunks live, over all pools */

void pl_custom_init ( void )
{
   pl_bmap_init(&customs);
   pools   = VG_(HT_construct)("pl.custom.pools");
}

ULong pl_custom_pool_chunks ( void )
{
   return n_chunks;
}

/*------------------------------------------------------------*/
/*--- Misuse                                               ---*/
/*------------------------------------------------------------*/

/* A request that cannot be done (no such pool, no such block): said
   with the stack that made it, as memcheck's errors are, for the first
   few; they change nothing. */
#define MAX_MISUSE 20
static UInt n_misuse;

static void misuse_done ( ThreadId tid, const HChar* req, const HChar* what,
                          Addr a, const HChar* done )
{
   if (n_misuse++ >= MAX_MISUSE) {
      if (n_misuse == MAX_MISUSE + 1)
         VG_(umsg)("pyleak: further misused allocator requests are not"
                   " shown\n");
      return;
   }
   VG_(umsg)("pyleak: %s: %#lx is %s; %s\n", req, a, what, done);
   VG_(get_and_pp_StackTrace)(tid, pl_num_callers());
   VG_(umsg)("\n");
}

static void misuse ( ThreadId tid, const HChar* req, const HChar* what,
                     Addr a )
{
   misuse_done(tid, req, what, a, "request ignored");
}

/*------------------------------------------------------------*/
/*--- MALLOCLIKE blocks                                    ---*/
/*------------------------------------------------------------*/

static void malloclike ( ThreadId tid, Addr p, SizeT szB )
{
   PL_Block* b = pl_shadow_make(tid, p, szB, PL_AllocCustom);
   pl_bmap_add(&customs, b);
   pl_heap.in_use_bytes += szB;
   pl_heap.in_use_blocks++;
}

/* Unlink and release the MALLOCLIKE block B, already out of the
   table. */
static void drop_custom ( PL_Block* b )
{
   /* An allocator of the interpreter's own (PyMem_SetAllocator) may
      hand out its parser arenas this way (pl_pystatic.c). */
   pl_pystatic_freed(b->data, b->szB);
   pl_heap.in_use_bytes -= b->szB;
   pl_heap.in_use_blocks--;
   pl_shadow_release(b);
}

Bool pl_custom_free ( Addr p )
{
   PL_Block* b = pl_bmap_remove(&customs, p);
   if (b == NULL)
      return False;
   drop_custom(b);
   return True;
}

static void freelike ( ThreadId tid, Addr p )
{
   PL_Block* b = pl_bmap_remove(&customs, p);
   if (b == NULL) {
      /* memcheck frees a malloc'd block given to FREELIKE_BLOCK (and
         calls it a mismatched free): so does pyleak, minus the error.
         Anything else is said. */
      if (pl_shadow_lookup(p) != NULL)
         pl_intercept_free(tid, p);
      else {
         pl_heap.n_frees++;
         misuse(tid, "VALGRIND_FREELIKE_BLOCK", "not a block", p);
      }
      return;
   }
   pl_heap.n_frees++;
   drop_custom(b);
}

/* RESIZEINPLACE_BLOCK: for MALLOCLIKE blocks.  memcheck also resizes
   a malloc'd block this way; pyleak leaves those alone (the arena
   frees a block by the size it was made with). */
static void resize_in_place ( ThreadId tid, Addr p, SizeT old_szB,
                              SizeT new_szB )
{
   PL_Block* b = pl_bmap_find(&customs, p);
   if (b == NULL || b->szB != old_szB || new_szB == 0) {
      misuse(tid, "VALGRIND_RESIZEINPLACE_BLOCK",
             b == NULL ? "not a custom block"
             : new_szB == 0 ? "resized to 0 bytes"
             : "not of the old size given", p);
      return;
   }
   pl_heap.in_use_bytes += new_szB;
   pl_heap.in_use_bytes -= old_szB;
   b->szB = new_szB;
}

/*------------------------------------------------------------*/
/*--- Pools                                                ---*/
/*------------------------------------------------------------*/

static void destroy_chunks ( PL_Pool* mp )
{
   PL_Block* b;
   UInt i = 0;
   while ((b = pl_bmap_next(&mp->chunks, &i)) != NULL) {
      pl_shadow_release(b);
      n_chunks--;
   }
   pl_bmap_free(&mp->chunks);
}

static void create_pool ( ThreadId tid, Addr pool, UWord flags )
{
   if (VG_(HT_lookup)(pools, pool) != NULL) {
      misuse(tid, "VALGRIND_CREATE_MEMPOOL", "a pool already", pool);
      return;
   }
   PL_Pool* mp  = VG_(malloc)("pl.custom.pool", sizeof(PL_Pool));
   mp->pool      = pool;
   mp->auto_free = (flags & VALGRIND_MEMPOOL_AUTO_FREE) != 0;
   mp->metapool  = (flags & VALGRIND_MEMPOOL_METAPOOL) != 0;
   if (mp->auto_free && !mp->metapool) {
      /* memcheck aborts; the intent is plain (its blocks lie inside
         the pool's chunks), so the pool is made a metapool. */
      misuse_done(tid, "VALGRIND_CREATE_MEMPOOL_EXT",
                  "an AUTO_FREE pool without METAPOOL", pool,
                  "taken as both");
      mp->metapool = True;
   }
   pl_bmap_init(&mp->chunks);
   VG_(HT_add_node)(pools, mp);
}

static PL_Pool* find_pool ( ThreadId tid, const HChar* req, Addr pool )
{
   PL_Pool* mp = VG_(HT_lookup)(pools, pool);
   if (mp == NULL)
      misuse(tid, req, "not a memory pool (VALGRIND_CREATE_MEMPOOL)", pool);
   return mp;
}

static void destroy_pool ( ThreadId tid, Addr pool )
{
   PL_Pool* mp = VG_(HT_remove)(pools, pool);
   if (mp == NULL) {
      misuse(tid, "VALGRIND_DESTROY_MEMPOOL",
             "not a memory pool (VALGRIND_CREATE_MEMPOOL)", pool);
      return;
   }
   destroy_chunks(mp);
   VG_(free)(mp);
}

static void pool_alloc ( ThreadId tid, Addr pool, Addr p, SizeT szB )
{
   PL_Pool* mp = find_pool(tid, "VALGRIND_MEMPOOL_ALLOC", pool);
   if (mp == NULL)
      return;
   PL_Block* b = pl_shadow_make(tid, p, szB,
                                mp->metapool ? PL_AllocMeta : PL_AllocPool);
   pl_bmap_add(&mp->chunks, b);
   n_chunks++;
}

/* An AUTO_FREE metapool's chunk [lo, hi) is freed: so are the
   MALLOCLIKE blocks inside it (not counted as frees, as memcheck). */
static void free_inside ( Addr lo, Addr hi )
{
   UInt n;
   PL_Block** all = pl_bmap_to_array(&customs, &n);
   for (UInt i = 0; i < n; i++) {
      PL_Block* b = all[i];
      if (b->data >= lo && b->data + b->szB <= hi) {
         pl_bmap_remove(&customs, b->data);
         drop_custom(b);
      }
   }
   if (all) VG_(free)(all);
}

static void pool_free ( ThreadId tid, Addr pool, Addr p )
{
   PL_Pool* mp = find_pool(tid, "VALGRIND_MEMPOOL_FREE", pool);
   if (mp == NULL)
      return;
   PL_Block* b = pl_bmap_remove(&mp->chunks, p);
   if (b == NULL) {
      misuse(tid, "VALGRIND_MEMPOOL_FREE", "not a chunk of the pool", p);
      return;
   }
   n_chunks--;
   if (mp->auto_free)
      free_inside(b->data, b->data + b->szB);
   pl_shadow_release(b);
}

/* TRIM: chunks wholly outside [lo, lo+szB) go, chunks across its edges
   are cut to it.  (memcheck's cut uses the extent's size for the
   chunk's end, which can make a chunk larger than it was; pyleak cuts
   to the intersection.) */
static void pool_trim ( ThreadId tid, Addr pool, Addr lo, SizeT szB )
{
   PL_Pool* mp = find_pool(tid, "VALGRIND_MEMPOOL_TRIM", pool);
   if (mp == NULL)
      return;
   Addr hi = lo + szB;
   UInt n;
   PL_Block** c = pl_bmap_to_array(&mp->chunks, &n);
   for (UInt i = 0; i < n; i++) {
      PL_Block* b = c[i];
      Addr b_lo = b->data, b_hi = b->data + b->szB;
      Addr last = b->szB ? b_hi - 1 : b_lo;
      Bool lo_in = b_lo >= lo && b_lo < hi, last_in = last >= lo && last < hi;
      if (lo_in && last_in)
         continue;                                    /* kept whole */
      pl_bmap_remove(&mp->chunks, b->data);
      if (!lo_in && !last_in && !(b_lo < lo && b_hi > hi)) {
         pl_shadow_release(b);                        /* outside */
         n_chunks--;
         continue;
      }
      b->data = b_lo > lo ? b_lo : lo;                /* cut */
      b->szB  = (b_hi < hi ? b_hi : hi) - b->data;
      pl_bmap_add(&mp->chunks, b);
   }
   if (c) VG_(free)(c);
}

static void pool_change ( ThreadId tid, Addr pool, Addr a, Addr b_,
                          SizeT szB )
{
   PL_Pool* mp = find_pool(tid, "VALGRIND_MEMPOOL_CHANGE", pool);
   if (mp == NULL)
      return;
   PL_Block* b = pl_bmap_remove(&mp->chunks, a);
   if (b == NULL) {
      misuse(tid, "VALGRIND_MEMPOOL_CHANGE", "not a chunk of the pool", a);
      return;
   }
   b->data = b_;
   b->szB  = szB;
   pl_bmap_add(&mp->chunks, b);
}

static void move_pool ( ThreadId tid, Addr from, Addr to )
{
   PL_Pool* mp = VG_(HT_remove)(pools, from);
   if (mp == NULL) {
      misuse(tid, "VALGRIND_MOVE_MEMPOOL",
             "not a memory pool (VALGRIND_CREATE_MEMPOOL)", from);
      return;
   }
   mp->pool = to;
   VG_(HT_add_node)(pools, mp);
}

Bool pl_custom_client_request ( ThreadId tid, UWord* arg, UWord* ret )
{
   switch (arg[0]) {
   case VG_USERREQ__MALLOCLIKE_BLOCK:     /* addr, size, rz, zeroed */
      malloclike(tid, arg[1], arg[2]);
      break;
   case VG_USERREQ__FREELIKE_BLOCK:       /* addr, rz */
      freelike(tid, arg[1]);
      break;
   case VG_USERREQ__RESIZEINPLACE_BLOCK:  /* addr, old, new, rz */
      resize_in_place(tid, arg[1], arg[2], arg[3]);
      break;
   case VG_USERREQ__CREATE_MEMPOOL:       /* pool, rz, zeroed, flags */
      create_pool(tid, arg[1], arg[4]);
      break;
   case VG_USERREQ__DESTROY_MEMPOOL:
      destroy_pool(tid, arg[1]);
      break;
   case VG_USERREQ__MEMPOOL_ALLOC:        /* pool, addr, size */
      pool_alloc(tid, arg[1], arg[2], arg[3]);
      break;
   case VG_USERREQ__MEMPOOL_FREE:         /* pool, addr */
      pool_free(tid, arg[1], arg[2]);
      break;
   case VG_USERREQ__MEMPOOL_TRIM:         /* pool, addr, size */
      pool_trim(tid, arg[1], arg[2], arg[3]);
      break;
   case VG_USERREQ__MOVE_MEMPOOL:         /* from, to */
      move_pool(tid, arg[1], arg[2]);
      break;
   case VG_USERREQ__MEMPOOL_CHANGE:       /* pool, old addr, new, size */
      pool_change(tid, arg[1], arg[2], arg[3], arg[4]);
      break;
   case VG_USERREQ__MEMPOOL_EXISTS:
      *ret = VG_(HT_lookup)(pools, arg[1]) != NULL;
      return True;
   default:
      return False;
   }
   *ret = 0;
   return True;
}

/*------------------------------------------------------------*/
/*--- What a leak check sees                               ---*/
/*------------------------------------------------------------*/

/* By address; a block before the blocks it contains. */
static Int cmp_start ( const void* a, const void* b )
{
   const PL_Block* x = *(PL_Block* const*)a;
   const PL_Block* y = *(PL_Block* const*)b;
   if (x->data != y->data) return x->data < y->data ? -1 : 1;
   if (x->szB != y->szB)   return x->szB > y->szB ? -1 : 1;
   return 0;
}

static inline Addr last_byte ( const PL_Block* b )
{
   return b->szB ? b->data + b->szB - 1 : b->data;
}

/* Index of the block of the sorted, disjoint ARR containing A, or -1. */
static Int find_in ( PL_Block** arr, UInt n, Addr a )
{
   Int lo = 0, hi = (Int)n - 1;
   while (lo <= hi) {
      Int mid = lo + (hi - lo) / 2;
      if (a < arr[mid]->data)           hi = mid - 1;
      else if (a > last_byte(arr[mid])) lo = mid + 1;
      else return mid;
   }
   return -1;
}

/* Two custom blocks overlap in a way the requests do not allow. */
static Bool overlap_said;
static void say_overlap ( const PL_Block* a, const PL_Block* b,
                          const PL_Block* out )
{
   if (overlap_said)
      return;
   overlap_said = True;
   VG_(umsg)("pyleak: block %#lx..%#lx overlaps block %#lx..%#lx; leak"
             " checks leave out the one at %#lx\n",
             a->data, last_byte(a), b->data, last_byte(b), out->data);
   VG_(umsg)("   (VALGRIND_MALLOCLIKE_BLOCK or MEMPOOL_ALLOC on memory that"
             " is a block already; only a METAPOOL's chunks may hold"
             " blocks)\n");
   VG_(umsg)("Blocks allocation contexts:\n");
   VG_(pp_ExeContext)(pl_block_where(a));
   VG_(umsg)("\n");
   VG_(pp_ExeContext)(pl_block_where(b));
   VG_(umsg)("\n");
}

/* May A (first) and B, which overlap, both be blocks?  A metapool's
   chunk and a non-metapool block wholly inside it. */
static Bool overlap_allowed ( const PL_Block* a, const PL_Block* b )
{
   Bool meta_a = a->allockind == PL_AllocMeta;
   Bool meta_b = b->allockind == PL_AllocMeta;
   if (meta_a == meta_b)
      return False;
   const PL_Block* outer = meta_a ? a : b;
   const PL_Block* inner = meta_a ? b : a;
   return inner->data >= outer->data && last_byte(inner) <= last_byte(outer);
}

Bool pl_custom_any ( void )
{
   return n_chunks + customs.n > 0;
}

PL_Block** pl_custom_merge ( PL_Block** mallocs, UInt* n )
{
   UInt n_m = *n;
   ULong n_c64 = n_chunks + customs.n;
   if (n_c64 == 0)
      return mallocs;
   UInt n_c = (UInt)n_c64;

   /* The custom blocks, sorted. */
   PL_Block** cs = VG_(malloc)("pl.custom.merge", n_c * sizeof(PL_Block*));
   UInt k = 0;
   PL_Block* b;
   UInt it = 0;
   while ((b = pl_bmap_next(&customs, &it)) != NULL)
      cs[k++] = b;
   PL_Pool* mp;
   VG_(HT_ResetIter)(pools);
   while ((mp = VG_(HT_Next)(pools)) != NULL) {
      it = 0;
      while ((b = pl_bmap_next(&mp->chunks, &it)) != NULL)
         cs[k++] = b;
   }
   tl_assert(k == n_c);
   VG_(ssort)(cs, n_c, sizeof(PL_Block*), cmp_start);

   /* malloc'd superblocks: blocks that hold a custom block's first or
      last byte. */
   UChar* holds = VG_(calloc)("pl.custom.holds", n_m + 1, 1);
   for (UInt i = 0; i < n_c; i++) {
      Int m = find_in(mallocs, n_m, cs[i]->data);
      if (m >= 0) holds[m] = 1;
      m = find_in(mallocs, n_m, last_byte(cs[i]));
      if (m >= 0) holds[m] = 1;
   }

   /* Merge the two sorted lists; then drop what overlaps wrongly,
      comparing each block with the last one kept. */
   PL_Block** out = VG_(malloc)("pl.custom.merged",
                                (n_m + n_c) * sizeof(PL_Block*));
   UInt o = 0, i = 0, j = 0;
   while (i < n_m || j < n_c) {
      PL_Block* next;
      if (i < n_m && holds[i]) { i++; continue; }
      if (j >= n_c || (i < n_m && mallocs[i]->data < cs[j]->data))
         next = mallocs[i++];
      else
         next = cs[j++];
      PL_Block* prev = o > 0 ? out[o - 1] : NULL;
      if (prev == NULL || prev->szB == 0 || next->data > last_byte(prev)
          || overlap_allowed(prev, next)) {
         out[o++] = next;
         continue;
      }
      /* The container goes (it acts as a superblock); else the later. */
      if (last_byte(next) <= last_byte(prev)) {
         say_overlap(prev, next, prev);
         out[o - 1] = next;
      } else {
         say_overlap(prev, next, next);
      }
   }
   *n = o;
   VG_(free)(holds);
   VG_(free)(cs);
   if (mallocs) VG_(free)(mallocs);
   return out;
}
