/* pyleak: the CPython model shared by the Python-aware stages.
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

     pl_pylayout.c   the layout tables, one per supported CPython
     pl_python.c     finding the interpreter in the process, guarded
                     reads of client memory, the PYTHONMALLOC decision
     pl_pystack.c    the Python stack at every allocation
     pl_pyobj.c      Python objects in heap blocks
     pl_pystatic.c   words of the interpreter's own data that are not
                     references (static objects' payloads, a dangling
                     parser cache)

   Every offset pyleak uses into a CPython structure lives in a
   PL_PyLayout.  The code that walks threads, frames and code objects
   is written once and reads its offsets from the table of the running
   interpreter: version differences are data, not code. */

#ifndef __PL_PYTHON_H
#define __PL_PYTHON_H

#include "pub_tool_basics.h"

struct _PL_Block;                /* pl_include.h */

/*------------------------------------------------------------*/
/*--- Layout tables (pl_pylayout.c)                        ---*/
/*------------------------------------------------------------*/

typedef enum {
   PL_LineTable310,      /* PEP 626 (sdelta, ldelta) pairs, bytes */
   PL_LineTable311       /* 3.11+ location table, code units */
} PL_LineTableKind;

typedef struct {
   const HChar* name;          /* "3.12" */
   UInt   minor;               /* 10 .. 13 */

   /* _PyRuntime -> interpreters -> threads */
   Int    rt_interp_head;
   Int    is_next;
   Int    is_threads_head;
   /* The interpreter's pointer-array free lists (lists, dicts, dict
      keys; 80 slots each, every supported version): {array, int count}
      offsets in PyInterpreterState.  Slots at and above the count are
      stale.  Tuples and floats chain their free lists through the
      objects themselves and leave nothing stale. */
   struct { Int array, count; } is_freelists[3];
   /* 3.14+: the free lists are chains through the parked objects' first
      word instead, {head pointer, Py_ssize_t size} at the same
      offsets, and leave no stale slots. */
   Bool   freelists_linked;
   /* ... and all of the interpreter's free lists (floats, tuples by
      size, slices, ... as well) are one array of such chains: its
      offset in PyInterpreterState and how many there are. */
   Int    freelists_all, freelists_all_n;
   /* 3.13+ (published): the interpreter's sys.modules dict, scanned
      before the rest of the runtime so that what a module keeps is
      found through the module first; -1 where not published. */
   Int    is_modules;
   Int    ts_next;
   Int    ts_thread_id;        /* == pthread_self() == guest FS base */
   Int    ts_datastack;        /* 3.11+: datastack_chunk, followed by
                                  datastack_top and datastack_limit;
                                  -1 on 3.10 (frames are objects) */

   /* The thread's innermost frame: *(tstate + ts_frame) when
      ts_cframe < 0, else *(*(tstate + ts_cframe) + cf_frame). */
   Int    ts_frame;
   Int    ts_cframe;
   Int    cf_frame;

   /* Frames.  3.10: heap PyFrameObjects, f_lasti an int in code units
      (fr_lasti >= 0).  3.11+: _PyInterpreterFrame, fr_instr points at
      the current (3.13) or last executed (3.11, 3.12) code unit. */
   Int    fr_code;
   Int    fr_prev;
   Int    fr_lasti;            /* 3.10 only, else -1 */
   Int    fr_instr;            /* 3.11+ only, else -1 */
   Int    fr_owner;            /* 3.11+: owner byte, else -1 */
   Int    owner_generator;     /* FRAME_OWNED_BY_GENERATOR, or -1 */
   Int    owner_cstack;        /* FRAME_OWNED_BY_CSTACK (shim), or -1 */
   Int    fr_is_entry;         /* 3.11: the bool set on the frame an
                                  evaluation-loop call began with (3.12+
                                  mark that with a shim frame), or -1 */

   /* Code objects */
   Int    co_firstlineno;      /* int */
   Int    co_filename;
   Int    co_name;
   Int    co_qualname;         /* 3.11+, else -1 */
   Int    co_consts;           /* tuple */
   Int    co_exceptiontable;   /* 3.11+: bytes object, else -1 */
   Int    co_linetable;        /* bytes object */
   Int    co_code;             /* 3.10: bytes object of the bytecode */
   Int    co_code_adaptive;    /* 3.11+: inline bytecode */
   Int    co_firsttraceable;   /* 3.11+: int, code units */
   PL_LineTableKind linetable;

   /* Objects */
   Int    ob_type;
   Int    tp_name, tp_basicsize, tp_itemsize, tp_flags;
   Int    bytes_size, bytes_sval;
   Int    long_digits;         /* an int's digits (30 bits in 4 bytes) */
   Bool   long_tag;            /* 3.12+: their count is the word before
                                  shifted right by 3 (lv_tag), else the
                                  word is ob_size, signed */
   Int    ascii_size;          /* sizeof(PyASCIIObject) */
   Int    compact_size;        /* sizeof(PyCompactUnicodeObject) */
   Int    uni_length, uni_state, uni_legacy_data;
   ULong  preheader_flags;     /* tp_flags bits adding 16 bytes */
   /* Retainers (pl_retain.c): module and type dicts, and the entries
      of a combined dict's keys table (3.10: dk_size slots, indices of
      1-8 bytes by size; 3.11+: 1 << dk_log2_index_bytes index bytes,
      16-byte entries unless dk_kind is general). */
   Int    md_dict, md_name, tp_dict, ma_keys;
   Int    dk_size;             /* 3.10 only, else -1 */
   Int    dk_log2_index_bytes, dk_kind;   /* 3.11+ only, else -1 */
   Int    dk_nentries, dk_indices;
   /* A frame's local variables (3.11+, else -1): they start at
      fr_localsplus; co_nlocalsplus (int) of them, named by the tuple
      co_localsplusnames. */
   Int    fr_localsplus, co_nlocalsplus, co_localsplusnames;
   Int    tuple_items;         /* ob_item in a tuple: 24, or 32 from
                                  3.14 on (a tuple caches its hash) */
   Bool   immortal;            /* 3.12+: the low 32 bits of the
                                  refcount word, signed, are negative */
   ULong  rc_mask;             /* the refcount word's count bits: all
                                  of them, or the low 32 (3.14+, whose
                                  high half holds flags) */
   /* 3.14+: frame fields and locals are _PyStackRefs, object pointers
      with tag bits (low 2); tag 3 is a tagged int, not a pointer. */
   Bool   stackrefs;
} PL_PyLayout;

