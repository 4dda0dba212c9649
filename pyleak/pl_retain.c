/* pyleak: retainers, what keeps reachable Python objects alive.
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   The scan (pl_scan.c) reaches blocks breadth first from each root and
   remembers, per reachable block, the block or root word that first
   reached it.  Those links form a tree whose paths are shortest from
   their root.  A reachable object's retainer is the nearest named
   thing on its path:

   - a module global: the path goes through the keys table of a
     module's dict (md_dict): "module NAME global 'KEY'";
   - a class attribute: the same through a heap type's tp_dict:
     "class NAME attribute 'KEY'";
   - otherwise the root the path starts at: a C static variable (the
     data symbol holding the root word, from the object's symbol
     table; _PyRuntime by its section), other data of an object file,
     a thread's stack or registers, an anonymous mapping (3.11+ frames
     keep their locals in one).

   Everything below a retainer on the tree shares it, so one unbounded
   cache is one retainer however many objects it holds.  A retainer is
   identified by what it is (module dict and key object, symbol start,
   thread, mapping), not by its text, so two globals of the same name
   in two modules stay apart.  Names are read once per retainer, when
   it is first seen, while the client is stopped. */

#include "pub_tool_basics.h"
#include "pub_tool_aspacemgr.h"
#include "pub_tool_debuginfo.h"
#include "pub_tool_hashtable.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcfile.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_machine.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_threadstate.h"
#include "pub_tool_xarray.h"
#include "pl_include.h"
#include "pl_python.h"

typedef enum { R_Global = 1, R_ClassAttr, R_CStatic, R_Data, R_Stack,
               R_Registers, R_Anon, R_Local } RKind;

typedef struct _Ret {
   struct _Ret* next;
   UWord        key;            /* hash of (kind, a, b) */
   UWord        kind, a, b;
   UInt         id;
   HChar*       name;
   ULong        kept_bytes;     /* what it dominates (pl_dominate.c) */
   ULong        kept_blocks;
   Bool         interp;         /* the interpreter's own static data */
} Ret;

static VgHashTable* rets;       /* Ret, by (kind, a, b) */
static XArray*      ret_list;   /* Ret*, by id - 1 */

/* A module-global or class-attribute slot: keys table + value -> key,
   and whose dict it is (the module or type object, R_Global or
   R_ClassAttr). */
typedef struct _Slot {
   struct _Slot* next;
   UWord         key;           /* hash of (keys table, value) */
   Addr          keys, value, name, owner;
   UWord         kind;
} Slot;

/* The first slot found for a value, whatever the dict. */
typedef struct _ByVal {
   struct _ByVal* next;
   UWord          key;          /* the value */
   Slot*          slot;
} ByVal;

static VgHashTable* slots;
static VgHashTable* byval;

/* The thread stacks, to tell a stack root from other anonymous memory. */
#define MAX_STACKS 512
static Addr     stk_lo[MAX_STACKS], stk_hi[MAX_STACKS];
static ThreadId stk_tid[MAX_STACKS];
static Int      n_stk;

/*------------------------------------------------------------*/
/*--- Retainer table                                       ---*/
/*------------------------------------------------------------*/

static Word cmp_ret ( const void* k, const void* e )
{
   const Ret* x = k;
   const Ret* y = e;
   return x->kind == y->kind && x->a == y->a && x->b == y->b ? 0 : 1;
}

/* The retainer (KIND, A, B), made with the name NAME() gives when it
   is new, or the name TEXT. */
static UInt intern_text ( RKind kind, UWord a, UWord b,
                          void (*name)(HChar*, SizeT, UWord, UWord),
                          const HChar* text )
{
   UWord w[3] = { kind, a, b };
   Ret probe = { NULL, pl_hash_words(w, 3), kind, a, b, 0, NULL, 0, 0,
                 False };
   Ret* r = VG_(HT_gen_lookup)(rets, &probe, cmp_ret);
   if (r) return r->id;
   HChar buf[256];
   if (name) name(buf, sizeof buf, a, b);
   else      VG_(strlcpy)(buf, text, sizeof buf);
   r = VG_(malloc)("pl.retain.ret", sizeof *r);
   *r = probe;
   r->id = VG_(sizeXA)(ret_list) + 1;
   r->name = VG_(strdup)("pl.retain.name", buf);
   VG_(HT_add_node)(rets, r);
   VG_(addToXA)(ret_list, &r);
   return r->id;
}

