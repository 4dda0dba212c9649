/* pyleak: comparing a run with a baseline (--baseline=OLD.json).
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   A CI job wants to fail on new leaks, not on the ones the project
   already lives with.  So a final check can be compared with the same
   check of an earlier run's JSON file: records whose match key is not
   in the baseline are new, those whose key's bytes grew beyond the
   tolerance are grown, and both are reported and counted as usual;
   the others are as before, and are neither shown nor errors.

   The match key must survive edits that are not the leak: other lines
   of the same file, another checkout directory, a rebuilt extension
   loaded at another address.  So it holds no line numbers, no paths
   and no addresses:
     - the kind;
     - the Python stack, each frame as "module:function" (the module
       named from the file as the import system would, the function by
       its qualified name on 3.11+);
     - the native function names from the allocation up to where the
       Python stack takes over (the evaluation loop, or the last frame
       of an extension's code before the interpreter's glue); the
       whole native stack for an allocation with no Python stack.
   Records that share a key (one function that allocates on two lines)
   are compared as one group: their bytes summed, on both sides. */

#include "pub_tool_basics.h"
#include "pub_tool_debuginfo.h"
#include "pub_tool_execontext.h"
#include "pub_tool_hashtable.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_libcproc.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_vki.h"
#include "pub_tool_xarray.h"
#include "pl_include.h"
#include "pl_python.h"

const HChar* pl_clo_baseline     = NULL;
ULong        pl_clo_baseline_tol = 0;
Bool         pl_clo_baseline_pct = False;

/* One string per key: kind, Python words and native words, joined by
   separators no name contains. */
static HChar* key_string ( const HChar* kind, HChar** py, UInt n_py,
                           HChar** nat, UInt n_nat )
{
   XArray* xa = VG_(newXA)(VG_(malloc), "pl.base.ks", VG_(free), 1);
   VG_(xaprintf)(xa, "%s\x1e", kind);
   for (UInt i = 0; i < n_py; i++) VG_(xaprintf)(xa, "%s\x1f", py[i]);
   VG_(xaprintf)(xa, "\x1e");
   for (UInt i = 0; i < n_nat; i++) VG_(xaprintf)(xa, "%s\x1f", nat[i]);
   HChar nul = '\0';
   VG_(addBytesToXA)(xa, &nul, 1);
   HChar* s = VG_(strdup)("pl.base.ks", VG_(indexXA)(xa, 0));
   VG_(deleteXA)(xa);
   return s;
}

/*------------------------------------------------------------*/
/*--- Key tables                                           ---*/
/*------------------------------------------------------------*/

typedef struct _Group {
   struct _Group* next;
   UWord          hash;
   HChar*         key;
   Int            kind;                   /* PL_Kind, -1: unknown */
   ULong          bytes, blocks;          /* the baseline's */
   ULong          now_bytes, now_blocks;  /* this check's */
   UInt           seen;                   /* pl_check_seq when seen */
} Group;

static Word cmp_group ( const void* a, const void* b )
{
   const Group* x = a;
   const Group* y = b;
   return VG_(strcmp)(x->key, y->key) == 0 ? 0 : 1;
}

/* The groups of a table with key S, created if CREATE. */
static Group* group_of ( VgHashTable* t, HChar* s, Bool create )
{
   Group probe = { NULL, pl_hash_str(s), s, -1, 0, 0, 0, 0, 0 };
   Group* g = VG_(HT_gen_lookup)(t, &probe, cmp_group);
   if (g || !create) return g;
   g = VG_(malloc)("pl.base.group", sizeof *g);
   *g = probe;
   g->key = VG_(strdup)("pl.base.gkey", s);
   VG_(HT_add_node)(t, g);
   return g;
}

/*------------------------------------------------------------*/
/*--- Reading the baseline                                 ---*/
/*------------------------------------------------------------*/

/* The baseline's final checks: the one at finalisation and the one at
   exit (not the quiet one after teardown).  A check is compared with
   the baseline's check made at the same point, or the other one. */
static VgHashTable* base_fin;
static VgHashTable* base_exit;
static HChar*       base_python;         /* its interpreter's version */

static void bad_baseline ( const HChar* why )
{
   VG_(fmsg)("Bad option: --baseline=%s: %s\n", pl_clo_baseline, why);
   VG_(exit)(1);
}

static Bool str_list ( const PL_JVal* v, /*OUT*/HChar*** out,
                       /*OUT*/UInt* n )
{
   if (v == NULL || v->type != PL_JArr) return False;
   *n = pl_json_len(v);
   *out = VG_(malloc)("pl.base.list", (*n + 1) * sizeof(HChar*));
   for (UInt i = 0; i < *n; i++) {
      const PL_JVal* e = pl_json_at(v, i);
      if (e->type != PL_JStr) { VG_(free)(*out); return False; }
      (*out)[i] = e->str;
   }
   return True;
}

