/* pyleak: declarations shared by the stages of the tool.
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   The pipeline, one file per stage:
     pl_intercept.c  malloc family handlers the core's replacement calls
     pl_custom.c     blocks of other allocators (client requests: custom
                     blocks, memory pools)
     pl_shadow.c     the table of live blocks and the heap statistics
     pl_unwind.c     allocation stacks (cached unwinding)
     pl_scan.c       the reachability scan (roots, marking, cliques)
     pl_check.c      a leak check: scan, records, baseline, deltas, writers
     pl_records.c    loss records: the model every report is written from
     pl_text.c       the text report
     pl_xml.c        memcheck's XML (--xml=yes)
     pl_supp.c       suppressions with Python frames, default suppressions
     pl_growth.c     checkpoints: what grew since the previous one
     pl_json.c       the JSON document (--json-file)
     pl_elf.c        reading the ELF files of mapped objects
     pl_python.c ... the CPython model: see pl_python.h
     pl_main.c       options, client requests, start-up and exit        */

#ifndef __PL_INCLUDE_H
#define __PL_INCLUDE_H

#include "pub_tool_basics.h"
#include "pub_tool_errormgr.h"
#include "pub_tool_execontext.h"
#include "pub_tool_hashtable.h"
#include "pub_tool_oset.h"
#include "pub_tool_tooliface.h"
#include "pub_tool_xarray.h"

#define PL_VERSION "0.1.0"

/*------------------------------------------------------------*/
/*--- Shadow blocks                                        ---*/
/*------------------------------------------------------------*/

typedef enum {
   PL_AllocMalloc = 0,     /* malloc, calloc, realloc, memalign family */
   PL_AllocNew    = 1,     /* operator new */
   PL_AllocNewVec = 2,     /* operator new[] */
   /* Blocks inside another allocator's memory (pl_custom.c): */
   PL_AllocCustom = 3,     /* VALGRIND_MALLOCLIKE_BLOCK */
   PL_AllocPool   = 4,     /* VALGRIND_MEMPOOL_ALLOC */
   PL_AllocMeta   = 5      /* ... in a pool made with MEMPOOL_METAPOOL */
} PL_AllocKind;

#define PL_IS_CUSTOM(b)  ((b)->allockind >= PL_AllocCustom)

/* One live heap block.  Keep it small: a Python process has millions
   of these, for as long as it runs.  No table link (pl_bmap.c keeps
   pointers to blocks), no thread, and the allocation stack as the
   index of its ExeContext (pl_block_where): 24 bytes. */
typedef struct _PL_Block {
   Addr         data;          /* first byte of the payload; the key */
   SizeT        szB;           /* size the client asked for */
   UInt         where_ix  : 29;   /* allocation stack (pl_block_where) */
   UInt         allockind : 3;    /* PL_AllocKind */
   UInt         py_stack  : 30;   /* Python stack id (pl_pystack.c), 0: none */
   UInt         py_flags  : 2;    /* PL_PYF_* */
} PL_Block;

/* The allocation stacks blocks refer to, by their ECU / 4: the core
   numbers ExeContexts densely and never frees one. */
extern ExeContext** pl_sites;
static inline ExeContext* pl_block_where ( const PL_Block* b )
{
   return pl_sites[b->where_ix];
}
void pl_block_set_where ( PL_Block* b, ExeContext* ec );

/* Address -> block maps (pl_bmap.c). */
typedef struct {
   PL_Block** slot;
   UInt       cap;       /* a power of two, or 0 */
   UInt       shift;     /* 64 - log2(cap) */
   UInt       n;
} PL_BMap;
void       pl_bmap_init     ( PL_BMap* m );
void       pl_bmap_free     ( PL_BMap* m );
void       pl_bmap_add      ( PL_BMap* m, PL_Block* b );
PL_Block*  pl_bmap_find     ( const PL_BMap* m, Addr a );
PL_Block*  pl_bmap_remove   ( PL_BMap* m, Addr a );
PL_Block*  pl_bmap_next     ( const PL_BMap* m, UInt* i );
PL_Block** pl_bmap_to_array ( const PL_BMap* m, UInt* n );
PL_Block** pl_bmap_take     ( PL_BMap* m, UInt* n );
void       pl_bmap_give_back ( PL_BMap* m, PL_Block** arr, UInt n );

/* py_flags */
#define PL_PYF_CODE    0x01    /* holds a code object pl_pystack.c caches */
#define PL_PYF_PREFORK 0x02    /* in a fork child: made before the fork */

/* Heap statistics, as memcheck's HEAP SUMMARY shows them. */
typedef struct {
   ULong n_allocs;
   ULong n_frees;
   ULong bytes_allocated;
   ULong in_use_bytes;
   ULong in_use_blocks;
} PL_HeapStats;

extern PL_HeapStats pl_heap;

