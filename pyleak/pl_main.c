/* pyleak: a Python-aware leak checker.  Start-up, options, client
   requests and exit.
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   pyleak adds almost no instrumentation to the client's code:
   everything it knows comes from the replaced allocator
   (pl_intercept.c) and from reading memory at leak-check time
   (pl_scan.c).  That is why it runs at close to the speed of
   --tool=none.  The one exception is in the Python interpreter's own
   code, where the stores that give a reused object a new life are
   watched (pl_newref.c). */

#include "pub_tool_basics.h"
#include "pub_tool_gdbserver.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_libcproc.h"
#include "pub_tool_machine.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_options.h"
#include "pub_tool_replacemalloc.h"
#include "pub_tool_threadstate.h"
#include "pub_tool_tooliface.h"
#include "pub_tool_vkiscnums.h"
#include "pl_include.h"
#include "pl_python.h"
#include "pyleak.h"
#include "memcheck.h"           /* to honour memcheck's leak requests */

/*------------------------------------------------------------*/
/*--- Options                                              ---*/
/*------------------------------------------------------------*/

PL_LeakCheckMode pl_clo_leak_check  = PL_LCFull;
UInt             pl_clo_show_kinds  = PL_KSET(PL_KDefinite)
                                      | PL_KSET(PL_KPossible)
                                      | PL_KSET(PL_KLeakedRef)
                                      | PL_KSET(PL_KCycle);
/* memcheck's default on the C kinds (definite, possible: an indirect
   block's group has a definite leader, which is the error). */
UInt             pl_clo_error_kinds = PL_KSET(PL_KDefinite)
                                      | PL_KSET(PL_KPossible)
                                      | PL_KSET(PL_KLeakedRef)
                                      | PL_KSET(PL_KCycle);
const HChar*     pl_clo_json_file   = NULL;
Bool             pl_clo_json_all    = False;
UInt             pl_clo_top_retainers = 10;
PL_CheckAt       pl_clo_check_at    = PL_AtFinalize;
UInt             pl_finalize_checks = 0;

/* Parse a comma-separated set of leak kinds, "all" or "none".
   "reachable" (memcheck's word) means both reachable kinds. */
Bool pl_parse_kinds ( const HChar* val, /*OUT*/UInt* set )
{
   if (VG_(strcmp)(val, "all") == 0)  { *set = PL_KSET_ALL; return True; }
   if (VG_(strcmp)(val, "none") == 0) { *set = 0; return True; }

   UInt s = 0;
   const HChar* p = val;
   while (True) {
      const HChar* end = VG_(strchr)(p, ',');
      SizeT len = end ? (SizeT)(end - p) : VG_(strlen)(p);
      Int k;
      for (k = 0; k < PL_NKinds; k++)
         if (VG_(strlen)(pl_kind_name[k]) == len
             && VG_(strncmp)(p, pl_kind_name[k], len) == 0)
            break;
      if (k == PL_NKinds && len == 9
          && VG_(strncmp)(p, "reachable", 9) == 0) {
         s |= PL_KSET(PL_KReachablePy);       /* and reachable-c below */
         k = PL_KReachableC;
      }
      if (k == PL_NKinds)
         return False;
      s |= PL_KSET(k);
      if (end == NULL)
         break;
      p = end + 1;
   }
   *set = s;
   return True;
}

/* --baseline-tolerance: bytes ("4096") or a percentage ("10%"). */
static Bool parse_tolerance ( const HChar* v )
{
   ULong n = 0;
   const HChar* p = v;
   if (*p < '0' || *p > '9') return False;
   while (*p >= '0' && *p <= '9') {
      if (n > (1ULL << 50)) return False;
      n = n * 10 + (*p++ - '0');
   }
   pl_clo_baseline_pct = *p == '%';
   if (pl_clo_baseline_pct) p++;
   if (*p != '\0') return False;
   pl_clo_baseline_tol = n;
   return True;
}