static Long num_or ( const PL_JVal* v, Long dflt )
{
   return v && v->type == PL_JNum ? v->num : dflt;
}

/* The records of CHECK that have a match key, by key; *N_KEYED counts
   them. */
static VgHashTable* read_check ( const PL_JVal* check, UInt* n_keyed )
{
   const PL_JVal* recs = pl_json_get(check, "records");
   if (recs == NULL || recs->type != PL_JArr)
      bad_baseline("a check without \"records\"");
   VgHashTable* t = VG_(HT_construct)("pl.base.table");
   for (UInt i = 0; i < pl_json_len(recs); i++) {
      const PL_JVal* r = pl_json_at(recs, i);
      const PL_JVal* kind = pl_json_get(r, "kind");
      const PL_JVal* supp = pl_json_get(r, "suppressed");
      const PL_JVal* match = pl_json_get(r, "match");
      if (kind == NULL || kind->type != PL_JStr)
         bad_baseline("a record without a \"kind\"");
      if (match == NULL)
         continue;            /* a kind that run did not report */
      (*n_keyed)++;
      HChar** py; HChar** nat; UInt n_py, n_nat;
      if (!str_list(pl_json_get(match, "python"), &py, &n_py))
         bad_baseline("a record's \"match\" has no \"python\" list");
      if (!str_list(pl_json_get(match, "native"), &nat, &n_nat))
         bad_baseline("a record's \"match\" has no \"native\" list");
      /* Suppressed then, suppressed now: they stay out of the
         comparison and keep counting as suppressed. */
      if (!(supp && supp->type == PL_JBool && supp->num)) {
         HChar* s = key_string(kind->str, py, n_py, nat, n_nat);
         Group* g = group_of(t, s, True);
         for (Int k = 0; k < PL_NKinds; k++)
            if (VG_(strcmp)(kind->str, pl_kind_name[k]) == 0) g->kind = k;
         g->bytes  += num_or(pl_json_get(r, "bytes"), 0)
                      + num_or(pl_json_get(r, "retained_bytes"), 0);
         g->blocks += num_or(pl_json_get(r, "blocks"), 0)
                      + num_or(pl_json_get(r, "retained_blocks"), 0);
         VG_(free)(s);
      }
      VG_(free)(py);
      VG_(free)(nat);
   }
   return t;
}

void pl_baseline_init ( void )
{
   if (pl_clo_baseline == NULL)
      return;
   SizeT len;
   UWord err;
   HChar* text = pl_read_file(pl_clo_baseline, &len, &err);
   if (text == NULL)
      bad_baseline(err == VKI_ENOENT ? "no such file" : pl_errno_text(err));
   HChar why[128];
   /* Stacks, frame tables and retention paths are most of the
      document (MBs for a Python program) and the match key says all a
      comparison needs. */
   static const HChar* const drop[] = { "native_stack", "python_stack",
                                        "native_frames", "python_frames",
                                        "retention_path", "py_types",
                                        NULL };
   PL_JVal* doc = pl_json_parse(text, len, drop, why, sizeof why);
   VG_(free)(text);
   if (doc == NULL) {
      HChar msg[200];
      VG_(snprintf)(msg, sizeof msg, "not a JSON document (%s)", why);
      bad_baseline(msg);
   }
   const PL_JVal* ver = pl_json_get(doc, "pyleak_json_version");
   if (ver == NULL || ver->type != PL_JNum)
      bad_baseline("not a pyleak JSON file (no \"pyleak_json_version\")");
   /* 2 differs from 1 only in how stacks are written, which a
      comparison does not read. */
   if (ver->num != 1 && ver->num != 2)
      bad_baseline("a pyleak JSON version this pyleak does not read");
   const PL_JVal* mk = pl_json_get(doc, "match_kinds");
   UInt n_keyed = 0;
   const PL_JVal* checks = pl_json_get(doc, "checks");
   for (UInt i = 0; i < pl_json_len(checks); i++) {
      const PL_JVal* c = pl_json_at(checks, i);
      const PL_JVal* when = pl_json_get(c, "when");
      const PL_JVal* td = pl_json_get(c, "teardown");
      if (when == NULL || when->type != PL_JStr
          || (td && td->type == PL_JBool && td->num))
         continue;
      /* The last of each, as the run's last word. */
      Bool fin = VG_(strcmp)(when->str, "finalize") == 0;
      if (!fin && VG_(strcmp)(when->str, "exit") != 0)
         continue;
      VgHashTable* t = read_check(c, &n_keyed);
      if (fin) base_fin = t; else base_exit = t;
   }
   /* match_kinds came after match keys: a file with keyed records but
      without it is from in between, and good.  Without either, it is
      from a pyleak that wrote no keys.  (A clean run's file has no
      keyed record, and match_kinds.) */
   if ((mk == NULL || mk->type != PL_JArr) && n_keyed == 0)
      bad_baseline("it has no match keys (an older pyleak wrote it);"
                   " make it again with this one");
   if (base_fin == NULL && base_exit == NULL)
      bad_baseline("it has no check at exit or finalization (did that run"
                   " end with --leak-check=no, or get killed?)");
   const PL_JVal* py = pl_json_get(doc, "python");
   const PL_JVal* pv = pl_json_get(py, "version");
   if (pv && pv->type == PL_JStr)
      base_python = VG_(strdup)("pl.base.py", pv->str);
   pl_json_free(doc);
}