void      pl_shadow_init ( void );
PL_Block* pl_shadow_new  ( ThreadId tid, Addr data, SizeT szB,
                           PL_AllocKind kind );
/* The same record, in no table (pl_custom.c keeps its own). */
PL_Block* pl_shadow_make ( ThreadId tid, Addr data, SizeT szB,
                           PL_AllocKind kind );
PL_Block* pl_shadow_remove ( Addr data );
void      pl_shadow_release ( PL_Block* b );
PL_Block* pl_shadow_lookup ( Addr data );
/* In a fork child: flag every block as made before the fork. */
void      pl_shadow_mark_prefork ( void );
/* A Python object at OP is (re)initialised by thread TID. */
void      pl_shadow_renew ( ThreadId tid, Addr op );
/* A thread's pointer to its descriptor: pthread_self(), the FS base on
   amd64 (pl_pystack.c). */
Addr      pl_thread_pointer ( ThreadId tid );
/* The interpreter sets the reference count of the object at OP to 1
   (pl_newref.c): a reused free-list object gets this moment's stacks. */
void      pl_shadow_renew_reused ( ThreadId tid, Addr op );
/* The instrumentation that sees those stores (pl_newref.c). */
IRSB*     pl_newref_instrument ( IRSB* bb, const VexGuestLayout* layout );
/* All live blocks a leak check considers, sorted by address; *n gets
   the count.  The caller hands the array back with pl_shadow_sorted_done
   before the client runs again (it may be the shadow table's own). */
PL_Block** pl_shadow_sorted ( UInt* n );
void       pl_shadow_sorted_done ( PL_Block** arr, UInt n );
/* The allocation stack of thread TID now (pl_unwind.c).  N_EVAL: the
   allocation has a Python stack of that many runs of frames (groups),
   end at the N_EVAL-th eval-loop frame, the one that runs the outermost
   (0: no Python stack); DEPTH: that Python stack's hint byte
   (pl_pystack_capture), or NULL. */
ExeContext* pl_unwind ( ThreadId tid, UInt n_eval, UChar* depth );
/* After the options: keeps --num-callers and raises the core's limit
   for the stacks that go through a call back into Python. */
void pl_unwind_init ( void );
UInt pl_num_callers ( void );     /* --num-callers as given */

/*------------------------------------------------------------*/
/*--- Intercept                                            ---*/
/*------------------------------------------------------------*/

void pl_intercept_register ( void );

extern Bool pl_clo_batch_frees;         /* --batch-frees (debug) */
/* Free the blocks that threads' free() calls have queued (pl_freebuf.h):
   before anything reads the shadow table as a whole. */
void pl_intercept_drain ( void );
void pl_intercept_thread_exited ( ThreadId tid );
/* The preload's private free requests; False: not one of them. */
Bool pl_intercept_client_request ( ThreadId tid, UWord* arg, UWord* ret );
extern SizeT pl_clo_freelist_vol;       /* --freelist-vol */

/*------------------------------------------------------------*/
/*--- Other allocators' blocks (pl_custom.c)               ---*/
/*------------------------------------------------------------*/

void pl_custom_init ( void );
/* VALGRIND_MALLOCLIKE_BLOCK and the mempool requests; False: not one. */
Bool pl_custom_client_request ( ThreadId tid, UWord* arg, UWord* ret );
/* free() of an address that is no malloc block: a MALLOCLIKE block
   there is freed (as memcheck does).  True if there was one. */
Bool pl_custom_free ( Addr p );
/* Are there blocks of other allocators (for pl_custom_merge)? */
Bool pl_custom_any ( void );
/* MALLOC (sorted, *N blocks, may be NULL) merged with the custom
   blocks by memcheck's rules; MALLOC is freed or returned. */
PL_Block** pl_custom_merge ( PL_Block** malloc, UInt* n );
/* Pool chunks live (they are not in the heap statistics). */
ULong pl_custom_pool_chunks ( void );
/* malloc's free, for FREELIKE on a malloc'd block (pl_intercept.c). */
void pl_intercept_free ( ThreadId tid, Addr p );

/*------------------------------------------------------------*/
/*--- Leak kinds and options                               ---*/
/*------------------------------------------------------------*/

/* The leak kinds.  The order is the order of the LEAK SUMMARY; the
   JSON names are in pl_kind_name.  The Python kinds appear only when
   an interpreter was found (see pl_scan.c for what each means). */
typedef enum {
   PL_KDefinite = 0,
   PL_KIndirect,
   PL_KPossible,
   PL_KLeakedRef,          /* a Python object held by a leaked reference */
   PL_KCycle,              /* Python objects in an uncollected cycle */
   PL_KReachablePy,        /* a reachable Python object */
   PL_KReachableC,         /* a reachable non-object block */
   PL_NKinds
} PL_Kind;

