/* pyleak: a table of pointers found by hash, for the per-check maps.
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   A checkpoint groups every live block into records, and records into
   growth groups, and looks each block's stack up in the cut memo: on a
   Python test process that is 130,000 lookups and 65,000 new nodes per
   checkpoint, dozens of checkpoints per test suite.  The core's OSet
   (an AVL tree: a compare call per level and an arena block per node)
   and hash table (a chain walk and a compare call per node) made that
   most of a quiet checkpoint's time.  This table is open addressing
   with linear probing over a power-of-two array that keeps each
   entry's full hash next to its pointer: a probe touches one cache
   line and calls the caller's equality test only when the hashes are
   equal, so once per hit.  Nodes belong to the caller; there is no
   removal (these maps are rebuilt, not edited). */

#include "pub_tool_basics.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_mallocfree.h"
#include "pl_include.h"

static void alloc_slots ( PL_PTab* t, UInt cap )
{
   t->cap  = cap;
   t->slot = VG_(calloc)(t->cc, cap, sizeof *t->slot);
}

void pl_ptab_init ( PL_PTab* t, const HChar* cc, UInt expect )
{
   UInt cap = 64;
   while (cap < 2 * (ULong)expect && cap < (1u << 31)) cap *= 2;
   t->cc = cc;
   t->n  = 0;
   alloc_slots(t, cap);
}

void pl_ptab_free ( PL_PTab* t )
{
   if (t->slot) VG_(free)(t->slot);
   t->slot = NULL;
   t->cap = t->n = 0;
}

void* pl_ptab_find ( const PL_PTab* t, UWord h, PL_PTabEq eq,
                     const void* key )
{
   UInt mask = t->cap - 1;
   for (UInt i = (UInt)(h ^ (h >> 32)) & mask; ; i = (i + 1) & mask) {
      const PL_PTabSlot* s = &t->slot[i];
      if (s->node == NULL)
         return NULL;
      if (s->hash == h && eq(key, s->node))
         return s->node;
   }
}

static void put ( PL_PTab* t, UWord h, void* node )
{
   UInt mask = t->cap - 1;
   UInt i = (UInt)(h ^ (h >> 32)) & mask;
   while (t->slot[i].node != NULL)
      i = (i + 1) & mask;
   t->slot[i].hash = h;
   t->slot[i].node = node;
}

void pl_ptab_add ( PL_PTab* t, UWord h, void* node )
{
   tl_assert(node != NULL);
   /* At most half full: short probe runs. */
   if (2 * (ULong)(t->n + 1) > t->cap) {
      PL_PTabSlot* old = t->slot;
      UInt old_cap = t->cap;
      tl_assert(old_cap < (1u << 31));
      alloc_slots(t, 2 * old_cap);
      for (UInt i = 0; i < old_cap; i++)
         if (old[i].node != NULL)
            put(t, old[i].hash, old[i].node);
      VG_(free)(old);
   }
   put(t, h, node);
   t->n++;
}

/* Mixing for keys made of a few words (pointers, small ids): their
   low bits alone would cluster. */
UWord pl_ptab_mix ( UWord a, UWord b )
{
   UWord h = (a ^ (b * 0x9E3779B97F4A7C15ULL)) * 0xBF58476D1CE4E5B9ULL;
   h ^= h >> 31;
   h *= 0x94D049BB133111EBULL;
   return h ^ (h >> 29);
}

/* Zeroed nodes carved from chunks and freed all at once: the records
   and growth groups of one check. */
void* pl_slab_alloc ( PL_Slab* s, SizeT szB )
{
   szB = (szB + 7) & ~(SizeT)7;
   if (s->chunk == NULL || s->used + szB > s->size) {
      SizeT size = 64 * 1024 > szB + 16 ? 64 * 1024 : szB + 16;
      void** c = VG_(malloc)("pl.slab", size);
      c[0] = s->chunk;                 /* chunks are chained */
      s->chunk = c;
      s->used  = 16;
      s->size  = size;
   }
   void* p = (HChar*)s->chunk + s->used;
   s->used += szB;
   VG_(memset)(p, 0, szB);
   return p;
}

void pl_slab_free_all ( PL_Slab* s )
{
   while (s->chunk) {
      void** next = ((void***)s->chunk)[0];
      VG_(free)(s->chunk);
      s->chunk = next;
   }
   s->used = s->size = 0;
}
