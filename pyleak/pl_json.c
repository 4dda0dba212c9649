/* pyleak: the JSON document (--json-file=FILE).
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   This is the contract CI jobs build on (schema: docs/json.md).  Each
   leak check appends its part to an in-memory buffer; at exit the
   whole document is written to FILE.tmp.PID and renamed over FILE, so
   a reader sees a complete document or none: a run killed before its
   end leaves no half-written file behind.

   Records of every kind are written, whatever --show-leak-kinds says:
   display options must not change what a later comparison sees. */

#include "pub_tool_basics.h"
#include "pub_tool_clientstate.h"
#include "pub_tool_debuginfo.h"
#include "pub_tool_execontext.h"
#include "pub_tool_hashtable.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcfile.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_libcproc.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_options.h"
#include "pub_tool_vki.h"
#include "pub_tool_xarray.h"
#include "pl_include.h"
#include "pl_python.h"

static XArray* checks;          /* the "checks" array's elements, text */
static UInt    n_checks;

/*------------------------------------------------------------*/
/*--- Writing JSON values                                  ---*/
/*------------------------------------------------------------*/

void pl_json_put_str ( XArray* xa, const HChar* s )
{
   if (s == NULL) {
      VG_(xaprintf)(xa, "null");
      return;
   }
   VG_(xaprintf)(xa, "\"");
   for (; *s; s++) {
      UChar c = (UChar)*s;
      if (c == '"' || c == '\\')
         VG_(xaprintf)(xa, "\\%c", c);
      else if (c < 0x20)
         VG_(xaprintf)(xa, "\\u%04x", (UInt)c);
      else
         VG_(xaprintf)(xa, "%c", c);
   }
   VG_(xaprintf)(xa, "\"");
}

/*------------------------------------------------------------*/
/*--- Frame tables                                         ---*/
/*------------------------------------------------------------*/

/* Each distinct frame is written once, in the document's
   "native_frames" or "python_frames"; a stack is a list of indexes
   into them.  A Python process's records share most of their frames
   (every import goes through the same dozen), and written out in
   every record they made the document ten times larger: 130 MB for
   `python3.11 -c pass` (13.9 MB so), with 5,600 distinct frames in
   1.08 million places. */
typedef struct _Frame {
   struct _Frame* next;       /* VgHashNode's two members first */
   UWord          key;        /* hash of text */
   HChar*         text;       /* the frame as a JSON object */
   UInt           index;
} Frame;

typedef struct {
   VgHashTable* by_text;
   XArray*      frames;       /* of Frame*, by index */
} FrameTable;

static FrameTable native_frames, python_frames;
static XArray*    frame_text;  /* scratch: one frame's JSON */

static Word cmp_frame ( const void* a, const void* b )
{
   return VG_(strcmp)(((const Frame*)a)->text, ((const Frame*)b)->text);
}

/* The index of the frame now in frame_text, added if new. */
static UInt intern_frame ( FrameTable* t )
{
   VG_(addToXA)(frame_text, "");              /* the NUL */
   Frame probe;
   probe.text = VG_(indexXA)(frame_text, 0);
   probe.key  = pl_hash_str(probe.text);
   Frame* f = VG_(HT_gen_lookup)(t->by_text, &probe, cmp_frame);
   if (f == NULL) {
      f = VG_(malloc)("pl.json.frame", sizeof *f);
      f->key   = probe.key;
      f->text  = VG_(strdup)("pl.json.frame.text", probe.text);
      f->index = VG_(sizeXA)(t->frames);
      VG_(HT_add_node)(t->by_text, f);
      VG_(addToXA)(t->frames, &f);
   }
   VG_(dropTailXA)(frame_text, VG_(sizeXA)(frame_text));
   return f->index;
}

