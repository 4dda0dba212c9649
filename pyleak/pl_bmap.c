/* pyleak: maps from an address to the block that starts there.
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   Why not the core's VgHashTable: its nodes must begin with a chain
   link and the key, which costs every block 8 bytes, and its buckets
   another 8 to 16 per block; a Python process has millions of blocks
   and a long-running one keeps them for hours.  This is an open
   addressing table of block pointers, the key read from the block:
   8 bytes a slot, between 3/8 and 3/4 full while it grows (11 to 21
   bytes a block), halved when under 1/8 full; nothing in the block.

   Linear probing with backward-shift deletion: a free moves the
   entries after it back instead of leaving a tombstone, so a process
   that allocates and frees at a high rate for hours keeps short
   probes without ever rebuilding the table.  Duplicate keys are
   allowed (a custom allocator may announce the same address twice);
   lookups and removals then find the older first. */

#include "pub_tool_basics.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_mallocfree.h"
#include "pl_include.h"

#define MIN_CAP 16

/* Home slot of address A: the top bits of a multiplicative hash (the
   low bits of malloc's addresses are all zero). */
static inline UInt home ( const PL_BMap* m, Addr a )
{
   return (UInt)(((ULong)a * 0x9E3779B97F4A7C15ULL) >> m->shift);
}

/* Put B in the first free slot from its home (the table has room). */
static inline void place ( PL_BMap* m, PL_Block* b )
{
   UInt mask = m->cap - 1;
   UInt j = home(m, b->data);
   while (m->slot[j] != NULL) j = (j + 1) & mask;
   m->slot[j] = b;
}

static void resize ( PL_BMap* m, UInt cap )
{
   PL_Block** old = m->slot;
   UInt old_cap   = m->cap;
   UInt log2      = 0;
   while ((1U << log2) < cap) log2++;
   m->cap   = 1U << log2;
   m->shift = 64 - log2;
   m->slot  = VG_(calloc)("pl.bmap.slots", m->cap, sizeof(PL_Block*));
   for (UInt i = 0; i < old_cap; i++)
      if (old[i] != NULL)
         place(m, old[i]);
   if (old) VG_(free)(old);
}

void pl_bmap_init ( PL_BMap* m )
{
   m->slot  = NULL;
   m->cap   = 0;
   m->shift = 64;
   m->n     = 0;
}

void pl_bmap_free ( PL_BMap* m )
{
   if (m->slot) VG_(free)(m->slot);
   pl_bmap_init(m);
}

void pl_bmap_add ( PL_BMap* m, PL_Block* b )
{
   if (4 * ((ULong)m->n + 1) > 3 * (ULong)m->cap)
      resize(m, m->cap ? 2 * m->cap : MIN_CAP);
   place(m, b);
   m->n++;
}

/* Slot of the block at A, or -1. */
static Int index_of ( const PL_BMap* m, Addr a )
{
   if (m->n == 0)
      return -1;
   UInt mask = m->cap - 1;
   for (UInt j = home(m, a); m->slot[j] != NULL; j = (j + 1) & mask)
      if (m->slot[j]->data == a)
         return (Int)j;
   return -1;
}

PL_Block* pl_bmap_find ( const PL_BMap* m, Addr a )
{
   Int j = index_of(m, a);
   return j < 0 ? NULL : m->slot[j];
}

PL_Block* pl_bmap_remove ( PL_BMap* m, Addr a )
{
   Int found = index_of(m, a);
   if (found < 0)
      return NULL;
   PL_Block* b = m->slot[found];
   /* Close the gap: each later entry of the run that may live at the
      hole (its home is not cyclically in (hole, j]) moves into it. */
   UInt mask = m->cap - 1;
   UInt hole = (UInt)found;
   for (UInt j = (hole + 1) & mask; m->slot[j] != NULL; j = (j + 1) & mask) {
      UInt h = home(m, m->slot[j]->data);
      Bool stays = hole <= j ? (h > hole && h <= j) : (h > hole || h <= j);
      if (stays)
         continue;
      m->slot[hole] = m->slot[j];
      hole = j;
   }
   m->slot[hole] = NULL;
   m->n--;
   /* Give memory back after a peak, with room to grow again. */
   if (m->cap > 1024 && 8 * (ULong)m->n < m->cap)
      resize(m, m->cap / 2);
   return b;
}

/* The next block at or after slot *I (advanced past it), or NULL at
   the end.  The map must not change during a walk. */
PL_Block* pl_bmap_next ( const PL_BMap* m, UInt* i )
{
   while (*i < m->cap) {
      PL_Block* b = m->slot[(*i)++];
      if (b) return b;
   }
   return NULL;
}

/* The blocks in a new array (VG_(free) it), NULL when there are none. */
PL_Block** pl_bmap_to_array ( const PL_BMap* m, UInt* n )
{
   *n = m->n;
   if (m->n == 0)
      return NULL;
   PL_Block** arr = VG_(malloc)("pl.bmap.array", m->n * sizeof(PL_Block*));
   UInt k = 0, i = 0;
   PL_Block* b;
   while ((b = pl_bmap_next(m, &i)) != NULL)
      arr[k++] = b;
   tl_assert(k == m->n);
   return arr;
}

/* The blocks, moved to the front of the table's own array, which the
   map gives up (it is empty until pl_bmap_give_back): a leak check
   sorts that array and scans with it, instead of a copy that would be
   the largest of its arrays.  NULL when the map never held a block. */
PL_Block** pl_bmap_take ( PL_BMap* m, UInt* n )
{
   PL_Block** arr = m->slot;
   UInt k = 0;
   for (UInt i = 0; i < m->cap; i++)
      if (m->slot[i] != NULL)
         arr[k++] = m->slot[i];
   tl_assert(k == m->n);
   *n = k;
   pl_bmap_init(m);
   return arr;
}

/* The N blocks of ARR (from pl_bmap_take) back into the map, and ARR
   freed.  ARR is as large as the old table: the blocks move to an array
   of their own first, so that the old and the new table (each up to
   2.7 times the blocks' pointers) never exist at once. */
void pl_bmap_give_back ( PL_BMap* m, PL_Block** arr, UInt n )
{
   if (arr == NULL)
      return;
   PL_Block** blocks = arr;
   if (n > 0) {
      blocks = VG_(malloc)("pl.bmap.back", n * sizeof(PL_Block*));
      VG_(memcpy)(blocks, arr, n * sizeof(PL_Block*));
   }
   VG_(free)(arr);
   UInt cap = MIN_CAP;
   while (4 * ((ULong)m->n + n) > 3 * (ULong)cap) cap *= 2;
   if (cap > m->cap)
      resize(m, cap);
   for (UInt i = 0; i < n; i++)
      pl_bmap_add(m, blocks[i]);
   if (n > 0)
      VG_(free)(blocks);
}