/* Kinds whose records fold in the blocks of their group. */
#define PL_KIND_FOLDS(k)  ((k) == PL_KLeakedRef || (k) == PL_KCycle)

#define PL_KSET(k)   (1u << (k))
#define PL_KSET_ALL  ((1u << PL_NKinds) - 1)

extern const HChar* pl_kind_name[PL_NKinds];    /* JSON names */
extern const HChar* pl_kind_text[PL_NKinds];    /* text report words */

typedef enum { PL_LCNo, PL_LCSummary, PL_LCFull } PL_LeakCheckMode;

extern PL_LeakCheckMode pl_clo_leak_check;
extern UInt             pl_clo_show_kinds;     /* set of PL_Kind */
extern UInt             pl_clo_error_kinds;    /* set of PL_Kind */
extern const HChar*     pl_clo_json_file;      /* NULL: no JSON */
extern Bool             pl_clo_json_all;       /* --json-records=all */
extern UInt             pl_clo_top_retainers;  /* --top-retainers */

/* memcheck's command-line options (pl_mcopts.c). */
extern UInt pl_clo_leak_resolution;   /* frames compared; 0: all */
/* --leak-check-heuristics: interior pointers that count as pointers to
   the start, in memcheck's order (pl_scan.c). */
typedef enum { PL_HStdString = 0, PL_HLength64, PL_HNewArray,
               PL_HMultipleInheritance, PL_NHeur } PL_Heuristic;
#define PL_HSET_ALL  ((1u << PL_NHeur) - 1)
extern UInt pl_clo_heuristics;        /* set of PL_Heuristic */
extern const HChar* pl_heur_name[PL_NHeur];
/* "stdstring,newarray", "all", "none" into a set; False if bad. */
Bool pl_parse_heuristics ( const HChar* val, /*OUT*/UInt* set );
Bool pl_mc_process_option ( const HChar* arg );
void pl_mc_print_ignored ( void );

/* Does the run report kind K: show it or count it as an error?  Those
   records carry match keys in the JSON and take part in --baseline. */
static inline Bool pl_kind_reported ( Int k )
{
   return ((pl_clo_show_kinds | pl_clo_error_kinds) & PL_KSET(k)) != 0;
}

/*------------------------------------------------------------*/
/*--- Scan                                                 ---*/
/*------------------------------------------------------------*/

/* Result of one reachability scan: every live block with its kind. */
typedef struct {
   PL_Block** blocks;          /* sorted by address */
   UInt       n_blocks;
   UChar*     kind;            /* PL_Kind per block */
   SizeT*     indirect_szB;    /* per block: bytes it alone retains */
   Addr*      py_type;         /* per block: its Python object's type, or 0 */
   UChar*     obj_off;         /* per block: its object's offset, or
                                  PL_NO_OBJ */
   Int*       leader;          /* per block: the leader of the group of
                                  lost blocks it joined, or -1 */
   /* How each reachable block was first reached (for retainers): */
   Int*       parent;          /* per block: the reachable block whose
                                  scan reached it, PL_ROOT_PARENT(r) for
                                  the root roots[r], or -1 */
   Int*       order;           /* reachable blocks, parents first */
   UInt       n_order;
   XArray*    roots;           /* of PL_Root */
   UInt*      retainer;        /* per block: retainer id, 0: none */
   /* Reachable blocks first reached by an interior pointer that a
      heuristic accepted (and by no pointer to their start). */
   ULong      heur_bytes[PL_NHeur];
   ULong      heur_blocks[PL_NHeur];
   UChar*     heur;            /* per block: that heuristic + 1, or 0 */
   /* The references between reachable blocks, and from roots, when
      retainers are wanted (pl_retain_wanted): block edge_from[e] (a
      block index) points to block edge_to[e]; root_edges holds
      PL_RootEdge. */
   UInt*      edge_from;
   UInt*      edge_to;
   UInt       n_edges;
   XArray*    root_edges;
   /* The dominator tree (pl_retain_compute): per block, the block that
      immediately dominates it, or -1 (a root, or blocks reached from
      several roots); and what it dominates, itself included. */
   Int*       dom;
   ULong*     dom_bytes;
   UInt*      dom_blocks;
} PL_ScanResult;
/* Block I's group leader, or -1 (LEADER is NULL when nothing is lost). */
#define PL_LEADER(s, i) ((s)->leader ? (s)->leader[i] : -1)

/* A root word that reached a block: its address, or 0 and the thread
   for a register. */
typedef struct { Addr at; ThreadId tid; } PL_Root;
typedef struct { PL_Root root; UInt to; } PL_RootEdge;
#define PL_ROOT_PARENT(r)   (-2 - (Int)(r))
#define PL_PARENT_ROOT(p)   (-2 - (p))          /* its inverse */

#define PL_NO_OBJ 0xFF