static UInt intern ( RKind kind, UWord a, UWord b,
                     void (*name)(HChar*, SizeT, UWord, UWord) )
{
   return intern_text(kind, a, b, name, NULL);
}

const HChar* pl_retain_name ( UInt id )
{
   if (ret_list == NULL || id == 0 || id > VG_(sizeXA)(ret_list))
      return "?";
   return (*(Ret**)VG_(indexXA)(ret_list, id - 1))->name;
}

Bool pl_retain_retained ( UInt id, /*OUT*/ULong* bytes, /*OUT*/ULong* blocks )
{
   *bytes = *blocks = 0;
   if (ret_list == NULL || id == 0 || id > VG_(sizeXA)(ret_list))
      return False;
   const Ret* r = *(Ret**)VG_(indexXA)(ret_list, id - 1);
   *bytes  = r->kept_bytes;
   *blocks = r->kept_blocks;
   return r->interp;
}

static Ret* ret_of ( UInt id )
{
   return *(Ret**)VG_(indexXA)(ret_list, id - 1);
}

/*------------------------------------------------------------*/
/*--- Names                                                ---*/
/*------------------------------------------------------------*/

/* A Python str into BUF as a name, or "?". */
static void str_name ( Addr o, HChar* buf, SizeT sz )
{
   if (!pl_py_str(o, buf, sz)) VG_(strlcpy)(buf, "?", sz);
   pl_printable(buf);
}

/* A: the module object, B: the key. */
static void name_global ( HChar* buf, SizeT sz, UWord a, UWord b )
{
   HChar mod[96] = "?", key[96];
   ULong mn;
   if (pl_rd64(a + pl_py.lay->md_name, &mn)) str_name(mn, mod, sizeof mod);
   str_name(b, key, sizeof key);
   VG_(snprintf)(buf, sz, "module %s global '%s'", mod, key);
}

/* A: the type object, B: the key. */
static void name_attr ( HChar* buf, SizeT sz, UWord a, UWord b )
{
   HChar cls[96], key[96];
   pl_pyobj_type_name(a, cls, sizeof cls);
   str_name(b, key, sizeof key);
   VG_(snprintf)(buf, sz, "class %s attribute '%s'", cls, key);
}

static const HChar* object_of ( Addr a )
{
   NSegment const* seg = VG_(am_find_nsegment)(a);
   const HChar* f = seg ? VG_(am_get_filename)(seg) : NULL;
   return f ? VG_(basename)(f) : "?";
}

/* A: the symbol's start address. */
static void name_static ( HChar* buf, SizeT sz, UWord a, UWord b )
{
   const HChar* sym = NULL;
   PtrdiffT off;
   if (pl_py.found && a == pl_py.runtime)
      sym = "_PyRuntime";
   else if (!VG_(get_datasym_and_offset)(VG_(current_DiEpoch)(), a, &sym,
                                         &off))
      sym = "?";
   VG_(snprintf)(buf, sz, "C static '%s' in %s", sym, object_of(a));
}

/* A: the mapping's start. */
static void name_data ( HChar* buf, SizeT sz, UWord a, UWord b )
{
   VG_(snprintf)(buf, sz, "static data of %s", object_of(a));
}

static void name_stack ( HChar* buf, SizeT sz, UWord a, UWord b )
{
   VG_(snprintf)(buf, sz, "stack of thread %lu", a);
}

static void name_regs ( HChar* buf, SizeT sz, UWord a, UWord b )
{
   VG_(snprintf)(buf, sz, "registers of thread %lu", a);
}

static void name_anon ( HChar* buf, SizeT sz, UWord a, UWord b )
{
   VG_(snprintf)(buf, sz, "anonymous memory (a C arena, a Python frame's"
                 " value stack)");
}

/*------------------------------------------------------------*/
/*--- Roots                                                ---*/
/*------------------------------------------------------------*/

