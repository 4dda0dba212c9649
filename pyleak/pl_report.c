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
#include "pl_python.h"

const HChar* pl_kind_name[PL_NKinds] = {
   "definite", "indirect", "possible", "leaked-ref", "uncollected-cycle",
   "reachable-python", "reachable-c"
};
/* "N bytes in M blocks are ..." */
const HChar* pl_kind_text[PL_NKinds] = {
   "definitely lost", "indirectly lost", "possibly lost",
   "held by a leaked reference", "in an uncollected cycle",
   "still reachable Python objects", "still reachable"
};
/* LEAK SUMMARY labels, right-aligned like memcheck's. */
static const HChar* summary_label[PL_NKinds] = {
   "   definitely lost", "   indirectly lost", "     possibly lost",
   " leaked references", "uncollected cycles", "  reachable Python",
   "   still reachable"
};

/* All the bytes and blocks a record accounts for in the summary: its
   own, and for the kinds that fold their group in, the group's. */
ULong pl_record_bytes ( const PL_Record* r )
{
   return r->bytes + (PL_KIND_FOLDS(r->kind) ? r->indirect_bytes : 0);
}
ULong pl_record_blocks ( const PL_Record* r )
{
   return r->blocks + (PL_KIND_FOLDS(r->kind) ? r->indirect_blocks : 0);
}

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
   /* The delta mode, and what the record counted at the previous
      check, for the "(+N)" figures. */
   PL_DeltaMode delta;
   ULong      old_bytes, old_indirect, old_blocks;
} LeakErrExtra;

/* " (+N)" / " (-N)" into BUF, or nothing in "any" mode. */
static const HChar* delta ( HChar* buf, SizeT sz, ULong now, ULong old,
                            PL_DeltaMode mode )
{
   if (mode == PL_DeltaAny)
      buf[0] = '\0';
   else if (now >= old)
      VG_(snprintf)(buf, sz, " (+%'llu)", now - old);
   else
      VG_(snprintf)(buf, sz, " (-%'llu)", old - now);
   return buf;
}

static Bool eq_Error ( VgRes res, const Error* e1, const Error* e2 )
{
   /* Leak errors are reported with VG_(unique_error): never compared. */
   return False;
}

