/* pyleak: suppressions that understand Python.
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   The core reads suppression files and matches native frames (fun:,
   obj:, src:, ...); a tool may read lines of its own between the
   "pyleak:Leak" line and the first native frame.  pyleak's are

      match-leak-kinds: KIND,KIND,...   (memcheck's line, our kinds)
      pyfun:GLOB    one Python frame whose function (qualified name on
                    3.11+, plain name on 3.10) matches GLOB
      pyfile:GLOB   one Python frame whose file matches GLOB
      pymod:GLOB    one Python frame whose module matches GLOB
      pyfun:...     (or pyfile:... / pymod:...) zero or more frames

   matched like native frames: from the innermost Python frame out, a
   prefix of the record's Python stack.  The core insists on at least
   one native frame that is not "...": an entry about Python frames
   only ends with "fun:*" and "...".

   Also here: what --gen-suppressions prints for a record (its kind and
   its Python frames), and the default suppressions pyleak ships
   (pyleak-default.supp next to the tool), added to the core's list at
   start-up unless --default-suppressions=no. */

#include "pub_tool_basics.h"
#include "pub_tool_errormgr.h"
#include "pub_tool_hashtable.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcfile.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_libcproc.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_options.h"
#include "pub_tool_seqmatch.h"
#include "pub_tool_vki.h"
#include "pl_include.h"
#include "pl_python.h"

/* Two core entry points an out-of-tree tool can link but that the tool
   API does not declare: the list of suppression files (we add ours to
   it before the core reads them) and --default-suppressions. */
extern void VG_(add_suppression_file) ( const HChar* filename );
extern Bool VG_(clo_default_supp);
/* Also linkable, undeclared: the --suppressions files given so far, and
   the core's temporary-file maker (for memcheck's entries, below). */
extern XArray* VG_(clo_suppressions);
extern Int VG_(mkstemp) ( const HChar* part_of_name, /*OUT*/HChar* fullname );

typedef enum { PY_Fun, PY_File, PY_Mod, PY_Any } PyWhat;

typedef struct {
   PyWhat  what;
   HChar*  glob;              /* NULL for PY_Any */
} PyPat;

typedef struct {
   UInt    kinds;             /* set of PL_Kind */
   UInt    n;
   PyPat*  pats;              /* innermost first */
   /* What the entry suppressed in check number 'check' (the latest
      one that used it), for the used_suppression lines of -s. */
   UInt    check;
   ULong   bytes, blocks;
} SuppExtra;

/*------------------------------------------------------------*/
/*--- Module names                                         ---*/
/*------------------------------------------------------------*/

/* A frame knows its file, not its module.  The module is named the way
   the import system names it: the file's base name, with the names of
   the enclosing directories that are packages (hold an __init__.py)
   before it; a package's __init__.py is the package.  Frozen modules
   ("<frozen importlib._bootstrap>") by their name; other pseudo files
   ("<string>") as they are.  Files are interned, so one lookup each. */
typedef struct _ModName {
   struct _ModName* next;
   UWord            key;      /* the interned file name */
   HChar*           mod;
} ModName;

static VgHashTable* mod_names;

static Bool is_package_dir ( const HChar* dir, SizeT len )
{
   HChar path[VKI_PATH_MAX];
   if (len == 0 || len + 13 >= sizeof path) return False;
   VG_(memcpy)(path, dir, len);
   VG_(strcpy)(path + len, "/__init__.py");
   struct vg_stat st;
   return !sr_isError(VG_(stat)(path, &st));
}