/* Is the root word at A in the interpreter's own static data
   (_PyRuntime, or the data of the object file that holds it)?  The
   interpreter's state keeps caches of borrowed pointers there (the type
   attribute cache: a class attribute's value, a method looked up
   once), which must not make an object look shared. */
static Bool interp_static ( Addr a )
{
   if (!pl_py.found || a == 0)
      return False;
   if (a >= pl_py.runtime && a < pl_py.runtime + pl_py.runtime_size)
      return True;
   NSegment const* seg = VG_(am_find_nsegment)(a);
   NSegment const* rt  = VG_(am_find_nsegment)(pl_py.runtime);
   if (seg == NULL || rt == NULL || seg->kind != SkFileC
       || rt->kind != SkFileC)
      return False;
   const HChar* f1 = VG_(am_get_filename)(seg);
   const HChar* f2 = VG_(am_get_filename)(rt);
   return f1 != NULL && f2 != NULL && VG_(strcmp)(f1, f2) == 0;
}

static UInt root_retainer ( const PL_Root* r )
{
   if (r->at == 0)
      return intern(R_Registers, r->tid, 0, name_regs);
   for (Int i = 0; i < n_stk; i++)
      if (r->at >= stk_lo[i] && r->at < stk_hi[i])
         return intern(R_Stack, stk_tid[i], 0, name_stack);
   NSegment const* seg = VG_(am_find_nsegment)(r->at);
   if (seg == NULL || seg->kind != SkFileC) {
      HChar buf[256];
      Addr frame;
      if (pl_pystack_local_at(r->at, &frame, buf, sizeof buf))
         return intern_text(R_Local, frame, r->at, NULL, buf);
      return intern(R_Anon, 0, 0, name_anon);
   }
   UInt id;
   const HChar* sym;
   PtrdiffT off;
   if (pl_py.found && r->at >= pl_py.runtime
       && r->at < pl_py.runtime + pl_py.runtime_size)
      id = intern(R_CStatic, pl_py.runtime, 0, name_static);
   else if (VG_(get_datasym_and_offset)(VG_(current_DiEpoch)(), r->at, &sym,
                                        &off))
      id = intern(R_CStatic, r->at - off, 0, name_static);
   else
      id = intern(R_Data, seg->start, 0, name_data);
   ret_of(id)->interp = interp_static(r->at);
   return id;
}

static void collect_stacks ( void )
{
   ThreadId tid;
   Addr sp, smax;
   n_stk = 0;
   VG_(thread_stack_reset_iter)(&tid);
   while (VG_(thread_stack_next)(&tid, &sp, &smax) && n_stk < MAX_STACKS) {
      NSegment const* seg = VG_(am_find_nsegment)(sp);
      stk_lo[n_stk]  = seg ? seg->start : sp;
      stk_hi[n_stk]  = smax + 1;
      stk_tid[n_stk] = tid;
      n_stk++;
   }
}

/*------------------------------------------------------------*/
/*--- Module and class dicts                               ---*/
/*------------------------------------------------------------*/

static Word cmp_slot ( const void* k, const void* e )
{
   const Slot* x = k;
   const Slot* y = e;
   return x->keys == y->keys && x->value == y->value ? 0 : 1;
}

static UWord slot_hash ( Addr keys, Addr value )
{
   UWord w[2] = { keys, value };
   return pl_hash_words(w, 2);
}

/* Record every (key, value) entry of the combined dict at DICT, the
   dict of OWNER (KIND says which kind of owner), whose keys table is a
   heap block of S not seen before (*SEEN per block). */