static Bool pl_process_cmd_line_option ( const HChar* arg )
{
   const HChar* v = NULL;   /* not "val": the VG_STR_CLO macro shadows it */

   if VG_XACT_CLO(arg, "--leak-check=no",      pl_clo_leak_check, PL_LCNo) {}
   else if VG_XACT_CLO(arg, "--leak-check=summary", pl_clo_leak_check,
                       PL_LCSummary) {}
   else if VG_XACT_CLO(arg, "--leak-check=full", pl_clo_leak_check,
                       PL_LCFull) {}
   else if VG_XACT_CLO(arg, "--leak-check=yes",  pl_clo_leak_check,
                       PL_LCFull) {}
   else if VG_STR_CLO(arg, "--leak-check", v) {
      VG_(fmsg_bad_option)(arg, "expected no, summary or full\n");
   }
   else if VG_STR_CLO(arg, "--show-leak-kinds", v) {
      if (!pl_parse_kinds(v, &pl_clo_show_kinds))
         VG_(fmsg_bad_option)(arg, "expected a comma-separated set of "
                              PL_KIND_WORDS ", or all, or none\n");
   }
   else if VG_STR_CLO(arg, "--errors-for-leak-kinds", v) {
      if (!pl_parse_kinds(v, &pl_clo_error_kinds))
         VG_(fmsg_bad_option)(arg, "expected a comma-separated set of "
                              PL_KIND_WORDS ", or all, or none\n");
   }
   else if VG_XACT_CLO(arg, "--check-at=finalize", pl_clo_check_at,
                       PL_AtFinalize) {}
   else if VG_XACT_CLO(arg, "--check-at=exit", pl_clo_check_at, PL_AtExit) {}
   else if VG_XACT_CLO(arg, "--check-at=both", pl_clo_check_at, PL_AtBoth) {}
   else if VG_STR_CLO(arg, "--check-at", v) {
      VG_(fmsg_bad_option)(arg, "expected finalize, exit or both\n");
   }
   else if VG_BINT_CLO(arg, "--py-depth", pl_clo_py_depth, 1, 256) {}
   else if VG_BINT_CLO(arg, "--top-retainers", pl_clo_top_retainers,
                       0, 1000000) {}
   else if VG_BOOL_CLO(arg, "--py-stacks", pl_clo_py_stacks) {}
   else if VG_BOOL_CLO(arg, "--batch-frees", pl_clo_batch_frees) {}
   else if VG_BINT_CLO(arg, "--freelist-vol", pl_clo_freelist_vol,
                       0, (Long)1 << 40) {}
   else if VG_BINT_CLO(arg, "--debug-pointers-to-size",
                       pl_clo_debug_ptr_size, 1, (Long)1 << 40) {}
   else if VG_STR_CLO(arg, "--baseline", pl_clo_baseline) {
      if (pl_clo_baseline[0] == '\0')
         VG_(fmsg_bad_option)(arg, "the file name is empty\n");
   }
   else if VG_STR_CLO(arg, "--baseline-tolerance", v) {
      if (!parse_tolerance(v))
         VG_(fmsg_bad_option)(arg, "expected a number of bytes or a"
                              " percentage (N%%)\n");
   }
   else if VG_XACT_CLO(arg, "--json-records=reported", pl_clo_json_all, False) {}
   else if VG_XACT_CLO(arg, "--json-records=all", pl_clo_json_all, True) {}
   else if VG_STR_CLO(arg, "--json-file", pl_clo_json_file) {
      if (pl_clo_json_file[0] == '\0')
         VG_(fmsg_bad_option)(arg, "the file name is empty\n");
   }
   else if (pl_mc_process_option(arg)) {}
   else
      return VG_(replacement_malloc_process_cmd_line_option)(arg);

   return True;
}

