/* pyleak: a leak check, from the scan to the reports.
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   A check scans (pl_scan.c), groups the blocks into loss records
   (pl_records.c), compares them with --baseline (pl_baseline.c) and
   with the previous check (the delta modes), and hands them to the
   writers: each record that is shown or counts as an error goes
   through the core's error manager (suppressions, --gen-suppressions,
   the ERROR SUMMARY and --error-exitcode come from it), whose pp_Error
   is the text writer's (pl_text.c) or, with --xml=yes, the XML
   writer's (pl_xml.c); the summary goes to the text writer, the whole
   check to the JSON document (pl_json.c). */

#include "pub_tool_basics.h"
#include "pub_tool_debuginfo.h"
#include "pub_tool_errormgr.h"
#include "pub_tool_execontext.h"
#include "pub_tool_hashtable.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_libcproc.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_options.h"
#include "pub_tool_oset.h"
#include "pub_tool_threadstate.h"
#include "pub_tool_tooliface.h"
#include "pub_tool_xarray.h"
#include "pl_include.h"
#include "pl_python.h"

PL_Totals pl_last_totals;
UInt      pl_check_seq;

/*------------------------------------------------------------*/
/*--- Error manager glue                                   ---*/
/*------------------------------------------------------------*/

enum { PL_ErrLeak = 0 };

typedef struct {
   PL_Record* rec;
   UInt       n;          /* this record's number, 1-based */
   UInt       n_total;
   PL_Delta   delta;      /* for the "(+N)" figures */
} LeakErrExtra;

static Bool eq_Error ( VgRes res, const Error* e1, const Error* e2 )
{
   /* Leak errors are reported with VG_(unique_error): never compared. */
   return False;
}

static void before_pp_Error ( const Error* err ) { }

static void pp_Error ( const Error* err )
{
   const LeakErrExtra* x = VG_(get_error_extra)(err);
   HChar headline[300];
   pl_record_headline(headline, sizeof headline, x->rec, x->n, x->n_total,
                      &x->delta);
   if (VG_(clo_xml))
      pl_xml_record(x->rec, headline);
   else
      pl_text_record(x->rec, headline);
}

static UInt update_extra ( const Error* err )
{
   return sizeof(LeakErrExtra);
}

static const HChar* get_error_name ( const Error* err )
{
   return "Leak";
}

Bool pl_record_suppressed ( ThreadId tid, PL_Record* r )
{
   LeakErrExtra x = { r, 0, 0, { PL_DeltaAny, 0, 0, 0 } };
   return VG_(unique_error)(tid, PL_ErrLeak, 0, NULL, &x, r->where,
                            False /* print */, False, False /* count */);
}

const PL_Record* pl_error_record ( const Error* err )
{
   const LeakErrExtra* x = VG_(get_error_extra)(err);
   return x->rec;
}

void pl_register_errors ( void )
{
   VG_(needs_tool_errors)(eq_Error, before_pp_Error, pp_Error,
                          False /* show ThreadIDs */,
                          update_extra, pl_supp_recognised,
                          pl_supp_read_extra, pl_supp_matches,
                          get_error_name, pl_supp_print_extra,
                          pl_supp_print_use, pl_supp_update_use);
}

/*------------------------------------------------------------*/
/*--- Deltas against the previous check                    ---*/
/*------------------------------------------------------------*/

/* What each record of the previous check counted, for the delta modes
   and the "(+N)" figures (memcheck keeps its loss records from one
   check to the next for the same purpose).  Keyed like the records. */
typedef struct {
   PL_RecKey key;
   ULong  bytes, indirect_bytes, blocks;
} OldRec;

static Word cmp_oldrec ( const void* key, const void* elem )
{
   const PL_RecKey* k = key;
   const OldRec* o = elem;
   return pl_reckey_cmp(k, &(PL_Record){ .kind = o->key.kind,
                                      .where = o->key.where,
                                      .py_stack = o->key.py_stack,
                                      .retainer = o->key.retainer });
}

static OSet*     prev_recs;        /* of OldRec; NULL before any check */
static PL_Totals prev_totals;

static const OldRec* old_of ( const PL_Record* r )
{
   if (prev_recs == NULL) return NULL;
   PL_RecKey k = { r->kind, r->where, r->py_stack, r->retainer };
   return VG_(OSetGen_Lookup)(prev_recs, &k);
}