/* The object a frame field holds (0: none, or a tagged int). */
static inline Addr pl_stackref_obj ( const PL_PyLayout* L, ULong v )
{
   if (!L->stackrefs) return (Addr)v;
   return (v & 3) == 3 ? 0 : (Addr)(v & ~3ULL);
}

/* The table for 3.MINOR, or NULL if pyleak does not support it. */
const PL_PyLayout* pl_pylayout_for ( UInt minor );

/*------------------------------------------------------------*/
/*--- The interpreter in this process (pl_python.c)        ---*/
/*------------------------------------------------------------*/

typedef struct {
   Bool         found;         /* a supported runtime is in use */
   const PL_PyLayout* lay;     /* its layout (a private copy on 3.13,
                                  filled from _Py_DebugOffsets) */
   Addr         runtime;       /* &_PyRuntime */
   SizeT        runtime_size;  /* its section's size */
   Addr         code_type;     /* &PyCode_Type */
   Addr         type_type;     /* &PyType_Type */
   Addr         tuple_type;    /* &PyTuple_Type */
   Addr         module_type;   /* &PyModule_Type */
   Addr         dict_type;     /* &PyDict_Type */
   Addr         list_type;     /* &PyList_Type */
   Addr         bytes_type;    /* &PyBytes_Type */
   Addr         long_type;     /* &PyLong_Type */
   Addr         eval_lo, eval_hi;   /* _PyEval_EvalFrameDefault */
   Addr         cold_lo, cold_hi;   /* its cold part, split off by the
                                       compiler (.symtab only), or 0 */
   Bool         cold_by_name;       /* no symbol table said where it
                                       is: it is learned by name */
   Addr         fn_is_initialized;  /* Py_IsInitialized, or 0 */
   Addr         fn_gc_is_enabled;   /* PyGC_IsEnabled, or 0 */
   Addr         fn_gc_collect;      /* PyGC_Collect, or 0 */
   Addr         text_lo, text_hi;   /* the interpreter's code */
   UInt         hexversion;    /* PY_VERSION_HEX, 0 if unknown */
   Bool         debug_build;   /* Py_DEBUG */
   HChar        version[24];   /* "3.12.1", "3.10" */
   const HChar* object;        /* the file that holds the runtime */
} PL_Python;

extern PL_Python pl_py;

/* Whether a reference-count word RC, as read, marks an immortal object
   (3.12+: the low 32 bits of the count, signed, are negative). */
static inline Bool pl_py_immortal ( ULong rc )
{
   return pl_py.lay->immortal && (Int)(UInt)(rc & pl_py.lay->rc_mask) < 0;
}

/* tp_flags bits, the same in every supported version. */
#define PL_TPF_READY            (1UL << 12)
#define PL_TPF_HAVE_GC          (1UL << 14)
#define PL_TPF_BYTES_SUBCLASS   (1UL << 27)
#define PL_TPF_UNICODE_SUBCLASS (1UL << 28)
#define PL_TPF_DICT_SUBCLASS    (1UL << 29)
#define PL_TPF_TYPE_SUBCLASS    (1UL << 31)