static void pl_print_usage ( void )
{
   VG_(printf)(
"    --leak-check=no|summary|full     search for leaked memory at exit? [full]\n"
"    --show-leak-kinds=kind1,kind2,.. which leak kinds to show?\n"
"                          [definite,possible,leaked-ref,uncollected-cycle]\n"
"    --errors-for-leak-kinds=kind1,.. which leak kinds are errors?\n"
"                 [definite,possible,leaked-ref,uncollected-cycle]\n"
"        where kind is one of: definite indirect possible leaked-ref\n"
"        uncollected-cycle reachable-python reachable-c (reachable: both\n"
"        reachable kinds), or all, or none\n"
"    --check-at=finalize|exit|both    when a Python process is checked: when\n"
"                                     the interpreter starts finalising, at\n"
"                                     exit, or both [finalize]\n"
"    --json-file=<file>               write the results as JSON to <file>;\n"
"                                     %%p, %%q{ENV} expand as in --log-file\n"
"    --json-records=reported|all      the JSON's records: those of the kinds\n"
"                                     shown or counted as errors, or every\n"
"                                     record (reachable ones too) [reported]\n"
"    --baseline=<file>                compare the final check with the same\n"
"                                     check in an earlier run's --json-file:\n"
"                                     only new or grown records are shown\n"
"                                     and are errors\n"
"    --baseline-tolerance=<n>|<n>%%    growth allowed per match key, in\n"
"                                     bytes or percent of the baseline's [0]\n"
"    --py-depth=<n>                   Python frames kept per allocation [32]\n"
"    --top-retainers=<n>              show reachable-python records of the\n"
"                                     <n> retainers that keep the most bytes\n"
"                                     alive; 0: all [10]\n"
"    --freelist-vol=<number>          volume of freed blocks kept from reuse,\n"
"                                     so that stale pointers to them do not\n"
"                                     keep new blocks reachable [0]\n"
"    --py-stacks=no|yes               record the Python stack of each\n"
"                                     allocation? [yes]\n"
"    --error-exitcode=<n>             exit with <n> when a leak of an error\n"
"                                     kind was found (a core option)\n"
"    memcheck's leak options work as in memcheck: --show-reachable=no|yes,\n"
"    --show-possibly-lost=no|yes, --leak-resolution=low|med|high [high],\n"
"    --leak-check-heuristics=stdstring,length64,newarray,\n"
"    multipleinheritance|all|none [all];\n"
"    its other options (--track-origins, --malloc-fill, ...) are accepted\n"
"    and have no effect\n"
   );
}

static void pl_print_debug_usage ( void )
{
   VG_(printf)(
"    --debug-pointers-to-size=<n>     say where the leak check finds each\n"
"                                     pointer to a block of <n> bytes\n"
"    --batch-frees=no|yes             queue libc free() calls in the client\n"
"                                     and hand them over in batches [yes]\n");
}

/*------------------------------------------------------------*/
/*--- Client requests                                      ---*/
/*------------------------------------------------------------*/

static void count_leaks ( UWord* arg, Bool blocks )
{
   const PL_Totals* t = &pl_last_totals;
   const ULong* v = blocks ? t->blocks : t->bytes;
   *(UWord*)arg[1] = v[PL_KDefinite] + v[PL_KIndirect] + v[PL_KLeakedRef]
                     + v[PL_KCycle];
   *(UWord*)arg[2] = v[PL_KPossible];
   *(UWord*)arg[3] = v[PL_KReachablePy] + v[PL_KReachableC];
   *(UWord*)arg[4] = blocks ? t->suppressed_blocks : t->suppressed_bytes;
}

/* Whether Py_FinalizeEx gets a check (and the collection before it). */
static Bool finalize_check_wanted ( void )
{
   return pl_py.found && pl_clo_check_at != PL_AtExit
          && pl_clo_leak_check != PL_LCNo;
}

/*------------------------------------------------------------*/
/*--- Monitor commands (gdb's "monitor ...", vgdb)         ---*/
/*------------------------------------------------------------*/

static void monitor_help ( void )
{
   VG_(gdb_printf)(
"pyleak monitor commands:\n"
"  leak_check [full*|summary]\n"
"                [kinds kind1,kind2,...|reachable|possibleleak*|definiteleak]\n"
"                [heuristics heur1,heur2,...]\n"
"                [increased*|changed|any|new]\n"
"                [unlimited*|limited <max_loss_records_output>] [LABEL...]\n"
"        run a leak check now, with memcheck's arguments and defaults\n"
"        (* = default; kinds as --show-leak-kinds, heuristics as\n"
"        --leak-check-heuristics, default none; no errors are counted);\n"
"        LABEL, the rest of the line, goes in the report and the JSON file\n"
"  who_points_at <addr> [<len>]\n"
"        shows places pointing inside <len> (default 1) bytes at <addr>\n"
"        (decimal, as Python's id() gives it, or 0x...); for a Python\n"
"        object, its reference count against the pointers found\n"
"  block_list <loss_record_nr>|<loss_record_nr_from>..<loss_record_nr_to>\n"
"                [unlimited*|limited <max_blocks>] [heuristics heur1,...]\n"
"        after a leak check, shows the blocks of the loss record(s), with\n"
"        the blocks each one alone keeps (indirect loss records)\n"
"  checkpoint [RUNS] [LABEL...]\n"
"        take a checkpoint: show the stacks grown at each of the last RUNS\n"
"        checkpoints [1] (0: show nothing, only remember)\n");
}

