/* pyleak: checkpoints and growth.
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   A checkpoint is a leak check that reports differences instead of
   totals.  It groups the live blocks by allocation stack (Python
   stack, native stack; neither the kind nor the retainer splits a
   group, so one stack is one group whatever keeps it), compares each with
   the previous checkpoint and reports those that grew -- memcheck's
   "increased" leak check, with Python stacks.

   Each record also counts the checkpoints in a row at which it grew.
   A checkpoint asked to show records grown at each of the last N
   checkpoints is CPython's refleak-hunting rule (regrtest -R): run the
   code W times to warm up, take a checkpoint, then N times "run it,
   take a checkpoint"; a cache filled by the first call stops growing
   after the warm-up, a leak grows at every run.

   This file computes the growth and runs the checkpoint; the text
   writer (pl_text.c) and the JSON document (pl_json.c) report it. */

#include "pub_tool_basics.h"
#include "pub_tool_execontext.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_libcproc.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_options.h"
#include "pl_include.h"
#include "pl_python.h"

/* A group is a stack, whatever kind its blocks are now: a stale
   pointer on a stack or in a register can make the newest leaked block
   look possibly lost or reachable at one checkpoint (pyleak, like
   memcheck, cannot tell an old copy from a live pointer), and that
   must not break the group's run of growth.  For the same reason the
   group is shown with the kind that holds most of its bytes (ties go
   to the kind first in the summary's order), not with whichever kind
   one stale word gave its newest block: the objects a leaked reference
   holds stay "leaked-ref" when the last one looks possibly lost. */
typedef struct {
   ExeContext* where;
   UInt        py_stack;
} GKey;

typedef PL_GrowthRec GEntry;

/* A checkpoint's groups: found by key, and listed. */
typedef struct {
   PL_PTab  tab;
   PL_Slab  slab;
   GEntry** list;               /* at most one per record */
   UInt     n;
} GSet;

static GSet*  prev;                /* the previous checkpoint's groups */
static HChar* prev_label;
static UInt   n_checkpoints;

PL_Growth pl_last_growth;
Bool      pl_checkpoint_showing;
Bool      pl_checkpoint_running;

static Word cmp_gkey ( const void* key, const void* elem )
{
   const GKey* a = key;
   const GEntry* b = elem;
   if (a->py_stack != b->py_stack) return a->py_stack < b->py_stack ? -1 : 1;
   if (a->where != b->where) return a->where < b->where ? -1 : 1;
   return 0;
}

static UWord gkey_hash ( const GKey* k )
{
   return pl_ptab_mix((UWord)k->where, k->py_stack);
}

static Bool gkey_eq ( const void* key, const void* node )
{
   return cmp_gkey(key, node) == 0;
}

static GEntry* gset_find ( const GSet* g, const GKey* k )
{
   return pl_ptab_find(&g->tab, gkey_hash(k), gkey_eq, k);
}

static void gset_free ( GSet* g )
{
   pl_ptab_free(&g->tab);
   pl_slab_free_all(&g->slab);
   VG_(free)(g->list);
   VG_(free)(g);
}

static Int cmp_growth ( const void* va, const void* vb )
{
   const GEntry* a = *(GEntry* const*)va;
   const GEntry* b = *(GEntry* const*)vb;
   if (a->d_bytes != b->d_bytes) return a->d_bytes < b->d_bytes ? -1 : 1;
   GKey ka = { a->where, a->py_stack };
   return (Int)cmp_gkey(&ka, b);
}

static GSet* entries_of ( PL_Record** recs, UInt n )
{
   GSet* set = VG_(calloc)("pl.growth.set", 1, sizeof *set);
   pl_ptab_init(&set->tab, "pl.growth.tab", n);
   set->list = VG_(malloc)("pl.growth.list", (n + 1) * sizeof(GEntry*));
   for (UInt i = 0; i < n; i++) {
      GKey k = { recs[i]->where, recs[i]->py_stack };
      UWord h = gkey_hash(&k);
      GEntry* e = pl_ptab_find(&set->tab, h, gkey_eq, &k);
      if (e == NULL) {
         e = pl_slab_alloc(&set->slab, sizeof(GEntry));
         e->kind = recs[i]->kind;
         e->where = k.where;
         e->py_stack = k.py_stack;
         pl_ptab_add(&set->tab, h, e);
         set->list[set->n++] = e;
      }
      ULong b = pl_record_bytes(recs[i]);
      e->kind_bytes[recs[i]->kind] += b;
      PL_Kind rk = recs[i]->kind;
      if (e->kind_bytes[rk] > e->kind_bytes[e->kind]
          || (e->kind_bytes[rk] == e->kind_bytes[e->kind] && rk < e->kind))
         e->kind = rk;
      if (e->rep == NULL || b > pl_record_bytes(e->rep))
         e->rep = recs[i];
      e->bytes  += b;
      e->blocks += pl_record_blocks(recs[i]);
   }
   return set;
}

