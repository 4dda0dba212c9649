/* pyleak: finding the CPython interpreter in the process.
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   Nothing is asked of the user.  Whenever the core has read a new
   object file (the executable and its libraries at start, or a
   dlopen'ed libpython later, as in an embedding program), the next
   allocation looks at it: an object that defines CPython's runtime
   has the ELF section ".PyRuntime" holding `_PyRuntime` (3.10+).
   Valgrind's own symbol table does not keep that symbol (its reader
   drops data symbols outside .data/.bss), so the object's section
   headers and .dynsym are read from the file here.  .dynsym survives
   stripping (Debian's /usr/bin/python3.11 is stripped) and gives the
   version (Py_Version, 3.11+), the debug build (_Py_NegativeRefcount,
   defined only with Py_REF_DEBUG), PyCode_Type and the evaluation
   loop.  3.13's _Py_DebugOffsets, at the start of .PyRuntime, replace
   the layout table's values where they cover them.

   Also here: the guarded reads every Python-aware stage uses, and the
   answer to the preload's getenv("PYTHONMALLOC") question. */

#include "pub_tool_basics.h"
#include "pub_tool_aspacemgr.h"
#include "pub_tool_debuginfo.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcfile.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_options.h"
#include "pub_tool_tooliface.h"
#include "pub_tool_vki.h"
#include "pub_tool_xarray.h"
#include "pub_tool_clientstate.h"
#include "pl_include.h"
#include "pl_python.h"
#include "pl_elf.h"

PL_Python pl_py;

/* 3.13: the table, overridden by the interpreter's own offsets. */
static PL_PyLayout layout_from_debug_offsets;

/*------------------------------------------------------------*/
/*--- Guarded reads                                        ---*/
/*------------------------------------------------------------*/

/* Readable client segments seen recently.  Segments only lose
   readability through munmap, mprotect, mremap or brk, and the
   trackers in pl_main.c flush this cache on each of them. */
PL_RSeg pl_rcache[PL_N_RCACHE] =             /* [lo, hi]; empty: lo > hi */
   { [0 ... PL_N_RCACHE - 1] = { 1, 0 } };
static UInt rcache_next;

void pl_readable_flush ( void )
{
   for (UInt i = 0; i < PL_N_RCACHE; i++) {
      pl_rcache[i].lo = 1;
      pl_rcache[i].hi = 0;
   }
}

/* The cache missed (pl_readable, in pl_python.h, looked). */
Bool pl_readable_slow ( Addr a, SizeT n )
{
   if (n == 0) return True;
   Addr last = a + n - 1;
   if (last < a || a < 4096) return False;
   NSegment const* seg = VG_(am_find_nsegment)(a);
   if (seg == NULL || !seg->hasR)
      return False;
   if (seg->kind != SkAnonC && seg->kind != SkFileC && seg->kind != SkShmC)
      return False;
   if (last > seg->end)
      return VG_(am_is_valid_for_client)(a, n, VKI_PROT_READ);
   pl_rcache[rcache_next].lo = seg->start;
   pl_rcache[rcache_next].hi = seg->end;
   rcache_next = (rcache_next + 1) % PL_N_RCACHE;
   return True;
}

Bool pl_rd64 ( Addr a, ULong* v )
{
   if (!pl_readable(a, 8)) return False;
   *v = *(const ULong*)a;
   return True;
}

Bool pl_rd32 ( Addr a, UInt* v )
{
   if (!pl_readable(a, 4)) return False;
   *v = *(const UInt*)a;
   return True;
}

Bool pl_rd8 ( Addr a, UChar* v )
{
   if (!pl_readable(a, 1)) return False;
   *v = *(const UChar*)a;
   return True;
}

void pl_printable ( HChar* s )
{
   for (; *s; s++)
      if ((UChar)*s < 0x20 || *s == '"' || *s == '\\') *s = '?';
}

SizeT pl_rd_cstr ( Addr a, HChar* buf, SizeT sz, Bool* whole )
{
   SizeT i = 0;
   *whole = False;
   for (; i + 1 < sz; i++) {
      UChar c;
      if (!pl_rd8(a + i, &c)) break;
      if (c == 0) { *whole = True; break; }
      buf[i] = c;
   }
   buf[i] = '\0';
   return i;
}