/* REQUESTER: the thread whose client request asked for the check (its
   red zone is dead, see collect_dead_stacks), or VG_INVALID_THREADID. */
void pl_scan ( /*OUT*/PL_ScanResult* res, ThreadId requester,
               UInt heuristics );
/* Zero the dead part of TID's stack (below its stack pointer, down to
   the floor the scan would use): see pl_exitclear.c. */
void pl_scan_clear_dead_stack ( ThreadId tid );
IRSB* pl_exitclear_instrument ( IRSB* bb, const VexGuestLayout* layout,
                                const VexGuestExtents* vge );
/* memcheck's block_list monitor command: the blocks of the last
   check's loss records FROM..TO (numbers as printed), at most
   MAX_BLOCKS, only those a heuristic of HEURISTICS reached if not 0
   (pl_check.c). */
void pl_block_list ( UInt from, UInt to, UInt max_blocks, UInt heuristics );
/* memcheck's who_points_at monitor command: where the pointers into
   [A, A+LEN) are (pl_scan.c). */
void pl_who_points_at ( ThreadId tid, Addr a, SizeT len );
/* Index of the block of S containing A, or -1. */
Int  pl_scan_find ( const PL_ScanResult* s, Addr a );

/*------------------------------------------------------------*/
/*--- Retainers (pl_retain.c)                              ---*/
/*------------------------------------------------------------*/

/* Give each reachable block of S its retainer (S->retainer): the
   nearest named thing on the path that first reached it, a module
   global, a class attribute, a C static variable, a thread's stack or
   registers.  Valid until pl_retain_release. */
void pl_retain_compute ( PL_ScanResult* s );
/* Does anything use retainers: reachable-python records shown or
   counted as errors (they are keyed by retainer), or a JSON file?
   Otherwise the check skips naming them. */
Bool pl_retain_wanted ( void );
Bool pl_dominators_wanted ( void );
/* "module __main__ global '_cache'" */
const HChar* pl_retain_name ( UInt id );
/* The path from block I's retainer to it: element strings into PATH
   (an XArray of HChar*, which the caller frees with its strings). */
void pl_retain_path ( const PL_ScanResult* s, UInt i, XArray* path );
void pl_retain_release ( void );
/* What retainer ID keeps alive (its retained size): the Python objects
   it dominates and the C blocks behind them; 0 for a retainer that
   shares everything it holds.  True if it is the interpreter's own
   static data (_PyRuntime, a static type), which holds everything the
   interpreter keeps. */
Bool pl_retain_retained ( UInt id, /*OUT*/ULong* bytes, /*OUT*/ULong* blocks );
/* The immediate dominators of the graph of N nodes and N_EDGES edges
   FROM[e] -> TO[e], from node 0: per node, its immediate dominator, or
   N for node 0 and the nodes not reached (pl_dominate.c).  The caller
   frees it. */
UInt* pl_dominators ( UInt n, UInt n_edges, const UInt* from, const UInt* to );
extern SizeT pl_clo_debug_ptr_size;     /* --debug-pointers-to-size */
/* A thread is about to exit: its stack's dead part stays out of the
   roots until another thread runs on it. */
void pl_scan_thread_exited ( ThreadId tid );
void pl_scan_forget_stacks ( Addr a, SizeT len );

/* The thread that called exit/exit_group (pl_main.c), or
   VG_INVALID_THREADID while the process runs. */
extern ThreadId pl_exit_tid;
extern Bool     pl_exit_by_signal;     /* ... killed by a signal */
void pl_scan_free ( PL_ScanResult* res );

/*------------------------------------------------------------*/
/*--- Report                                               ---*/
/*------------------------------------------------------------*/

/* When a check runs.  PL_WhenTeardown is the check at exit after a
   check at finalisation (--check-at=finalize): it reports what
   interpreter teardown left, quietly, and raises no errors. */
typedef enum { PL_WhenExit, PL_WhenRequest, PL_WhenFinalize,
               PL_WhenTeardown } PL_When;

typedef enum { PL_AtFinalize, PL_AtExit, PL_AtBoth } PL_CheckAt;
extern PL_CheckAt pl_clo_check_at;        /* --check-at */
extern UInt       pl_finalize_checks;     /* checks made at finalisation */

/* A final check against --baseline: what the summary says. */
typedef struct {
   Bool  used;
   ULong bytes, blocks;                   /* records as before */
   UInt  n_new, n_grown, n_known, n_gone; /* records; gone: match keys */
} PL_BaseTotals;

/* Totals of the last check, for the COUNT_LEAKS client requests.  The
   kinds count neither suppressed records nor those as before the
   baseline. */
