/* pyleak: loss records and the text report.
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   A leak check turns the scan's per-block kinds into loss records, one
   per (kind, allocation stack), numbered in ascending order of the
   bytes they account for, like memcheck's.  Each record that is shown
   or counts as an error goes through the core's error manager, which
   gives us suppressions, --gen-suppressions, the ERROR SUMMARY and
   --error-exitcode for free.  The same records go to the JSON file. */

#include "pub_tool_basics.h"
#include "pub_tool_errormgr.h"
#include "pub_tool_execontext.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_options.h"
#include "pub_tool_oset.h"
#include "pub_tool_threadstate.h"
#include "pub_tool_tooliface.h"
#include "pl_include.h"

const HChar* pl_kind_name[PL_NKinds] = {
   "definite", "indirect", "possible", "reachable-c"
};
const HChar* pl_kind_text[PL_NKinds] = {
   "definitely lost", "indirectly lost", "possibly lost", "still reachable"
};

PL_Totals pl_last_totals;

/*------------------------------------------------------------*/
/*--- Error manager glue                                   ---*/
/*------------------------------------------------------------*/

enum { PL_ErrLeak = 0 };
enum { PL_SuppLeak = 0 };

typedef struct {
   PL_Record* rec;
   UInt       n;          /* this record's number, 1-based */
   UInt       n_total;
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
   const PL_Record* r = x->rec;
   if (r->kind == PL_KDefinite && r->indirect_bytes > 0) {
      VG_(umsg)("%'llu (%'llu direct, %'llu indirect) bytes in %'llu blocks"
                " are %s in loss record %'u of %'u\n",
                r->bytes + r->indirect_bytes, r->bytes, r->indirect_bytes,
                r->blocks, pl_kind_text[r->kind], x->n, x->n_total);
   } else {
      VG_(umsg)("%'llu bytes in %'llu blocks are %s in loss record %'u"
                " of %'u\n", r->bytes, r->blocks, pl_kind_text[r->kind],
                x->n, x->n_total);
   }
   VG_(pp_ExeContext)(r->where);
}

static UInt update_extra ( const Error* err )
{
   return sizeof(LeakErrExtra);
}

static Bool recognised_suppression ( const HChar* name, Supp* su )
{
   if (VG_(strcmp)(name, "Leak") != 0)
      return False;
   VG_(set_supp_kind)(su, PL_SuppLeak);
   return True;
}

static Bool read_extra_suppression_info ( Int fd, HChar** bufpp,
                                          SizeT* nBufp, Int* lineno,
                                          Supp* su )
{
   return True;
}

static Bool error_matches_suppression ( const Error* err, const Supp* su )
{
   return VG_(get_supp_kind)(su) == PL_SuppLeak
          && VG_(get_error_kind)(err) == PL_ErrLeak;
}

static const HChar* get_error_name ( const Error* err )
{
   return "Leak";
}

static SizeT print_extra_suppression_info ( const Error* err,
                                            HChar* buf, Int nBuf )
{
   if (nBuf > 0) buf[0] = '\0';
   return 0;
}

static SizeT print_extra_suppression_use ( const Supp* su,
                                           HChar* buf, Int nBuf )
{
   if (nBuf > 0) buf[0] = '\0';
   return 0;
}

static void update_extra_suppression_use ( const Error* err,
                                           const Supp* su ) { }

void pl_register_errors ( void )
{
   VG_(needs_tool_errors)(eq_Error, before_pp_Error, pp_Error,
                          False /* show ThreadIDs */,
                          update_extra, recognised_suppression,
                          read_extra_suppression_info,
                          error_matches_suppression, get_error_name,
                          print_extra_suppression_info,
                          print_extra_suppression_use,
                          update_extra_suppression_use);
}

/*------------------------------------------------------------*/
/*--- Grouping blocks into loss records                    ---*/
/*------------------------------------------------------------*/

typedef struct { UWord kind; ExeContext* where; } RecKey;

static Word cmp_reckey ( const void* key, const void* elem )
{
   const RecKey* k = key;
   const PL_Record* r = elem;
   if (k->kind != (UWord)r->kind) return k->kind < (UWord)r->kind ? -1 : 1;
   if (k->where != r->where) return k->where < r->where ? -1 : 1;
   return 0;
}

static Int cmp_records ( const void* va, const void* vb )
{
   const PL_Record* a = *(PL_Record* const*)va;
   const PL_Record* b = *(PL_Record* const*)vb;
   ULong ta = a->bytes + a->indirect_bytes, tb = b->bytes + b->indirect_bytes;
   if (ta != tb)             return ta < tb ? -1 : 1;
   /* Ties: memcheck's order, reachable before possible before
      indirect before definite, so outputs compare line for line. */
   if (a->kind != b->kind)   return a->kind > b->kind ? -1 : 1;
   if (a->blocks != b->blocks) return a->blocks < b->blocks ? -1 : 1;
   if (a->where != b->where) return a->where < b->where ? -1 : 1;
   return 0;
}

/* Build the records of one scan into a fresh OSet; *arr gets them
   sorted for printing. */