static void add_dict_slots ( const PL_ScanResult* s, Addr dict,
                             Addr owner, RKind kind, UChar* seen )
{
   const PL_PyLayout* L = pl_py.lay;
   ULong keys, n;
   Int db = pl_scan_find(s, dict);
   if (db < 0 || s->py_type[db] != pl_py.dict_type) return;
   if (!pl_rd64(dict + L->ma_keys, &keys)) return;
   Int kb = pl_scan_find(s, keys);
   if (kb < 0 || s->blocks[kb]->data != keys || seen[kb]) return;
   seen[kb] = 1;
   Addr  entries;
   UInt  esz = 24, koff = 8, voff = 16;       /* {hash, key, value} */
   if (L->dk_size >= 0) {
      ULong size;
      if (!pl_rd64(keys + L->dk_size, &size) || size > (1ULL << 40))
         return;
      UInt ix = size <= 0xff ? 1 : size <= 0xffff ? 2
                : size <= 0xffffffffULL ? 4 : 8;
      entries = keys + L->dk_indices + size * ix;
   } else {
      UChar log2ix, kind;
      if (!pl_rd8(keys + L->dk_log2_index_bytes, &log2ix)
          || !pl_rd8(keys + L->dk_kind, &kind) || log2ix > 40)
         return;
      entries = keys + L->dk_indices + (1ULL << log2ix);
      if (kind != 0) { esz = 16; koff = 0; voff = 8; }  /* {key, value} */
   }
   if (!pl_rd64(keys + L->dk_nentries, &n)) return;
   Addr end = keys + s->blocks[kb]->szB;
   if (entries > end) return;
   if (n > (end - entries) / esz) n = (end - entries) / esz;
   for (ULong e = 0; e < n; e++) {
      Addr at = entries + e * esz;
      Addr k = *(const Addr*)(at + koff), v = *(const Addr*)(at + voff);
      if (k == 0 || v == 0) continue;
      Slot probe = { NULL, slot_hash(keys, v), keys, v, k, owner, kind };
      if (VG_(HT_gen_lookup)(slots, &probe, cmp_slot)) continue;
      Slot* sl = VG_(malloc)("pl.retain.slot", sizeof *sl);
      *sl = probe;
      VG_(HT_add_node)(slots, sl);
      if (VG_(HT_lookup)(byval, v) == NULL) {
         ByVal* bv = VG_(malloc)("pl.retain.byval", sizeof *bv);
         bv->key = v; bv->slot = sl;
         VG_(HT_add_node)(byval, bv);
      }
   }
}

/* Is the type TP a subclass of type (a metatype's instance)? */
static Bool is_type_object ( Addr tp )
{
   ULong flags;
   return pl_rd64(tp + pl_py.lay->tp_flags, &flags)
          && (flags & PL_TPF_TYPE_SUBCLASS);
}

/*------------------------------------------------------------*/
/*--- Retained sizes                                       ---*/
/*------------------------------------------------------------*/

/* The graph handed to pl_dominators: node 0 stands for all roots;
   below it one node per root retainer (a C static, a thread's stack,
   ...: node = retainer id), which points to the blocks its root words
   point to; then the reachable blocks (node = BASE + block index) with
   the references the scan followed between them.  A block two root
   retainers point to is dominated by neither: it is shared.

   A module global or class attribute retains what its value's object
   dominates when the keys table holding the value immediately
   dominates it (no other path leads to the object).  A root retainer
   retains what its node dominates. */
static inline Addr obj_addr ( const PL_ScanResult* s, Int i );

static const PL_ScanResult* cur_scan;
static UChar*               cur_interp_blk;

static void note_interp_block ( Addr interp, void* unused )
{
   Int i = pl_scan_find(cur_scan, interp);
   if (i >= 0) cur_interp_blk[i] = 1;
}