typedef struct {
   ULong bytes[PL_NKinds];
   ULong blocks[PL_NKinds];
   ULong suppressed_bytes, suppressed_blocks;
   ULong heur_bytes[PL_NHeur], heur_blocks[PL_NHeur];  /* of reachable */
   PL_BaseTotals base;
} PL_Totals;

extern PL_Totals pl_last_totals;

/* Which records a check prints, against the previous check: all
   (memcheck's "any"), those that grew (added/increased), grew or
   shrank (changed), or did not exist (new). */
typedef enum { PL_DeltaAny, PL_DeltaIncreased, PL_DeltaChanged,
               PL_DeltaNew } PL_DeltaMode;

/* How one check reports (memcheck's LeakCheckParams). */
typedef struct {
   PL_LeakCheckMode mode;
   UInt         show_kinds;     /* set of PL_Kind */
   UInt         error_kinds;    /* set of PL_Kind */
   UInt         heuristics;     /* set of PL_Heuristic */
   PL_DeltaMode delta;
   UInt         max_records;    /* print at most the N largest */
   Bool         monitor;        /* asked by a monitor command */
} PL_CheckParams;

/* The options' parameters for a check in MODE. */
void pl_check_params ( /*OUT*/PL_CheckParams* p, PL_LeakCheckMode mode );
/* Run a leak check (scan + report + JSON record).  LABEL may be NULL. */
void pl_leak_check ( ThreadId tid, PL_When when, const HChar* label,
                     PL_LeakCheckMode mode );
void pl_leak_check_with ( ThreadId tid, PL_When when, const HChar* label,
                          const PL_CheckParams* p );
void pl_print_heap_summary ( void );

/* Error-manager callbacks (pl_check.c). */
void pl_register_errors ( void );

/*------------------------------------------------------------*/
/*--- JSON                                                 ---*/
/*------------------------------------------------------------*/

/* A record against --baseline: not compared, new (its match key is
   not in the baseline), grown (its group's bytes beyond the
   tolerance), or as before (not an error, not shown). */
typedef enum { PL_BaseNone, PL_BaseNew, PL_BaseGrown, PL_BaseKnown }
   PL_BaseState;

typedef struct _PL_Record PL_Record;
struct _PL_Record {
   /* The key, first and in this order: PL_RecKey. */
   PL_Kind     kind;
   ExeContext* where;
   UInt        py_stack;      /* Python stack id, 0: none */
   UInt        retainer;      /* reachable-python: retainer id, or 0 */
   ULong       bytes;
   ULong       blocks;
   ULong       indirect_bytes;  /* definite: lost only through it;
                                   leaked-ref: retained by it */
   ULong       indirect_blocks; /* leaked-ref: blocks retained */
   ULong       kept_bytes;    /* reachable-python: what only its objects
                                 keep alive, beyond their own blocks */
   ULong       kept_blocks;
   UInt        dom_active;    /* scratch of build_records */
   Bool        suppressed;
   Bool        want_types;    /* a checkpoint asks for its py_types
                                 (pl_records_fill_types) */
   Int         first;         /* its first block (scan index) */
   UInt        nr;            /* its place among the check's records */
   XArray*     path;          /* reachable-python: of HChar*, the
                                 retention path, retainer first */
   XArray*     py_types;      /* of PL_TypeCount: the Python objects in
                                 the record's blocks, by type; or NULL */
   PL_BaseState base;         /* against --baseline (final checks) */
   ULong       base_bytes;    /* grown: its group's bytes in the baseline */
   ULong       group_bytes;   /* grown: its group's bytes now */
};

typedef struct { Addr type; ULong n; } PL_TypeCount;

/*------------------------------------------------------------*/
/*--- The record model (pl_records.c)                      ---*/
/*------------------------------------------------------------*/

/* The key of a record, the head of PL_Record field for field. */
typedef struct { PL_Kind kind; ExeContext* where; UInt py_stack;
                 UInt retainer; } PL_RecKey;
Word pl_reckey_cmp ( const void* key, const void* elem );

/* A record's change since the previous check, in a delta mode. */
typedef struct {
   PL_DeltaMode mode;
   ULong old_bytes, old_indirect, old_blocks;
} PL_Delta;
/* " (+N)" / " (-N)" into BUF, or nothing in "any" mode. */
const HChar* pl_delta_text ( HChar* buf, SizeT sz, ULong now, ULong old,
                             PL_DeltaMode mode );
/* memcheck's words for record R, number NR of TOTAL, into BUF. */
void pl_record_headline ( HChar* buf, SizeT sz, const PL_Record* r,
                          UInt nr, UInt total, const PL_Delta* d );

/* The Python objects of a record by type name, merged by name, most
   frequent first; *N of them (the caller frees the array), or NULL. */
typedef struct { HChar name[96]; ULong n; } PL_NamedCount;
PL_NamedCount* pl_record_types ( const PL_Record* r, /*OUT*/UInt* n );

