/* pyleak: the text report.
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   What the log says of a check, a record, a checkpoint and the heap,
   in memcheck's words where memcheck has them.  Reads the records
   (pl_records.c); called by the checks (pl_check.c, pl_growth.c). */

#include "pub_tool_basics.h"
#include "pub_tool_debuginfo.h"
#include "pub_tool_errormgr.h"
#include "pub_tool_execontext.h"
#include "pub_tool_hashtable.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_options.h"
#include "pub_tool_oset.h"
#include "pub_tool_threadstate.h"
#include "pub_tool_tooliface.h"
#include "pub_tool_xarray.h"
#include "pl_include.h"
#include "pl_python.h"

/* LEAK SUMMARY labels, right-aligned like memcheck's. */
static const HChar* summary_label[PL_NKinds] = {
   "   definitely lost", "   indirectly lost", "     possibly lost",
   " leaked references", "uncollected cycles", "  reachable Python",
   "   still reachable"
};

void pl_text_record ( const PL_Record* r, const HChar* headline )
{
   VG_(umsg)("%s\n", headline);
   if (r->base == PL_BaseNew)
      VG_(umsg)("   not in the baseline\n");
   else if (r->base == PL_BaseGrown)
      VG_(umsg)("   grown since the baseline: %'llu bytes, was %'llu\n",
                r->group_bytes, r->base_bytes);
   if (r->py_types) {
      HChar types[512];
      pl_record_types_text(r, types, sizeof types);
      VG_(umsg)("   Python objects: %s\n", types);
   }
   if (r->kept_bytes > 0)
      VG_(umsg)("   keeping alive: %'llu more bytes in %'llu blocks that"
                " only they hold\n", r->kept_bytes, r->kept_blocks);
   if (r->path) {
      VG_(umsg)("   retained by: ");
      for (Word j = 0; j < VG_(sizeXA)(r->path); j++)
         VG_(umsg)("%s%s", j ? " -> " : "",
                   *(HChar**)VG_(indexXA)(r->path, j));
      VG_(umsg)("\n");
   }
   pl_pp_stacks(r->where, r->py_stack);
}


/* A native frame, with the frames the compiler inlined into it, as the
   core prints them ("at" for the innermost line of the stack). */
static void pp_native ( DiEpoch ep, Addr ip, Bool* first )
{
   InlIPCursor* iipc = VG_(new_IIPC)(ep, ip);
   do {
      VG_(umsg)("   %s %s\n", *first ? "at" : "by",
                VG_(describe_IP)(ep, ip, iipc));
      *first = False;
   } while (VG_(next_IIPC)(iipc));
   VG_(delete_IIPC)(iipc);
}

/* A Python frame in the words of a Python traceback, so that editors
   and terminals link the lines. */
static void pp_python ( const PL_PyFrame* f )
{
   if (f->line < 0 && VG_(strcmp)(f->file, "...") == 0
       && VG_(strcmp)(f->func, "...") == 0)
      VG_(umsg)("   ... (more Python frames: the stack is deeper than"
                " --py-depth=%u)\n", pl_clo_py_depth);
   else if (f->line >= 0)
      VG_(umsg)("   File \"%s\", line %d, in %s\n", f->file, f->line,
                f->func);
   else
      VG_(umsg)("   File \"%s\", in %s\n", f->file, f->func);
}

/* A block's two stacks as one, in the order pl_stack_order gives.
   Without a Python stack, or in XML, the core prints the native stack
   as memcheck's. */
void pl_pp_stacks ( ExeContext* where, UInt py_stack )
{
   const PL_PyStack* s = pl_pystack_get(py_stack);
   if (s == NULL || VG_(clo_xml)) {
      VG_(pp_ExeContext)(where);
      return;
   }
   static HChar order[2 * PL_MAX_IPS + 1];
   static Addr  ips[PL_MAX_IPS];
   DiEpoch ep = VG_(current_DiEpoch)();
   UInt    n_ips = pl_ec_ips(where, ips);
   pl_stack_order(where, py_stack, order, sizeof order);
   Bool first = True;
   UInt n = 0, p = 0;
   for (const HChar* c = order; *c; c++) {
      if (*c == 'n' && n < n_ips)
         pp_native(ep, ips[n], &first);
      if (*c == 'p' && p < s->n)
         pp_python(&s->frames[p++]);
      if (*c != 'p')
         n++;
   }
}