/* What is left of the line: the label, or NULL if nothing is. */
static const HChar* label_at ( const HChar* p )
{
   while (*p == ' ') p++;
   return *p ? p : NULL;
}

/* True when REQ is one of ours.  The command word may be abbreviated,
   as the core's and memcheck's. */
/* A number at *P: hex after 0x, else decimal; *P moves past it. */
static Bool parse_num ( const HChar** p, ULong* v )
{
   const HChar* q = *p;
   ULong x = 0;
   Bool hex = q[0] == '0' && (q[1] == 'x' || q[1] == 'X');
   if (hex) q += 2;
   const HChar* digits = q;
   for (;; q++) {
      Int d = *q >= '0' && *q <= '9' ? *q - '0'
              : hex && *q >= 'a' && *q <= 'f' ? *q - 'a' + 10
              : hex && *q >= 'A' && *q <= 'F' ? *q - 'A' + 10 : -1;
      if (d < 0) break;
      if (x > (~0ULL - d) / (hex ? 16 : 10)) return False;
      x = x * (hex ? 16 : 10) + d;
   }
   if (q == digits) return False;
   *p = q;
   *v = x;
   return True;
}

/* "ADDR", "ADDR LEN" or "ADDR[LEN]" (memcheck's who_points_at). */
static Bool parse_addr_len ( const HChar* p, Addr* a, SizeT* len )
{
   ULong v, n = 1;
   while (*p == ' ') p++;
   if (!parse_num(&p, &v)) return False;
   if (*p == '[') {
      p++;
      if (!parse_num(&p, &n) || *p++ != ']') return False;
   } else {
      while (*p == ' ') p++;
      if (*p && !parse_num(&p, &n)) return False;
   }
   while (*p == ' ') p++;
   if (*p || n == 0) return False;
   *a = (Addr)v;
   *len = (SizeT)n;
   return True;
}

/* The next word at *P into W (at most WSZ-1 characters); *P moves past
   it.  False at the end of the line. */
static Bool next_word ( const HChar** p, HChar* w, SizeT wsz )
{
   while (**p == ' ') (*p)++;
   SizeT n = 0;
   while ((*p)[n] && (*p)[n] != ' ') {
      if (n + 1 < wsz) w[n] = (*p)[n];
      n++;
   }
   w[n + 1 < wsz ? n : wsz - 1] = '\0';
   *p += n;
   return n > 0;
}

/* memcheck's leak_check arguments (its defaults: full, definite and
   possible shown, no heuristics, the records that increased, no
   errors counted), up to the first word that is none of them: pyleak's
   label.  False (and a message) for a bad value. */
static Bool monitor_leak_check_args ( const HChar** pp, PL_CheckParams* cp )
{
   pl_check_params(cp, PL_LCFull);
   cp->show_kinds  = PL_KSET(PL_KDefinite) | PL_KSET(PL_KPossible)
                     | PL_KSET(PL_KLeakedRef) | PL_KSET(PL_KCycle);
   cp->error_kinds = 0;
   cp->heuristics  = 0;
   cp->delta       = PL_DeltaIncreased;
   cp->monitor     = True;
   for (;;) {
      const HChar* at = *pp;
      HChar w[64], v[256];
      if (!next_word(pp, w, sizeof w))
         return True;
      Int kw = VG_(keyword_id)("full summary kinds reachable possibleleak"
                               " definiteleak heuristics increased changed"
                               " any new unlimited limited", w, kwd_report_none);
      switch (kw) {
      case 0:  cp->mode = PL_LCFull; break;
      case 1:  cp->mode = PL_LCSummary; break;
      case 2:
         if (!next_word(pp, v, sizeof v) || !pl_parse_kinds(v, &cp->show_kinds)) {
            VG_(gdb_printf)("missing or malformed leak kinds set\n");
            return False;
         }
         break;
      case 3:  cp->show_kinds = PL_KSET_ALL; break;
      case 4:  cp->show_kinds = PL_KSET(PL_KDefinite) | PL_KSET(PL_KIndirect)
                                | PL_KSET(PL_KPossible) | PL_KSET(PL_KLeakedRef)
                                | PL_KSET(PL_KCycle);
               break;
      case 5:  cp->show_kinds = PL_KSET(PL_KDefinite) | PL_KSET(PL_KLeakedRef)
                                | PL_KSET(PL_KCycle);
               break;
      case 6:
         if (!next_word(pp, v, sizeof v)
             || !pl_parse_heuristics(v, &cp->heuristics)) {
            VG_(gdb_printf)("missing or malformed heuristics set\n");
            return False;
         }
         break;
      case 7:  cp->delta = PL_DeltaIncreased; break;
      case 8:  cp->delta = PL_DeltaChanged; break;
      case 9:  cp->delta = PL_DeltaAny; break;
      case 10: cp->delta = PL_DeltaNew; break;
      case 11: cp->max_records = 0; break;
      case 12: {
         HChar* end;
         Long n = next_word(pp, v, sizeof v) ? VG_(strtoll10)(v, &end) : 0;
         if (n <= 0 || *end != '\0') {
            VG_(gdb_printf)("limited: expected a number of loss records"
                            " >= 1\n");
            return False;
         }
         cp->max_records = n > 999999999 ? 999999999 : (UInt)n;
         break;
      }
      default:                     /* the label starts here */
         *pp = at;
         return True;
      }
   }
}