/* Totals per retainer of reachable Python objects, by what each keeps
   alive (its retained size, pl_retain_retained), largest first; the
   interpreter's own state after the program's retainers. */
typedef struct { UInt id; ULong bytes, blocks; UInt records;
                 ULong kept_bytes, kept_blocks; Bool interp; } PL_RetTotal;
/* Into *OUT, returning how many; *TOP gets the shown retainer ids
   (--top-retainers) as a bitmap over ids.  The caller frees both. */
UInt pl_retainer_totals ( PL_Record** recs, UInt n,
                          /*OUT*/PL_RetTotal** out, /*OUT*/UChar** top );
/* The heuristics' figures of the last pl_records_now. */
void pl_records_last_heuristics ( /*OUT*/ULong* bytes, /*OUT*/ULong* blocks );

/* Where the last check's time went, in milliseconds (printed with -v:
   pl_check_times_print, from the check's start T_START). */
typedef struct { UInt scan, retain, records, blocks; } PL_CheckTimes;
extern PL_CheckTimes pl_check_ms;
void pl_check_times_print ( const HChar* what, UInt t_start );
/* A checkpoint's records have no retention path until asked: R's, from
   the checkpoint's scan (kept until pl_records_free). */
void pl_record_fill_path ( PL_Record* r );
/* The same for py_types, of the records whose WANT_TYPES is set. */
void pl_records_fill_types ( void );

/* A record's match key, the words a baseline compares by: Python
   frames as "module:function", native function names down to where
   the Python stack takes over. */
typedef struct { XArray* words; UInt n_py; } PL_Match;
PL_Match pl_record_match ( const PL_Record* r );
HChar*   pl_match_word ( const PL_Match* k, UInt i );
void     pl_match_free ( PL_Match* k );

/*------------------------------------------------------------*/
/*--- The writers (pl_text.c, pl_xml.c, pl_json.c)         ---*/
/*------------------------------------------------------------*/

/* A shown record, under its HEADLINE (pl_record_headline). */
void pl_text_record ( const PL_Record* r, const HChar* headline );
void pl_xml_record ( const PL_Record* r, const HChar* headline );
/* XML protocol 6's summaries (nothing under older protocols): the heap
   summary at exit; before a check's errors whether every block was
   freed; after them the leak summary (T, and the change since PREV in
   MODE). */
void pl_xml_heap_summary ( void );
void pl_xml_all_freed ( Bool all_freed );
void pl_xml_leak_summary ( const PL_Totals* t, const PL_Totals* prev,
                           PL_DeltaMode mode );
/* LEAK SUMMARY of totals T, with the change since PREV in P's delta
   mode, and the hints that follow it. */
void pl_text_summary ( const PL_Totals* t, const PL_Totals* prev,
                       const PL_CheckParams* p );
void pl_text_top_retainers ( const PL_RetTotal* t, UInt m );
/* A block's native stack WHERE and Python stack PY_STACK as one, in
   the order the program ran, as a string into BUF: 'n' the next native
   frame, 'p' the next Python frame, '-' a native frame left out
   (pl_records.c).  BUF needs 2 * PL_MAX_IPS + 1 bytes. */
#define PL_MAX_IPS 512       /* native frames a report reads of a stack */
void pl_stack_order ( ExeContext* where, UInt py_stack, HChar* buf,
                      SizeT sz );
/* The IPs of EC into IPS (at most PL_MAX_IPS); returns how many. */
UInt pl_ec_ips ( ExeContext* ec, Addr* ips );
/* Print a block's native stack WHERE and Python stack PY_STACK as one
   (pl_text.c). */
void pl_pp_stacks ( ExeContext* where, UInt py_stack );
/* What a record counts for in the summary: its own bytes and blocks,
   and those of the group it folds in (leaked-ref, cycle). */
ULong pl_record_bytes ( const PL_Record* r );
ULong pl_record_blocks ( const PL_Record* r );
/* Leak checks made so far; the current one's number during a check. */
extern UInt pl_check_seq;
/* "list x2, dict x1" style summary of a record's types. */
void pl_record_types_text ( const PL_Record* r, HChar* buf, SizeT sz );

/* Checks accumulate in memory; the document is written once, at exit. */
void pl_json_init ( void );               /* validates the path */
void pl_json_add_check ( PL_When when, const HChar* label,
                         const PL_Totals* t, PL_Record** recs, UInt n_recs,
                         const PL_RetTotal* rt, UInt n_rt );
void pl_json_finish ( Int exit_code, Bool exited, Int fatal_sig );
/* S as a JSON string (null for NULL), appended to XA. */
void pl_json_put_str ( XArray* xa, const HChar* s );

/* The blocks of a check's records, for memcheck's block_list monitor
   command: the lost and possibly lost ones, and the reachable ones
   too if REACHABLE was set by the caller. */