static void put_frame ( UInt n, DiEpoch ep, Addr ip, void* opaque )
{
   XArray* xa = opaque;
   XArray* ft = frame_text;
   const HChar* fn = NULL;
   const HChar* obj = NULL;
   const HChar* file = NULL;
   const HChar* dir = NULL;
   UInt line = 0;

   VG_(xaprintf)(ft, "{\"ip\": \"%#lx\", \"function\": ", ip);
   /* The debuginfo getters return pointers into buffers that the next
      call may reuse, so each string is written before the next query. */
   pl_json_put_str(ft, VG_(get_fnname)(ep, ip, &fn) ? fn : NULL);
   VG_(xaprintf)(ft, ", \"object\": ");
   pl_json_put_str(ft, VG_(get_objname)(ep, ip, &obj) ? obj : NULL);
   if (VG_(get_filename_linenum)(ep, ip, &file, &dir, &line)) {
      VG_(xaprintf)(ft, ", \"file\": ");
      pl_json_put_str(ft, file);
      VG_(xaprintf)(ft, ", \"line\": %u}", line);
   } else {
      VG_(xaprintf)(ft, ", \"file\": null, \"line\": null}");
   }
   VG_(xaprintf)(xa, "%s%u", n > 0 ? ", " : "", intern_frame(&native_frames));
}

static void put_py_frame ( XArray* xa, UInt j, const PL_PyFrame* f )
{
   XArray* ft = frame_text;
   VG_(xaprintf)(ft, "{\"file\": ");
   pl_json_put_str(ft, f->file);
   if (f->line >= 0)
      VG_(xaprintf)(ft, ", \"line\": %d, \"function\": ", f->line);
   else
      VG_(xaprintf)(ft, ", \"line\": null, \"function\": ");
   pl_json_put_str(ft, f->func);
   VG_(xaprintf)(ft, "}");
   VG_(xaprintf)(xa, "%s%u", j > 0 ? ", " : "", intern_frame(&python_frames));
}

static void init_frames ( FrameTable* t, const HChar* cc )
{
   t->by_text = VG_(HT_construct)(cc);
   t->frames  = VG_(newXA)(VG_(malloc), cc, VG_(free), sizeof(Frame*));
}

/* "NAME": [ the table's frames, one a line ], */
static void put_frame_table ( XArray* xa, const HChar* name,
                              const FrameTable* t )
{
   VG_(xaprintf)(xa, " \"%s\": [", name);
   for (Word i = 0; i < VG_(sizeXA)(t->frames); i++)
      VG_(xaprintf)(xa, "%s\n  %s", i ? "," : "",
                    (*(Frame**)VG_(indexXA)(t->frames, i))->text);
   VG_(xaprintf)(xa, "],\n");
}

/* A record's Python objects by type ("list": 2, "dict": 1). */
static void types_json ( const PL_Record* r, XArray* xa )
{
   UInt n;
   PL_NamedCount* nc = pl_record_types(r, &n);
   for (UInt i = 0; i < n; i++)
      VG_(xaprintf)(xa, "%s\"%s\": %llu", i ? ", " : "", nc[i].name, nc[i].n);
   if (nc) VG_(free)(nc);
}

/* A record's match key (pl_record_match) as "match": {...}. */
static void match_json ( const PL_Record* r, XArray* xa )
{
   PL_Match k = pl_record_match(r);
   UInt n = VG_(sizeXA)(k.words);
   VG_(xaprintf)(xa, "\"match\": {\"python\": [");
   for (UInt i = 0; i < k.n_py; i++) {
      if (i) VG_(xaprintf)(xa, ", ");
      pl_json_put_str(xa, pl_match_word(&k, i));
   }
   VG_(xaprintf)(xa, "], \"native\": [");
   for (UInt i = k.n_py; i < n; i++) {
      if (i > k.n_py) VG_(xaprintf)(xa, ", ");
      pl_json_put_str(xa, pl_match_word(&k, i));
   }
   VG_(xaprintf)(xa, "]}");
   pl_match_free(&k);
}

/*------------------------------------------------------------*/
/*--- Checks                                               ---*/
/*------------------------------------------------------------*/

/* The expanded --json-file.  Expanded afresh each time it is needed:
   a forked child has another %p. */
static HChar* json_path ( void )
{
   return VG_(expand_file_name)("--json-file", pl_clo_json_file);
}