/* Append code point CP as UTF-8; returns the new length. */
static SizeT put_utf8 ( HChar* buf, SizeT len, SizeT sz, UInt cp )
{
   UChar tmp[4];
   Int   k;
   if      (cp < 0x80)    { tmp[0] = cp; k = 1; }
   else if (cp < 0x800)   { tmp[0] = 0xC0 | (cp >> 6);
                            tmp[1] = 0x80 | (cp & 0x3F); k = 2; }
   else if (cp < 0x10000) { tmp[0] = 0xE0 | (cp >> 12);
                            tmp[1] = 0x80 | ((cp >> 6) & 0x3F);
                            tmp[2] = 0x80 | (cp & 0x3F); k = 3; }
   else                   { tmp[0] = 0xF0 | ((cp >> 18) & 0x07);
                            tmp[1] = 0x80 | ((cp >> 12) & 0x3F);
                            tmp[2] = 0x80 | ((cp >> 6) & 0x3F);
                            tmp[3] = 0x80 | (cp & 0x3F); k = 4; }
   if (len + k >= sz) return len;
   for (Int i = 0; i < k; i++) buf[len++] = tmp[i];
   return len;
}

Bool pl_py_str ( Addr o, HChar* buf, SizeT sz )
{
   const PL_PyLayout* L = pl_py.lay;
   ULong length;
   UInt  state;
   buf[0] = '\0';
   if (L == NULL || sz < 2) return False;
   if (!pl_rd64(o + L->uni_length, &length) || !pl_rd32(o + L->uni_state, &state))
      return False;
   UInt kind    = (state >> 2) & 7;
   Bool compact = (state >> 5) & 1;
   Bool ascii   = (state >> 6) & 1;
   if (kind != 1 && kind != 2 && kind != 4) return False;
   if (length > (1u << 20)) return False;       /* not a name */
   Addr data;
   if (compact && ascii)  data = o + L->ascii_size;
   else if (compact)      data = o + L->compact_size;
   else {
      ULong p;
      if (!pl_rd64(o + L->uni_legacy_data, &p)) return False;
      data = (Addr)p;
   }
   SizeT n = (SizeT)length;
   if (n > sz * 4) n = sz * 4;            /* enough to fill BUF */
   if (!pl_readable(data, n * kind)) return False;
   SizeT len = 0;
   for (SizeT i = 0; i < n && len + 1 < sz; i++) {
      UInt cp = kind == 1 ? ((const UChar*)data)[i]
              : kind == 2 ? ((const UShort*)data)[i]
              :             ((const UInt*)data)[i];
      len = put_utf8(buf, len, sz, cp);
   }
   buf[len] = '\0';
   return True;
}

Addr pl_py_walk_threads ( void (*on_interp)(Addr interp, void* opaque),
                          Bool (*on_thread)(Addr ts, void* opaque),
                          void* opaque )
{
   const PL_PyLayout* L = pl_py.lay;
   ULong interp;
   if (!pl_rd64(pl_py.runtime + L->rt_interp_head, &interp)) return 0;
   for (Int ni = 0; interp && ni < 256; ni++) {
      if (on_interp) on_interp(interp, opaque);
      ULong t = 0;
      if (on_thread && !pl_rd64(interp + L->is_threads_head, &t)) return 0;
      for (Int nt = 0; t && nt < 100000; nt++) {
         if (on_thread(t, opaque)) return t;
         if (!pl_rd64(t + L->ts_next, &t)) break;
      }
      if (!pl_rd64(interp + L->is_next, &interp)) return 0;
   }
   return 0;
}

/* The symbols pyleak wants from .dynsym. */
enum { S_Runtime, S_PyVersion, S_CodeType, S_EvalFrame, S_NegRefcnt,
       S_ForgetRef, S_Initialize, S_TypeType, S_IsInitialized,
       S_GCIsEnabled, S_GCCollect, S_TupleType, S_ModuleType, S_DictType,
       S_ListType, S_BytesType, S_LongType, S_N };