static HChar* compute_module ( const HChar* file )
{
   SizeT n = VG_(strlen)(file);
   if (n > 9 && VG_(strncmp)(file, "<frozen ", 8) == 0
       && file[n - 1] == '>') {
      HChar* m = VG_(malloc)("pl.supp.mod", n - 8);
      VG_(memcpy)(m, file + 8, n - 9);
      m[n - 9] = '\0';
      return m;
   }
   if (file[0] == '<')
      return VG_(strdup)("pl.supp.mod", file);

   /* Components from the end: [start, end) of each. */
   SizeT end = n;
   if (end > 3 && VG_(strcmp)(file + end - 3, ".py") == 0) end -= 3;
   else if (end > 4 && (VG_(strcmp)(file + end - 4, ".pyc") == 0
                        || VG_(strcmp)(file + end - 4, ".pyw") == 0))
      end -= 4;
   HChar out[VKI_PATH_MAX];
   SizeT o = sizeof out - 1;
   out[o] = '\0';
   Bool first = True;
   while (True) {
      SizeT start = end;
      while (start > 0 && file[start - 1] != '/') start--;
      SizeT len = end - start;
      Bool init = first && len == 8
                  && VG_(strncmp)(file + start, "__init__", 8) == 0;
      if (!init) {
         if (len + 1 >= o) break;
         if (out[o] != '\0') out[--o] = '.';
         o -= len;
         VG_(memcpy)(out + o, file + start, len);
      }
      first = False;
      if (start == 0) break;
      /* The directory holding this component: is it a package? */
      SizeT dir_end = start - 1;               /* at the '/' */
      if (!init && !is_package_dir(file, dir_end)) break;
      end = dir_end;
      if (end == 0) break;
   }
   return VG_(strdup)("pl.supp.mod", out + o);
}

const HChar* pl_module_of ( const HChar* file )
{
   if (mod_names == NULL)
      mod_names = VG_(HT_construct)("pl.supp.modnames");
   ModName* m = VG_(HT_lookup)(mod_names, (UWord)file);
   if (m == NULL) {
      m = VG_(malloc)("pl.supp.modname", sizeof *m);
      m->key = (UWord)file;
      m->mod = compute_module(file);
      VG_(HT_add_node)(mod_names, m);
   }
   return m->mod;
}

/*------------------------------------------------------------*/
/*--- Reading                                              ---*/
/*------------------------------------------------------------*/

Bool pl_supp_recognised ( const HChar* name, Supp* su )
{
   if (VG_(strcmp)(name, "Leak") != 0)
      return False;
   VG_(set_supp_kind)(su, 0);
   return True;
}

/* Why a line was refused, printed just before the core's own message
   that names the file and line. */
static Bool refuse ( const HChar* why, const HChar* line )
{
   VG_(umsg)("pyleak: bad suppression line '%s': %s\n", line, why);
   return False;
}

static Bool parse_py_line ( const HChar* line, PyPat* p )
{
   static const struct { const HChar* prefix; PyWhat what; } tags[] = {
      { "pyfun:", PY_Fun }, { "pyfile:", PY_File }, { "pymod:", PY_Mod }
   };
   for (UInt i = 0; i < sizeof tags / sizeof tags[0]; i++) {
      SizeT len = VG_(strlen)(tags[i].prefix);
      if (VG_(strncmp)(line, tags[i].prefix, len) != 0) continue;
      const HChar* glob = line + len;
      if (VG_(strcmp)(glob, "...") == 0) {
         p->what = PY_Any;
         p->glob = NULL;
      } else {
         p->what = tags[i].what;
         p->glob = VG_(strdup)("pl.supp.glob", glob);
      }
      return True;
   }
   return False;
}