typedef struct _PL_BlockList {
   Bool   reachable;     /* in: list reachable blocks too */
   UInt   n;
   Addr*  data;
   SizeT* szB;
   UInt*  rec;           /* its record's place (PL_Record.nr) */
   Int*   leader;        /* the listed block whose group it joined, or -1 */
   UChar* heur;          /* the heuristic + 1 that reached it, or 0 */
} PL_BlockList;
void pl_block_list_free ( PL_BlockList* bl );
/* Scan now and group the blocks into records, sorted as the report
   shows them; pl_records_free releases them (pl_records.c). */
typedef struct _PL_RecSet PL_RecSet;
PL_RecSet* pl_records_now ( ThreadId requester, UInt heuristics,
                            /*OUT*/PL_Record*** recs, /*OUT*/UInt* n,
                            /*OUT*/PL_BlockList* blocks );
PL_Record* pl_records_find ( const PL_RecSet* set, const PL_RecKey* k );
/* How many of EC's frames, from the allocation, are the native part of
   an allocation with a Python stack: up to the evaluation loop, or the
   last frame of other code before the interpreter's glue. */
UInt  pl_native_cut ( ExeContext* ec );
void  pl_records_free ( PL_RecSet* set, PL_Record** recs, UInt n );

/*------------------------------------------------------------*/
/*--- Checkpoints and growth (pl_growth.c)                 ---*/
/*------------------------------------------------------------*/

/* One stack's growth at a checkpoint. */
typedef struct {
   PL_Kind     kind;
   ExeContext* where;         /* the key, in this order: pl_growth.c's */
   UInt        py_stack;      /* GKey */
   ULong       bytes, blocks;        /* live now */
   Long        d_bytes, d_blocks;    /* since the previous checkpoint */
   UInt        streak;               /* checkpoints in a row it grew at */
   Bool        suppressed;    /* to be shown, but a suppression hides it */
   ULong       kind_bytes[PL_NKinds];  /* live now, by kind: KIND is the
                                          one with the most */
   /* Valid during its own checkpoint only (the records are freed at
      its end): its largest record, whose retention path it shows, and
      for a shown entry a record whose py_types are those of all of
      the group's records. */
   const PL_Record* rep;
   PL_Record*  merged;
} PL_GrowthRec;

/* What the latest checkpoint showed, for PYLEAK_COUNT_GROWTH. */
typedef struct { Long bytes, blocks; ULong records; } PL_Growth;
extern PL_Growth pl_last_growth;

/* Take a checkpoint labelled LABEL (may be NULL) and show the records
   grown at each of the last MIN_RUNS checkpoints (0: show nothing). */
void pl_checkpoint ( ThreadId tid, const HChar* label, UInt min_runs );
/* True during a checkpoint that shows growth (its scan needs the
   retainers of reachable objects). */
extern Bool pl_checkpoint_showing;
/* True while a checkpoint's records are built: it needs neither the
   dominators nor the retention path of every record (pl_retain.c,
   pl_records.c). */
extern Bool pl_checkpoint_running;
void pl_text_checkpoint ( const HChar* label, UInt n_checkpoints,
                          UInt min_runs, Bool have_prev,
                          const HChar* prev_label, ULong live_bytes,
                          ULong live_blocks, UInt n_grown,
                          PL_GrowthRec** shown, UInt n_shown, UInt n_supp );
void pl_json_add_checkpoint ( const HChar* label, const HChar* since,
                              UInt min_runs, PL_GrowthRec** recs,
                              UInt n, UInt n_suppressed );

/*------------------------------------------------------------*/
/*--- Reading JSON (pl_jsonread.c)                         ---*/
/*------------------------------------------------------------*/

typedef enum { PL_JNull, PL_JBool, PL_JNum, PL_JStr, PL_JArr,
               PL_JObj } PL_JType;
typedef struct _PL_JVal PL_JVal;
struct _PL_JVal {
   PL_JType type;
   Long     num;           /* number (integer part); bool: 0 or 1 */
   HChar*   str;           /* string */
   XArray*  elems;         /* array, object: of PL_JVal* */
   XArray*  keys;          /* object: of HChar*, parallel to elems */
};
/* TEXT[0..LEN) as a tree, or NULL and in WHY "line N: expected X".
   Members named in DROP (NULL-terminated, or DROP NULL) are read and
   checked but kept as null. */
PL_JVal* pl_json_parse ( const HChar* text, SizeT len,
                         const HChar* const* drop,
                         /*OUT*/HChar* why, SizeT why_sz );
void     pl_json_free ( PL_JVal* v );
PL_JVal* pl_json_get ( const PL_JVal* obj, const HChar* key ); /* or NULL */
UInt     pl_json_len ( const PL_JVal* v );          /* 0 if not a list */
PL_JVal* pl_json_at ( const PL_JVal* v, UInt i );   /* or NULL */
/* A whole file, NUL-terminated; NULL and *ERR (an errno) if unreadable. */
HChar*   pl_read_file ( const HChar* path, /*OUT*/SizeT* len,
                        /*OUT*/UWord* err );
