/* pyleak: the malloc family, as the core's replacement calls it.
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   The preload (vgpreload_pyleak-*.so, built from the core's
   replacemalloc archive) redirects malloc, calloc, realloc, free, the
   memalign family, malloc_usable_size and C++ new/delete to these
   handlers.  The argument checks that the C library makes (calloc
   overflow, realloc(NULL, n), realloc(p, 0), alignment validity) are
   done there; here every call becomes a client-arena block plus a
   shadow record.

   Fill policy.  memcheck ignores words whose bits are undefined when it
   scans for pointers; pyleak tracks no definedness, so a fresh block
   that reuses freed arena memory could carry stale pointers and keep
   other blocks falsely "reachable".  So new blocks are zeroed, which
   is exactly "contains no pointer yet".  Blocks of 4 MiB and more come
   from fresh mmaps in the client arena (unsplittable superblocks) and
   are zero already; they are left alone so that a large, sparsely used
   buffer does not become resident. */

#include "pub_tool_basics.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_replacemalloc.h"
#include "pub_tool_tooliface.h"
#include "pub_tool_threadstate.h"
#include "pl_include.h"
#include "pl_python.h"
#include "pl_freebuf.h"
#include "pl_vgcompat.h"
#include "pyleak.h"

#define PL_ZERO_FILL_LIMIT  (4u * 1024 * 1024)

/* Small-block reuse.  The core's arena allocator is built for
   Valgrind's own needs: every malloc and free splits or merges
   neighbours and walks size-class lists, and a freed block is rarely
   the next one handed out.  A Python process allocates and frees small
   blocks by the million, so freed blocks of up to PL_SMALL_MAX bytes
   are kept on per-size-class LIFO lists (16-byte classes) and handed
   out again directly, most recently freed first, as glibc's tcache
   does: no arena work, and the memory is still in the CPU's caches.
   Every arena block has room for its size rounded up to 16 bytes and
   is at least 16-aligned (VG_MIN_MALLOC_SZB on amd64), so any freed
   block of a class fits any request of that class; requests aligned to
   more than 16 bytes skip the lists.  The lists hold at most
   PL_SMALL_CACHE bytes; beyond that frees go to the arena.  Listed
   blocks are arena memory, which the leak check never scans. */
#define PL_SMALL_MAX     1024
#define PL_SMALL_CACHE   (4u * 1024 * 1024)
#define PL_N_CLASSES     (PL_SMALL_MAX / 16 + 1)

static void* small_list[PL_N_CLASSES];      /* linked via first word */
static SizeT small_bytes;

static inline UInt small_class ( SizeT szB )
{
   return szB == 0 ? 1 : (UInt)((szB + 15) / 16);
}

static void* arena_alloc ( SizeT align, SizeT szB )
{
   if (szB <= PL_SMALL_MAX && align <= 16) {
      UInt c = small_class(szB);
      void* p = small_list[c];
      if (p) {
         small_list[c] = *(void**)p;
         small_bytes  -= 16 * c;
         return p;
      }
      return VG_(cli_malloc)(align, 16 * c);
   }
   return VG_(cli_malloc)(align, szB);
}

static void arena_free ( void* p, SizeT szB )
{
   if (szB <= PL_SMALL_MAX && small_bytes < PL_SMALL_CACHE) {
      UInt c = small_class(szB);
      *(void**)p    = small_list[c];
      small_list[c] = p;
      small_bytes  += 16 * c;
      return;
   }
   VG_(cli_free)(p);
}

static void* new_block ( ThreadId tid, SizeT szB, SizeT align,
                         Bool is_zeroed, PL_AllocKind kind )
{
   /* Sizes that wrap when the arena adds its overhead are refused, as
      glibc refuses them, instead of tripping an arena assertion. */
   if ((Long)szB < 0)
      return NULL;
   void* p = arena_alloc(align, szB);
   if (p == NULL)
      return NULL;
   if (is_zeroed || szB < PL_ZERO_FILL_LIMIT)
      VG_(memset)(p, 0, szB);
   pl_shadow_new(tid, (Addr)p, szB, kind);
   return p;
}

/* With --freelist-vol=N, freed blocks wait in a queue before the arena
   may reuse them, as memcheck's do (same option, same meaning).  A leak
   check cannot tell a stale pointer from a live one: a pointer to a
   freed block, left behind in some live structure (an unused slot of a
   container, of a stack), makes whatever block next gets that address
   look reachable, and delaying reuse makes that aliasing rare.  It
   costs: a Python workload ran about 15% slower with even 1 MB of
   queue (recently freed, cache-hot blocks are no longer reused first)
   and its resident size grew by the queue and the fragmentation it
   brings.  So the default is no queue (memcheck's is 20 MB).  The
   queue is a ring of (address, size): the shadow record goes at once. */
SizeT pl_clo_freelist_vol = 0;

typedef struct { Addr data; SizeT szB; } Queued;
static Queued* q;               /* ring of q_cap entries */
static UInt    q_cap, q_first, q_n;
static SizeT   q_bytes;