/* For each entry in SHOWN: the Python objects of all the records of
   its group (a group is a stack; the scan may have split it by kind
   or by retainer). */
static void merge_types ( const GSet* cur, PL_Record** recs, UInt n )
{
   /* A checkpoint's records have no types until asked: those of the
      shown groups. */
   for (UInt i = 0; i < n; i++) {
      GKey k = { recs[i]->where, recs[i]->py_stack };
      GEntry* e = gset_find(cur, &k);
      recs[i]->want_types = e != NULL && e->merged != NULL;
   }
   pl_records_fill_types();
   for (UInt i = 0; i < n; i++) {
      if (recs[i]->py_types == NULL) continue;
      GKey k = { recs[i]->where, recs[i]->py_stack };
      GEntry* e = gset_find(cur, &k);
      if (e == NULL || e->merged == NULL) continue;
      if (e->merged->py_types == NULL)
         e->merged->py_types = VG_(newXA)(VG_(malloc), "pl.growth.types",
                                          VG_(free), sizeof(PL_TypeCount));
      for (Word j = 0; j < VG_(sizeXA)(recs[i]->py_types); j++)
         VG_(addToXA)(e->merged->py_types,
                      VG_(indexXA)(recs[i]->py_types, j));
   }
}

/* Scans the heap and groups its blocks into *CUR_OUT, with each
   group's growth since the previous checkpoint; returns the records.
   SHOWING asks for the retainers of reachable objects (the records are
   then split by retainer, the groups are not).  *N_GROWN: how many
   groups grew since the previous checkpoint. */
static PL_RecSet* look ( ThreadId tid, Bool showing,
                         /*OUT*/PL_Record*** recs, /*OUT*/UInt* n,
                         /*OUT*/GSet** cur_out, /*OUT*/UInt* n_grown )
{
   pl_checkpoint_showing = showing;
   pl_checkpoint_running = True;
   PL_RecSet* rset = pl_records_now(tid, pl_clo_heuristics, recs, n, NULL);
   pl_checkpoint_running = False;
   pl_checkpoint_showing = False;
   GSet* cur = entries_of(*recs, *n);
   *n_grown = 0;
   for (UInt g = 0; g < cur->n; g++) {
      GEntry* e = cur->list[g];
      GKey k = { e->where, e->py_stack };
      const GEntry* old = prev ? gset_find(prev, &k) : NULL;
      e->d_bytes  = (Long)e->bytes  - (old ? (Long)old->bytes  : 0);
      e->d_blocks = (Long)e->blocks - (old ? (Long)old->blocks : 0);
      e->streak   = prev && e->d_bytes > 0 ? (old ? old->streak : 0) + 1
                                           : 0;
      if (e->streak > 0) (*n_grown)++;
   }
   *cur_out = cur;
   return rset;
}

static Bool to_show ( const GEntry* e, UInt min_runs )
{
   return min_runs > 0 && e->streak >= min_runs;
}

/* Whether a suppression matches group E, as a loss record of its kind
   and stacks: growth the project accepts is not shown. */
static Bool is_suppressed ( ThreadId tid, const GEntry* e )
{
   PL_Record r;
   VG_(memset)(&r, 0, sizeof r);
   r.kind = e->kind; r.where = e->where; r.py_stack = e->py_stack;
   r.bytes = e->bytes; r.blocks = e->blocks;
   return pl_record_suppressed(tid, &r);
}

/* Meets the suppressions with each group of CUR grown at each of the
   last MIN_RUNS checkpoints; returns how many are left to show, and in
   *N_SUPP how many were suppressed. */
static UInt meet_suppressions ( ThreadId tid, GSet* cur, UInt min_runs,
                                /*OUT*/UInt* n_supp )
{
   UInt left = 0;
   *n_supp = 0;
   for (UInt g = 0; g < cur->n; g++) {
      GEntry* e = cur->list[g];
      if (!to_show(e, min_runs))
         continue;
      e->suppressed = is_suppressed(tid, e);
      if (e->suppressed) (*n_supp)++; else left++;
   }
   return left;
}