static Bool delta_considered ( const PL_Record* r, const OldRec* o,
                               PL_DeltaMode mode )
{
   ULong ob = o ? o->bytes : 0, oi = o ? o->indirect_bytes : 0,
         on = o ? o->blocks : 0;
   switch (mode) {
   case PL_DeltaIncreased:
      return r->bytes > ob || r->indirect_bytes > oi || r->blocks > on;
   case PL_DeltaChanged:
      return r->bytes != ob || r->indirect_bytes != oi || r->blocks != on;
   case PL_DeltaNew:
      return o == NULL && r->blocks > 0;
   default:
      return r->blocks > 0;
   }
}

/* Remember this check's records for the next one. */
static void remember ( PL_Record** recs, UInt n, const PL_Totals* t )
{
   if (prev_recs) VG_(OSetGen_Destroy)(prev_recs);
   prev_recs = VG_(OSetGen_Create)(0, cmp_oldrec, VG_(malloc),
                                   "pl.report.prev", VG_(free));
   for (UInt i = 0; i < n; i++) {
      OldRec* o = VG_(OSetGen_AllocNode)(prev_recs, sizeof *o);
      o->key = (PL_RecKey){ recs[i]->kind, recs[i]->where, recs[i]->py_stack,
                         recs[i]->retainer };
      o->bytes = recs[i]->bytes;
      o->indirect_bytes = recs[i]->indirect_bytes;
      o->blocks = recs[i]->blocks;
      VG_(OSetGen_Insert)(prev_recs, o);
   }
   prev_totals = *t;
}

/* Records of the previous check that this one no longer has: memcheck
   keeps them for one more check, with no blocks, numbered first; the
   "changed" mode shows them ("0 (-16) bytes in 0 (-1) blocks"). */
static PL_Record* vanished ( const PL_RecSet* now, /*OUT*/UInt* n )
{
   *n = 0;
   if (prev_recs == NULL) return NULL;
   PL_Record* v = VG_(calloc)("pl.report.vanished",
                              VG_(OSetGen_Size)(prev_recs) + 1, sizeof *v);
   VG_(OSetGen_ResetIter)(prev_recs);
   OldRec* o;
   while ((o = VG_(OSetGen_Next)(prev_recs)) != NULL) {
      if (o->blocks == 0 || pl_records_find(now, &o->key) != NULL)
         continue;
      PL_Record* r = &v[(*n)++];
      r->kind = o->key.kind;       r->where    = o->key.where;
      r->py_stack = o->key.py_stack; r->retainer = o->key.retainer;
      r->first = -1;
   }
   return v;
}

/*------------------------------------------------------------*/
/*--- block_list (monitor command)                         ---*/
/*------------------------------------------------------------*/

/* The last check's records (their keys and figures) and blocks: what
   memcheck's block_list shows.  Obsolete once a block is freed. */
static struct {
   Bool         valid;
   PL_Record*   recs;
   UInt         n, n_gone;       /* records; gone ones numbered first */
   ULong        n_frees;         /* pl_heap.n_frees at the check */
   PL_BlockList blocks;
} last;

static void keep_for_block_list ( PL_Record** recs, UInt n, UInt n_gone )
{
   if (last.recs) VG_(free)(last.recs);
   last.recs = VG_(malloc)("pl.check.last", (n + 1) * sizeof(PL_Record));
   for (UInt i = 0; i < n; i++) {
      last.recs[i] = *recs[i];
      last.recs[i].py_types = NULL;       /* freed with the check */
      last.recs[i].path     = NULL;
   }
   last.n       = n;
   last.n_gone  = n_gone;
   last.n_frees = pl_heap.n_frees;
   last.valid   = True;
}

static void print_group ( Int leader, UInt level, UInt* remaining )
{
   const PL_BlockList* bl = &last.blocks;
   for (UInt k = 0; k < bl->n && *remaining > 0; k++) {
      if (bl->leader[k] != leader)
         continue;
      for (UInt i = 0; i < level; i++) VG_(umsg)("  ");
      VG_(umsg)("%#lx[%lu] indirect loss record %u\n", bl->data[k],
                bl->szB[k], last.n_gone + bl->rec[k] + 1);
      (*remaining)--;
      print_group((Int)k, level + 1, remaining);
   }
}

