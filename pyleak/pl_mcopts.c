/* pyleak: memcheck's command-line options.
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   A C developer swaps --tool=memcheck for --tool=pyleak on a command
   line that already works.  So memcheck's leak options keep memcheck's
   meaning here (--show-reachable, --show-possibly-lost,
   --leak-resolution; --leak-check, --show-leak-kinds and
   --errors-for-leak-kinds are pyleak's own, with the same words), and
   memcheck's options about what pyleak does not track (definedness,
   addressability, fill patterns, freed-block queues, xtree files) are
   accepted: each is named once, after start-up, as having no effect,
   never refused as unknown. */

#include "pub_tool_basics.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_options.h"
#include "pl_include.h"

/* --leak-resolution: how many frames of two allocation stacks must be
   equal for their blocks to share a loss record (memcheck's low 2,
   med 4); 0 is high, all of them. */
UInt pl_clo_leak_resolution = 0;

/* --leak-check-heuristics: memcheck's default is all of them. */
UInt pl_clo_heuristics = PL_HSET_ALL;
const HChar* pl_heur_name[PL_NHeur] = {
   "stdstring", "length64", "newarray", "multipleinheritance"
};

Bool pl_parse_heuristics ( const HChar* val, /*OUT*/UInt* set )
{
   if (VG_(strcmp)(val, "all") == 0)  { *set = PL_HSET_ALL; return True; }
   if (VG_(strcmp)(val, "none") == 0) { *set = 0; return True; }
   UInt s = 0;
   const HChar* p = val;
   while (*p) {
      const HChar* e = p;
      while (*e && *e != ',') e++;
      Int h;
      for (h = 0; h < PL_NHeur; h++)
         if ((SizeT)(e - p) == VG_(strlen)(pl_heur_name[h])
             && VG_(strncmp)(p, pl_heur_name[h], e - p) == 0)
            break;
      if (h == PL_NHeur || e == p)
         return False;
      s |= 1u << h;
      p = *e ? e + 1 : e;
   }
   *set = s;
   return True;
}

/* Memcheck-only options seen, to be named after start-up. */
#define MAX_IGNORED 16
static const HChar* ignored[MAX_IGNORED];
static Int n_ignored;

/* Options memcheck has that pyleak has no use for; matched on the part
   before any '='. */
static const HChar* const no_effect[] = {
   "--undef-value-errors", "--track-origins", "--partial-loads-ok",
   "--expensive-definedness-checks", "--keep-stacktraces",
   "--freelist-big-blocks", "--workaround-gcc296-bugs",
   "--ignore-ranges", "--ignore-range-below-sp", "--malloc-fill",
   "--free-fill", "--show-mismatched-frees", "--show-realloc-size-zero",
   "--xtree-leak", "--xtree-leak-file",
};

static Bool is_no_effect ( const HChar* arg )
{
   SizeT len = VG_(strlen)(arg);
   const HChar* eq = VG_(strchr)(arg, '=');
   if (eq) len = (SizeT)(eq - arg);
   for (UInt i = 0; i < sizeof no_effect / sizeof no_effect[0]; i++)
      if (VG_(strlen)(no_effect[i]) == len
          && VG_(strncmp)(arg, no_effect[i], len) == 0)
         return True;
   return False;
}

/* The reachable kinds, Python's and C's: what memcheck calls
   "reachable". */
#define KSET_REACHABLE (PL_KSET(PL_KReachablePy) | PL_KSET(PL_KReachableC))

Bool pl_mc_process_option ( const HChar* arg )
{
   Bool b;
   if VG_BOOL_CLO(arg, "--show-reachable", b) {
      /* memcheck: yes shows every kind; no hides the reachable ones. */
      if (b) pl_clo_show_kinds = PL_KSET_ALL;
      else   pl_clo_show_kinds &= ~KSET_REACHABLE;
   }
   else if VG_BOOL_CLO(arg, "--show-possibly-lost", b) {
      if (b) pl_clo_show_kinds |= PL_KSET(PL_KPossible);
      else   pl_clo_show_kinds &= ~PL_KSET(PL_KPossible);
   }
   else if VG_XACT_CLO(arg, "--leak-resolution=low",
                       pl_clo_leak_resolution, 2) {}
   else if VG_XACT_CLO(arg, "--leak-resolution=med",
                       pl_clo_leak_resolution, 4) {}
   else if VG_XACT_CLO(arg, "--leak-resolution=high",
                       pl_clo_leak_resolution, 0) {}
   else if (VG_(strncmp)(arg, "--leak-resolution=", 18) == 0) {
      VG_(fmsg_bad_option)(arg, "expected low, med or high\n");
   }
   else if (VG_(strncmp)(arg, "--leak-check-heuristics=", 24) == 0) {
      if (!pl_parse_heuristics(arg + 24, &pl_clo_heuristics))
         VG_(fmsg_bad_option)(arg, "expected all, none, or a list of"
                              " stdstring, length64, newarray,"
                              " multipleinheritance\n");
   }
   else if (is_no_effect(arg)) {
      if (n_ignored < MAX_IGNORED)
         ignored[n_ignored++] = arg;
   }
   else
      return False;
   return True;
}

void pl_mc_print_ignored ( void )
{
   if (VG_(clo_verbosity) == 0)
      return;
   for (Int i = 0; i < n_ignored; i++)
      VG_(umsg)("%s: a memcheck option with no effect in pyleak\n",
                ignored[i]);
}