void pl_checkpoint ( ThreadId tid, const HChar* label, UInt min_runs )
{
   PL_Record** recs;
   UInt        n, n_grown, n_supp;
   GSet*       cur;
   UInt        t_start = VG_(read_millisecond_timer)();
   /* A checkpoint first looks without retainers.  In a test suite most
      checkpoints show nothing (the interpreter's caches that grow are
      suppressed), and the retainers -- a second pass over the
      reachable objects -- and the records they split cost as much as
      the scan.  Only when a group is to be shown does it look again,
      with them: the client is stopped, so the second look sees the
      same heap and the same groups, and keeps the first look's
      suppression decisions (a suppression's use is counted once). */
   PL_RecSet* rset = look(tid, False, &recs, &n, &cur, &n_grown);
   if (meet_suppressions(tid, cur, min_runs, &n_supp) > 0) {
      PL_CheckTimes first_ms = pl_check_ms;
      GSet* first = cur;
      pl_records_free(rset, recs, n);
      pl_check_seq--;                 /* the same check, looked at again */
      rset = look(tid, True, &recs, &n, &cur, &n_grown);
      for (UInt g = 0; g < cur->n; g++) {
         GEntry* e = cur->list[g];
         if (!to_show(e, min_runs))
            continue;
         GKey k = { e->where, e->py_stack };
         const GEntry* f = gset_find(first, &k);
         if (f != NULL && to_show(f, min_runs)) {
            e->suppressed = f->suppressed;
         } else {                  /* cannot happen; met now, then */
            e->suppressed = is_suppressed(tid, e);
            if (e->suppressed) n_supp++;
         }
      }
      gset_free(first);
      pl_check_ms.scan    += first_ms.scan;
      pl_check_ms.retain  += first_ms.retain;
      pl_check_ms.records += first_ms.records;
   }
   n_checkpoints++;

   ULong live_bytes = 0, live_blocks = 0;
   for (UInt g = 0; g < cur->n; g++) {
      live_bytes += cur->list[g]->bytes;
      live_blocks += cur->list[g]->blocks;
   }

   /* The entries to show. */
   GEntry** shown = VG_(malloc)("pl.growth.shown",
                                (n_grown + 1) * sizeof(GEntry*));
   UInt n_shown = 0;
   VG_(memset)(&pl_last_growth, 0, sizeof pl_last_growth);
   if (min_runs > 0) {
      for (UInt g = 0; g < cur->n; g++) {
         GEntry* e = cur->list[g];
         if (!to_show(e, min_runs) || e->suppressed)
            continue;
         shown[n_shown++] = e;
         pl_last_growth.bytes  += e->d_bytes;
         pl_last_growth.blocks += e->d_blocks;
         pl_last_growth.records++;
      }
      VG_(ssort)(shown, n_shown, sizeof(GEntry*), cmp_growth);
      for (UInt i = 0; i < n_shown; i++) {
         shown[i]->merged = VG_(calloc)("pl.growth.merged", 1,
                                        sizeof(PL_Record));
         if (shown[i]->rep)                 /* its retention path */
            pl_record_fill_path((PL_Record*)shown[i]->rep);
      }
      merge_types(cur, recs, n);
   }

   if (VG_(clo_verbosity) > 0)
      pl_text_checkpoint(label, n_checkpoints, min_runs,
                         prev != NULL, prev_label, live_bytes, live_blocks,
                         n_grown, shown, n_shown, n_supp);
   pl_json_add_checkpoint(label, prev ? (prev_label ? prev_label : "")
                                      : NULL,
                          min_runs, shown, n_shown, n_supp);
   /* The records go now; the entries stay as the next one's previous
      checkpoint, without them. */
   for (UInt i = 0; i < n_shown; i++) {
      if (shown[i]->merged->py_types)
         VG_(deleteXA)(shown[i]->merged->py_types);
      VG_(free)(shown[i]->merged);
      shown[i]->merged = NULL;
   }
   for (UInt g = 0; g < cur->n; g++)
      cur->list[g]->rep = NULL;
   pl_records_free(rset, recs, n);
   VG_(free)(shown);

   if (prev) gset_free(prev);
   if (prev_label) VG_(free)(prev_label);
   prev = cur;
   prev_label = label ? VG_(strdup)("pl.growth.label", label) : NULL;
   pl_check_times_print("checkpoint", t_start);
}