/* block_list <nr>|<from>..<to> [unlimited*|limited <max_blocks>]
   [heuristics heur1,heur2,...] (memcheck's). */
static void monitor_block_list ( const HChar* p )
{
   HChar w[64], v[256];
   ULong from, to;
   if (!next_word(&p, w, sizeof w)) {
      VG_(gdb_printf)("block_list: expected a loss record number or"
                      " FROM..TO\n");
      return;
   }
   const HChar* q = w;
   if (!parse_num(&q, &from)) {
      VG_(gdb_printf)("block_list: expected a loss record number or"
                      " FROM..TO\n");
      return;
   }
   to = from;
   if (q[0] == '.' && q[1] == '.') {
      q += 2;
      if (!parse_num(&q, &to)) {
         VG_(gdb_printf)("block_list: expected FROM..TO\n");
         return;
      }
   }
   if (*q != '\0' || from == 0 || from > 999999999 || to > 999999999) {
      VG_(gdb_printf)("block_list: expected a loss record number or"
                      " FROM..TO\n");
      return;
   }
   UInt max = 999999999, heur = 0;
   while (next_word(&p, w, sizeof w)) {
      switch (VG_(keyword_id)("unlimited limited heuristics", w,
                              kwd_report_all)) {
      case 0: max = 999999999; break;
      case 1: {
         const HChar* r = v;
         ULong m;
         if (!next_word(&p, v, sizeof v) || !parse_num(&r, &m) || *r
             || m == 0) {
            VG_(gdb_printf)("limited: expected a number of blocks >= 1\n");
            return;
         }
         max = m > 999999999 ? 999999999 : (UInt)m;
         break;
      }
      case 2:
         if (!next_word(&p, v, sizeof v) || !pl_parse_heuristics(v, &heur)) {
            VG_(gdb_printf)("missing or malformed heuristics set\n");
            return;
         }
         break;
      default:
         return;                       /* keyword_id said why */
      }
   }
   pl_block_list((UInt)from, (UInt)to, max, heur);
}

static Bool monitor_command ( ThreadId tid, const HChar* req )
{
   const HChar* p = req;
   while (*p == ' ') p++;
   HChar cmd[32];
   SizeT n = 0;
   while (p[n] && p[n] != ' ' && n + 1 < sizeof cmd) { cmd[n] = p[n]; n++; }
   cmd[n] = '\0';
   p += n;
   switch (VG_(keyword_id)("help leak_check checkpoint who_points_at"
                           " block_list", cmd,
                           kwd_report_duplicated_matches)) {
   case -2: return True;                  /* ambiguous: said so */
   case -1: return False;                 /* not ours */
   case 0:  monitor_help(); return True;
   case 1: {
      PL_CheckParams cp;
      if (monitor_leak_check_args(&p, &cp))
         pl_leak_check_with(tid, PL_WhenRequest, label_at(p), &cp);
      return True;
   }
   case 2: {
      UInt runs = 1;
      while (*p == ' ') p++;
      if (*p >= '0' && *p <= '9') {
         ULong v = 0;
         while (*p >= '0' && *p <= '9' && v <= 1000000)
            v = v * 10 + (*p++ - '0');
         if (v > 1000000 || (*p != ' ' && *p != '\0')) {
            VG_(gdb_printf)("checkpoint: RUNS must be a number from 0 to"
                            " 1000000\n");
            return True;
         }
         runs = (UInt)v;
      }
      pl_checkpoint(tid, label_at(p), runs);
      return True;
   }
   case 4:
      monitor_block_list(p);
      return True;
   case 3: {
      Addr  a;
      SizeT len;
      if (!parse_addr_len(p, &a, &len))
         VG_(gdb_printf)("who_points_at: expected an address (0x... or, as"
                         " Python's id() gives it, decimal) and an optional"
                         " length: ADDR [LEN] or ADDR[LEN]\n");
      else
         pl_who_points_at(tid, a, len);
      return True;
   }
   }
   return False;
}