static const HChar* const wanted[S_N] = {
   "_PyRuntime", "Py_Version", "PyCode_Type", "_PyEval_EvalFrameDefault",
   "_Py_NegativeRefcount", "_Py_ForgetReference", "Py_Initialize",
   "PyType_Type", "Py_IsInitialized", "PyGC_IsEnabled", "PyGC_Collect",
   "PyTuple_Type", "PyModule_Type", "PyDict_Type", "PyList_Type",
   "PyBytes_Type", "PyLong_Type"
};

/*------------------------------------------------------------*/
/*--- Recognising the runtime                              ---*/
/*------------------------------------------------------------*/

static Bool pending = True;          /* objects to look at */
static Bool unsupported_seen;        /* said once */
static XArray* examined;             /* of const DebugInfo*, text avma */

typedef struct { const DebugInfo* di; Addr text; } Examined;

void pl_python_note_new_object ( void ) { pending = True; }

static void unsupported ( const HChar* file, const HChar* what )
{
   if (!unsupported_seen && VG_(clo_verbosity) > 0)
      VG_(umsg)("pyleak: %s in %s is not supported (3.10 to 3.15 are);"
                " its objects are checked as plain C blocks\n", what, file);
   unsupported_seen = True;
}

/* A free-threaded interpreter (3.13t+) keeps its objects in mimalloc's
   pages, not in malloc blocks, and refuses PYTHONMALLOC=malloc ("unknown
   allocator") outright.  Until pyleak models those pages it must do no
   harm: leave the interpreter's allocator as the user set it, run the
   program unchanged, check the C blocks, and say once what it cannot
   see. */
static Bool ft_seen;

static void free_threaded ( const HChar* file, const HChar* what )
{
   if (!unsupported_seen && VG_(clo_verbosity) > 0)
      VG_(umsg)("pyleak: %s free-threaded in %s: its Python objects live"
                " in mimalloc's pages, which pyleak does not model yet;"
                " only C blocks are checked and the interpreter's"
                " allocator is left as it is\n", what, file);
   unsupported_seen = True;
   ft_seen = True;
}

/* 3.13+: the interpreter's own offsets.  _Py_DebugOffsets is a struct
   of uint64 words whose members move between versions (3.14 and 3.15
   added some in the middle), so where each member pyleak reads sits is
   data: one index per version, measured against each version's
   pycore_debug_offsets.h.  Each group opens with its structure's size,
   and every offset taken must lie inside it. */
typedef struct {
   UInt minor, words;               /* the header's length in words */
   UChar rt_size, rt_interp_head;
   UChar is_size, is_next, is_threads_head, is_modules;
   UChar ts_size, ts_next, ts_frame, ts_thread_id, ts_datastack;
   UChar fr_size, fr_prev, fr_code, fr_instr, fr_localsplus, fr_owner;
   UChar co_size, co_filename, co_name, co_qualname, co_linetable,
         co_firstlineno, co_localsplusnames, co_code_adaptive;
   UChar ob_size, ob_type;
   UChar tp_size, tp_name, tp_flags;
} DebugOffsetsIndex;

static const DebugOffsetsIndex debug_offsets_index[] = {
   { 13, 73,  3, 5,  6, 8, 9, 11,  19, 21, 23, 24, 26,
     28, 29, 30, 31, 32, 33,  34, 35, 36, 37, 38, 39, 41, 43,
     44, 45,  46, 47, 49 },
   { 14, 95,  3, 5,  6, 8, 9, 12,  22, 24, 26, 27, 29,
     31, 32, 33, 34, 35, 36,  39, 40, 41, 42, 43, 44, 46, 48,
     50, 51,  52, 53, 55 },
   { 15, 111, 3, 5,  6, 8, 9, 12,  22, 24, 26, 30, 32,
     39, 40, 41, 42, 43, 44,  47, 48, 49, 50, 51, 52, 54, 56,
     58, 59,  60, 61, 63 },
};
#define PL_DEBUG_OFFSETS_MAX_WORDS 128

/* W: the header's words (at least X->words of them).  Fills
   layout_from_debug_offsets from the table for 3.MINOR and the header;
   False when the header is not usable. */