Bool pl_supp_read_extra ( Int fd, HChar** bufpp, SizeT* nBufp,
                          Int* lineno, Supp* su )
{
   SuppExtra* x = VG_(calloc)("pl.supp.extra", 1, sizeof *x);
   XArray* pats = VG_(newXA)(VG_(malloc), "pl.supp.pats", VG_(free),
                             sizeof(PyPat));
   x->kinds = PL_KSET_ALL;
   VG_(set_supp_extra)(su, x);
   Bool ok = True, seen_kinds = False;

   /* VG_(get_line) returns True at end of file and at a native frame
      line (the core reads those); False for any other line. */
   while (!VG_(get_line)(fd, bufpp, nBufp, lineno)) {
      const HChar* line = *bufpp;
      PyPat p;
      if (VG_(strncmp)(line, "match-leak-kinds:", 17) == 0) {
         const HChar* v = line + 17;
         while (*v == ' ' || *v == '\t') v++;
         if (seen_kinds || VG_(sizeXA)(pats) > 0) {
            ok = refuse("match-leak-kinds must come once, before"
                        " the frames", line);
            break;
         }
         if (!pl_parse_kinds(v, &x->kinds)) {
            ok = refuse("unknown leak kind (known: " PL_KIND_WORDS
                        ", all, none)", line);
            break;
         }
         seen_kinds = True;
      } else if (parse_py_line(line, &p)) {
         VG_(addToXA)(pats, &p);
      } else if (VG_(strncmp)(line, "src:", 4) == 0) {
         /* Valgrind 3.19's reader does not take a src: line from a
            tool: it would be lost.  Refuse rather than mismatch. */
         ok = refuse("a src: frame cannot follow Python frames or"
                     " match-leak-kinds directly; put a fun:, obj: or"
                     " ... line before it", line);
         break;
      } else if (VG_(strcmp)(line, "}") == 0) {
         ok = refuse("no native frame (an entry about Python frames"
                     " only ends with the two lines fun:* and ...)", line);
         break;
      } else {
         ok = refuse("not a pyleak suppression line (expected"
                     " match-leak-kinds:, pyfun:, pyfile:, pymod:, fun:,"
                     " obj:, src: or ...)", line);
         break;
      }
   }
   x->n = VG_(sizeXA)(pats);
   x->pats = x->n ? VG_(malloc)("pl.supp.patv", x->n * sizeof(PyPat))
                  : NULL;
   for (UInt i = 0; i < x->n; i++)
      x->pats[i] = *(PyPat*)VG_(indexXA)(pats, i);
   VG_(deleteXA)(pats);
   return ok;
}

/*------------------------------------------------------------*/
/*--- Matching                                             ---*/
/*------------------------------------------------------------*/

static Bool frame_matches ( const PyPat* p, const PL_PyFrame* f )
{
   switch (p->what) {
   case PY_Fun:  return VG_(string_match)(p->glob, f->func);
   case PY_File: return VG_(string_match)(p->glob, f->file);
   case PY_Mod:  return VG_(string_match)(p->glob,
                                          pl_module_of(f->file));
   case PY_Any:  return True;
   }
   return False;
}

/* Do patterns [pi..np) match a prefix of frames [fi..nf)?  "..." may
   take zero or more frames; trailing frames need no pattern. */
static Bool match_from ( const PyPat* pats, UInt np, UInt pi,
                         const PL_PyFrame* frames, UInt nf, UInt fi )
{
   while (pi < np) {
      if (pats[pi].what == PY_Any) {
         while (pi < np && pats[pi].what == PY_Any) pi++;
         if (pi == np) return True;
         for (UInt k = fi; k < nf; k++)
            if (match_from(pats, np, pi, frames, nf, k)) return True;
         return False;
      }
      if (fi >= nf || !frame_matches(&pats[pi], &frames[fi]))
         return False;
      pi++; fi++;
   }
   return True;
}

Bool pl_supp_matches ( const Error* err, const Supp* su )
{
   const SuppExtra* x = VG_(get_supp_extra)(su);
   const PL_Record* r = pl_error_record(err);
   if (!(x->kinds & PL_KSET(r->kind)))
      return False;
   if (x->n == 0)
      return True;
   const PL_PyStack* s = pl_pystack_get(r->py_stack);
   return match_from(x->pats, x->n, 0, s ? s->frames : NULL,
                     s ? s->n : 0, 0);
}

/*------------------------------------------------------------*/
/*--- --gen-suppressions                                   ---*/
/*------------------------------------------------------------*/

/* The record's kind and its Python frames, innermost first: a
   function by its name, module-level code ("<module>") by its module.
   No file names and no lines, so an entry survives edits elsewhere in
   the files.  The core prints the native frames after these. */