/*------------------------------------------------------------*/
/*--- Comparing                                            ---*/
/*------------------------------------------------------------*/

static HChar* record_key_string ( const PL_Record* r )
{
   PL_Match k = pl_record_match(r);
   UInt n = VG_(sizeXA)(k.words);
   HChar** w = n ? VG_(indexXA)(k.words, 0) : NULL;
   HChar* s = key_string(pl_kind_name[r->kind], n ? w : NULL, k.n_py,
                         n ? w + k.n_py : NULL, n - k.n_py);
   pl_match_free(&k);
   return s;
}

static ULong tolerance ( ULong base_bytes )
{
   return pl_clo_baseline_pct ? base_bytes * pl_clo_baseline_tol / 100
                              : pl_clo_baseline_tol;
}

/* Only the kinds a check reports take part: a program's reachable
   memory shifts a little from run to run, and what is not reported
   cannot be new. */
static Bool compared ( Int kind )
{
   return kind >= 0 && pl_kind_reported(kind);
}

void pl_baseline_classify ( PL_Record** recs, UInt n, PL_When when,
                            /*OUT*/PL_BaseTotals* out )
{
   VG_(memset)(out, 0, sizeof *out);
   if (pl_clo_baseline == NULL)
      return;
   VgHashTable* base = when == PL_WhenFinalize
                       ? (base_fin ? base_fin : base_exit)
                       : (base_exit ? base_exit : base_fin);
   out->used = True;

   static Bool warned;
   if (!warned && base_python && pl_py.found
       && VG_(strcmp)(base_python, pl_py.version) != 0) {
      VG_(umsg)("pyleak: the baseline was made with Python %s, this is"
                " %s: native frames may not match\n", base_python,
                pl_py.version);
      warned = True;
   }

   /* Each record's group: this check's bytes summed per key. */
   Group** gs = VG_(malloc)("pl.base.gs", (n + 1) * sizeof(Group*));
   Bool* in_base = VG_(malloc)("pl.base.inb", n + 1);
   VgHashTable* unknown = VG_(HT_construct)("pl.base.unknown");
   VG_(HT_ResetIter)(base);
   Group* g;
   while ((g = VG_(HT_Next)(base)) != NULL)
      g->now_bytes = g->now_blocks = 0;
   for (UInt i = 0; i < n; i++) {
      gs[i] = NULL;
      if (!compared(recs[i]->kind)) continue;
      HChar* s = record_key_string(recs[i]);
      Group* bg = group_of(base, s, False);
      in_base[i] = bg != NULL;
      gs[i] = bg ? bg : group_of(unknown, s, True);
      gs[i]->now_bytes  += pl_record_bytes(recs[i]);
      gs[i]->now_blocks += pl_record_blocks(recs[i]);
      gs[i]->seen = pl_check_seq;
      VG_(free)(s);
   }
   for (UInt i = 0; i < n; i++) {
      PL_Record* r = recs[i];
      if (gs[i] == NULL) continue;
      if (!in_base[i]) {
         r->base = PL_BaseNew;
         out->n_new++;
      } else if (gs[i]->now_bytes > gs[i]->bytes + tolerance(gs[i]->bytes)) {
         r->base = PL_BaseGrown;
         r->base_bytes  = gs[i]->bytes;
         r->group_bytes = gs[i]->now_bytes;
         out->n_grown++;
      } else {
         r->base = PL_BaseKnown;
         out->n_known++;
         out->bytes  += pl_record_bytes(r);
         out->blocks += pl_record_blocks(r);
      }
   }
   VG_(HT_ResetIter)(base);
   while ((g = VG_(HT_Next)(base)) != NULL)
      if (g->seen != pl_check_seq && compared(g->kind)) out->n_gone++;

   VG_(HT_ResetIter)(unknown);
   while ((g = VG_(HT_Next)(unknown)) != NULL) VG_(free)(g->key);
   VG_(HT_destruct)(unknown, VG_(free));
   VG_(free)(gs);
   VG_(free)(in_base);
}