static Bool apply_debug_offsets ( const ULong* w, ULong section_size,
                                  UInt minor )
{
   const DebugOffsetsIndex* x = NULL;
   for (UInt k = 0; k < sizeof debug_offsets_index / sizeof *x; k++)
      if (debug_offsets_index[k].minor == minor)
         x = &debug_offsets_index[k];
   if (x == NULL || VG_(memcmp)(w, "xdebugpy", 8) != 0
       || ((w[1] >> 16) & 0xff) != minor)
      return False;
   if (w[x->rt_size] != section_size || section_size < 8 * (ULong)x->words)
      return False;
   PL_PyLayout* L = &layout_from_debug_offsets;
   *L = *pl_pylayout_for(minor);
   /* Plausibility: every offset lies inside its structure (the
      adaptive bytecode may start right at the end of the code object:
      it is its trailing array). */
#  define INSIDE(m, sz)  (w[x->m] < w[x->sz])
   if (!(INSIDE(rt_interp_head, rt_size) && INSIDE(is_next, is_size)
         && INSIDE(is_threads_head, is_size) && INSIDE(is_modules, is_size)
         && INSIDE(ts_next, ts_size)
         && INSIDE(ts_frame, ts_size) && INSIDE(ts_thread_id, ts_size)
         && INSIDE(ts_datastack, ts_size) && INSIDE(fr_prev, fr_size)
         && INSIDE(fr_code, fr_size) && INSIDE(fr_instr, fr_size)
         && INSIDE(fr_owner, fr_size) && w[x->fr_localsplus] <= w[x->fr_size]
         && INSIDE(co_filename, co_size) && INSIDE(co_name, co_size)
         && INSIDE(co_qualname, co_size) && INSIDE(co_linetable, co_size)
         && INSIDE(co_firstlineno, co_size)
         && INSIDE(co_localsplusnames, co_size)
         && w[x->co_code_adaptive] <= w[x->co_size]
         && INSIDE(ob_type, ob_size) && INSIDE(tp_name, tp_size)
         && INSIDE(tp_flags, tp_size)))
      return False;
#  undef INSIDE
   L->rt_interp_head   = w[x->rt_interp_head];
   L->is_next          = w[x->is_next];
   L->is_threads_head  = w[x->is_threads_head];
   L->is_modules       = w[x->is_modules];
   L->ts_next          = w[x->ts_next];
   L->ts_frame         = w[x->ts_frame];
   L->ts_thread_id     = w[x->ts_thread_id];
   L->ts_datastack     = w[x->ts_datastack];
   L->fr_prev          = w[x->fr_prev];
   L->fr_code          = w[x->fr_code];
   L->fr_instr         = w[x->fr_instr];
   L->fr_localsplus    = w[x->fr_localsplus];
   L->fr_owner         = w[x->fr_owner];
   L->co_filename      = w[x->co_filename];
   L->co_name          = w[x->co_name];
   L->co_qualname      = w[x->co_qualname];
   L->co_linetable     = w[x->co_linetable];
   L->co_firstlineno   = w[x->co_firstlineno];
   L->co_localsplusnames = w[x->co_localsplusnames];
   L->co_code_adaptive = w[x->co_code_adaptive];
   L->ob_type          = w[x->ob_type];
   L->tp_name          = w[x->tp_name];
   L->tp_flags         = w[x->tp_flags];
   return True;
}