static void before_pp_Error ( const Error* err ) { }

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
static void pp_error_xml ( const LeakErrExtra* x, const HChar* text )
{
   const PL_Record* r = x->rec;
   VG_(printf_xml)("  <kind>%s</kind>\n", xml_kind[r->kind]);
   VG_(printf_xml)("  <xwhat>\n");
   VG_(printf_xml)("    <text>%pS</text>\n", text);
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

static void pp_Error ( const Error* err )
{
   const LeakErrExtra* x = VG_(get_error_extra)(err);
   const PL_Record* r = x->rec;
   HChar d_all[40], d_dir[40], d_ind[40], d_blk[40];
   delta(d_all, sizeof d_all, r->bytes + r->indirect_bytes,
         x->old_bytes + x->old_indirect, x->delta);
   delta(d_dir, sizeof d_dir, r->bytes, x->old_bytes, x->delta);
   delta(d_ind, sizeof d_ind, r->indirect_bytes, x->old_indirect, x->delta);
   delta(d_blk, sizeof d_blk, r->blocks, x->old_blocks, x->delta);
   HChar text[300];
   if ((r->kind == PL_KDefinite || r->kind == PL_KLeakedRef)
       && (r->indirect_bytes > 0 || x->old_indirect > 0)) {
      VG_(snprintf)(text, sizeof text,
                    "%'llu%s (%'llu%s direct, %'llu%s %s) bytes in %'llu%s"
                    " blocks are %s in loss record %'u of %'u",
                    r->bytes + r->indirect_bytes, d_all, r->bytes, d_dir,
                    r->indirect_bytes, d_ind,
                    r->kind == PL_KDefinite ? "indirect" : "retained",
                    r->blocks, d_blk, pl_kind_text[r->kind], x->n,
                    x->n_total);
   } else {
      VG_(snprintf)(text, sizeof text,
                    "%'llu%s bytes in %'llu%s blocks are %s in loss record"
                    " %'u of %'u", r->bytes, d_dir, r->blocks, d_blk,
                    pl_kind_text[r->kind], x->n, x->n_total);
   }
   if (VG_(clo_xml)) {
      pp_error_xml(x, text);
      return;
   }
   VG_(umsg)("%s\n", text);
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
   if (r->path) {
      VG_(umsg)("   retained by: ");
      for (Word j = 0; j < VG_(sizeXA)(r->path); j++)
         VG_(umsg)("%s%s", j ? " -> " : "",
                   *(HChar**)VG_(indexXA)(r->path, j));
      VG_(umsg)("\n");
   }
   pl_pp_pystack(r->py_stack);
   VG_(pp_ExeContext)(r->where);
}

/* The Python stack of a record, innermost first, in the words of a
   Python traceback so that editors and terminals link the lines. */
void pl_pp_pystack ( UInt id )
{
   const PL_PyStack* s = pl_pystack_get(id);
   if (s == NULL) return;
   for (UInt i = 0; i < s->n; i++) {
      const PL_PyFrame* f = &s->frames[i];
      if (f->line >= 0)
         VG_(umsg)("   File \"%s\", line %d, in %s\n", f->file, f->line,
                   f->func);
      else
         VG_(umsg)("   File \"%s\", in %s\n", f->file, f->func);
   }
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
   LeakErrExtra x = { r, 0, 0, PL_DeltaAny, 0, 0, 0 };
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
/*--- Grouping blocks into loss records                    ---*/
/*------------------------------------------------------------*/

/* A record is one (kind, Python stack, native stack, retainer).  The
   OSet finds a new node's key at offset 0 of the node, so this is the
   head of PL_Record, field for field. */
typedef struct { PL_Kind kind; ExeContext* where; UInt py_stack;
                 UInt retainer; } RecKey;

static Word cmp_reckey ( const void* key, const void* elem )
{
   const RecKey* k = key;
   const PL_Record* r = elem;
   if (k->kind != r->kind) return k->kind < r->kind ? -1 : 1;
   if (k->py_stack != r->py_stack) return k->py_stack < r->py_stack ? -1 : 1;
   if (k->where != r->where) return k->where < r->where ? -1 : 1;
   if (k->retainer != r->retainer) return k->retainer < r->retainer ? -1 : 1;
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
   if (a->py_stack != b->py_stack) return a->py_stack < b->py_stack ? -1 : 1;
   if (a->where != b->where) return a->where < b->where ? -1 : 1;
   if (a->retainer != b->retainer) return a->retainer < b->retainer ? -1 : 1;
   return 0;
}

/* One Python call site should be one record even when the interpreter
   reached the C code through different paths (a specialised call
   instruction calls a builtin directly, the generic path goes through
   PyObject_Vectorcall and friends).  So for a block with a Python
   stack, the native stack that keys its record is cut at the first
   evaluation-loop frame, and, when frames of other code (the C
   extension) sit above the interpreter's glue, after the last of
   those; with none, before the call protocol's frames next to the
   loop (the first run of a line calls through the generic path, the
   next ones through a specialised instruction).  All ExeContexts with
   the same cut and Python stack share one representative, whose full
   stack the report shows. */
typedef struct _Canon {
   struct _Canon* next;
   UWord          key;        /* hash of (cut, py_stack) or (ec, py_stack) */
   UInt           m;          /* frames in the cut */
   UInt           py_stack;   /* the Python stack it goes with */
   ExeContext*    ec;         /* the representative / the original */
   ExeContext*    rep;        /* memo: the representative of ec */
} Canon;

static Bool in_interp ( Addr ip )
{
   return ip >= pl_py.text_lo && ip < pl_py.text_hi;
}

/* The IPs of an ExeContext, through the public interface. */
#define PL_MAX_IPS 512
typedef struct { Addr ips[PL_MAX_IPS]; UInt n; } IPs;

static void collect_ip ( UInt i, DiEpoch ep, Addr ip, void* opaque )
{
   IPs* x = opaque;
   if (x->n < PL_MAX_IPS) x->ips[x->n++] = ip;
}

static void get_ips ( ExeContext* ec, IPs* x )
{
   x->n = 0;
   VG_(apply_ExeContext)(collect_ip, x, ec);
}

static UInt native_cut ( const IPs* x )
{
   const Addr* ips = x->ips;
   UInt n = x->n;
   UInt m = 0;
   while (m < n && !pl_py_in_eval_named(ips[m]))
      m++;
   /* With no eval loop in sight (a short --num-callers), the same rule
      on what there is: the extension's frames, when interpreter glue
      follows them. */
   for (UInt j = m; j-- > 1; )
      if (!in_interp(ips[j])) return j + 1;
   /* Only the interpreter's own code: the call protocol's frames next
      to the loop say how the loop called, which changes once it has
      specialised the instruction, so they are left out of the key. */
   while (m > 1 && pl_py_is_call_glue(ips[m - 1]))
      m--;
   return m;
}

UInt pl_native_cut ( ExeContext* ec )
{
   static IPs x;
   get_ips(ec, &x);
   return native_cut(&x);
}

static IPs cmp_a, cmp_b;                   /* for cmp_canon */

static Word cmp_canon ( const void* a, const void* b )
{
   const Canon* x = a;
   const Canon* y = b;
   if (x->m != y->m || x->py_stack != y->py_stack) return 1;
   get_ips(y->ec, &cmp_b);
   return VG_(memcmp)(cmp_a.ips, cmp_b.ips, x->m * sizeof(Addr)) ? 1 : 0;
}

static Word cmp_memo ( const void* a, const void* b )
{
   const Canon* x = a;
   const Canon* y = b;
   return x->ec != y->ec || x->py_stack != y->py_stack;
}

/* The representative is chosen per Python stack too, so that the full
   native stack a record shows is one that went with its Python stack
   (the same cut reached from interpreter start-up shows start-up's
   outer frames). */
static ExeContext* representative ( VgHashTable* canon, VgHashTable* memo,
                                    ExeContext* ec, UInt py_stack )
{
   UWord ecu = VG_(get_ECU_from_ExeContext)(ec);
   UWord mkey = ecu * 0x9E3779B97F4A7C15ULL ^ py_stack;
   Canon mprobe = { NULL, mkey, 0, py_stack, ec, NULL };
   Canon* hit = VG_(HT_gen_lookup)(memo, &mprobe, cmp_memo);
   if (hit) return hit->rep;

   get_ips(ec, &cmp_a);
   UInt m = native_cut(&cmp_a);
   if (pl_clo_leak_resolution > 0 && m > pl_clo_leak_resolution)
      m = pl_clo_leak_resolution;
   const Addr* ips = cmp_a.ips;
   UWord h = pl_hash_words(ips, m) * 31 + py_stack;
   Canon probe = { NULL, h, m, py_stack, ec, NULL };
   Canon* c = VG_(HT_gen_lookup)(canon, &probe, cmp_canon);
   if (c == NULL) {
      c = VG_(malloc)("pl.report.canon", sizeof *c);
      *c = probe;
      c->rep = ec;
      VG_(HT_add_node)(canon, c);
   }
   Canon* me = VG_(malloc)("pl.report.memo", sizeof *me);
   *me = mprobe;
   me->rep = c->rep;
   VG_(HT_add_node)(memo, me);
   return c->rep;
}

/*------------------------------------------------------------*/
/*--- Python object types per record                       ---*/
/*------------------------------------------------------------*/

static void add_type ( PL_Record* r, Addr type )
{
   if (r->py_types == NULL)
      r->py_types = VG_(newXA)(VG_(malloc), "pl.report.types", VG_(free),
                               sizeof(PL_TypeCount));
   for (Word i = 0; i < VG_(sizeXA)(r->py_types); i++) {
      PL_TypeCount* tc = VG_(indexXA)(r->py_types, i);
      if (tc->type == type) { tc->n++; return; }
   }
   PL_TypeCount tc = { type, 1 };
   VG_(addToXA)(r->py_types, &tc);
}

/* Names and counts, merged by name (two type objects can share one),
   most frequent first, then by name. */
typedef struct { HChar name[96]; ULong n; } NamedCount;

static Int cmp_named ( const void* a, const void* b )
{
   const NamedCount* x = a;
   const NamedCount* y = b;
   if (x->n != y->n) return x->n > y->n ? -1 : 1;
   return VG_(strcmp)(x->name, y->name);
}

static NamedCount* named_types ( const PL_Record* r, /*OUT*/UInt* n )
{
   *n = 0;
   if (r->py_types == NULL) return NULL;
   UInt m = VG_(sizeXA)(r->py_types);
   NamedCount* out = VG_(malloc)("pl.report.named", (m + 1) * sizeof *out);
   for (UInt i = 0; i < m; i++) {
      const PL_TypeCount* tc = VG_(indexXA)(r->py_types, i);
      HChar name[96];
      pl_pyobj_type_name(tc->type, name, sizeof name);
      UInt j;
      for (j = 0; j < *n; j++)
         if (VG_(strcmp)(out[j].name, name) == 0) break;
      if (j == *n) {
         VG_(strcpy)(out[j].name, name);
         out[j].n = 0;
         (*n)++;
      }
      out[j].n += tc->n;
   }
   VG_(ssort)(out, *n, sizeof *out, cmp_named);
   return out;
}

void pl_record_types_text ( const PL_Record* r, HChar* buf, SizeT sz )
{
   UInt n;
   NamedCount* nc = named_types(r, &n);
   SizeT len = 0;
   buf[0] = '\0';
   for (UInt i = 0; i < n && len + 1 < sz; i++)
      len += VG_(snprintf)(buf + len, sz - len, "%s%s x%llu",
                           i ? ", " : "", nc[i].name, nc[i].n);
   if (nc) VG_(free)(nc);
}

void pl_record_types_json ( const PL_Record* r, XArray* xa )
{
   UInt n;
   NamedCount* nc = named_types(r, &n);
   for (UInt i = 0; i < n; i++)
      VG_(xaprintf)(xa, "%s\"%s\": %llu", i ? ", " : "", nc[i].name, nc[i].n);
   if (nc) VG_(free)(nc);
}

/* Build the records of one scan into a fresh OSet; *arr gets them
   sorted for printing. */
static OSet* build_records ( const PL_ScanResult* s,
                             /*OUT*/PL_Record*** arr, /*OUT*/UInt* n )
{
   OSet* set = VG_(OSetGen_Create)(0, cmp_reckey, VG_(malloc),
                                   "pl.report.records", VG_(free));
   /* Cut: at the interpreter (see above), and at --leak-resolution's
      depth. */
   Bool cut = (pl_py.found && pl_py.eval_lo != 0)
              || pl_clo_leak_resolution > 0;
   /* Kept for the whole run: a cut's representative must stay the same
      from one check to the next, for checkpoints to compare records. */
   static VgHashTable* canon;
   static VgHashTable* memo;
   if (cut && canon == NULL) {
      canon = VG_(HT_construct)("pl.report.canon");
      memo  = VG_(HT_construct)("pl.report.memo");
   }
   PL_Record** rec_of = VG_(malloc)("pl.report.recof",
                                    (s->n_blocks + 1) * sizeof(PL_Record*));
   for (UInt i = 0; i < s->n_blocks; i++) {
      const PL_Block* b = s->blocks[i];
      rec_of[i] = NULL;
      if (s->leader[i] >= 0 && PL_KIND_FOLDS(s->kind[i]))
         continue;                     /* joins its leader's record */
      ExeContext* where = cut && (b->py_stack || pl_clo_leak_resolution)
                          ? representative(canon, memo, b->where, b->py_stack)
                          : b->where;
      UInt ret = s->kind[i] == PL_KReachablePy && s->retainer
                 ? s->retainer[i] : 0;
      RecKey k = { s->kind[i], where, b->py_stack, ret };
      PL_Record* r = VG_(OSetGen_Lookup)(set, &k);
      if (r == NULL) {
         r = VG_(OSetGen_AllocNode)(set, sizeof(PL_Record));
         VG_(memset)(r, 0, sizeof *r);
         r->kind  = s->kind[i];
         r->where = where;
         r->py_stack = b->py_stack;
         r->retainer = ret;
         r->first = (Int)i;
         VG_(OSetGen_Insert)(set, r);
      }
      r->bytes += b->szB;
      r->blocks++;
      if (s->py_type && s->py_type[i])
         add_type(r, s->py_type[i]);
      if (s->kind[i] == PL_KDefinite)
         r->indirect_bytes += s->indirect_szB[i];
      rec_of[i] = r;
   }
   /* A leaked reference's record counts what it retains; a cycle's is
      the whole cycle, every object's type included. */
   for (UInt i = 0; i < s->n_blocks; i++) {
      if (s->leader[i] < 0 || !PL_KIND_FOLDS(s->kind[i]))
         continue;
      PL_Record* r = rec_of[s->leader[i]];
      tl_assert(r != NULL);
      if (s->kind[i] == PL_KCycle) {
         r->bytes += s->blocks[i]->szB;
         r->blocks++;
         if (s->py_type[i]) add_type(r, s->py_type[i]);
      } else {
         r->indirect_bytes += s->blocks[i]->szB;
         r->indirect_blocks++;
      }
   }
   VG_(free)(rec_of);
   *n = VG_(OSetGen_Size)(set);
   *arr = VG_(malloc)("pl.report.arr", (*n + 1) * sizeof(PL_Record*));
   UInt j = 0;
   PL_Record* r;
   VG_(OSetGen_ResetIter)(set);
   while ((r = VG_(OSetGen_Next)(set)) != NULL)
      (*arr)[j++] = r;
   VG_(ssort)(*arr, *n, sizeof(PL_Record*), cmp_records);
   /* The retention path of a reachable object's record: its first
      object's (the others' differ at most in the part below the
      retainer). */
   for (UInt i = 0; i < *n; i++) {
      r = (*arr)[i];
      if (r->retainer == 0) continue;
      r->path = VG_(newXA)(VG_(malloc), "pl.report.path", VG_(free),
                           sizeof(HChar*));
      pl_retain_path(s, r->first, r->path);
   }
   return set;
}

/*------------------------------------------------------------*/
/*--- Top retainers                                        ---*/
/*------------------------------------------------------------*/

/* Reachable Python objects are most of a live interpreter: the report
   shows those of the retainers that keep the most bytes alive (all of
   them with --top-retainers=0), and a table of those retainers. */
typedef struct { UInt id; ULong bytes, blocks; UInt records; } RetTotal;

static Int cmp_rettotal ( const void* a, const void* b )
{
   const RetTotal* x = a;
   const RetTotal* y = b;
   if (x->bytes != y->bytes) return x->bytes > y->bytes ? -1 : 1;
   return x->id < y->id ? -1 : x->id > y->id ? 1 : 0;
}

/* Totals per retainer, largest first, into *OUT; returns how many.
   *TOP gets the set of shown retainer ids as a bitmap over ids. */
static UInt retainer_totals ( PL_Record** recs, UInt n,
                              /*OUT*/RetTotal** out, /*OUT*/UChar** top )
{
   UInt max_id = 0;
   for (UInt i = 0; i < n; i++)
      if (recs[i]->retainer > max_id) max_id = recs[i]->retainer;
   RetTotal* t = VG_(calloc)("pl.report.rett", max_id + 1, sizeof *t);
   for (UInt i = 0; i < n; i++) {
      UInt id = recs[i]->retainer;
      if (id == 0) continue;
      t[id].id = id;
      t[id].bytes  += recs[i]->bytes;
      t[id].blocks += recs[i]->blocks;
      t[id].records++;
   }
   UInt m = 0;
   for (UInt id = 1; id <= max_id; id++)
      if (t[id].records) t[m++] = t[id];
   VG_(ssort)(t, m, sizeof *t, cmp_rettotal);
   *top = VG_(calloc)("pl.report.rettop", max_id + 1, 1);
   for (UInt j = 0; j < m; j++)
      if (pl_clo_top_retainers == 0 || j < pl_clo_top_retainers)
         (*top)[t[j].id] = 1;
   *out = t;
   return m;
}

static void print_top_retainers ( const RetTotal* t, UInt m )
{
   UInt shown = pl_clo_top_retainers == 0 || pl_clo_top_retainers > m
                ? m : pl_clo_top_retainers;
   if (m == 0) return;
   VG_(umsg)("Top retainers of reachable Python objects (%'u of %'u,"
             " by bytes):\n", shown, m);
   for (UInt j = 0; j < shown; j++)
      VG_(umsg)("   %'llu bytes in %'llu blocks (%'u records): %s\n",
                t[j].bytes, t[j].blocks, t[j].records,
                pl_retain_name(t[j].id));
   VG_(umsg)("\n");
}

/*------------------------------------------------------------*/
/*--- Deltas against the previous check                    ---*/
/*------------------------------------------------------------*/

/* What each record of the previous check counted, for the delta modes
   and the "(+N)" figures (memcheck keeps its loss records from one
   check to the next for the same purpose).  Keyed like the records. */
typedef struct {
   RecKey key;
   ULong  bytes, indirect_bytes, blocks;
} OldRec;

static Word cmp_oldrec ( const void* key, const void* elem )
{
   const RecKey* k = key;
   const OldRec* o = elem;
   return cmp_reckey(k, &(PL_Record){ .kind = o->key.kind,
                                      .where = o->key.where,
                                      .py_stack = o->key.py_stack,
                                      .retainer = o->key.retainer });
}

static OSet*     prev_recs;        /* of OldRec; NULL before any check */
static PL_Totals prev_totals;

static const OldRec* old_of ( const PL_Record* r )
{
   if (prev_recs == NULL) return NULL;
   RecKey k = { r->kind, r->where, r->py_stack, r->retainer };
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
      o->key = (RecKey){ recs[i]->kind, recs[i]->where, recs[i]->py_stack,
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
static PL_Record* vanished ( OSet* now, /*OUT*/UInt* n )
{
   *n = 0;
   if (prev_recs == NULL) return NULL;
   PL_Record* v = VG_(calloc)("pl.report.vanished",
                              VG_(OSetGen_Size)(prev_recs) + 1, sizeof *v);
   VG_(OSetGen_ResetIter)(prev_recs);
   OldRec* o;
   while ((o = VG_(OSetGen_Next)(prev_recs)) != NULL) {
      if (o->blocks == 0 || VG_(OSetGen_Lookup)(now, &o->key) != NULL)
         continue;
      PL_Record* r = &v[(*n)++];
      r->kind = o->key.kind;       r->where    = o->key.where;
      r->py_stack = o->key.py_stack; r->retainer = o->key.retainer;
      r->first = -1;
   }
   return v;
}

/*------------------------------------------------------------*/
/*--- The check                                            ---*/
/*------------------------------------------------------------*/

static void print_summary ( const PL_Totals* t, const PL_CheckParams* p )
{
   const PL_Totals* o = &prev_totals;
   HChar d1[40], d2[40];
   VG_(umsg)("LEAK SUMMARY:\n");
   for (Int k = 0; k < PL_NKinds; k++) {
      Bool py_kind = k == PL_KLeakedRef || k == PL_KCycle
                     || k == PL_KReachablePy;
      if (py_kind && !pl_py.found)
         continue;            /* a C program's summary is memcheck's */
      VG_(umsg)("%s: %'llu%s bytes in %'llu%s blocks\n", summary_label[k],
                t->bytes[k], delta(d1, sizeof d1, t->bytes[k], o->bytes[k],
                                   p->delta),
                t->blocks[k], delta(d2, sizeof d2, t->blocks[k],
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
                      t->heur_bytes[h], delta(d1, sizeof d1,
                         t->heur_bytes[h], o->heur_bytes[h], p->delta),
                      t->heur_blocks[h], delta(d2, sizeof d2,
                         t->heur_blocks[h], o->heur_blocks[h], p->delta));
   }
   VG_(umsg)("        suppressed: %'llu%s bytes in %'llu%s blocks\n",
             t->suppressed_bytes, delta(d1, sizeof d1, t->suppressed_bytes,
                                        o->suppressed_bytes, p->delta),
             t->suppressed_blocks, delta(d2, sizeof d2, t->suppressed_blocks,
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

/* The heuristics' figures of the last scan (pl_records_now). */
static ULong last_heur_bytes[PL_NHeur], last_heur_blocks[PL_NHeur];

OSet* pl_records_now ( ThreadId requester, UInt heuristics,
                       /*OUT*/PL_Record*** recs, /*OUT*/UInt* n )
{
   PL_ScanResult scan;
   pl_check_seq++;
   pl_intercept_drain();
   pl_supp_add_memcheck_entries();     /* files added while running */
   pl_scan(&scan, requester, heuristics);
   VG_(memcpy)(last_heur_bytes, scan.heur_bytes, sizeof last_heur_bytes);
   VG_(memcpy)(last_heur_blocks, scan.heur_blocks, sizeof last_heur_blocks);
   OSet* set = build_records(&scan, recs, n);
   pl_scan_free(&scan);
   return set;
}

void pl_records_free ( OSet* set, PL_Record** recs, UInt n )
{
   for (UInt i = 0; i < n; i++) {
      if (recs[i]->py_types) VG_(deleteXA)(recs[i]->py_types);
      if (recs[i]->path) {
         for (Word j = 0; j < VG_(sizeXA)(recs[i]->path); j++)
            VG_(free)(*(HChar**)VG_(indexXA)(recs[i]->path, j));
         VG_(deleteXA)(recs[i]->path);
      }
   }
   pl_retain_release();
   VG_(free)(recs);
   VG_(OSetGen_Destroy)(set);
}

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
   LeakErrExtra x = { r, nr, total, p->delta,
                      o ? o->bytes : 0, o ? o->indirect_bytes : 0,
                      o ? o->blocks : 0 };
   return VG_(unique_error)(tid, PL_ErrLeak, 0, NULL, &x, r->where,
                            show, False, error);
}

void pl_leak_check_with ( ThreadId tid, PL_When when, const HChar* label,
                          const PL_CheckParams* p )
{
   PL_Record**   recs;
   UInt          n;
   /* At exit the thread that ended the process is pl_exit_tid, not
      TID (the core's convention passes 1). */
   Bool at_end = when == PL_WhenExit || when == PL_WhenTeardown;
   OSet* set = pl_records_now(at_end ? VG_INVALID_THREADID : tid,
                              p->heuristics, &recs, &n);
   RetTotal* rt;
   UChar*    top;
   UInt      n_rt = retainer_totals(recs, n, &rt, &top);

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
   VG_(memcpy)(t.heur_bytes, last_heur_bytes, sizeof t.heur_bytes);
   VG_(memcpy)(t.heur_blocks, last_heur_blocks, sizeof t.heur_blocks);
   pl_last_totals = t;
   if (verbose && full && !p->monitor
       && (p->show_kinds & PL_KSET(PL_KReachablePy)))
      print_top_retainers(rt, n_rt);
   VG_(free)(rt);
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
         print_summary(&t, p);
      VG_(umsg)("\n");
   }

   remember(recs, n, &t);
   pl_json_add_check(when, label, &t, recs, n);
   pl_records_free(set, recs, n);
}