/* The child of a fork: what exists now was made by the parent (see
   pl_scan.c, abandoned_at_fork). */
static void pl_fork_child ( ThreadId tid )
{
   pl_intercept_drain();
   pl_shadow_mark_prefork();
}

static Bool pl_handle_client_request ( ThreadId tid, UWord* arg,
                                       UWord* ret )
{
   if (pl_intercept_client_request(tid, arg, ret)
       || pl_custom_client_request(tid, arg, ret))
      return True;
   switch (arg[0]) {
   case VG_USERREQ__GDB_MONITOR_COMMAND:
      *ret = monitor_command(tid, (const HChar*)arg[1]) ? 1 : 0;
      return *ret == 1;
   case VG_USERREQ__PYLEAK_LEAK_CHECK:
      pl_leak_check(tid, PL_WhenRequest, (const HChar*)arg[1], PL_LCFull);
      *ret = 0;
      return True;
   case VG_USERREQ__PYLEAK_CHECKPOINT:
      pl_checkpoint(tid, (const HChar*)arg[1], (UInt)arg[2]);
      *ret = 0;
      return True;
   case VG_USERREQ__PYLEAK_COUNT_GROWTH:
      *(Long*)arg[1] = pl_last_growth.bytes;
      *(Long*)arg[2] = pl_last_growth.blocks;
      *(Long*)arg[3] = (Long)pl_last_growth.records;
      *ret = 0;
      return True;
   case VG_USERREQ__PYLEAK_COUNT_LEAKS:
   case VG_USERREQ__COUNT_LEAKS:
      count_leaks(arg, False);
      *ret = 0;
      return True;
   case VG_USERREQ__PYLEAK_COUNT_LEAK_BLOCKS:
   case VG_USERREQ__COUNT_LEAK_BLOCKS:
      count_leaks(arg, True);
      *ret = 0;
      return True;
   case VG_USERREQ__PYLEAK_PRIVATE_FINALIZE_FN:
      /* Only when the check at finalisation will run: otherwise the
         program's shutdown is left exactly as it would be. */
      *ret = 0;
      if (finalize_check_wanted()) {
         if (arg[1] == 0) *ret = pl_py.fn_is_initialized;
         if (arg[1] == 1) *ret = pl_py.fn_gc_is_enabled;
         if (arg[1] == 2) *ret = pl_py.fn_gc_collect;
      }
      return True;
   case VG_USERREQ__PYLEAK_PRIVATE_FINALIZE:
      *ret = 0;
      if (finalize_check_wanted()) {
         pl_finalize_checks++;
         pl_leak_check(tid, PL_WhenFinalize, NULL, pl_clo_leak_check);
      }
      return True;
   case VG_USERREQ__PYLEAK_PRIVATE_PYTHONMALLOC:
      *ret = pl_python_pythonmalloc((const HChar*)arg[1]);
      return True;
   case VG_USERREQ__PYLEAK_PRIVATE_NEW_REFERENCE:
      pl_shadow_renew(tid, (Addr)arg[1]);
      *ret = 0;
      return True;
   case VG_USERREQ__DO_LEAK_CHECK: {
      /* memcheck.h's VALGRIND_DO_LEAK_CHECK (arg1 0) and
         VALGRIND_DO_QUICK_LEAK_CHECK (arg1 1); arg2 the delta mode:
         DO_ADDED_LEAK_CHECK 1, DO_CHANGED_LEAK_CHECK 2,
         DO_NEW_LEAK_CHECK 3 (Valgrind 3.21+). */
      PL_CheckParams cp;
      pl_check_params(&cp, arg[1] == 1 ? PL_LCSummary : PL_LCFull);
      cp.delta = arg[2] == 1 ? PL_DeltaIncreased
                 : arg[2] == 2 ? PL_DeltaChanged
                 : arg[2] == 3 ? PL_DeltaNew : PL_DeltaAny;
      pl_leak_check_with(tid, PL_WhenRequest, NULL, &cp);
      *ret = 0;
      return True;
   }
   default:
      /* memcheck's definedness and addressability requests mean
         nothing here; accept them quietly so that programs annotated
         for memcheck run unchanged. */
      if (VG_IS_TOOL_USERREQ('M', 'C', arg[0])) {
         *ret = 0;
         return True;
      }
      return False;
   }
}