static void compute_dominators ( PL_ScanResult* s )
{
   UInt n_roots = VG_(sizeXA)(s->root_edges);
   UInt n_ret0  = VG_(sizeXA)(ret_list);
   /* A block the heap refers to is not held by the interpreter's
      static data too: that is a borrowed pointer of one of its caches
      (the edge is left out; the block stays reachable through the
      heap). */
   /* 3.10 keeps its interpreter state (and its type cache) in a heap
      block: that block's edges count as the interpreter's static data. */
   UChar* interp_blk = VG_(calloc)("pl.retain.interpblk", s->n_blocks + 1, 1);
   cur_scan = s;
   cur_interp_blk = interp_blk;
   (void)pl_py_walk_threads(note_interp_block, NULL, NULL);
   UChar* from_heap = VG_(calloc)("pl.retain.fromheap", s->n_blocks + 1, 1);
   for (UInt e = 0; e < s->n_edges; e++)
      if (s->edge_from[e] != s->edge_to[e] && !interp_blk[s->edge_from[e]])
         from_heap[s->edge_to[e]] = 1;
   /* Root edges name their retainers first: that may add ids.  0: the
      edge is left out. */
   UInt* rid = VG_(malloc)("pl.retain.rid", (n_roots + 1) * sizeof(UInt));
   Addr  last_at = 0;
   Bool  last_interp = False;
   for (UInt e = 0; e < n_roots; e++) {
      const PL_RootEdge* re = VG_(indexXA)(s->root_edges, e);
      if (from_heap[re->to]) {
         /* Consecutive root words are mostly in one mapping. */
         if (re->root.at == 0 || VG_PGROUNDDN(re->root.at) != last_at) {
            last_at = VG_PGROUNDDN(re->root.at);
            last_interp = interp_static(re->root.at);
         }
         if (re->root.at != 0 && last_interp) { rid[e] = 0; continue; }
      }
      rid[e] = root_retainer(&re->root);
   }
   UInt base = VG_(sizeXA)(ret_list) + 1;
   UInt n    = base + s->n_blocks;
   UInt m    = s->n_edges + 2 * n_roots;
   UInt* from = VG_(malloc)("pl.retain.efrom", (m + 1) * sizeof(UInt));
   UInt* to   = VG_(malloc)("pl.retain.eto", (m + 1) * sizeof(UInt));
   UChar* linked = VG_(calloc)("pl.retain.linked", base + 1, 1);
   UInt k = 0;
   for (UInt e = 0; e < n_roots; e++) {
      const PL_RootEdge* re = VG_(indexXA)(s->root_edges, e);
      if (rid[e] == 0) continue;
      if (!linked[rid[e]]) {
         linked[rid[e]] = 1;
         from[k] = 0; to[k] = rid[e]; k++;
      }
      from[k] = rid[e]; to[k] = base + re->to; k++;
   }
   for (UInt e = 0; e < s->n_edges; e++) {
      if (interp_blk[s->edge_from[e]] && from_heap[s->edge_to[e]])
         continue;
      from[k] = base + s->edge_from[e];
      to[k]   = base + s->edge_to[e];
      k++;
   }
   VG_(free)(from_heap);
   VG_(free)(interp_blk);
   VG_(free)(linked);
   VG_(free)(rid);
   UInt* idom = pl_dominators(n, k, from, to);
   VG_(free)(from);
   VG_(free)(to);

   /* Sizes up the tree: a block's dominator was reached before it (every
      path to it passes there, the scan's first one too), so the scan's
      order read backwards has every block before its dominator.  A
      retainer is credited with the Python objects it dominates and the
      C blocks behind them (a list's item array, a bytearray's buffer),
      not with the C blocks of the interpreter or a library that no
      object leads to: ob_bytes/ob_blocks count those behind objects. */
   s->dom        = VG_(malloc)("pl.retain.dom", (s->n_blocks + 1) * sizeof(Int));
   s->dom_bytes  = VG_(calloc)("pl.retain.dombytes", s->n_blocks + 1, sizeof(ULong));
   s->dom_blocks = VG_(calloc)("pl.retain.domblocks", s->n_blocks + 1, sizeof(UInt));
   ULong* ob_bytes  = VG_(calloc)("pl.retain.obbytes", s->n_blocks + 1, sizeof(ULong));
   UInt*  ob_blocks = VG_(calloc)("pl.retain.obblocks", s->n_blocks + 1, sizeof(UInt));
   for (UInt i = 0; i < s->n_blocks; i++) {
      UInt d = idom[base + i];
      s->dom[i] = d >= base && d < n ? (Int)(d - base) : -1;
   }
   for (Int k2 = (Int)s->n_order - 1; k2 >= 0; k2--) {
      Int i = s->order[k2];
      s->dom_bytes[i]  += s->blocks[i]->szB;
      s->dom_blocks[i] += 1;
      if (s->obj_off[i] != PL_NO_OBJ && s->py_type[i] != 0) {
         ob_bytes[i]  = s->dom_bytes[i];
         ob_blocks[i] = s->dom_blocks[i];
      }
      Int d = s->dom[i];
      if (d >= 0) {
         s->dom_bytes[d]  += s->dom_bytes[i];
         s->dom_blocks[d] += s->dom_blocks[i];
         ob_bytes[d]  += ob_bytes[i];
         ob_blocks[d] += ob_blocks[i];
      } else if (idom[base + i] >= 1 && idom[base + i] < base) {
         Ret* r = ret_of(idom[base + i]);
         r->kept_bytes  += ob_bytes[i];
         r->kept_blocks += ob_blocks[i];
      }
   }
   VG_(free)(ob_bytes);
   VG_(free)(ob_blocks);
   /* Globals and class attributes: the object in the slot, when only
      the slot's keys table leads to it. */
   for (UInt k2 = 0; k2 < s->n_order; k2++) {
      Int i = s->order[k2];
      Int d = s->dom[i];
      UInt id = s->retainer[i];
      if (d < 0 || id == 0 || id > n_ret0 || s->retainer[d] == id
          || s->obj_off[i] == PL_NO_OBJ)
         continue;
      Ret* r = ret_of(id);
      if (r->kind != R_Global && r->kind != R_ClassAttr)
         continue;
      Addr v = obj_addr(s, i);
      Slot probe = { NULL, slot_hash(s->blocks[d]->data, v),
                     s->blocks[d]->data, v, 0, 0, 0 };
      if (VG_(HT_gen_lookup)(slots, &probe, cmp_slot) == NULL)
         continue;
      r->kept_bytes  += s->dom_bytes[i];
      r->kept_blocks += s->dom_blocks[i];
   }
   VG_(free)(idom);
}

