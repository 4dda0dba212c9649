/* pyleak: memcheck's XML (--xml=yes).
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   The body of a leak error as memcheck writes it in protocol 4, so that
   the programs that read memcheck's XML read pyleak's; the core writes
   the document around it (preamble, <error>, counts).  Reads the
   records (pl_records.c). */

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