/* Is IP in the evaluation loop (either part, as far as known)? */
static inline Bool pl_py_in_eval ( Addr ip )
{
   return (ip >= pl_py.eval_lo && ip < pl_py.eval_hi)
          || (ip >= pl_py.cold_lo && ip < pl_py.cold_hi);
}
/* The same, also asking the debug info for the cold part's name when
   the symbol table did not give it (a stripped interpreter whose
   symbols are in a separate debug file): slower, for reports. */
Bool pl_py_in_eval_named ( Addr ip );
/* Whether IP is in a function of the C API's call protocol
   (pl_python.c: call_glue). */
Bool pl_py_is_call_glue ( Addr ip );

/* Called on every allocation: looks at newly loaded objects when the
   core has read some since the last call.  Cheap when nothing is new. */
void pl_python_poll ( void );
void pl_python_note_new_object ( void );   /* from the mmap tracker */
void pl_python_init ( void );              /* pre_clo_init */
void pl_python_fini ( void );              /* at exit: the shim hint */
void pl_python_before_exec ( const HChar* path );  /* execve's path */

/* The getenv("PYTHONMALLOC") question from the preload: 0 keep the
   value, 1 answer "malloc", 2 answer "malloc_debug". */
UWord pl_python_pythonmalloc ( const HChar* user_value );

/* Walk the runtime's interpreters and their thread states (guarded,
   bounded): ON_INTERP (may be NULL) for each interpreter, ON_THREAD (may
   be NULL: interpreters only) for each thread state until it returns
   True; returns that thread state, or 0. */
Addr pl_py_walk_threads ( void (*on_interp)(Addr interp, void* opaque),
                          Bool (*on_thread)(Addr ts, void* opaque),
                          void* opaque );

/* Guarded reads of client memory.  pyleak shares the address space
   with the client, so a bad pointer found in client memory would
   crash the tool: every such pointer is checked first against the
   address-space manager (with a small cache of readable segments,
   flushed when the client unmaps or reprotects memory). */
#define PL_N_RCACHE 8
typedef struct { Addr lo, hi; } PL_RSeg;
extern PL_RSeg pl_rcache[PL_N_RCACHE];
Bool pl_readable_slow ( Addr a, SizeT n );
static inline Bool pl_readable ( Addr a, SizeT n )
{
   Addr last = a + n - 1;
   if (LIKELY(n != 0 && last >= a))
      for (UInt i = 0; i < PL_N_RCACHE; i++)
         if (a >= pl_rcache[i].lo && last <= pl_rcache[i].hi)
            return True;
   return pl_readable_slow(a, n);
}
Bool pl_rd64 ( Addr a, /*OUT*/ULong* v );
Bool pl_rd32 ( Addr a, /*OUT*/UInt* v );
Bool pl_rd8  ( Addr a, /*OUT*/UChar* v );
/* Copy the C string at client address A into BUF (at most SZ-1 bytes,
   always NUL-terminated), stopping at its NUL or at an unreadable
   byte.  Returns the length copied; *WHOLE says whether the NUL was
   reached. */
SizeT pl_rd_cstr ( Addr a, HChar* buf, SizeT sz, /*OUT*/Bool* whole );
/* Replace control characters, '"' and '\\' in S by '?': names read
   from the client, safe in the text report and in JSON. */
void pl_printable ( HChar* s );
void pl_readable_flush ( void );

/* Copy a Python str object's text (UTF-8) into BUF (NUL-terminated,
   truncated to SZ-1 bytes).  False if OBJ is not a readable str. */
Bool pl_py_str ( Addr obj, HChar* buf, SizeT sz );

/*------------------------------------------------------------*/
/*--- Objects in heap blocks (pl_pyobj.c)                  ---*/
/*------------------------------------------------------------*/

/* Around a scan: types are checked once per scan and cached. */
void pl_pyobj_begin ( void );
void pl_pyobj_end   ( void );
/* Offset of the PyObject inside block B, or -1 if B holds none;
   *IS_GC: it has a GC header (just before the object). */
Int  pl_pyobj_offset ( const struct _PL_Block* b, /*OUT*/Bool* is_gc,
                       /*OUT*/Addr* type );
/* The offset from OBJ (of type TP, as pl_pyobj_offset found) of the
   text that a `char *` into a bytes or compact str object points at,
   or 0.  Between pl_pyobj_begin and pl_pyobj_end only. */
Int  pl_pyobj_text_offset ( Addr obj, Addr tp );
/* Whether the object at OP (with a GC header if GC) can be one reused
   from a free list: a static, ready type of the interpreter. */