static void enqueue ( Addr data, SizeT szB )
{
   if (q_n == q_cap) {
      UInt cap = q_cap ? 2 * q_cap : 256;
      Queued* nq = VG_(malloc)("pl.intercept.queue", cap * sizeof(Queued));
      for (UInt i = 0; i < q_n; i++)
         nq[i] = q[(q_first + i) % q_cap];
      if (q) VG_(free)(q);
      q = nq;
      q_cap = cap;
      q_first = 0;
   }
   q[(q_first + q_n) % q_cap] = (Queued){ data, szB };
   q_n++;
   q_bytes += szB;
   while (q_bytes > pl_clo_freelist_vol) {
      Queued old = q[q_first];
      q_first = (q_first + 1) % q_cap;
      q_n--;
      q_bytes -= old.szB;
      arena_free((void*)old.data, old.szB);
   }
}

static void free_block ( ThreadId tid, void* p )
{
   /* Every free that reaches the tool counts, a bad or double one too,
      as memcheck's heap summary counts them. */
   pl_heap.n_frees++;
   PL_Block* b = pl_shadow_remove((Addr)p);
   if (b == NULL) {
      /* A custom allocator's block given to free(): memcheck frees it
         (its allocator's memory is not ours to release).  Otherwise
         not ours (or a double free): leave it be. */
      (void)pl_custom_free((Addr)p);
      return;
   }
   if (UNLIKELY(b->py_flags & PL_PYF_CODE))
      pl_pystack_code_freed();
   Addr data = b->data;
   SizeT szB = b->szB;
   pl_shadow_release(b);
   pl_pystatic_freed(data, szB);
   if (szB >= pl_clo_freelist_vol)
      arena_free((void*)data, szB);
   else
      enqueue(data, szB);
}

void pl_intercept_free ( ThreadId tid, Addr p )
{
   free_block(tid, (void*)p);
}

/*------------------------------------------------------------*/
/*--- Batched frees (pl_freebuf.h)                          ---*/
/*------------------------------------------------------------*/

Bool pl_clo_batch_frees = True;

/* Per Valgrind thread (VG_N_THREADS is set by --max-threads). */
static PL_FreeBuf** freebuf;                /* each in the client arena */
static UInt*        freebuf_read;

/* Free what TID's buffer holds beyond what was already read. */
static void freebuf_read_new ( ThreadId tid )
{
   PL_FreeBuf* b = freebuf[tid];
   UWord n = b->count;
   if (n > PL_FREEBUF_CAP) n = PL_FREEBUF_CAP;    /* a scribbled count */
   for (UWord i = freebuf_read[tid]; i < n; i++)
      free_block(tid, b->ptr[i]);
   if (n > freebuf_read[tid])
      freebuf_read[tid] = (UInt)n;
}

/* Free everything in TID's buffer and empty it. */
static void freebuf_empty ( ThreadId tid )
{
   freebuf_read_new(tid);
   freebuf[tid]->count = 0;
   freebuf_read[tid]   = 0;
}

/* The calling thread's buffer, made on its first free.  A thread
   that asks again (a new thread under a dead one's id) gets the
   same buffer, emptied.  Buffers are never given back: at most one
   per thread id. */
static UWord freebuf_get ( ThreadId tid )
{
   if (!pl_clo_batch_frees)
      return 0;
   if (freebuf == NULL) {
      freebuf      = VG_(calloc)("pl.freebuf", VG_N_THREADS, sizeof *freebuf);
      freebuf_read = VG_(calloc)("pl.freebuf.read", VG_N_THREADS,
                                 sizeof *freebuf_read);
   }
   if (freebuf[tid] == NULL) {
      freebuf[tid] = VG_(cli_malloc)(16, sizeof(PL_FreeBuf));
      if (freebuf[tid] == NULL)
         return 0;
      freebuf[tid]->count = 0;
      freebuf_read[tid]   = 0;
   } else {
      freebuf_empty(tid);
   }
   return (UWord)freebuf[tid];
}

/* The buffer BUF is full: free its entries and empty it.  It is the
   calling thread's, unless threads share their thread-local storage
   (raw clone() threads): then it is whichever thread's it is. */
static void freebuf_flush ( ThreadId tid, Addr buf )
{
   if (freebuf == NULL)
      return;
   if ((Addr)freebuf[tid] != buf) {
      for (tid = 1; tid < VG_N_THREADS; tid++)
         if ((Addr)freebuf[tid] == buf)
            break;
      if (tid == VG_N_THREADS)
         return;
   }
   freebuf_empty(tid);
}

void pl_intercept_drain ( void )
{
   if (freebuf == NULL)
      return;
   for (ThreadId t = 1; t < VG_N_THREADS; t++)
      if (freebuf[t])
         freebuf_read_new(t);
}

/* A thread exits: free what it queued.  Its buffer stays: the core
   runs libc's freeres on the last thread after telling us it exited,
   and those frees still land in it (pl_fini reads them); a new thread
   that gets this id gets this buffer. */