SizeT pl_supp_print_extra ( const Error* err, HChar* buf, Int nBuf )
{
   const PL_Record* r = pl_error_record(err);
   XArray* xa = VG_(newXA)(VG_(malloc), "pl.supp.gen", VG_(free), 1);
   VG_(xaprintf)(xa, "match-leak-kinds: %s", pl_kind_name[r->kind]);
   const PL_PyStack* s = pl_pystack_get(r->py_stack);
   for (UInt i = 0; s && i < s->n; i++) {
      const PL_PyFrame* f = &s->frames[i];
      if (VG_(strcmp)(f->func, "<module>") == 0)
         VG_(xaprintf)(xa, "\n   pymod:%s", pl_module_of(f->file));
      else
         VG_(xaprintf)(xa, "\n   pyfun:%s", f->func);
   }
   SizeT len = VG_(sizeXA)(xa);
   SizeT ret;
   if (len >= (SizeT)nBuf) {
      ret = nBuf;                       /* the core retries, bigger */
   } else {
      VG_(memcpy)(buf, VG_(indexXA)(xa, 0), len);
      buf[len] = '\0';
      ret = len;
   }
   VG_(deleteXA)(xa);
   return ret;
}

SizeT pl_supp_print_use ( const Supp* su, HChar* buf, Int nBuf )
{
   const SuppExtra* x = VG_(get_supp_extra)(su);
   if (x->check == pl_check_seq && x->blocks > 0)
      return VG_(snprintf)(buf, nBuf, "suppressed: %'llu bytes in %'llu"
                           " blocks", x->bytes, x->blocks);
   if (nBuf > 0) buf[0] = '\0';
   return 0;
}

void pl_supp_update_use ( const Error* err, const Supp* su )
{
   SuppExtra* x = VG_(get_supp_extra)(su);
   const PL_Record* r = pl_error_record(err);
   if (x->check != pl_check_seq) {
      x->check = pl_check_seq;
      x->bytes = x->blocks = 0;
   }
   x->bytes  += pl_record_bytes(r);
   x->blocks += pl_record_blocks(r);
}

/*------------------------------------------------------------*/
/*--- Default suppressions                                 ---*/
/*------------------------------------------------------------*/

/*------------------------------------------------------------*/
/*--- memcheck's entries                                   ---*/
/*------------------------------------------------------------*/

/* A suppression file written for memcheck says "Memcheck:Leak" (with
   memcheck's match-leak-kinds words, which are pyleak's too), and the
   core reads an entry only for the tools its first line names.  So the
   Memcheck:Leak entries of each --suppressions file (those that do not
   name pyleak already) are copied, as pyleak:Leak entries, into a
   temporary file added to the core's list; memcheck's other kinds
   (Addr4, Cond, Param, ...) are about errors pyleak does not report.
   The copies are removed at exit. */
#define MAX_MC_COPIES 16
static HChar* mc_copy[MAX_MC_COPIES];
static Int    n_mc_copies;

/* Does the tool list TOOLS (comma-separated) name NAME? */
static Bool names_tool ( const HChar* tools, SizeT len, const HChar* name )
{
   SizeT n = VG_(strlen)(name);
   for (SizeT i = 0; i + n <= len; ) {
      SizeT j = i;
      while (j < len && tools[j] != ',') j++;
      if (j - i == n && VG_(strncmp)(tools + i, name, n) == 0) return True;
      i = j + 1;
   }
   return False;
}

/* The entries of the file's text TXT (N bytes) that are memcheck's
   leak entries, each with its tool line replaced, appended to OUT. */