/*------------------------------------------------------------*/
/*--- Computing retainers                                  ---*/
/*------------------------------------------------------------*/

static inline Addr obj_addr ( const PL_ScanResult* s, Int i )
{
   return s->blocks[i]->data + s->obj_off[i];
}

Bool pl_retain_wanted ( void )
{
   /* A checkpoint names the retainer of growing reachable objects
      whatever --show-leak-kinds says (growth of every kind is shown),
      and only when it shows growth: one that only remembers (repeat()'s
      warm-up and intermediate ones) reports nothing. */
   if (pl_checkpoint_running)
      return pl_checkpoint_showing;
   return pl_kind_reported(PL_KReachablePy) || pl_clo_json_file != NULL;
}

/* What each retainer keeps alive (the dominator tree) is a leak
   check's figure; a checkpoint shows growth, not retained sizes. */
Bool pl_dominators_wanted ( void )
{
   return pl_retain_wanted() && !pl_checkpoint_running;
}

void pl_retain_compute ( PL_ScanResult* s )
{
   pl_retain_release();
   rets     = VG_(HT_construct)("pl.retain.rets");
   slots    = VG_(HT_construct)("pl.retain.slots");
   byval    = VG_(HT_construct)("pl.retain.byval");
   ret_list = VG_(newXA)(VG_(malloc), "pl.retain.list", VG_(free),
                         sizeof(Ret*));
   collect_stacks();

   /* The dicts of modules and classes: heap modules and types, and
      the static types of objects (3.10 and 3.11 keep their dicts in
      tp_dict too). */
   UChar* seen = VG_(calloc)("pl.retain.seen", s->n_blocks + 1, 1);
   Addr   last_tp = 0;
   for (UInt k = 0; k < s->n_order; k++) {
      Int i = s->order[k];
      Addr tp = s->py_type[i];
      if (tp == 0 || s->obj_off[i] == PL_NO_OBJ) continue;
      ULong d;
      Addr o = obj_addr(s, i);
      if (tp == pl_py.module_type && pl_py.module_type != 0) {
         if (pl_rd64(o + pl_py.lay->md_dict, &d))
            add_dict_slots(s, d, o, R_Global, seen);
      } else if (is_type_object(tp)) {
         if (pl_rd64(o + pl_py.lay->tp_dict, &d))
            add_dict_slots(s, d, o, R_ClassAttr, seen);
      }
      if (tp != last_tp && pl_rd64(tp + pl_py.lay->tp_dict, &d)) {
         add_dict_slots(s, d, tp, R_ClassAttr, seen);
         last_tp = tp;
      }
   }
   VG_(free)(seen);

   /* Parents come before children in s->order.  An object named by a
      slot takes that name: through the slot its parent is, or, for one
      reached first some other way (a class through its instances'
      ob_type, sys.modules through the interpreter state), through the
      first slot found holding it. */
   UInt* ret = VG_(calloc)("pl.retain.ret", s->n_blocks + 1, sizeof(UInt));
   for (UInt k = 0; k < s->n_order; k++) {
      Int i = s->order[k];
      Int p = s->parent[i];
      Slot* sl = NULL;
      if (s->obj_off[i] != PL_NO_OBJ) {
         Addr v = obj_addr(s, i);
         if (p >= 0) {
            Addr keys = s->blocks[p]->data;
            Slot probe = { NULL, slot_hash(keys, v), keys, v, 0, 0, 0 };
            sl = VG_(HT_gen_lookup)(slots, &probe, cmp_slot);
         }
         if (sl == NULL) {
            ByVal* bv = VG_(HT_lookup)(byval, v);
            if (bv) sl = bv->slot;
         }
      }
      if (sl)
         ret[i] = intern(sl->kind, sl->owner, sl->name,
                         sl->kind == R_Global ? name_global : name_attr);
      else if (p < -1)
         ret[i] = root_retainer(VG_(indexXA)(s->roots, PL_PARENT_ROOT(p)));
      else {
         tl_assert(p >= 0);
         ret[i] = ret[p];
      }
   }
   s->retainer = ret;
   if (s->root_edges != NULL)
      compute_dominators(s);
}