/*------------------------------------------------------------*/
/*--- Exit                                                 ---*/
/*------------------------------------------------------------*/

ThreadId pl_exit_tid = VG_INVALID_THREADID;
Bool     pl_exit_by_signal = False;

/* The core tells the tool nothing about how the client ended, so watch
   the syscalls that end it.  exit_group ends the process; exit ends a
   thread, and the process when it is the last one; a signal the
   process sends itself (raise, abort) is the usual fatal signal.  A
   signal from outside (kill from a shell, SIGSEGV) is not seen: the
   JSON then says neither exit code nor signal. */
static struct {
   Bool     group_seen;       /* exit_group called */
   ThreadId group_tid;
   Int      group_status;
   Bool     exit_seen;        /* some thread called exit */
   ThreadId exit_tid;
   Int      exit_status;
   Int      self_signal;      /* last signal sent to ourselves, or 0 */
} ending;

static void pl_pre_syscall ( ThreadId tid, UInt sysno, UWord* args,
                             UInt nArgs )
{
   switch (sysno) {
   case __NR_exit_group:
      ending.group_seen   = True;
      ending.group_tid    = tid;
      ending.group_status = (Int)(args[0] & 0xff);
      break;
   case __NR_exit:
      ending.exit_seen   = True;
      ending.exit_tid    = tid;
      ending.exit_status = (Int)(args[0] & 0xff);
      break;
   case __NR_execve:
      pl_python_before_exec((const HChar*)args[0]);
      break;
   case __NR_tgkill:                    /* tgkill(tgid, tid, sig) */
      if ((Int)args[0] == VG_(getpid)() && args[2] != 0)
         ending.self_signal = (Int)args[2];
      break;
   case __NR_kill:                      /* kill(pid, sig) */
   case __NR_tkill:                     /* tkill(tid, sig) */
      if (((Int)args[0] == VG_(getpid)() || sysno == __NR_tkill)
          && args[1] != 0)
         ending.self_signal = (Int)args[1];
      break;
   default:
      break;
   }
}

static void pl_post_syscall ( ThreadId tid, UInt sysno, UWord* args,
                              UInt nArgs, SysRes res ) { }

static void pl_fini ( Int exitcode_unused )
{
   Bool exited;
   Int  status;
   if (ending.group_seen) {
      exited = True;  status = ending.group_status;
      pl_exit_tid = ending.group_tid;
   } else if (ending.exit_seen && ending.self_signal == 0) {
      exited = True;  status = ending.exit_status;
      pl_exit_tid = ending.exit_tid;
   } else {
      /* A fatal signal: the core retires the thread it killed before
         calling us, as it does exit_group's, and we run on it.  Its
         stack is live, red zone included (it stopped anywhere). */
      exited = False; status = 0;
      pl_exit_tid = VG_(get_running_tid)();
      pl_exit_by_signal = True;
   }

   pl_intercept_drain();
   pl_python_fini();
   pl_print_heap_summary();
   pl_xml_heap_summary();

   if (pl_clo_leak_check != PL_LCNo) {
      Bool teardown = pl_finalize_checks > 0
                      && pl_clo_check_at == PL_AtFinalize;
      pl_leak_check(1 /* the core's convention at exit */,
                    teardown ? PL_WhenTeardown : PL_WhenExit,
                    NULL, pl_clo_leak_check);
   } else if (VG_(clo_verbosity) > 0) {
      VG_(umsg)("For a detailed leak analysis, rerun with:"
                " --leak-check=full\n");
      VG_(umsg)("\n");
   }

   pl_json_finish(status, exited, exited ? 0 : ending.self_signal);
   pl_supp_remove_memcheck_copies();
}