static void copy_mc_entries ( const HChar* txt, SizeT n, XArray* out )
{
   SizeT i = 0, start = 0;
   Int   line_in_entry = -1;       /* -1: outside an entry */
   Bool  keep = False;
   while (i < n) {
      SizeT e = i;
      while (e < n && txt[e] != '\n') e++;
      /* The line [i, e), trimmed. */
      SizeT a = i, b = e;
      while (a < b && (txt[a] == ' ' || txt[a] == '\t')) a++;
      while (b > a && (txt[b - 1] == ' ' || txt[b - 1] == '\t'
                       || txt[b - 1] == '\r')) b--;
      if (b > a && txt[a] != '#') {
         if (line_in_entry < 0) {
            if (b - a == 1 && txt[a] == '{') { line_in_entry = 0; start = i; }
         } else {
            line_in_entry++;
            if (line_in_entry == 2) {               /* TOOLS:KIND */
               SizeT c = a;
               while (c < b && txt[c] != ':') c++;
               keep = c < b && names_tool(txt + a, c - a, "Memcheck")
                      && !names_tool(txt + a, c - a, "pyleak")
                      && b - (c + 1) == 4
                      && VG_(strncmp)(txt + c + 1, "Leak", 4) == 0;
               if (keep) {
                  VG_(addBytesToXA)(out, txt + start, i - start);
                  VG_(addBytesToXA)(out, "pyleak:Leak\n", 12);
               }
            } else if (keep) {
               VG_(addBytesToXA)(out, txt + i, e - i);
               VG_(addBytesToXA)(out, "\n", 1);
            }
            if (b - a == 1 && txt[a] == '}') { line_in_entry = -1; keep = False; }
         }
      } else if (keep) {
         VG_(addBytesToXA)(out, txt + i, e - i);
         VG_(addBytesToXA)(out, "\n", 1);
      }
      i = e + 1;
   }
}

void pl_supp_add_memcheck_entries ( void )
{
   /* Only the user's files: the core's default.supp (glibc's and the
      X libraries' entries for every tool) is left to the tools it
      names, and pyleak ships its own defaults. */
   HChar core_default[VKI_PATH_MAX];
   VG_(snprintf)(core_default, sizeof core_default, "%s/default.supp",
                 VG_(libdir));
   /* Files read before (and the copies this adds, appended to the same
      list) are not read again: this runs at start-up and before every
      check, for files a client added with VALGRIND_CLO_CHANGE. */
   static Word done = 0;
   Word n_files = VG_(sizeXA)(VG_(clo_suppressions));
   for (Word f = done; f < n_files && n_mc_copies < MAX_MC_COPIES; f++) {
      const HChar* path = *(HChar**)VG_(indexXA)(VG_(clo_suppressions), f);
      if (VG_(strcmp)(path, core_default) == 0) continue;
      SizeT len;
      UWord err;
      HChar* txt = pl_read_file(path, &len, &err);
      if (txt == NULL) continue;           /* the core will say so */
      XArray* out = VG_(newXA)(VG_(malloc), "pl.supp.mcout", VG_(free), 1);
      copy_mc_entries(txt, len, out);
      if (VG_(sizeXA)(out) > 0) {
         HChar name[VKI_PATH_MAX];
         Int tfd = VG_(mkstemp)("pyleak-memcheck-supp", name);
         if (tfd >= 0) {
            VG_(write)(tfd, VG_(indexXA)(out, 0), (Int)VG_(sizeXA)(out));
            VG_(close)(tfd);
            mc_copy[n_mc_copies++] = VG_(strdup)("pl.supp.mcname", name);
            if (VG_(clo_verbosity) > 1)
               VG_(umsg)("pyleak: memcheck's leak entries of %s are read"
                         " from %s\n", path, name);
            VG_(add_suppression_file)(name);
         }
      }
      VG_(deleteXA)(out);
      VG_(free)(txt);
   }
   done = VG_(sizeXA)(VG_(clo_suppressions));
}

void pl_supp_remove_memcheck_copies ( void )
{
   for (Int i = 0; i < n_mc_copies; i++)
      VG_(unlink)(mc_copy[i]);
   n_mc_copies = 0;
}

void pl_supp_add_defaults ( void )
{
   if (!VG_(clo_default_supp))
      return;
   HChar path[VKI_PATH_MAX];
   VG_(snprintf)(path, sizeof path, "%s/pyleak-default.supp", VG_(libdir));
   struct vg_stat st;
   if (sr_isError(VG_(stat)(path, &st))) {
      VG_(umsg)("pyleak: warning: default suppressions %s not found;"
                " running without them\n", path);
      return;
   }
   VG_(add_suppression_file)(path);
}