/* PATH.tmp.PID, which is renamed over PATH once complete. */
static HChar* tmp_path ( const HChar* path )
{
   HChar* tmp = VG_(malloc)("pl.json.tmp", VG_(strlen)(path) + 32);
   VG_(sprintf)(tmp, "%s.tmp.%d", path, VG_(getpid)());
   return tmp;
}

static SysRes open_tmp ( const HChar* tmp )
{
   return VG_(open)(tmp, VKI_O_CREAT | VKI_O_WRONLY | VKI_O_TRUNC,
                    VKI_S_IRUSR | VKI_S_IWUSR | VKI_S_IRGRP | VKI_S_IROTH);
}

void pl_json_init ( void )
{
   if (pl_clo_json_file == NULL)
      return;
   checks = VG_(newXA)(VG_(malloc), "pl.json.checks", VG_(free),
                       sizeof(HChar));
   frame_text = VG_(newXA)(VG_(malloc), "pl.json.frame_text", VG_(free),
                           sizeof(HChar));
   init_frames(&native_frames, "pl.json.native_frames");
   init_frames(&python_frames, "pl.json.python_frames");

   /* Fail now, not after an hour of running, if the file cannot be
      written: create the temporary file once and remove it. */
   HChar* path = json_path();
   HChar* tmp  = tmp_path(path);
   SysRes sr = open_tmp(tmp);
   if (sr_isError(sr)) {
      VG_(fmsg)("Bad option: --json-file=%s: cannot write %s: %s\n",
                pl_clo_json_file, path, pl_errno_text(sr_Err(sr)));
      VG_(exit)(1);
   }
   VG_(close)(sr_Res(sr));
   VG_(unlink)(tmp);
   VG_(free)(tmp);
   VG_(free)(path);
}

/* " \"native_stack\": [...], \"python_stack\": [...]", of indexes into
   the frame tables. */
static void put_stacks ( XArray* xa, ExeContext* where, UInt py_stack )
{
   VG_(xaprintf)(xa, " \"native_stack\": [");
   VG_(apply_ExeContext)(put_frame, xa, where);
   VG_(xaprintf)(xa, "], \"python_stack\": [");
   const PL_PyStack* ps = pl_pystack_get(py_stack);
   for (UInt j = 0; ps && j < ps->n; j++)
      put_py_frame(xa, j, &ps->frames[j]);
   VG_(xaprintf)(xa, "]");
   if (ps) {
      /* The two as one stack (pl_stack_order): 'n' the next native
         frame, 'p' the next Python frame, '-' a native frame the
         report leaves out. */
      static HChar order[2 * PL_MAX_IPS + 1];
      pl_stack_order(where, py_stack, order, sizeof order);
      VG_(xaprintf)(xa, ", \"stack_order\": \"%s\"", order);
   }
}

/* The next element of "checks", up to its "teardown" member: the
   members every check has.  Returns the buffer to go on in. */
static XArray* open_check ( const HChar* when, const HChar* label,
                            Bool teardown )
{
   n_checks++;
   VG_(xaprintf)(checks, "%s\n  {\"seq\": %u, \"when\": \"%s\","
                 " \"label\": ", n_checks > 1 ? "," : "", n_checks, when);
   pl_json_put_str(checks, label);
   VG_(xaprintf)(checks, ", \"teardown\": %s", teardown ? "true" : "false");
   return checks;
}

/* A checkpoint: "when": "checkpoint", "since" the previous one's label
   (null at the first), "min_runs", and in "growth" the records shown,
   each with its growth and what is live now. */
/* A reachable record's retainer and retention path, as members. */
static void put_retention ( XArray* xa, const PL_Record* r )
{
   VG_(xaprintf)(xa, ", \"retained_by\": ");
   pl_json_put_str(xa, pl_retain_name(r->retainer));
   VG_(xaprintf)(xa, ", \"retention_path\": [");
   for (Word j = 0; j < VG_(sizeXA)(r->path); j++) {
      if (j) VG_(xaprintf)(xa, ", ");
      pl_json_put_str(xa, *(HChar**)VG_(indexXA)(r->path, j));
   }
   VG_(xaprintf)(xa, "]");
}

