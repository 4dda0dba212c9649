/* pyleak: loss records, the model every report is written from.
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   A leak check turns the scan's per-block kinds into loss records, one
   per (kind, Python stack, allocation stack, retainer), numbered in
   ascending order of the bytes they account for, like memcheck's.
   Everything a report says of a record is computed here, once: its
   figures and memcheck's words for them (pl_record_headline), the
   Python types of its objects, the totals per retainer, its match key
   for --baseline.  The writers (pl_text.c, pl_xml.c, pl_json.c) and
   the baseline comparison (pl_baseline.c) read records and call none
   of each other; pl_check.c and pl_growth.c run the checks and call
   them. */

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
#include "pub_tool_threadstate.h"
#include "pub_tool_tooliface.h"
#include "pub_tool_xarray.h"
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

/* A record's figures change since the previous check: see
   pl_check.c. */
/* " (+N)" / " (-N)" into BUF, or nothing in "any" mode. */
const HChar* pl_delta_text ( HChar* buf, SizeT sz, ULong now, ULong old,
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

/* The words memcheck gives a loss record: "N (D direct, I indirect)
   bytes in M blocks are definitely lost in loss record NR of TOTAL",
   with each figure's change since the previous check in a delta mode;
   the text and XML writers both print it. */
void pl_record_headline ( HChar* buf, SizeT sz, const PL_Record* r,
                          UInt nr, UInt total, const PL_Delta* d )
{
   HChar d_all[40], d_dir[40], d_ind[40], d_blk[40];
   pl_delta_text(d_all, sizeof d_all, r->bytes + r->indirect_bytes,
         d->old_bytes + d->old_indirect, d->mode);
   pl_delta_text(d_dir, sizeof d_dir, r->bytes, d->old_bytes, d->mode);
   pl_delta_text(d_ind, sizeof d_ind, r->indirect_bytes, d->old_indirect, d->mode);
   pl_delta_text(d_blk, sizeof d_blk, r->blocks, d->old_blocks, d->mode);
   if ((r->kind == PL_KDefinite || r->kind == PL_KLeakedRef)
       && (r->indirect_bytes > 0 || d->old_indirect > 0)) {
      VG_(snprintf)(buf, sz,
                    "%'llu%s (%'llu%s direct, %'llu%s %s) bytes in %'llu%s"
                    " blocks are %s in loss record %'u of %'u",
                    r->bytes + r->indirect_bytes, d_all, r->bytes, d_dir,
                    r->indirect_bytes, d_ind,
                    r->kind == PL_KDefinite ? "indirect" : "retained",
                    r->blocks, d_blk, pl_kind_text[r->kind], nr,
                    total);
   } else {
      VG_(snprintf)(buf, sz,
                    "%'llu%s bytes in %'llu%s blocks are %s in loss record"
                    " %'u of %'u", r->bytes, d_dir, r->blocks, d_blk,
                    pl_kind_text[r->kind], nr, total);
   }
}

/* "list x2, dict x1" style summary of a record's types, merged by
   name, most frequent first; into BUF. */
void pl_record_types_text ( const PL_Record* r, HChar* buf, SizeT sz )
{
   UInt n;
   PL_NamedCount* nc = pl_record_types(r, &n);
   SizeT len = 0;
   buf[0] = '\0';
   for (UInt i = 0; i < n && len + 1 < sz; i++)
      len += VG_(snprintf)(buf + len, sz - len, "%s%s x%llu",
                           i ? ", " : "", nc[i].name, nc[i].n);
   if (nc) VG_(free)(nc);
}

/* FNV-1a of a string, for tables keyed by names (suppressions, match
   keys, JSON frames). */
UWord pl_hash_str ( const HChar* s )
{
   UWord h = 0xcbf29ce484222325ULL;
   for (; *s; s++) { h ^= (UChar)*s; h *= 0x100000001b3ULL; }
   return h;
}

/*------------------------------------------------------------*/
/*--- Grouping blocks into loss records                    ---*/
/*------------------------------------------------------------*/

/* A record is one (kind, Python stack, native stack, retainer): the
   head of PL_Record, field for field. */
Word pl_reckey_cmp ( const void* key, const void* elem )
{
   const PL_RecKey* k = key;
   const PL_Record* r = elem;
   if (k->kind != r->kind) return k->kind < r->kind ? -1 : 1;
   if (k->py_stack != r->py_stack) return k->py_stack < r->py_stack ? -1 : 1;
   if (k->where != r->where) return k->where < r->where ? -1 : 1;
   if (k->retainer != r->retainer) return k->retainer < r->retainer ? -1 : 1;
   return 0;
}

/* The records of one check: found by key while the blocks are grouped
   (a lookup per block) and by pl_records_find afterwards. */
struct _PL_RecSet {
   PL_PTab tab;
   PL_Slab slab;
};

static UWord reckey_hash ( const PL_RecKey* k )
{
   return pl_ptab_mix(pl_ptab_mix((UWord)k->where, k->py_stack),
                      ((UWord)k->kind << 32) | k->retainer);
}

static Bool reckey_eq ( const void* key, const void* node )
{
   return pl_reckey_cmp(key, node) == 0;
}

PL_Record* pl_records_find ( const PL_RecSet* set, const PL_RecKey* k )
{
   return pl_ptab_find(&set->tab, reckey_hash(k), reckey_eq, k);
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

static Bool memo_eq ( const void* key, const void* node )
{
   const Canon* x = key;
   const Canon* y = node;
   return x->ec == y->ec && x->py_stack == y->py_stack;
}

/* The representative is chosen per Python stack too, so that the full
   native stack a record shows is one that went with its Python stack
   (the same cut reached from interpreter start-up shows start-up's
   outer frames). */

static ExeContext* representative ( VgHashTable* canon, PL_PTab* memo,
                                    ExeContext* ec, UInt py_stack )
{
   UWord mkey = pl_ptab_mix((UWord)ec, py_stack);
   Canon mprobe = { NULL, mkey, 0, py_stack, ec, NULL };
   Canon* hit = pl_ptab_find(memo, mkey, memo_eq, &mprobe);
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
   pl_ptab_add(memo, mkey, me);
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
static Int cmp_named ( const void* a, const void* b )
{
   const PL_NamedCount* x = a;
   const PL_NamedCount* y = b;
   if (x->n != y->n) return x->n > y->n ? -1 : 1;
   return VG_(strcmp)(x->name, y->name);
}

PL_NamedCount* pl_record_types ( const PL_Record* r, /*OUT*/UInt* n )
{
   *n = 0;
   if (r->py_types == NULL) return NULL;
   UInt m = VG_(sizeXA)(r->py_types);
   PL_NamedCount* out = VG_(malloc)("pl.records.named", (m + 1) * sizeof *out);
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

/* Build the records of one scan into a fresh set; *arr gets them
   sorted for printing. */
/* How many blocks the block list BL takes from S. */
static UInt count_listed ( const PL_ScanResult* s, const PL_BlockList* bl )
{
   UInt m = 0;
   for (UInt i = 0; i < s->n_blocks; i++) {
      Bool reach = s->kind[i] == PL_KReachablePy
                   || s->kind[i] == PL_KReachableC;
      m += !(reach && !bl->reachable);
   }
   return m;
}

/* The block list BL: the M blocks count_listed counted. */
static void list_blocks ( const PL_ScanResult* s, PL_Record** rec_of,
                          PL_BlockList* bl, UInt m )
{
   bl->n = m;
   if (m == 0) {               /* the usual case: nothing lost */
      bl->data = NULL;
      return;
   }
   tl_assert(rec_of != NULL);
   Int* idx = VG_(malloc)("pl.records.bidx", (s->n_blocks + 1) * sizeof(Int));
   m = 0;
   for (UInt i = 0; i < s->n_blocks; i++) {
      Bool reach = s->kind[i] == PL_KReachablePy
                   || s->kind[i] == PL_KReachableC;
      idx[i] = reach && !bl->reachable ? -1 : (Int)m++;
   }
   bl->data   = VG_(malloc)("pl.records.bl", (m + 1) * sizeof(Addr));
   bl->szB    = VG_(malloc)("pl.records.bl", (m + 1) * sizeof(SizeT));
   bl->rec    = VG_(malloc)("pl.records.bl", (m + 1) * sizeof(UInt));
   bl->leader = VG_(malloc)("pl.records.bl", (m + 1) * sizeof(Int));
   bl->heur   = VG_(malloc)("pl.records.bl", m + 1);
   for (UInt i = 0; i < s->n_blocks; i++) {
      Int j = idx[i];
      if (j < 0) continue;
      const PL_Record* r = rec_of[i] ? rec_of[i] : rec_of[PL_LEADER(s, i)];
      bl->data[j]   = s->blocks[i]->data;
      bl->szB[j]    = s->blocks[i]->szB;
      bl->rec[j]    = r ? r->nr : 0;
      bl->leader[j] = PL_LEADER(s, i) >= 0 ? idx[PL_LEADER(s, i)] : -1;
      bl->heur[j]   = s->heur ? s->heur[i] : 0;
   }
   VG_(free)(idx);
}

void pl_block_list_free ( PL_BlockList* bl )
{
   if (bl->n == 0 && bl->data == NULL) return;
   VG_(free)(bl->data);   VG_(free)(bl->szB);  VG_(free)(bl->rec);
   VG_(free)(bl->leader); VG_(free)(bl->heur);
   bl->n = 0;
   bl->data = NULL;
}

/* What a reachable Python record keeps alive: the blocks its objects
   dominate (pl_dominate.c), beyond its own.  An object dominated by
   another of the same record is inside that one's figure already, so
   the dominator tree is walked depth first, counting an object only
   when no object of its record is above it. */
static void add_kept ( const PL_ScanResult* s, PL_Record** rec_of )
{
   UInt n = s->n_blocks;
   UInt* off  = VG_(calloc)("pl.report.kidoff", n + 2, sizeof(UInt));
   UInt* kids = VG_(malloc)("pl.report.kids", (n + 1) * sizeof(UInt));
   UInt* tops = VG_(malloc)("pl.report.tops", (n + 1) * sizeof(UInt));
   UInt  n_tops = 0;
   for (UInt k = 0; k < s->n_order; k++) {
      Int i = s->order[k];
      if (s->dom[i] >= 0) off[s->dom[i] + 2]++;
      else tops[n_tops++] = (UInt)i;
   }
   for (UInt v = 0; v < n; v++)
      off[v + 2] += off[v + 1];
   for (UInt k = 0; k < s->n_order; k++) {
      Int i = s->order[k];
      if (s->dom[i] >= 0) kids[off[s->dom[i] + 1]++] = (UInt)i;
   }
   /* off[v] .. off[v+1]: v's children.  The walk: a stack of nodes,
      each pushed twice (entering: its own index; leaving: ~index). */
   UInt* stack = VG_(malloc)("pl.report.kstack", 2 * (n + 1) * sizeof(UInt));
   for (UInt t = 0; t < n_tops; t++) {
      UInt sp = 0;
      stack[sp++] = tops[t];
      while (sp > 0) {
         UInt x = stack[--sp];
         Bool leaving = (x & 0x80000000u) != 0;
         x &= 0x7fffffffu;
         PL_Record* r = rec_of[x];
         Bool counts = r != NULL && r->kind == PL_KReachablePy;
         if (leaving) {
            if (counts) r->dom_active--;
            continue;
         }
         if (counts) {
            if (r->dom_active == 0) {
               r->kept_bytes  += s->dom_bytes[x];
               r->kept_blocks += s->dom_blocks[x];
            }
            r->dom_active++;
         }
         stack[sp++] = x | 0x80000000u;
         for (UInt e = off[x]; e < off[x + 1]; e++)
            stack[sp++] = kids[e];
      }
   }
   VG_(free)(stack); VG_(free)(tops); VG_(free)(kids); VG_(free)(off);
   /* The figures included the record's own blocks. */
   PL_Record* r;
   for (UInt i = 0; i < n; i++) {
      r = rec_of[i];
      if (r != NULL && r->kind == PL_KReachablePy && r->dom_active == 0) {
         r->kept_bytes  -= r->bytes < r->kept_bytes ? r->bytes : r->kept_bytes;
         r->kept_blocks -= r->blocks < r->kept_blocks ? r->blocks : r->kept_blocks;
         r->dom_active = 1;        /* done */
      }
   }
   for (UInt i = 0; i < n; i++)
      if (rec_of[i] != NULL) rec_of[i]->dom_active = 0;
}

/* A checkpoint's scan and the record of each of its blocks, kept until
   its records are freed: a checkpoint shows few groups, and asks for
   their retention paths and object types afterwards. */
static PL_ScanResult kept_scan;
static Bool          have_kept_scan;
static PL_Record**   kept_rec_of;

static PL_RecSet* build_records ( const PL_ScanResult* s,
                                  /*OUT*/PL_Record*** arr, /*OUT*/UInt* n,
                                  PL_BlockList* bl )
{
   PL_RecSet* set = VG_(calloc)("pl.report.recset", 1, sizeof *set);
   pl_ptab_init(&set->tab, "pl.report.rectab", 1024);
   UInt cap = 1024, nr = 0;
   PL_Record** list = VG_(malloc)("pl.report.arr", cap * sizeof(PL_Record*));
   /* Cut: at the interpreter (see above), and at --leak-resolution's
      depth. */
   Bool cut = (pl_py.found && pl_py.eval_lo != 0)
              || pl_clo_leak_resolution > 0;
   /* Kept for the whole run: a cut's representative must stay the same
      from one check to the next, for checkpoints to compare records. */
   static VgHashTable* canon;
   static PL_PTab memo;
   if (cut && canon == NULL) {
      canon = VG_(HT_construct)("pl.report.canon");
      pl_ptab_init(&memo, "pl.report.memo", 1024);
   }
   /* Each block's record: for folding groups into their leaders'
      records, the block list, retained sizes and a checkpoint's types.
      A check that needs none (everything reachable: the usual case)
      goes without the array, 8 bytes a block. */
   UInt n_listed = bl ? count_listed(s, bl) : 0;
   Bool need_rec_of = s->leader != NULL || s->dom != NULL
                      || pl_checkpoint_running || n_listed > 0;
   PL_Record** rec_of = need_rec_of
                        ? VG_(malloc)("pl.report.recof",
                                      (s->n_blocks + 1) * sizeof(PL_Record*))
                        : NULL;
   for (UInt i = 0; i < s->n_blocks; i++) {
      const PL_Block* b = s->blocks[i];
      if (rec_of) rec_of[i] = NULL;
      if (PL_LEADER(s, i) >= 0 && PL_KIND_FOLDS(s->kind[i]))
         continue;                     /* joins its leader's record */
      ExeContext* where = pl_block_where(b);
      if (cut && (b->py_stack || pl_clo_leak_resolution))
         where = representative(canon, &memo, where, b->py_stack);
      UInt ret = s->kind[i] == PL_KReachablePy && s->retainer
                 ? s->retainer[i] : 0;
      PL_RecKey k = { s->kind[i], where, b->py_stack, ret };
      UWord h = reckey_hash(&k);
      PL_Record* r = pl_ptab_find(&set->tab, h, reckey_eq, &k);
      if (r == NULL) {
         r = pl_slab_alloc(&set->slab, sizeof(PL_Record));
         r->kind  = s->kind[i];
         r->where = where;
         r->py_stack = b->py_stack;
         r->retainer = ret;
         r->first = (Int)i;
         pl_ptab_add(&set->tab, h, r);
         if (nr == cap) {
            cap *= 2;
            list = VG_(realloc)("pl.report.arr", list,
                                cap * sizeof(PL_Record*));
         }
         list[nr++] = r;
      }
      r->bytes += b->szB;
      r->blocks++;
      if (s->py_type && s->py_type[i] && !pl_checkpoint_running)
         add_type(r, s->py_type[i]);
      if (s->kind[i] == PL_KDefinite)        /* so something is lost */
         r->indirect_bytes += s->indirect_szB[i];
      if (rec_of) rec_of[i] = r;
   }
   /* A leaked reference's record counts what it retains; a cycle's is
      the whole cycle, every object's type included. */
   for (UInt i = 0; i < s->n_blocks && s->leader; i++) {
      if (s->leader[i] < 0 || !PL_KIND_FOLDS(s->kind[i]))
         continue;
      PL_Record* r = rec_of[s->leader[i]];
      tl_assert(r != NULL);
      if (s->kind[i] == PL_KCycle) {
         r->bytes += s->blocks[i]->szB;
         r->blocks++;
         if (s->py_type && s->py_type[i] && !pl_checkpoint_running)
            add_type(r, s->py_type[i]);
      } else {
         r->indirect_bytes += s->blocks[i]->szB;
         r->indirect_blocks++;
      }
   }
   if (s->dom)
      add_kept(s, rec_of);
   *n = nr;
   *arr = list;
   PL_Record* r;
   /* A checkpoint that shows nothing keeps its records only to compare
      the next one's with, by key: their order is never seen. */
   if (!pl_checkpoint_running || pl_checkpoint_showing)
      VG_(ssort)(*arr, *n, sizeof(PL_Record*), cmp_records);
   for (UInt i = 0; i < *n; i++)
      (*arr)[i]->nr = i;
   if (bl)
      list_blocks(s, rec_of, bl, n_listed);
   if (pl_checkpoint_running)
      kept_rec_of = rec_of;             /* for pl_records_fill_types */
   else if (rec_of)
      VG_(free)(rec_of);
   /* The retention path of a reachable object's record: its first
      object's (the others' differ at most in the part below the
      retainer).  A checkpoint shows few records: it asks for theirs
      (pl_record_fill_path). */
   for (UInt i = 0; i < *n && !pl_checkpoint_running; i++) {
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

static Int cmp_rettotal ( const void* a, const void* b )
{
   const PL_RetTotal* x = a;
   const PL_RetTotal* y = b;
   if (x->interp != y->interp) return x->interp ? 1 : -1;
   if (x->kept_bytes != y->kept_bytes)
      return x->kept_bytes > y->kept_bytes ? -1 : 1;
   if (x->bytes != y->bytes) return x->bytes > y->bytes ? -1 : 1;
   return x->id < y->id ? -1 : x->id > y->id ? 1 : 0;
}

/* Totals per retainer, largest first, into *OUT; returns how many.
   *TOP gets the set of shown retainer ids as a bitmap over ids. */
UInt pl_retainer_totals ( PL_Record** recs, UInt n,
                              /*OUT*/PL_RetTotal** out, /*OUT*/UChar** top )
{
   UInt max_id = 0;
   for (UInt i = 0; i < n; i++)
      if (recs[i]->retainer > max_id) max_id = recs[i]->retainer;
   PL_RetTotal* t = VG_(calloc)("pl.report.rett", max_id + 1, sizeof *t);
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
      if (t[id].records) {
         t[id].interp = pl_retain_retained(id, &t[id].kept_bytes,
                                           &t[id].kept_blocks);
         t[m++] = t[id];
      }
   VG_(ssort)(t, m, sizeof *t, cmp_rettotal);
   *top = VG_(calloc)("pl.report.rettop", max_id + 1, 1);
   for (UInt j = 0; j < m; j++)
      if (pl_clo_top_retainers == 0 || j < pl_clo_top_retainers)
         (*top)[t[j].id] = 1;
   *out = t;
   return m;
}

/* The heuristics' figures of the last scan (pl_records_now). */
static ULong last_heur_bytes[PL_NHeur], last_heur_blocks[PL_NHeur];

void pl_records_last_heuristics ( /*OUT*/ULong* bytes, /*OUT*/ULong* blocks )
{
   VG_(memcpy)(bytes, last_heur_bytes, sizeof last_heur_bytes);
   VG_(memcpy)(blocks, last_heur_blocks, sizeof last_heur_blocks);
}

PL_RecSet* pl_records_now ( ThreadId requester, UInt heuristics,
                            /*OUT*/PL_Record*** recs, /*OUT*/UInt* n,
                            /*OUT*/PL_BlockList* blocks )
{
   PL_ScanResult scan;
   pl_check_seq++;
   VG_(memset)(&pl_check_ms, 0, sizeof pl_check_ms);
   UInt t0 = VG_(read_millisecond_timer)();
   pl_intercept_drain();
   pl_supp_add_memcheck_entries();     /* files added while running */
   pl_scan(&scan, requester, heuristics);
   UInt t1 = VG_(read_millisecond_timer)();
   pl_check_ms.scan = t1 - t0 - pl_check_ms.retain;
   VG_(memcpy)(last_heur_bytes, scan.heur_bytes, sizeof last_heur_bytes);
   VG_(memcpy)(last_heur_blocks, scan.heur_blocks, sizeof last_heur_blocks);
   PL_RecSet* set = build_records(&scan, recs, n, blocks);
   pl_check_ms.blocks  = scan.n_blocks;
   if (pl_checkpoint_running) {
      kept_scan = scan;                 /* for pl_record_fill_path */
      have_kept_scan = True;
   } else {
      pl_scan_free(&scan);
   }
   pl_check_ms.records = VG_(read_millisecond_timer)() - t1;
   return set;
}

void pl_records_fill_types ( void )
{
   if (!have_kept_scan || kept_rec_of == NULL || kept_scan.py_type == NULL)
      return;
   const PL_ScanResult* s = &kept_scan;
   for (UInt i = 0; i < s->n_blocks; i++) {
      if (s->py_type[i] == 0)
         continue;
      /* A folded block (a cycle's member) counts in its leader's. */
      PL_Record* r = kept_rec_of[i];
      if (r == NULL && PL_LEADER(s, i) >= 0 && s->kind[i] == PL_KCycle)
         r = kept_rec_of[s->leader[i]];
      if (r != NULL && r->want_types)
         add_type(r, s->py_type[i]);
   }
}

void pl_record_fill_path ( PL_Record* r )
{
   if (r->retainer == 0 || r->path != NULL || !have_kept_scan)
      return;
   r->path = VG_(newXA)(VG_(malloc), "pl.report.path", VG_(free),
                        sizeof(HChar*));
   pl_retain_path(&kept_scan, r->first, r->path);
}

PL_CheckTimes pl_check_ms;

void pl_check_times_print ( const HChar* what, UInt t_start )
{
   if (VG_(clo_verbosity) < 2)
      return;
   UInt total = VG_(read_millisecond_timer)() - t_start;
   VG_(umsg)("pyleak: %s %u: %'u blocks, %u ms: scan %u, retainers %u,"
             " records %u, report %u\n", what, pl_check_seq,
             pl_check_ms.blocks, total, pl_check_ms.scan, pl_check_ms.retain,
             pl_check_ms.records,
             total - pl_check_ms.scan - pl_check_ms.retain
                   - pl_check_ms.records);
}

void pl_records_free ( PL_RecSet* set, PL_Record** recs, UInt n )
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
   if (have_kept_scan) {
      pl_scan_free(&kept_scan);
      have_kept_scan = False;
   }
   if (kept_rec_of) {
      VG_(free)(kept_rec_of);
      kept_rec_of = NULL;
   }
   VG_(free)(recs);
   pl_ptab_free(&set->tab);
   pl_slab_free_all(&set->slab);
   VG_(free)(set);
}

/*------------------------------------------------------------*/
/*--- Match keys (what --baseline compares)                ---*/
/*------------------------------------------------------------*/

/* A record's match key: no line numbers, no paths, no addresses (see
   pl_baseline.c): its Python frames as "module:function", then the
   native function names from the allocation up to where the Python
   stack takes over (pl_native_cut), or all of them. */
typedef struct { XArray* words; UInt m; } NameAcc;

static void add_native_name ( UInt i, DiEpoch ep, Addr ip, void* opaque )
{
   NameAcc* acc = opaque;
   if (i >= acc->m) return;
   const HChar* fn;
   const HChar* obj;
   HChar* w;
   if (VG_(get_fnname)(ep, ip, &fn)) {
      w = VG_(strdup)("pl.records.word", fn);
   } else if (VG_(get_objname)(ep, ip, &obj)) {
      const HChar* base = VG_(strrchr)(obj, '/');
      base = base ? base + 1 : obj;
      w = VG_(malloc)("pl.records.word", VG_(strlen)(base) + 2);
      VG_(sprintf)(w, "?%s", base);
   } else {
      w = VG_(strdup)("pl.records.word", "?");
   }
   VG_(addToXA)(acc->words, &w);
}

PL_Match pl_record_match ( const PL_Record* r )
{
   PL_Match k;
   k.words = VG_(newXA)(VG_(malloc), "pl.records.key", VG_(free),
                        sizeof(HChar*));
   const PL_PyStack* ps = pl_pystack_get(r->py_stack);
   for (UInt i = 0; ps && i < ps->n; i++) {
      const HChar* mod = pl_module_of(ps->frames[i].file);
      const HChar* fn  = ps->frames[i].func;
      HChar* w = VG_(malloc)("pl.records.word",
                             VG_(strlen)(mod) + VG_(strlen)(fn) + 2);
      VG_(sprintf)(w, "%s:%s", mod, fn);
      VG_(addToXA)(k.words, &w);
   }
   k.n_py = VG_(sizeXA)(k.words);
   NameAcc acc = { k.words, ps ? pl_native_cut(r->where) : ~0U };
   VG_(apply_ExeContext)(add_native_name, &acc, r->where);
   return k;
}

void pl_match_free ( PL_Match* k )
{
   for (Word i = 0; i < VG_(sizeXA)(k->words); i++)
      VG_(free)(*(HChar**)VG_(indexXA)(k->words, i));
   VG_(deleteXA)(k->words);
}

HChar* pl_match_word ( const PL_Match* k, UInt i )
{
   return *(HChar**)VG_(indexXA)(k->words, i);
}


/*------------------------------------------------------------*/
/*--- One stack: native and Python frames in order         ---*/
/*------------------------------------------------------------*/

UInt pl_ec_ips ( ExeContext* ec, Addr* ips )
{
   static IPs x;
   get_ips(ec, &x);
   VG_(memcpy)(ips, x.ips, x.n * sizeof(Addr));
   return x.n;
}

static void put_c ( HChar* buf, SizeT sz, SizeT* k, HChar c )
{
   if (*k + 1 < sz)
      buf[(*k)++] = c;
}

/* A Python run from frame P: one 'p' per frame up to the frame that
   began its call of the evaluation loop.  Returns the next run's. */
static UInt put_run ( const PL_PyStack* s, UInt p, HChar* buf, SizeT sz,
                      SizeT* k )
{
   while (p < s->n) {
      put_c(buf, sz, k, 'p');
      if (s->frames[p++].entry)
         break;
   }
   return p;
}

/* The two stacks of a block as one, innermost first, in the order the
   program ran, as a string into BUF: 'n' the next native frame, 'p'
   the next Python frame, '-' a native frame left out.  The native
   frames down to the evaluation loop that ran the innermost Python
   frames, those frames, then the native frames that called that loop
   (the extension function that called back) and the Python frames of
   the loop they ran in, and so on.  Native frames between two runs of
   Python frames that are all the interpreter's own (a class's
   __init__, an import, a comparison slot: the interpreter calling
   itself) are left out, as the native stack below the outermost run
   is, and, as the core does, frames below main.  Python frames the
   native stack does not reach (it ends at --num-callers frames) come
   after it.  Text and JSON read this; it is the one place that
   decides the order. */
void pl_stack_order ( ExeContext* where, UInt py_stack, HChar* buf,
                      SizeT sz )
{
   const PL_PyStack* s = pl_pystack_get(py_stack);
   DiEpoch   ep = VG_(current_DiEpoch)();
   static IPs l;
   SizeT     k = 0;
   get_ips(where, &l);
   UInt shown = l.n;
   if (!VG_(clo_show_below_main))
      for (UInt i = l.n; i-- > 0; ) {
         Vg_FnNameKind kind = VG_(get_fnname_kind_from_IP)(ep, l.ips[i]);
         if (kind == Vg_FnNameMain || kind == Vg_FnNameBelowMain)
            shown = i + 1;
         if (kind == Vg_FnNameMain)
            break;
      }
   UInt p = 0;
   UInt i = 0;
   while (i < shown && !(s && p >= s->n)) {
      put_c(buf, sz, &k, 'n');
      if (s && pl_py_in_eval_named(l.ips[i])) {
         p = put_run(s, p, buf, sz, &k);
         /* The native frames up to the loop that runs the next run are
            left out if all are the interpreter's (also where the stack
            ends first): that run follows at once. */
         while (p < s->n) {
            UInt j = i + 1;
            Bool foreign = False;
            while (j < shown && !pl_py_in_eval_named(l.ips[j])) {
               foreign |= !in_interp(l.ips[j]);
               j++;
            }
            if (foreign)
               break;
            for (UInt m = i + 1; m <= j && m < shown; m++)
               put_c(buf, sz, &k, '-');
            if (j >= shown) {          /* the rest follows the stack */
               i = shown - 1;
               break;
            }
            i = j;
            p = put_run(s, p, buf, sz, &k);
         }
      }
      i++;
   }
   /* Past the outermost run, the interpreter's own frames. */
   for (; i < l.n; i++)
      put_c(buf, sz, &k, '-');
   while (s && p < s->n)
      p = put_run(s, p, buf, sz, &k);
   if (sz > 0)
      buf[k] = '\0';
}