static void examine ( const DebugInfo* di )
{
   const HChar* file = VG_(DebugInfo_get_filename)(di);
   if (file == NULL || file[0] != '/') return;
   PL_ElfFile f;
   if (!pl_elf_open(file, &f)) return;

   const Elf64_Shdr* rt_sec = pl_elf_section(&f, ".PyRuntime");
   PL_ElfSym sym[S_N];
   pl_elf_dynsyms(&f, wanted, S_N, sym);
   if (rt_sec == NULL && !sym[S_Runtime].def && !sym[S_Initialize].def) {
      pl_elf_close(&f);
      return;                               /* not a CPython runtime */
   }
   if (pl_py.found) {
      if (VG_(clo_verbosity) > 1)
         VG_(umsg)("pyleak: a second CPython runtime in %s is ignored\n",
                   file);
      pl_elf_close(&f);
      return;
   }
   if (rt_sec == NULL) {
      unsupported(file, "a CPython older than 3.10");
      pl_elf_close(&f);
      return;
   }

   PtrdiffT bias = VG_(DebugInfo_get_text_bias)(di);
   UInt hex = 0;
   if (sym[S_PyVersion].def) {
      ULong v = 0;
      if (pl_elf_read_vaddr(&f, sym[S_PyVersion].sym.st_value, &v, 8))
         hex = (UInt)v;
   } else if (rt_sec->sh_size == 672 || VG_(strstr)(file, "3.10") != NULL) {
      hex = 0x030a0000;                     /* 3.10: no Py_Version */
   } else {
      unsupported(file, "a CPython older than 3.10");
      pl_elf_close(&f);
      return;
   }
   UInt major = hex >> 24, minor = (hex >> 16) & 0xff;
   HChar what[64];
   VG_(snprintf)(what, sizeof what, "CPython %u.%u", major, minor);
   const PL_PyLayout* lay = major == 3 ? pl_pylayout_for(minor) : NULL;
   if (lay == NULL) {
      unsupported(file, what);
      pl_elf_close(&f);
      return;
   }
   if (sym[S_ForgetRef].def && minor <= 12) {
      VG_(strcat)(what, " built with Py_TRACE_REFS");
      unsupported(file, what);
      pl_elf_close(&f);
      return;
   }
   if (minor >= 13) {
      ULong w[PL_DEBUG_OFFSETS_MAX_WORDS];
      SizeT n = rt_sec->sh_size < sizeof w ? rt_sec->sh_size : sizeof w;
      Bool  got = n >= 3 * 8 && pl_elf_read(&f, rt_sec->sh_offset, w, n);
      /* A free-threaded build says so in the header's third word;
         its objects have another layout altogether. */
      if (got && VG_(memcmp)(w, "xdebugpy", 8) == 0 && w[2] != 0) {
         free_threaded(file, what);
         pl_elf_close(&f);
         return;
      }
      if (!got || n < sizeof w
          || !apply_debug_offsets(w, rt_sec->sh_size, minor)) {
         VG_(strcat)(what, " without usable _Py_DebugOffsets");
         unsupported(file, what);
         pl_elf_close(&f);
         return;
      }
      lay = &layout_from_debug_offsets;
   }

   pl_py.found       = True;
   pl_py.lay         = lay;
   pl_py.runtime     = rt_sec->sh_addr + bias;
   pl_py.runtime_size = rt_sec->sh_size;
#  define SYM_ADDR(s)  (sym[s].def ? sym[s].sym.st_value + bias : 0)
   pl_py.code_type   = SYM_ADDR(S_CodeType);
   pl_py.type_type   = SYM_ADDR(S_TypeType);
   pl_py.tuple_type  = SYM_ADDR(S_TupleType);
   pl_py.module_type = SYM_ADDR(S_ModuleType);
   pl_py.dict_type   = SYM_ADDR(S_DictType);
   pl_py.list_type   = SYM_ADDR(S_ListType);
   pl_py.bytes_type  = SYM_ADDR(S_BytesType);
   pl_py.long_type   = SYM_ADDR(S_LongType);
   if (sym[S_EvalFrame].def) {
      pl_py.eval_lo = sym[S_EvalFrame].sym.st_value + bias;
      pl_py.eval_hi = pl_py.eval_lo + sym[S_EvalFrame].sym.st_size;
   }
   /* GCC moves the eval loop's rarely taken paths (3.14's specialised
      calls into C among them) to a function of their own; the loop is
      both, or allocations from one call site would differ by where in
      it the call came from. */
   {
      static const HChar* const cold_name[1] =
         { "_PyEval_EvalFrameDefault.cold" };
      PL_ElfSym cold;
      pl_elf_syms(&f, ".symtab", cold_name, 1, &cold);
      /* A stripped interpreter (Debian's: the 3.14 loop is mostly its
         cold part) may have its symbols in a separate debug file;
         without the range, stacks would be walked past the loop. */
      HChar dbg[96];
      PL_ElfFile df;
      if (!cold.def && pl_elf_section(&f, ".symtab") == NULL
          && pl_elf_debug_file(&f, dbg, sizeof dbg)
          && pl_elf_open(dbg, &df)) {
         pl_elf_syms(&df, ".symtab", cold_name, 1, &cold);
         pl_elf_close(&df);
      }
      if (cold.def && cold.sym.st_size > 0) {
         pl_py.cold_lo = cold.sym.st_value + bias;
         pl_py.cold_hi = pl_py.cold_lo + cold.sym.st_size;
      }
      /* No symbol table to say (a stripped interpreter whose debug
         file is not installed; Valgrind may still name its functions
         from the compressed .gnu_debugdata): the cold part, if any,
         is learned by name, frame by frame (pl_py_in_eval_named). */
      pl_py.cold_by_name = !cold.def && pl_elf_section(&f, ".symtab") == NULL;
   }
   /* What the preload calls before the finalize-time check. */
   pl_py.fn_is_initialized = SYM_ADDR(S_IsInitialized);
   pl_py.fn_gc_is_enabled  = SYM_ADDR(S_GCIsEnabled);
   pl_py.fn_gc_collect     = SYM_ADDR(S_GCCollect);
#  undef SYM_ADDR
   pl_py.text_lo     = VG_(DebugInfo_get_text_avma)(di);
   pl_py.text_hi     = pl_py.text_lo + VG_(DebugInfo_get_text_size)(di);
   pl_py.hexversion  = hex;
   pl_py.debug_build = sym[S_NegRefcnt].def;
   if ((hex & 0xffff) == 0 && minor == 10)
      VG_(snprintf)(pl_py.version, sizeof pl_py.version, "3.10");
   else
      VG_(snprintf)(pl_py.version, sizeof pl_py.version, "%u.%u.%u",
                    major, minor, (hex >> 8) & 0xff);
   pl_py.object = VG_(strdup)("pl.python.object", file);
   /* Its writable data and .bss (pl_pystatic.c). */
   for (Int i = 0; i < f.n_ph; i++)
      if (f.ph[i].p_type == PT_LOAD && (f.ph[i].p_flags & PF_W)) {
         const Elf64_Shdr* bss = pl_elf_section(&f, ".bss");
         Addr lo = f.ph[i].p_vaddr + bias;
         Addr hi = lo + f.ph[i].p_memsz;
         Addr blo = bss && bss->sh_type == SHT_NOBITS ? bss->sh_addr + bias : 0;
         Addr bhi = blo ? blo + bss->sh_size : 0;
         if (blo < lo || bhi > hi) blo = bhi = 0;
         pl_pystatic_set_data(lo, hi, blo, bhi);
         break;
      }
   pl_pystatic_runtime_found();
   if (VG_(clo_verbosity) > 1)
      VG_(umsg)("pyleak: CPython %s (%s build) in %s, _PyRuntime at %#lx\n",
                pl_py.version, pl_py.debug_build ? "debug" : "release",
                file, pl_py.runtime);
   pl_elf_close(&f);
}