void pl_text_top_retainers ( const PL_RetTotal* t, UInt m )
{
   UInt shown = pl_clo_top_retainers == 0 || pl_clo_top_retainers > m
                ? m : pl_clo_top_retainers;
   if (m == 0) return;
   VG_(umsg)("Top retainers of reachable Python objects (%'u of %'u,"
             " by bytes retained; the interpreter's own state last):\n",
             shown, m);
   for (UInt j = 0; j < shown; j++)
      VG_(umsg)("   %'llu bytes in %'llu blocks retained (objects: %'llu"
                " bytes in %'llu blocks, %'u records): %s\n",
                t[j].kept_bytes, t[j].kept_blocks, t[j].bytes, t[j].blocks,
                t[j].records, pl_retain_name(t[j].id));
   VG_(umsg)("\n");
}


void pl_text_summary ( const PL_Totals* t, const PL_Totals* o,
                       const PL_CheckParams* p )
{
   HChar d1[40], d2[40];
   VG_(umsg)("LEAK SUMMARY:\n");
   for (Int k = 0; k < PL_NKinds; k++) {
      Bool py_kind = k == PL_KLeakedRef || k == PL_KCycle
                     || k == PL_KReachablePy;
      if (py_kind && !pl_py.found)
         continue;            /* a C program's summary is memcheck's */
      VG_(umsg)("%s: %'llu%s bytes in %'llu%s blocks\n", summary_label[k],
                t->bytes[k], pl_delta_text(d1, sizeof d1, t->bytes[k], o->bytes[k],
                                   p->delta),
                t->blocks[k], pl_delta_text(d2, sizeof d2, t->blocks[k],
                                    o->blocks[k], p->delta));
      if (k != PL_KReachableC)
         continue;
      /* memcheck's lines for blocks a heuristic made reachable */
      Bool any = False;
      for (Int h = 0; h < PL_NHeur; h++)
         any |= t->heur_blocks[h] > 0 || o->heur_blocks[h] > 0;
      if (any)
         VG_(umsg)("                      of which reachable via"
                   " heuristic:\n");
      for (Int h = 0; h < PL_NHeur && any; h++)
         if (t->heur_blocks[h] > 0 || o->heur_blocks[h] > 0)
            VG_(umsg)("                        %-19s: %'llu%s bytes in"
                      " %'llu%s blocks\n", pl_heur_name[h],
                      t->heur_bytes[h], pl_delta_text(d1, sizeof d1,
                         t->heur_bytes[h], o->heur_bytes[h], p->delta),
                      t->heur_blocks[h], pl_delta_text(d2, sizeof d2,
                         t->heur_blocks[h], o->heur_blocks[h], p->delta));
   }
   VG_(umsg)("        suppressed: %'llu%s bytes in %'llu%s blocks\n",
             t->suppressed_bytes, pl_delta_text(d1, sizeof d1, t->suppressed_bytes,
                                        o->suppressed_bytes, p->delta),
             t->suppressed_blocks, pl_delta_text(d2, sizeof d2, t->suppressed_blocks,
                                         o->suppressed_blocks, p->delta));
   if (t->base.used) {
      VG_(umsg)("   in the baseline: %'llu bytes in %'llu blocks\n",
                t->base.bytes, t->base.blocks);
      VG_(umsg)("Records against the baseline %s: %'u new, %'u grown,"
                " %'u as before; %'u gone\n", pl_clo_baseline,
                t->base.n_new, t->base.n_grown, t->base.n_known,
                t->base.n_gone);
   }

   ULong found = 0;
   for (Int k = 0; k < PL_NKinds; k++) found += t->blocks[k];
   if (p->mode != PL_LCFull && found > 0) {
      if (p->monitor)
         VG_(umsg)("To see details of leaked memory, give 'full' arg to"
                   " leak_check\n");
      else
         VG_(umsg)("Rerun with --leak-check=full to see details of leaked"
                   " memory\n");
   } else if (p->mode == PL_LCFull && !p->monitor) {
      UInt hidden = 0;
      for (Int k = 0; k < PL_NKinds; k++)
         if (t->blocks[k] > 0 && !(p->show_kinds & PL_KSET(k)))
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
   if (VG_(clo_verbosity) == 0 || VG_(clo_xml))
      return;
   VG_(umsg)("HEAP SUMMARY:\n");
   VG_(umsg)("    in use at exit: %'llu bytes in %'llu blocks\n",
             pl_heap.in_use_bytes, pl_heap.in_use_blocks);
   VG_(umsg)("  total heap usage: %'llu allocs, %'llu frees, %'llu bytes"
             " allocated\n", pl_heap.n_allocs, pl_heap.n_frees,
             pl_heap.bytes_allocated);
   VG_(umsg)("\n");
}

/*------------------------------------------------------------*/
/*--- Checkpoints (pl_growth.c)                            ---*/
/*------------------------------------------------------------*/

static const HChar* ordinal ( UInt n )
{
   if (n % 100 >= 11 && n % 100 <= 13) return "th";
   return n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd"
                                                                 : "th";
}

/* Valgrind's printf has no '+' flag. */
static const HChar* sign ( Long v )
{
   return v > 0 ? "+" : "";
}

static void growth_entry ( const PL_GrowthRec* e )
{
   VG_(umsg)("%s%'lld bytes in %s%'lld blocks (now %'llu bytes in %'llu"
             " blocks) %s %s, grown at %u checkpoint%s in a row\n",
             sign(e->d_bytes), e->d_bytes, sign(e->d_blocks), e->d_blocks,
             e->bytes, e->blocks,
             e->blocks == 1 ? "is" : "are", pl_kind_text[e->kind],
             e->streak, e->streak == 1 ? "" : "s");
   /* What the objects are and what keeps them: a growing cache is
      found by its name, not by the line that fills it. */
   if (e->merged && e->merged->py_types) {
      HChar types[512];
      pl_record_types_text(e->merged, types, sizeof types);
      VG_(umsg)("   Python objects: %s\n", types);
   }
   if (e->rep && e->rep->path) {
      VG_(umsg)("   retained by: ");
      for (Word j = 0; j < VG_(sizeXA)(e->rep->path); j++)
         VG_(umsg)("%s%s", j ? " -> " : "",
                   *(HChar**)VG_(indexXA)(e->rep->path, j));
      VG_(umsg)("\n");
   }
   pl_pp_stacks(e->where, e->py_stack);
   VG_(umsg)("\n");
}

/* Checkpoint number N (labelled LABEL, or NULL): its heading, and when
   it shows growth (MIN_RUNS > 0, a previous checkpoint labelled
   SINCE), the SHOWN entries and the GROWTH SUMMARY. */
void pl_text_checkpoint ( const HChar* label, UInt n_checkpoints,
                          UInt min_runs, Bool have_prev,
                          const HChar* prev_label, ULong live_bytes,
                          ULong live_blocks, UInt n_grown,
                          PL_GrowthRec** shown, UInt n_shown, UInt n_supp )
{
   const HChar* lb = label ? label : "";
   if (!have_prev) {
      VG_(umsg)("CHECKPOINT %s%s%s(%u%s): %'llu bytes in %'llu blocks"
                " live; growth is reported from the next checkpoint\n",
                label ? "'" : "", lb, label ? "' " : "",
                n_checkpoints, ordinal(n_checkpoints),
                live_bytes, live_blocks);
   } else if (min_runs == 0) {
      VG_(umsg)("CHECKPOINT %s%s%s(%u%s): %u records grew since the"
                " previous one (not shown)\n",
                label ? "'" : "", lb, label ? "' " : "",
                n_checkpoints, ordinal(n_checkpoints), n_grown);
   } else {
      VG_(umsg)("CHECKPOINT %s%s%s(%u%s): growth since %s%s%s,"
                " records grown at each of the last %u checkpoint%s\n",
                label ? "'" : "", lb, label ? "' " : "",
                n_checkpoints, ordinal(n_checkpoints),
                prev_label ? "'" : "the previous checkpoint",
                prev_label ? prev_label : "", prev_label ? "'" : "",
                min_runs, min_runs == 1 ? "" : "s");
      VG_(umsg)("\n");
      for (UInt i = 0; i < n_shown; i++)
         growth_entry(shown[i]);
      VG_(umsg)("GROWTH SUMMARY: %s%'lld bytes in %s%'lld blocks in %u"
                " record%s (%u grew since the previous checkpoint",
                sign(pl_last_growth.bytes), pl_last_growth.bytes,
                sign(pl_last_growth.blocks), pl_last_growth.blocks,
                n_shown, n_shown == 1 ? "" : "s", n_grown);
      if (n_supp > 0)
         VG_(umsg)("; %u suppressed", n_supp);
      VG_(umsg)(")\n");
   }
   VG_(umsg)("\n");
}