void pl_block_list ( UInt from, UInt to, UInt max_blocks, UInt heuristics )
{
   if (!last.valid) {
      VG_(umsg)("Can't print block list : no valid leak search result\n");
      return;
   }
   if (last.n_frees != pl_heap.n_frees) {
      VG_(umsg)("Can't print obsolete block list : redo a leak search"
                " first\n");
      return;
   }
   UInt total = last.n + last.n_gone;
   if (from < 1 || from > total || to < from) {
      VG_(umsg)("block_list: no loss record %u (the last check had %u)\n",
                from, total);
      return;
   }
   if (to > total) to = total;
   const PL_BlockList* bl = &last.blocks;
   UInt remaining = max_blocks;
   PL_Delta none = { PL_DeltaAny, 0, 0, 0 };
   for (UInt nr = from; nr <= to && remaining > 0; nr++) {
      if (nr <= last.n_gone)
         continue;                         /* gone: no blocks */
      UInt i = nr - last.n_gone - 1;
      const PL_Record* r = &last.recs[i];
      HChar headline[300];
      pl_record_headline(headline, sizeof headline, r, nr, total, &none);
      Bool printed = False;
      if (from == to) {
         pl_text_record(r, headline);
         printed = True;
      }
      Bool reach = r->kind == PL_KReachablePy || r->kind == PL_KReachableC;
      if (reach && !bl->reachable) {
         VG_(umsg)("(the blocks of reachable records are listed after a"
                   " monitor leak_check only)\n");
         continue;
      }
      for (UInt j = 0; j < bl->n && remaining > 0; j++) {
         if (bl->rec[j] != i
             || (heuristics && !(bl->heur[j]
                                 && (heuristics & (1u << (bl->heur[j] - 1))))))
            continue;
         if (!printed) {
            pl_text_record(r, headline);
            printed = True;
         }
         if (bl->heur[j])
            VG_(umsg)("%#lx[%lu] (found via heuristic %s)\n", bl->data[j],
                      bl->szB[j], pl_heur_name[bl->heur[j] - 1]);
         else
            VG_(umsg)("%#lx[%lu]\n", bl->data[j], bl->szB[j]);
         remaining--;
         if (!reach)
            print_group((Int)j, 1, &remaining);
      }
   }
}

/*------------------------------------------------------------*/
/*--- The check                                            ---*/
/*------------------------------------------------------------*/

void pl_check_params ( /*OUT*/PL_CheckParams* p, PL_LeakCheckMode mode )
{
   p->mode        = mode;
   p->show_kinds  = pl_clo_show_kinds;
   p->error_kinds = pl_clo_error_kinds;
   p->heuristics  = pl_clo_heuristics;
   p->delta       = PL_DeltaAny;
   p->max_records = 0;
   p->monitor     = False;
}

void pl_leak_check ( ThreadId tid, PL_When when, const HChar* label,
                     PL_LeakCheckMode mode )
{
   PL_CheckParams p;
   pl_check_params(&p, mode);
   pl_leak_check_with(tid, when, label, &p);
}

/* Print (SHOW) and count (ERROR) record R, numbered NR of TOTAL;
   True if a suppression matched it. */
static Bool report_record ( ThreadId tid, PL_Record* r, UInt nr,
                            UInt total, const PL_CheckParams* p,
                            Bool show, Bool error )
{
   const OldRec* o = old_of(r);
   LeakErrExtra x = { r, nr, total,
                      { p->delta, o ? o->bytes : 0, o ? o->indirect_bytes : 0,
                        o ? o->blocks : 0 } };
   return VG_(unique_error)(tid, PL_ErrLeak, 0, NULL, &x, r->where,
                            show, False, error);
}