/* Words for an errno from opening a file (pl_jsonread.c). */
const HChar* pl_errno_text ( UWord err );

/*------------------------------------------------------------*/
/*--- Baselines (pl_baseline.c)                            ---*/
/*------------------------------------------------------------*/

extern const HChar* pl_clo_baseline;          /* --baseline, or NULL */
extern ULong        pl_clo_baseline_tol;      /* --baseline-tolerance */
extern Bool         pl_clo_baseline_pct;      /*   ... is a percentage */

/* Read --baseline's file; a bad one ends the run (post_clo_init). */
void pl_baseline_init ( void );
/* Give each record of a final check its baseline status (r->base),
   and *OUT what the summary says.  No-op without --baseline. */
void pl_baseline_classify ( PL_Record** recs, UInt n, PL_When when,
                            /*OUT*/PL_BaseTotals* out );

/*------------------------------------------------------------*/
/*--- Suppressions (pl_supp.c)                             ---*/
/*------------------------------------------------------------*/

/* The loss record an error reports (pl_check.c). */
const PL_Record* pl_error_record ( const Error* err );
/* Does a suppression match R?  For what is not an error (growth at a
   checkpoint): nothing is printed or counted as an error; the
   suppression's use is counted (-s). */
Bool pl_record_suppressed ( ThreadId tid, PL_Record* r );
/* The tool's part of the core's suppression handling. */
Bool  pl_supp_recognised ( const HChar* name, Supp* su );
Bool  pl_supp_read_extra ( Int fd, HChar** bufpp, SizeT* nBufp,
                           Int* lineno, Supp* su );
Bool  pl_supp_matches ( const Error* err, const Supp* su );
SizeT pl_supp_print_extra ( const Error* err, HChar* buf, Int nBuf );
SizeT pl_supp_print_use ( const Supp* su, HChar* buf, Int nBuf );
void  pl_supp_update_use ( const Error* err, const Supp* su );
/* Add pyleak-default.supp to the core's list (post_clo_init). */
void  pl_supp_add_defaults ( void );
void  pl_supp_add_memcheck_entries ( void );     /* see pl_supp.c */
void  pl_supp_remove_memcheck_copies ( void );
/* The module a Python file is, as the import system would name it
   ("pkg.mod"; "<frozen X>" is X); cached per interned file name. */
const HChar* pl_module_of ( const HChar* file );
/* A hash of a NUL-terminated string, for VgHashTable keys (FNV-1a;
   pl_records.c). */
UWord pl_hash_str ( const HChar* s );
/* "definite,leaked-ref", "all", "none", "reachable" into a kind set. */
Bool  pl_parse_kinds ( const HChar* val, /*OUT*/UInt* set );
/* The words pl_parse_kinds knows besides "all" and "none", for the
   messages that refuse a set. */
#define PL_KIND_WORDS "definite, indirect, possible, leaked-ref," \
   " uncollected-cycle, reachable-python, reachable-c, reachable"

/* Small helpers */

/* FNV-1a over N words, for the caches keyed by stacks. */
static inline UWord pl_hash_words ( const UWord* w, UInt n )
{
   UWord h = 0xcbf29ce484222325ULL ^ n;
   for (UInt i = 0; i < n; i++) { h ^= w[i]; h *= 0x100000001b3ULL; }
   return h ^ (h >> 29);
}
#define PL_MALLOC(cc, sz)  VG_(malloc)((cc), (sz))

/*------------------------------------------------------------*/
/*--- Hash-found pointer tables and slabs (pl_ptab.c)      ---*/
/*------------------------------------------------------------*/

typedef struct { UWord hash; void* node; } PL_PTabSlot;
typedef struct {
   PL_PTabSlot* slot;
   UInt         cap, n;
   const HChar* cc;
} PL_PTab;
/* Is NODE the one KEY names? */
typedef Bool (*PL_PTabEq) ( const void* key, const void* node );
void  pl_ptab_init ( PL_PTab* t, const HChar* cc, UInt expect );
void  pl_ptab_free ( PL_PTab* t );
void* pl_ptab_find ( const PL_PTab* t, UWord h, PL_PTabEq eq,
                     const void* key );
void  pl_ptab_add  ( PL_PTab* t, UWord h, void* node );
UWord pl_ptab_mix  ( UWord a, UWord b );

typedef struct { void* chunk; SizeT used, size; } PL_Slab;
void* pl_slab_alloc    ( PL_Slab* s, SizeT szB );
void  pl_slab_free_all ( PL_Slab* s );

#endif /* __PL_INCLUDE_H */