void pl_python_poll ( void )
{
   if (LIKELY(!pending)) return;
   pending = False;
   for (const DebugInfo* di = VG_(next_DebugInfo)(NULL); di;
        di = VG_(next_DebugInfo)(di)) {
      Examined e = { di, VG_(DebugInfo_get_text_avma)(di) };
      Word n = VG_(sizeXA)(examined), i;
      for (i = 0; i < n; i++) {
         Examined* x = VG_(indexXA)(examined, i);
         if (x->di == e.di && x->text == e.text) break;
      }
      if (i < n) continue;
      VG_(addToXA)(examined, &e);
      examine(di);
   }
}

/* What TEST says of the name of the function at IP (False when it has
   none), remembered per address in SEEN: names are looked up in the
   debug info, which is slow, and reports ask about the same addresses
   again and again. */
typedef struct { Addr ip; Bool yes; } NameAnswer;
#define N_NAME_ANSWERS 4096
static Bool answer_by_name ( NameAnswer* seen, Addr ip,
                             Bool (*test)(const HChar* fn) )
{
   NameAnswer* e = &seen[(UInt)(ip >> 2) % N_NAME_ANSWERS];
   if (e->ip == ip) return e->yes;
   const HChar* fn;
   e->ip  = ip;
   e->yes = VG_(get_fnname)(VG_(current_DiEpoch)(), ip, &fn) && test(fn);
   return e->yes;
}

