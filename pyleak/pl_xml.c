/* pyleak: memcheck's XML (--xml=yes).
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   The body of a leak error as memcheck writes it in protocol 4, so that
   the programs that read memcheck's XML read pyleak's; the core writes
   the document around it (preamble, <error>, counts).  Reads the
   records (pl_records.c); from protocol 6 on (Valgrind 3.26), also
   memcheck's heap and leak summaries. */

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
#include "pl_vgcompat.h"

/* memcheck's XML kinds; pyleak's own kinds are reported as the one a
   memcheck reader should count them as (memory lost, or reachable),
   and named in <pykind>. */
static const HChar* xml_kind[PL_NKinds] = {
   "Leak_DefinitelyLost", "Leak_IndirectlyLost", "Leak_PossiblyLost",
   "Leak_DefinitelyLost", "Leak_DefinitelyLost", "Leak_StillReachable",
   "Leak_StillReachable"
};

/* A loss record as memcheck's XML (protocol 4) has it: <kind>, <xwhat>
   (text, leakedbytes, leakedblocks), <stack>; then what pyleak adds,
   in elements no memcheck reader knows (so none confuses them with its
   own): <pykind>, <pytypes>, <pyretainedby>, <pybaseline> and the
   Python stack as <pystack> of <pyframe> (<pyfn>, <pyfile>, <pyline>).
   The core writes <error>, <unique>, <tid> around it. */
void pl_xml_record ( const PL_Record* r, const HChar* headline )
{
   VG_(printf_xml)("  <kind>%s</kind>\n", xml_kind[r->kind]);
   VG_(printf_xml)("  <xwhat>\n");
   VG_(printf_xml)("    <text>%pS</text>\n", headline);
   VG_(printf_xml)("    <leakedbytes>%llu</leakedbytes>\n",
                   r->bytes + (r->kind == PL_KDefinite ? r->indirect_bytes : 0));
   VG_(printf_xml)("    <leakedblocks>%llu</leakedblocks>\n", r->blocks);
   VG_(printf_xml)("  </xwhat>\n");
   VG_(pp_ExeContext)(r->where);
   if (r->kind == PL_KLeakedRef || r->kind == PL_KCycle
       || r->kind == PL_KReachablePy)
      VG_(printf_xml)("  <pykind>%s</pykind>\n", pl_kind_name[r->kind]);
   if (r->kind == PL_KLeakedRef)
      VG_(printf_xml)("  <pyretainedbytes>%llu</pyretainedbytes>\n"
                      "  <pyretainedblocks>%llu</pyretainedblocks>\n",
                      r->indirect_bytes, r->indirect_blocks);
   if (r->base == PL_BaseNew || r->base == PL_BaseGrown)
      VG_(printf_xml)("  <pybaseline>%s</pybaseline>\n",
                      r->base == PL_BaseNew ? "new" : "grown");
   if (r->py_types) {
      HChar types[512];
      pl_record_types_text(r, types, sizeof types);
      VG_(printf_xml)("  <pytypes>%pS</pytypes>\n", types);
   }
   if (r->path) {
      VG_(printf_xml)("  <pyretainedby>");
      for (Word j = 0; j < VG_(sizeXA)(r->path); j++)
         VG_(printf_xml)("%s%pS", j ? " -&gt; " : "",
                         *(HChar**)VG_(indexXA)(r->path, j));
      VG_(printf_xml)("</pyretainedby>\n");
   }
   const PL_PyStack* s = pl_pystack_get(r->py_stack);
   if (s && s->n > 0) {
      VG_(printf_xml)("  <pystack>\n");
      for (UInt i = 0; i < s->n; i++) {
         const PL_PyFrame* f = &s->frames[i];
         VG_(printf_xml)("    <pyframe>\n      <pyfn>%pS</pyfn>\n"
                         "      <pyfile>%pS</pyfile>\n", f->func, f->file);
         if (f->line >= 0)
            VG_(printf_xml)("      <pyline>%d</pyline>\n", f->line);
         VG_(printf_xml)("    </pyframe>\n");
      }
      VG_(printf_xml)("  </pystack>\n");
   }
}


/*------------------------------------------------------------*/
/*--- Protocol 6's summaries                               ---*/
/*------------------------------------------------------------*/

/* As memcheck, these are written with --xml=yes only from protocol 6
   on, and only when not -q; numbers as memcheck prints them (with
   thousands separators, and a check's delta after them). */
static Bool summaries ( void )
{
   return PL_XML_SUMMARIES && VG_(clo_xml) && VG_(clo_verbosity) > 0;
}