void pl_intercept_thread_exited ( ThreadId tid )
{
   if (freebuf != NULL && freebuf[tid] != NULL)
      freebuf_read_new(tid);
}

Bool pl_intercept_client_request ( ThreadId tid, UWord* arg, UWord* ret )
{
   switch (arg[0]) {
   case VG_USERREQ__PYLEAK_PRIVATE_FREE_BUFFER:
      *ret = freebuf_get(tid);
      return True;
   case VG_USERREQ__PYLEAK_PRIVATE_FREE_FLUSH:
      freebuf_flush(tid, arg[1]);
      *ret = 0;
      return True;
   case VG_USERREQ__PYLEAK_PRIVATE_FREE:
      free_block(tid, (void*)arg[1]);
      *ret = 0;
      return True;
#if PL_HAVE_VERIFY_ALIGNMENT_REQUEST
   case PL_VERIFY_ALIGNMENT_REQUEST:
      *ret = 0;          /* memcheck's alignment errors: not ours */
      return True;
#endif
   default:
      return False;
   }
}

static void* pl_malloc ( ThreadId tid, SizeT n )
{
   return new_block(tid, n, VG_(clo_alignment), False, PL_AllocMalloc);
}

static void* pl_builtin_new ( ThreadId tid, SizeT n )
{
   return new_block(tid, n, VG_(clo_alignment), False, PL_AllocNew);
}

static void* pl_builtin_new_aligned ( ThreadId tid, SizeT n,
                                      SizeT align PL_ORIG_ALIGN_PARAM )
{
   return new_block(tid, n, align, False, PL_AllocNew);
}

static void* pl_builtin_vec_new ( ThreadId tid, SizeT n )
{
   return new_block(tid, n, VG_(clo_alignment), False, PL_AllocNewVec);
}

static void* pl_builtin_vec_new_aligned ( ThreadId tid, SizeT n,
                                          SizeT align PL_ORIG_ALIGN_PARAM )
{
   return new_block(tid, n, align, False, PL_AllocNewVec);
}

static void* pl_memalign ( ThreadId tid, SizeT align PL_ORIG_ALIGN_PARAM,
                           SizeT n )
{
   return new_block(tid, n, align, False, PL_AllocMalloc);
}

static void* pl_calloc ( ThreadId tid, SizeT nmemb, SizeT size1 )
{
   /* The preload already returned NULL on overflow; this guards the
      handler against being reached some other way. */
   if (size1 != 0 && nmemb > (SizeT)-1 / size1)
      return NULL;
   return new_block(tid, nmemb * size1, VG_(clo_alignment), True,
                    PL_AllocMalloc);
}

static void pl_free ( ThreadId tid, void* p )
{
   free_block(tid, p);
}

static void pl_builtin_delete_aligned ( ThreadId tid, void* p, SizeT align )
{
   free_block(tid, p);
}

/* realloc always moves the block, as memcheck's does: it keeps the
   shadow record simple (one address, one stack: the realloc call's)
   and the cost is the copy, which the core's own realloc would mostly
   pay anyway.  realloc(NULL, n) never gets here; realloc(p, 0) does
   from Valgrind 3.21 on, and does what the platform's realloc does
   (pl_vgcompat.h), as memcheck does. */
static void* pl_realloc ( ThreadId tid, void* p_old, SizeT new_szB )
{
   if (p_old == NULL)
      return pl_malloc(tid, new_szB);
   if (new_szB == 0) {
      if (pl_realloc_zero_frees()) {
         free_block(tid, p_old);
         return NULL;
      }
      new_szB = 1;
   }

   PL_Block* old = pl_shadow_lookup((Addr)p_old);
   if (old == NULL)
      return NULL;       /* not a block of ours: refuse, as memcheck */

   void* p_new = new_block(tid, new_szB, VG_(clo_alignment), False,
                           PL_AllocMalloc);
   if (p_new == NULL)
      return NULL;       /* the old block stays valid, as C says */
   VG_(memcpy)(p_new, p_old, old->szB < new_szB ? old->szB : new_szB);

   /* The realloc is one allocation and one free in the statistics,
      exactly like memcheck counts it. */
   free_block(tid, p_old);
   return p_new;
}

static SizeT pl_malloc_usable_size ( ThreadId tid, void* p )
{
   PL_Block* b = pl_shadow_lookup((Addr)p);
   return b ? b->szB : 0;
}

void pl_intercept_register ( void )
{
   VG_(needs_malloc_replacement)(
      pl_malloc,
      pl_builtin_new,
      pl_builtin_new_aligned,
      pl_builtin_vec_new,
      pl_builtin_vec_new_aligned,
      pl_memalign,
      pl_calloc,
      pl_free,
      pl_free,                         /* delete */
      pl_builtin_delete_aligned,
      pl_free,                         /* delete[] */
      pl_builtin_delete_aligned,
      pl_realloc,
      pl_malloc_usable_size,
      0                                /* redzone: the arena's minimum */
   );
}