static OSet* build_records ( const PL_ScanResult* s,
                             /*OUT*/PL_Record*** arr, /*OUT*/UInt* n )
{
   OSet* set = VG_(OSetGen_Create)(0, cmp_reckey, VG_(malloc),
                                   "pl.report.records", VG_(free));
   for (UInt i = 0; i < s->n_blocks; i++) {
      const PL_Block* b = s->blocks[i];
      RecKey k = { s->kind[i], b->where };
      PL_Record* r = VG_(OSetGen_Lookup)(set, &k);
      if (r == NULL) {
         r = VG_(OSetGen_AllocNode)(set, sizeof(PL_Record));
         VG_(memset)(r, 0, sizeof *r);
         r->kind  = s->kind[i];
         r->where = b->where;
         VG_(OSetGen_Insert)(set, r);
      }
      r->bytes += b->szB;
      r->blocks++;
      if (s->kind[i] == PL_KDefinite)
         r->indirect_bytes += s->indirect_szB[i];
   }

   *n = VG_(OSetGen_Size)(set);
   *arr = VG_(malloc)("pl.report.arr", (*n + 1) * sizeof(PL_Record*));
   UInt j = 0;
   PL_Record* r;
   VG_(OSetGen_ResetIter)(set);
   while ((r = VG_(OSetGen_Next)(set)) != NULL)
      (*arr)[j++] = r;
   VG_(ssort)(*arr, *n, sizeof(PL_Record*), cmp_records);
   return set;
}

/*------------------------------------------------------------*/
/*--- The check                                            ---*/
/*------------------------------------------------------------*/

static void print_summary ( const PL_Totals* t, PL_LeakCheckMode mode )
{
   VG_(umsg)("LEAK SUMMARY:\n");
   VG_(umsg)("   definitely lost: %'llu bytes in %'llu blocks\n",
             t->bytes[PL_KDefinite], t->blocks[PL_KDefinite]);
   VG_(umsg)("   indirectly lost: %'llu bytes in %'llu blocks\n",
             t->bytes[PL_KIndirect], t->blocks[PL_KIndirect]);
   VG_(umsg)("     possibly lost: %'llu bytes in %'llu blocks\n",
             t->bytes[PL_KPossible], t->blocks[PL_KPossible]);
   VG_(umsg)("   still reachable: %'llu bytes in %'llu blocks\n",
             t->bytes[PL_KReachableC], t->blocks[PL_KReachableC]);
   VG_(umsg)("        suppressed: %'llu bytes in %'llu blocks\n",
             t->suppressed_bytes, t->suppressed_blocks);

   ULong found = 0;
   for (Int k = 0; k < PL_NKinds; k++) found += t->blocks[k];
   if (mode != PL_LCFull && found > 0) {
      VG_(umsg)("Rerun with --leak-check=full to see details of leaked"
                " memory\n");
   } else if (mode == PL_LCFull) {
      UInt hidden = 0;
      for (Int k = 0; k < PL_NKinds; k++)
         if (t->blocks[k] > 0 && !(pl_clo_show_kinds & PL_KSET(k)))
            hidden |= PL_KSET(k);
      if (hidden) {
         VG_(umsg)("Records of kinds not in --show-leak-kinds are not"
                   " shown:");
         for (Int k = 0; k < PL_NKinds; k++)
            if (hidden & PL_KSET(k)) VG_(umsg)(" %s", pl_kind_name[k]);
         VG_(umsg)("\n");
         VG_(umsg)("To see them, rerun with: --leak-check=full"
                   " --show-leak-kinds=all\n");
      }
   }
}

void pl_print_heap_summary ( void )
{
   if (VG_(clo_verbosity) == 0)
      return;
   VG_(umsg)("HEAP SUMMARY:\n");
   VG_(umsg)("    in use at exit: %'llu bytes in %'llu blocks\n",
             pl_heap.in_use_bytes, pl_heap.in_use_blocks);
   VG_(umsg)("  total heap usage: %'llu allocs, %'llu frees, %'llu bytes"
             " allocated\n", pl_heap.n_allocs, pl_heap.n_frees,
             pl_heap.bytes_allocated);
   VG_(umsg)("\n");
}

void pl_leak_check ( ThreadId tid, PL_When when, const HChar* label,
                     PL_LeakCheckMode mode )
{
   PL_ScanResult scan;
   PL_Record**   recs;
   UInt          n;

   pl_scan(&scan);
   OSet* set = build_records(&scan, &recs, &n);
   pl_scan_free(&scan);

   Bool verbose = VG_(clo_verbosity) > 0;
   if (verbose && when == PL_WhenRequest) {
      if (label)
         VG_(umsg)("LEAK CHECK requested by the client: '%s'\n", label);
      else
         VG_(umsg)("LEAK CHECK requested by the client\n");
      VG_(umsg)("\n");
   }

   PL_Totals t;
   VG_(memset)(&t, 0, sizeof t);
   for (UInt i = 0; i < n; i++) {
      PL_Record* r = recs[i];
      Bool show  = mode == PL_LCFull && (pl_clo_show_kinds & PL_KSET(r->kind));
      Bool error = mode == PL_LCFull && (pl_clo_error_kinds & PL_KSET(r->kind));
      if (show || error) {
         LeakErrExtra x = { r, i + 1, n };
         r->suppressed = VG_(unique_error)(tid, PL_ErrLeak, 0, NULL, &x,
                                           r->where, show, False, error);
      }
      if (r->suppressed) {
         t.suppressed_bytes  += r->bytes;
         t.suppressed_blocks += r->blocks;
      } else {
         t.bytes[r->kind]  += r->bytes;
         t.blocks[r->kind] += r->blocks;
      }
   }
   pl_last_totals = t;

   if (verbose) {
      if (when == PL_WhenExit && pl_heap.in_use_blocks == 0)
         VG_(umsg)("All heap blocks were freed -- no leaks are possible\n");
      else
         print_summary(&t, mode);
      VG_(umsg)("\n");
   }

   pl_json_add_check(when, label, &t, recs, n);

   VG_(free)(recs);
   VG_(OSetGen_Destroy)(set);
}