/*------------------------------------------------------------*/
/*--- Start-up                                             ---*/
/*------------------------------------------------------------*/

/*------------------------------------------------------------*/
/*--- Memory events the Python model cares about           ---*/
/*------------------------------------------------------------*/

/* A new object file may be a libpython (dlopen'ed by an embedder):
   the core has read its debug info by the time the tool hears of the
   mapping, and the next allocation looks at it. */
static void pl_new_mem_mmap ( Addr a, SizeT len, Bool rr, Bool ww, Bool xx,
                              ULong di_handle )
{
   if (di_handle != 0 || xx)
      pl_python_note_new_object();
}

static void pl_new_mem_startup ( Addr a, SizeT len, Bool rr, Bool ww,
                                 Bool xx, ULong di_handle )
{
   pl_python_note_new_object();
}

/* Memory that stops being readable: the guarded reads' cache of
   readable segments must forget it, and the scan the exited threads'
   stacks that were there (glibc unmaps cached stacks beyond its cache
   size; what is mapped there next is not a stack). */
static void pl_die_mem ( Addr a, SizeT len )
{
   pl_readable_flush();
   pl_scan_forget_stacks(a, len);
}
static void pl_mprotect ( Addr a, SizeT len, Bool rr, Bool ww, Bool xx )
{
   pl_readable_flush();
}
static void pl_remap ( Addr from, Addr to, SizeT len ) { pl_readable_flush(); }

static void pl_thread_exited ( ThreadId tid )
{
   pl_intercept_thread_exited(tid);
   pl_scan_thread_exited(tid);
}

static void pl_post_clo_init ( void )
{
   /* memcheck's rule: with --xml=yes the check at exit is a full one
      whatever --leak-check says (the XML is for a reader that wants
      every error), so a command line that gives both means the same. */
   if (VG_(clo_xml))
      pl_clo_leak_check = PL_LCFull;
   pl_unwind_init();
   pl_mc_print_ignored();
   pl_json_init();
   pl_baseline_init();
   pl_supp_add_defaults();
   pl_supp_add_memcheck_entries();
}

static IRSB* pl_instrument ( VgCallbackClosure* closure, IRSB* bb,
                             const VexGuestLayout* layout,
                             const VexGuestExtents* vge,
                             const VexArchInfo* archinfo_host,
                             IRType gWordTy, IRType hWordTy )
{
   bb = pl_exitclear_instrument(bb, layout, vge);
   return pl_newref_instrument(bb, layout);   /* see the comment on top */
}

static void pl_pre_clo_init ( void )
{
   VG_(details_name)            ("pyleak");
   VG_(details_version)         (PL_VERSION);
   VG_(details_description)     ("a Python-aware leak checker");
   VG_(details_copyright_author)(
      "Copyright (C) 2026, the pyleak developers; GNU GPL'd");
   VG_(details_bug_reports_to)  ("the pyleak issue tracker");
   VG_(details_avg_translation_sizeB)(275);

   VG_(basic_tool_funcs)(pl_post_clo_init, pl_instrument, pl_fini);

   VG_(needs_command_line_options)(pl_process_cmd_line_option,
                                   pl_print_usage, pl_print_debug_usage);
   VG_(needs_client_requests)(pl_handle_client_request);
   VG_(needs_syscall_wrapper)(pl_pre_syscall, pl_post_syscall);
   VG_(needs_xml_output)();
   VG_(needs_libc_freeres)();
   VG_(needs_cxx_freeres)();
   pl_register_errors();
   pl_intercept_register();

   VG_(track_new_mem_mmap)      (pl_new_mem_mmap);
   VG_(track_new_mem_startup)   (pl_new_mem_startup);
   VG_(track_die_mem_munmap)    (pl_die_mem);
   VG_(track_die_mem_brk)       (pl_die_mem);
   VG_(track_change_mem_mprotect)(pl_mprotect);
   VG_(track_copy_mem_remap)    (pl_remap);
   VG_(track_pre_thread_ll_exit)(pl_thread_exited);

   pl_shadow_init();
   VG_(atfork)(NULL, NULL, pl_fork_child);
   pl_custom_init();
   pl_python_init();
   pl_pystack_init();
}

VG_DETERMINE_INTERFACE_VERSION(pl_pre_clo_init)