void pl_json_add_checkpoint ( const HChar* label, const HChar* since,
                              UInt min_runs, PL_GrowthRec** recs, UInt n,
                              UInt n_suppressed )
{
   if (checks == NULL)
      return;
   XArray* xa = open_check("checkpoint", label, False);
   VG_(xaprintf)(xa, ", \"since\": ");
   pl_json_put_str(xa, since);                 /* null at the first */
   VG_(xaprintf)(xa, ", \"min_runs\": %u, \"suppressed\": %u,\n"
                 "   \"growth\": [", min_runs, n_suppressed);
   for (UInt i = 0; i < n; i++) {
      const PL_GrowthRec* g = recs[i];
      VG_(xaprintf)(xa, "%s\n    {\"kind\": \"%s\", \"bytes\": %lld,"
                    " \"blocks\": %lld, \"live_bytes\": %llu,"
                    " \"live_blocks\": %llu, \"runs\": %u,",
                    i ? "," : "", pl_kind_name[g->kind], g->d_bytes,
                    g->d_blocks, g->bytes, g->blocks, g->streak);
      put_stacks(xa, g->where, g->py_stack);
      if (g->merged && g->merged->py_types) {
         VG_(xaprintf)(xa, ", \"py_types\": {");
         types_json(g->merged, xa);
         VG_(xaprintf)(xa, "}");
      }
      if (g->rep && g->rep->path)
         put_retention(xa, g->rep);
      VG_(xaprintf)(xa, "}");
   }
   VG_(xaprintf)(xa, "]}");
}