static Bool is_cold_loop ( const HChar* fn )
{
   return VG_(strcmp)(fn, "_PyEval_EvalFrameDefault.cold") == 0;
}

Bool pl_py_in_eval_named ( Addr ip )
{
   static NameAnswer seen[N_NAME_ANSWERS];
   if (pl_py_in_eval(ip)) return True;
   if (!pl_py.found || pl_py.eval_lo == 0) return False;
   if (!answer_by_name(seen, ip, is_cold_loop)) return False;
   /* One function is one range: what lies between two of its
      addresses is its too. */
   if (pl_py.cold_lo == 0 || ip < pl_py.cold_lo) pl_py.cold_lo = ip;
   if (ip + 1 > pl_py.cold_hi) pl_py.cold_hi = ip + 1;
   return True;
}

/* The C API's call protocol, through which the evaluation loop reaches
   a callable: which of these lie between the loop and the callee
   depends on how far the loop has specialised the call instruction
   (the first run of a line goes through the generic path, later runs
   call the callee more directly), not on the program.  By name, with
   the compiler's suffixes (.lto_priv.0, .constprop.0, .cold) ignored:
   the prefixes below name the protocol's functions on 3.10-3.15. */
static const HChar* const call_glue[] = {
   "PyObject_Call",          /* PyObject_Call, PyObject_CallObject, ... */
   "_PyObject_Call",         /* _PyObject_Call, _PyObject_Call_Prepend */
   "PyObject_Vectorcall",    /* PyObject_Vectorcall, ...Dict, ...Method */
   "_PyObject_Vectorcall",   /* _PyObject_VectorcallTstate */
   "_PyObject_MakeTpCall",
   "_PyObject_FastCall",     /* _PyObject_FastCallDictTstate */
   "_Py_VectorCall",         /* 3.14+: _Py_VectorCall..._StackRefSteal */
   "_PyFunction_Vectorcall",
   NULL
};

static Bool is_call_glue ( const HChar* fn )
{
   for (UInt i = 0; call_glue[i] != NULL; i++)
      if (VG_(strncmp)(fn, call_glue[i], VG_(strlen)(call_glue[i])) == 0)
         return True;
   return False;
}

Bool pl_py_is_call_glue ( Addr ip )
{
   static NameAnswer seen[N_NAME_ANSWERS];
   return pl_py.found && ip >= pl_py.text_lo && ip < pl_py.text_hi
          && answer_by_name(seen, ip, is_call_glue);
}

/*------------------------------------------------------------*/
/*--- PYTHONMALLOC                                         ---*/
/*------------------------------------------------------------*/

/* Unset (or empty) means CPython's default, pymalloc, whose arenas
   hide small objects: answer "malloc".  A user's choice that also
   hides objects is replaced by its nearest equivalent that does not;
   "malloc" and "malloc_debug" are kept (pyleak looks past the debug
   hooks' headers).  Anything else is CPython's to reject. */