void pl_leak_check_with ( ThreadId tid, PL_When when, const HChar* label,
                          const PL_CheckParams* p )
{
   PL_Record**   recs;
   UInt          n;
   UInt          t_start = VG_(read_millisecond_timer)();
   /* At exit the thread that ended the process is pl_exit_tid, not
      TID (the core's convention passes 1). */
   Bool at_end = when == PL_WhenExit || when == PL_WhenTeardown;
   /* The blocks of the records, for block_list: the reachable ones
      only when a monitor command asked (a Python heap has millions). */
   pl_block_list_free(&last.blocks);
   last.blocks.reachable = p->monitor;
   PL_RecSet* set = pl_records_now(at_end ? VG_INVALID_THREADID : tid,
                                   p->heuristics, &recs, &n, &last.blocks);
   PL_RetTotal* rt;
   UChar*    top;
   UInt      n_rt = pl_retainer_totals(recs, n, &rt, &top);

   /* With --xml=yes the records are the XML file's errors, and the
      text log says nothing of them (as memcheck's). */
   Bool verbose  = VG_(clo_verbosity) > 0 && !VG_(clo_xml);
   Bool teardown = when == PL_WhenTeardown;
   if (verbose && when == PL_WhenRequest && (!p->monitor || label)) {
      if (label)
         VG_(umsg)("LEAK CHECK requested by the client: '%s'\n", label);
      else
         VG_(umsg)("LEAK CHECK requested by the client\n");
      VG_(umsg)("\n");
   }
   if (verbose && when == PL_WhenFinalize) {
      VG_(umsg)("LEAK CHECK at interpreter finalization (Py_FinalizeEx)\n");
      VG_(umsg)("\n");
   }

   PL_Totals t;
   VG_(memset)(&t, 0, sizeof t);
   if (!teardown && (when == PL_WhenExit || when == PL_WhenFinalize))
      pl_baseline_classify(recs, n, when, &t.base);

   /* Records of the previous check that are gone are numbered first
      (they have no bytes); the "changed" mode shows them. */
   UInt n_gone;
   PL_Record* gone = teardown ? NULL : vanished(set, &n_gone);
   if (teardown) n_gone = 0;
   UInt total = n + n_gone;
   Bool full  = p->mode == PL_LCFull && !teardown;
   for (UInt i = 0; i < n_gone && full && p->delta == PL_DeltaChanged; i++)
      if (p->show_kinds & PL_KSET(gone[i].kind))
         (void)report_record(tid, &gone[i], i + 1, total, p, True, False);

   /* XML (protocol 6): memcheck says first whether any block is left,
      and then, if none is, neither errors nor a summary. */
   Bool all_freed = pl_heap.in_use_blocks == 0
                    && pl_custom_pool_chunks() == 0;
   if (!teardown)
      pl_xml_all_freed(all_freed);

   /* limited N (monitor): only the N largest printable records, and
      (as in memcheck) the summary counts from the first of them on. */
   UInt first_shown = 0;
   if (full && p->max_records > 0 && p->max_records < n) {
      UInt printable = 0;
      for (UInt i = n; i-- > 0 && first_shown == 0; ) {
         PL_Record* r = recs[i];
         if (r->base != PL_BaseKnown && (p->show_kinds & PL_KSET(r->kind))
             && delta_considered(r, old_of(r), p->delta)
             && !pl_record_suppressed(tid, r)
             && ++printable == p->max_records)
            first_shown = i;
      }
   }

   for (UInt i = first_shown; i < n; i++) {
      PL_Record* r = recs[i];
      if (r->base == PL_BaseKnown)
         continue;        /* as in the baseline: counted there, quiet */
      Bool considered = delta_considered(r, old_of(r), p->delta);
      Bool show  = full && considered
                   && (p->show_kinds & PL_KSET(r->kind))
                   && (r->retainer == 0 || top[r->retainer]);
      Bool error = full && considered
                   && (p->error_kinds & PL_KSET(r->kind));
      /* Every record meets the suppressions, shown or not, in a
         summary check too: memcheck's suppressed totals count them
         all (and VALGRIND_COUNT_LEAKS reads those totals). */
      if (!teardown)
         r->suppressed = report_record(tid, r, n_gone + i + 1, total, p,
                                       show, error);
      if (r->suppressed) {
         t.suppressed_bytes  += pl_record_bytes(r);
         t.suppressed_blocks += pl_record_blocks(r);
      } else {
         t.bytes[r->kind]  += pl_record_bytes(r);
         t.blocks[r->kind] += pl_record_blocks(r);
      }
   }
   pl_records_last_heuristics(t.heur_bytes, t.heur_blocks);
   pl_last_totals = t;
   if (!teardown && !all_freed)
      pl_xml_leak_summary(&t, &prev_totals, p->delta);
   if (verbose && full && !p->monitor
       && (p->show_kinds & PL_KSET(PL_KReachablePy)))
      pl_text_top_retainers(rt, n_rt);
   VG_(free)(top);
   if (gone) VG_(free)(gone);

   if (verbose && teardown) {
      /* The report was the check at finalisation; this is what the
         interpreter's own teardown did not free. */
      ULong bytes = 0, blocks = 0;
      for (Int k = 0; k < PL_NKinds; k++) {
         bytes += t.bytes[k]; blocks += t.blocks[k];
      }
      VG_(umsg)("At exit, after interpreter finalization: %'llu bytes in"
                " %'llu blocks not freed\n", bytes, blocks);
      VG_(umsg)("   (interpreter teardown; not errors: the check at"
                " finalization is the report;\n");
      VG_(umsg)("    --check-at=both reports these blocks in full)\n");
      VG_(umsg)("\n");
   } else if (verbose || (p->monitor && !VG_(clo_xml))) {
      if (when == PL_WhenExit && pl_heap.in_use_blocks == 0
          && pl_custom_pool_chunks() == 0)
         VG_(umsg)("All heap blocks were freed -- no leaks are possible\n");
      else
         pl_text_summary(&t, &prev_totals, p);
      VG_(umsg)("\n");
   }

   remember(recs, n, &t);
   keep_for_block_list(recs, n, n_gone);
   pl_json_add_check(when, label, &t, recs, n, rt, n_rt);
   VG_(free)(rt);
   pl_records_free(set, recs, n);
   pl_check_times_print("leak check", t_start);
}