void pl_json_add_check ( PL_When when, const HChar* label,
                         const PL_Totals* t, PL_Record** recs, UInt n_recs,
                         const PL_RetTotal* rt, UInt n_rt )
{
   if (checks == NULL)
      return;
   XArray* xa = open_check(when == PL_WhenRequest    ? "request"
                           : when == PL_WhenFinalize ? "finalize" : "exit",
                           label, when == PL_WhenTeardown);

   VG_(xaprintf)(xa, ",\n   \"summary\": {");
   for (Int k = 0; k < PL_NKinds; k++)
      VG_(xaprintf)(xa, "%s\"%s\": {\"bytes\": %llu, \"blocks\": %llu}",
                    k ? ", " : "", pl_kind_name[k], t->bytes[k],
                    t->blocks[k]);
   VG_(xaprintf)(xa, ", \"suppressed\": {\"bytes\": %llu, \"blocks\": %llu}",
                 t->suppressed_bytes, t->suppressed_blocks);
   Bool any_heur = False;
   for (Int h = 0; h < PL_NHeur; h++) {
      if (t->heur_blocks[h] == 0) continue;
      VG_(xaprintf)(xa, "%s\"%s\": {\"bytes\": %llu, \"blocks\": %llu}",
                    any_heur ? ", " : ",\n    \"reachable_via_heuristic\": {",
                    pl_heur_name[h], t->heur_bytes[h], t->heur_blocks[h]);
      any_heur = True;
   }
   if (any_heur)
      VG_(xaprintf)(xa, "}");
   if (t->base.used) {
      VG_(xaprintf)(xa, ",\n    \"baseline\": {\"file\": ");
      pl_json_put_str(xa, pl_clo_baseline);
      VG_(xaprintf)(xa, ", \"bytes\": %llu, \"blocks\": %llu, \"new\": %u,"
                    " \"grown\": %u, \"as_before\": %u, \"gone\": %u}",
                    t->base.bytes, t->base.blocks, t->base.n_new,
                    t->base.n_grown, t->base.n_known, t->base.n_gone);
   }
   VG_(xaprintf)(xa, "}");

   /* The top retainers by what they keep alive: as many as the text
      shows (--top-retainers), at least 20. */
   if (n_rt > 0) {
      UInt want  = pl_clo_top_retainers == 0 ? n_rt
                   : pl_clo_top_retainers < 20 ? 20 : pl_clo_top_retainers;
      UInt shown = want > n_rt ? n_rt : want;
      VG_(xaprintf)(xa, ",\n   \"retainers\": [");
      for (UInt j = 0; j < shown; j++) {
         VG_(xaprintf)(xa, "%s\n    {\"retained_by\": ", j ? "," : "");
         pl_json_put_str(xa, pl_retain_name(rt[j].id));
         VG_(xaprintf)(xa, ", \"retained_bytes\": %llu,"
                       " \"retained_blocks\": %llu, \"bytes\": %llu,"
                       " \"blocks\": %llu, \"records\": %u,"
                       " \"interpreter\": %s}",
                       rt[j].kept_bytes, rt[j].kept_blocks, rt[j].bytes,
                       rt[j].blocks, rt[j].records,
                       rt[j].interp ? "true" : "false");
      }
      VG_(xaprintf)(xa, "]");
   }
   /* The records of the kinds the run reports (shown or errors), or
      all of them with --json-records=all: a Python process has tens of
      thousands of reachable records, which the retainers table and the
      summary already sum up.  The teardown check's records (what the
      interpreter's own teardown left, not errors) only with all. */
   VG_(xaprintf)(xa, ",\n   \"records\": [");
   UInt written = 0;
   for (UInt i = 0; i < n_recs; i++) {
      const PL_Record* r = recs[i];
      if (!pl_clo_json_all
          && (!pl_kind_reported(r->kind) || when == PL_WhenTeardown))
         continue;
      VG_(xaprintf)(xa, "%s\n    {\"kind\": \"%s\", \"bytes\": %llu,"
                    " \"blocks\": %llu, \"indirect_bytes\": %llu,"
                    " \"suppressed\": %s,",
                    written++ ? "," : "", pl_kind_name[r->kind], r->bytes,
                    r->blocks,
                    r->kind == PL_KDefinite ? r->indirect_bytes : 0ULL,
                    r->suppressed ? "true" : "false");
      if (r->kind == PL_KLeakedRef)
         VG_(xaprintf)(xa, " \"retained_bytes\": %llu,"
                       " \"retained_blocks\": %llu,",
                       r->indirect_bytes, r->indirect_blocks);
      if (r->kept_blocks > 0)
         VG_(xaprintf)(xa, " \"kept_alive_bytes\": %llu,"
                       " \"kept_alive_blocks\": %llu,",
                       r->kept_bytes, r->kept_blocks);
      if (r->base != PL_BaseNone)
         VG_(xaprintf)(xa, " \"baseline\": \"%s\",",
                       r->base == PL_BaseNew ? "new"
                       : r->base == PL_BaseGrown ? "grown" : "as_before");
      put_stacks(xa, r->where, r->py_stack);
      /* Match keys only for the kinds the run reports: a baseline
         compares those, and a Python process has tens of thousands
         of reachable records. */
      if (pl_kind_reported(r->kind)) {
         VG_(xaprintf)(xa, ", ");
         match_json(r, xa);
      }
      VG_(xaprintf)(xa, ", \"py_types\": {");
      types_json(r, xa);
      VG_(xaprintf)(xa, "}");
      if (r->path)
         put_retention(xa, r);
      VG_(xaprintf)(xa, "}");
   }
   VG_(xaprintf)(xa, "]}");
}

/*------------------------------------------------------------*/
/*--- The document                                         ---*/
/*------------------------------------------------------------*/

static Bool write_all ( Int fd, const HChar* buf, SizeT len )
{
   while (len > 0) {
      Int chunk = len > (1 << 20) ? (1 << 20) : (Int)len;
      Int w = VG_(write)(fd, buf, chunk);
      if (w <= 0)
         return False;
      buf += w;
      len -= w;
   }
   return True;
}