UWord pl_python_pythonmalloc ( const HChar* client_value )
{
   static Bool said;
   UWord answer = 0;
   const HChar* note = NULL;
   /* A guarded copy of the client's string (longer values are no
      allocator name anyway). */
   HChar user[64];
   Bool  whole;
   /* The interpreter asks at start-up, maybe before any allocation
      since its library was mapped: look at new objects first. */
   pl_python_poll();
   if (ft_seen)
      return 0;
   user[0] = '\0';
   if (client_value != NULL)
      pl_rd_cstr((Addr)client_value, user, sizeof user, &whole);
   if (user[0] == '\0') {
      answer = 1;
   } else if (VG_(strcmp)(user, "pymalloc") == 0) {
      answer = 1;
      note = "PYTHONMALLOC=pymalloc replaced by malloc: pymalloc's arenas"
             " would hide Python objects from pyleak";
   } else if (VG_(strcmp)(user, "pymalloc_debug") == 0
              || VG_(strcmp)(user, "debug") == 0) {
      answer = 2;
      note = "PYTHONMALLOC=%s replaced by malloc_debug: pymalloc's arenas"
             " would hide Python objects from pyleak";
   } else if (VG_(strcmp)(user, "malloc_debug") == 0) {
      note = "PYTHONMALLOC=malloc_debug kept: pyleak looks past the"
             " debug hooks' headers";
   } else if (VG_(strcmp)(user, "malloc") != 0) {
      note = "PYTHONMALLOC=%s left to CPython: pyleak needs malloc or"
             " malloc_debug to see every Python object";
   }
   if (note && !said && VG_(clo_verbosity) > 0) {
      VG_(umsg)("pyleak: ");
      VG_(umsg)(note, user);
      VG_(umsg)("\n");
   }
   said = True;
   return answer;
}

/*------------------------------------------------------------*/
/*--- Start and end                                        ---*/
/*------------------------------------------------------------*/

void pl_python_init ( void )
{
   examined = VG_(newXA)(VG_(malloc), "pl.python.examined", VG_(free),
                         sizeof(Examined));
}

/* Did the user ask Valgrind to trace children?  The core keeps the
   answer to itself; the command line tells. */
static Bool tracing_children ( void )
{
   Bool yes = False;
   for (Word i = 0; i < VG_(sizeXA)(VG_(args_for_valgrind)); i++) {
      const HChar* a = *(HChar**)VG_(indexXA)(VG_(args_for_valgrind), i);
      if (VG_(strcmp)(a, "--trace-children=yes") == 0) yes = True;
      if (VG_(strcmp)(a, "--trace-children=no") == 0)  yes = False;
   }
   return yes;
}

static Bool exe_is_script ( void )
{
   const HChar* exe = VG_(args_the_exename);
   if (exe == NULL) return False;
   SysRes r = VG_(open)(exe, VKI_O_RDONLY, 0);
   if (sr_isError(r)) return False;
   HChar hdr[2] = { 0, 0 };
   Int n = VG_(read)(sr_Res(r), hdr, 2);
   VG_(close)(sr_Res(r));
   return n == 2 && hdr[0] == '#' && hdr[1] == '!';
}

static Bool hint_given;

/* The client is about to exec PATH.  A launcher script such as a
   pyenv shim (a bash script named python3) runs the real interpreter
   this way; without --trace-children=yes pyleak would silently
   vanish with the old process image, so say why. */
void pl_python_before_exec ( const HChar* client_path )
{
   if (hint_given || pl_py.found || tracing_children()) return;
   /* The path is the client's: copy it with guarded reads (a bad
      pointer is the kernel's to reject with EFAULT, not ours to
      crash on). */
   HChar path[1024];
   Bool  whole;
   SizeT len = pl_rd_cstr((Addr)client_path, path, sizeof path, &whole);
   if (!whole && len + 1 < sizeof path) return;      /* unreadable */
   const HChar* base = VG_(strrchr)(path, '/');
   base = base ? base + 1 : path;
   if (VG_(strncmp)(base, "python", 6) != 0) return;
   hint_given = True;
   if (VG_(clo_verbosity) > 0)
      VG_(umsg)("pyleak: no Python ran in this process: it is starting %s,"
                " which pyleak will not follow; rerun with"
                " --trace-children=yes, or give that interpreter's path"
                " to valgrind\n", path);
}

void pl_python_fini ( void )
{
   if (hint_given || pl_py.found || unsupported_seen) return;
   const HChar* exe = VG_(args_the_exename);
   if (exe == NULL) return;
   const HChar* base = VG_(strrchr)(exe, '/');
   base = base ? base + 1 : exe;
   if (VG_(strncmp)(base, "python", 6) == 0 && exe_is_script()
       && VG_(clo_verbosity) > 0)
      VG_(umsg)("pyleak: no Python was seen: %s is a launcher script, not"
                " the interpreter; rerun with --trace-children=yes, or give"
                " the interpreter's own path to valgrind\n", exe);
}