/*------------------------------------------------------------*/
/*--- Retention paths                                      ---*/
/*------------------------------------------------------------*/

/* At most this many elements after the retainer; longer paths keep
   their two ends around a "...". */
#define PATH_MAX_ELEMS 8

static Bool is_obj ( const PL_ScanResult* s, Int i )
{
   return s->obj_off[i] != PL_NO_OBJ && s->py_type[i] != 0;
}

void pl_retain_path ( const PL_ScanResult* s, UInt i, XArray* path )
{
   UInt r = s->retainer ? s->retainer[i] : 0;
   HChar* e = VG_(strdup)("pl.retain.path", pl_retain_name(r));
   VG_(addToXA)(path, &e);
   if (r == 0) return;

   /* Up the tree while the retainer stays the same; a block that is
      not an object but belongs to one (a list's item array, a dict's
      keys table) is part of its owner and not named. */
   Int chain[64];
   UInt n = 0;
   Bool elided = False;
   for (Int x = (Int)i; ; ) {
      Int p = s->parent[x];
      Bool internal = !is_obj(s, x) && p >= 0 && is_obj(s, p);
      if (!internal) {
         if (n < PATH_MAX_ELEMS) chain[n++] = x;
         else { chain[PATH_MAX_ELEMS - 1] = x; elided = True; }
      }
      if (p < 0 || s->retainer[p] != r) break;
      x = p;
   }
   /* chain[0] is I, chain[n-1] the block next to the retainer. */
   for (Int j = (Int)n - 1; j >= 0; j--) {
      HChar buf[128];
      if (is_obj(s, chain[j]))
         pl_pyobj_type_name(s->py_type[chain[j]], buf, sizeof buf);
      else
         VG_(snprintf)(buf, sizeof buf, "C block of %lu bytes",
                       s->blocks[chain[j]]->szB);
      e = VG_(strdup)("pl.retain.path", buf);
      VG_(addToXA)(path, &e);
      if (elided && j == (Int)n - 1) {
         e = VG_(strdup)("pl.retain.path", "...");
         VG_(addToXA)(path, &e);
      }
   }
}

void pl_retain_release ( void )
{
   if (rets == NULL) return;
   for (Word i = 0; i < VG_(sizeXA)(ret_list); i++)
      VG_(free)((*(Ret**)VG_(indexXA)(ret_list, i))->name);
   VG_(HT_destruct)(rets, VG_(free));
   VG_(HT_destruct)(slots, VG_(free));
   VG_(HT_destruct)(byval, VG_(free));
   VG_(deleteXA)(ret_list);
   rets = NULL; slots = NULL; byval = NULL; ret_list = NULL;
}