void pl_xml_heap_summary ( void )
{
   if (!summaries())
      return;
   VG_(printf_xml)("<heap_summary>\n"
                   "  <memory_in_use_at_exit>\n"
                   "    <bytes>%'llu</bytes>\n"
                   "    <blocks>%'llu</blocks>\n"
                   "  </memory_in_use_at_exit>\n"
                   "  <total_heap_usage>\n"
                   "    <allocs>%'llu</allocs>\n"
                   "    <frees>%'llu</frees>\n"
                   "    <bytes_allocated>%'llu</bytes_allocated>\n"
                   "  </total_heap_usage>\n"
                   "</heap_summary>\n\n",
                   pl_heap.in_use_bytes, pl_heap.in_use_blocks,
                   pl_heap.n_allocs, pl_heap.n_frees, pl_heap.bytes_allocated);
}

/* Before a check's errors: whether any block is left (memcheck then
   writes no leak summary). */
void pl_xml_all_freed ( Bool all_freed )
{
   if (summaries())
      VG_(printf_xml)("<all_heap_blocks_freed>%s</all_heap_blocks_freed>"
                      "\n\n", all_freed ? "true" : "false");
}

static void amount ( const HChar* tag, ULong bytes, ULong old_bytes,
                     ULong blocks, ULong old_blocks, PL_DeltaMode mode,
                     Bool close )
{
   HChar d1[40], d2[40];
   VG_(printf_xml)("  <%s>\n    <bytes>%'llu%s</bytes>\n"
                   "    <blocks>%'llu%s</blocks>\n", tag,
                   bytes, pl_delta_text(d1, sizeof d1, bytes, old_bytes, mode),
                   blocks, pl_delta_text(d2, sizeof d2, blocks, old_blocks,
                                         mode));
   if (close)
      VG_(printf_xml)("  </%s>\n", tag);
}

/* The kinds of T summed as memcheck's four (as in xml_kind and the
   COUNT_LEAKS requests). */
static void memcheck_kinds ( const PL_Totals* t, Bool blocks, ULong out[4] )
{
   const ULong* v = blocks ? t->blocks : t->bytes;
   out[0] = v[PL_KDefinite] + v[PL_KLeakedRef] + v[PL_KCycle];
   out[1] = v[PL_KIndirect];
   out[2] = v[PL_KPossible];
   out[3] = v[PL_KReachableC] + v[PL_KReachablePy];
}

/* After a check's errors: memcheck's <leak_summary> (its four kinds,
   the heuristics' share of the reachable, the suppressed), then, for
   a Python program, pyleak's own kinds (already counted in memcheck's)
   in elements memcheck's readers do not know. */
void pl_xml_leak_summary ( const PL_Totals* t, const PL_Totals* o,
                           PL_DeltaMode mode )
{
   static const HChar* tag[4] = { "definitely_lost", "indirectly_lost",
                                  "possibly_lost", "still_reachable" };
   if (!summaries())
      return;
   ULong by[4], bl[4], oby[4], obl[4];
   memcheck_kinds(t, False, by);  memcheck_kinds(t, True, bl);
   memcheck_kinds(o, False, oby); memcheck_kinds(o, True, obl);
   VG_(printf_xml)("<leak_summary>\n");
   for (Int k = 0; k < 4; k++)
      amount(tag[k], by[k], oby[k], bl[k], obl[k], mode, k != 3);
   for (Int h = 0; h < PL_NHeur; h++) {
      if (t->heur_blocks[h] == 0 && o->heur_blocks[h] == 0)
         continue;
      HChar d1[40], d2[40];
      VG_(printf_xml)("    <reachable_heuristic>\n"
                      "      <kind>%s</kind>\n"
                      "      <bytes>%'llu%s</bytes>\n"
                      "      <blocks>%'llu%s</blocks>\n"
                      "    </reachable_heuristic>\n", pl_heur_name[h],
                      t->heur_bytes[h], pl_delta_text(d1, sizeof d1,
                         t->heur_bytes[h], o->heur_bytes[h], mode),
                      t->heur_blocks[h], pl_delta_text(d2, sizeof d2,
                         t->heur_blocks[h], o->heur_blocks[h], mode));
   }
   VG_(printf_xml)("  </still_reachable>\n");
   amount("suppressed", t->suppressed_bytes, o->suppressed_bytes,
          t->suppressed_blocks, o->suppressed_blocks, mode, True);
   if (pl_py.found) {
      static const struct { PL_Kind k; const HChar* tag; } py[] = {
         { PL_KLeakedRef, "pyleaked_ref" }, { PL_KCycle, "pycycle" },
         { PL_KReachablePy, "pyreachable" } };
      for (UInt i = 0; i < sizeof py / sizeof py[0]; i++)
         amount(py[i].tag, t->bytes[py[i].k], o->bytes[py[i].k],
                t->blocks[py[i].k], o->blocks[py[i].k], mode, True);
   }
   VG_(printf_xml)("</leak_summary>\n\n");
}