Bool pl_pyobj_reusable ( Addr op, Bool gc );
/* Call ADD(lo, hi) for each range of interpreter memory that holds
   stale object pointers, not references: the dead part of each
   thread's data stack (3.11+), above its top, where returned frames
   leave their slots; and the unused slots of the list, dict and
   dict-keys free lists, which keep the address of every object they
   ever handed out.  The scan leaves them out of the roots. */
void pl_pyobj_dead_ranges ( void (*add)(Addr lo, Addr hi) );
/* Call ADD(addr) for each block the interpreter keeps for reuse whose
   contents are stale (the dict-keys free list's tables; from 3.14 on
   every parked object of every free list, ADDR then being the object's
   address inside its block): such a block is scanned like a dead
   object. */
void pl_pyobj_dead_blocks ( void (*add)(Addr blk) );
/* Bytes of CPython debug-hook headers (PYTHONMALLOC=malloc_debug, and
   what a debug build allocates before it reads PYTHONMALLOC) at the
   start of block B: the pointer the program holds is past them. */
SizeT pl_pyobj_hook_offset ( const struct _PL_Block* b );
/* The name of the type object at TP, printable, into BUF. */
void pl_pyobj_type_name ( Addr tp, HChar* buf, SizeT sz );

/*------------------------------------------------------------*/
/*--- The interpreter's static data (pl_pystatic.c)        ---*/
/*------------------------------------------------------------*/

typedef struct { Addr lo, hi; } PL_Range;

/* From pl_python.c, once the runtime is found: where its writable
   data is in memory ([LO, HI), the writable PT_LOAD) and its .bss. */
void pl_pystatic_set_data ( Addr lo, Addr hi, Addr bss_lo, Addr bss_hi );
void pl_pystatic_runtime_found ( void );
/* Sorted, disjoint ranges of that data which hold no references: the
   payloads of its static (immortal) code, bytes and int objects.  Made
   at the first call. */
UInt pl_pystatic_skips ( const PL_Range** out );
/* True on 3.10 and 3.11: every freed block of at least 8 KiB (an arena
   block's 8192 bytes and header) is to be shown to
   pl_pystatic_block_freed before its memory is reused, which looks for
   words of the .bss left pointing into a freed parser arena. */
extern Bool pl_pystatic_watch_arenas;
void pl_pystatic_block_freed ( Addr data, SizeT szB );
/* What the heap's free paths call (malloc'd and MALLOCLIKE blocks). */
static inline void pl_pystatic_freed ( Addr data, SizeT szB )
{
   if (UNLIKELY(pl_pystatic_watch_arenas) && szB >= 8192 + 32)
      pl_pystatic_block_freed(data, szB);
}
/* ADD(lo, hi) for each such word that still holds the dangling value. */
void pl_pystatic_dead_words ( void (*add)(Addr lo, Addr hi) );

/*------------------------------------------------------------*/
/*--- Python stacks (pl_pystack.c)                         ---*/
/*------------------------------------------------------------*/

typedef struct {
   const HChar* file;          /* interned */
   const HChar* func;          /* interned; qualified name on 3.11+ */
   Int          line;          /* -1 when unknown */
   /* The outermost frame of its evaluation-loop call: what called it
      was C (an extension's callback, a slot, the import system), and
      the next frame runs in an outer call of the loop.  Known on
      3.11+; on 3.10, where every frame has a call of its own, never
      set (the stack is one run of Python code). */
   Bool         entry;
} PL_PyFrame;

/* A deduplicated Python stack, innermost frame first.  Equal stacks
   are the same pointer. */
typedef struct {
   UInt       n;
   UInt       groups;         /* runs of frames, one per call of the
                                 evaluation loop (see ENTRY): 1 + how
                                 often C called back into Python */
   PL_PyFrame frames[0];
} PL_PyStack;

extern UInt pl_clo_py_depth;
extern Bool pl_clo_py_stacks;      /* --py-stacks=yes|no */

void pl_pystack_init ( void );
/* The id of thread TID's Python stack right now, or 0 (no
   interpreter, no Python frame on this thread).  When the id is not 0,
   *DEPTH is a byte that lives as long as the stack's cache entry (0
   when the entry is new): pl_unwind's hint of how deep the native
   stacks of allocations from that Python stack reach. */
UInt pl_pystack_capture ( ThreadId tid, /*OUT*/UChar** depth );
/* The stack of an id; NULL for 0. */
const PL_PyStack* pl_pystack_get ( UInt id );
/* A block that held a code object is being freed: cached decodings
   that refer to code objects are dropped. */
void pl_pystack_code_freed ( void );
/* Is A a local variable's slot in a live frame (3.11+, whose frames
   live in the threads' data stacks)?  If so, *FRAME gets the frame and
   BUF "local 'NAME' in FUNC (FILE)". */
Bool pl_pystack_local_at ( Addr a, /*OUT*/Addr* frame, HChar* buf,
                           SizeT sz );

#endif /* __PL_PYTHON_H */