void pl_json_finish ( Int exit_code, Bool exited, Int fatal_sig )
{
   if (checks == NULL)
      return;

   XArray* xa = VG_(newXA)(VG_(malloc), "pl.json.doc", VG_(free),
                           sizeof(HChar));
   VG_(xaprintf)(xa, "{\"pyleak_json_version\": 2, \"tool_version\": \""
                 PL_VERSION "\",\n \"command\": [");
   pl_json_put_str(xa, VG_(args_the_exename));
   for (Word i = 0; i < VG_(sizeXA)(VG_(args_for_client)); i++) {
      VG_(xaprintf)(xa, ", ");
      pl_json_put_str(xa, *(HChar**)VG_(indexXA)(VG_(args_for_client), i));
   }
   VG_(xaprintf)(xa, "],\n \"pid\": %d, ", VG_(getpid)());
   if (exited)
      VG_(xaprintf)(xa, "\"exit_code\": %d, \"signal\": null,\n", exit_code);
   else if (fatal_sig > 0)
      VG_(xaprintf)(xa, "\"exit_code\": null, \"signal\": %d,\n", fatal_sig);
   else
      VG_(xaprintf)(xa, "\"exit_code\": null, \"signal\": null,\n");
   if (pl_py.found) {
      VG_(xaprintf)(xa, " \"python\": {\"implementation\": \"cpython\","
                    " \"version\": ");
      pl_json_put_str(xa, pl_py.version);
      VG_(xaprintf)(xa, ", \"hexversion\": %u, \"build\": \"%s\", \"object\": ",
                    pl_py.hexversion, pl_py.debug_build ? "debug" : "release");
      pl_json_put_str(xa, pl_py.object);
      VG_(xaprintf)(xa, "},\n");
   } else {
      VG_(xaprintf)(xa, " \"python\": null,\n");
   }
   VG_(xaprintf)(xa, " \"heap\": {\"in_use_bytes\": %llu, \"in_use_blocks\":"
                 " %llu, \"allocs\": %llu, \"frees\": %llu,"
                 " \"bytes_allocated\": %llu},\n",
                 pl_heap.in_use_bytes, pl_heap.in_use_blocks,
                 pl_heap.n_allocs, pl_heap.n_frees, pl_heap.bytes_allocated);
   /* The kinds whose records carry a match key: a baseline reader
      tells "that run reported no such records" from "that run was made
      by a pyleak that wrote no keys" by this member. */
   VG_(xaprintf)(xa, " \"json_records\": \"%s\",",
                 pl_clo_json_all ? "all" : "reported");
   VG_(xaprintf)(xa, " \"match_kinds\": [");
   Bool first = True;
   for (Int k = 0; k < PL_NKinds; k++) {
      if (!pl_kind_reported(k))
         continue;
      VG_(xaprintf)(xa, "%s\"%s\"", first ? "" : ", ", pl_kind_name[k]);
      first = False;
   }
   VG_(xaprintf)(xa, "],\n");
   put_frame_table(xa, "native_frames", &native_frames);
   put_frame_table(xa, "python_frames", &python_frames);
   VG_(xaprintf)(xa, " \"checks\": [");

   HChar* body; Word body_len;
   VG_(getContentsXA_UNSAFE)(checks, (void**)&body, &body_len);
   HChar* head; Word head_len;
   VG_(getContentsXA_UNSAFE)(xa, (void**)&head, &head_len);
   static const HChar tail[] = "]}\n";

   HChar* path = json_path();
   HChar* tmp  = tmp_path(path);
   SysRes sr = open_tmp(tmp);
   Bool ok = !sr_isError(sr);
   if (ok) {
      Int fd = sr_Res(sr);
      ok = write_all(fd, head, head_len)
           && write_all(fd, body, body_len)
           && write_all(fd, tail, sizeof tail - 1);
      VG_(close)(fd);
      ok = ok && VG_(rename)(tmp, path) == 0;
      if (!ok)
         VG_(unlink)(tmp);
   }
   if (!ok)
      VG_(umsg)("pyleak: could not write the JSON file %s\n", path);
   VG_(free)(tmp);
   VG_(free)(path);
   VG_(deleteXA)(xa);
}
