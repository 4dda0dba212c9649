/* pyleak: the dead stack at exit().
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   memcheck sees a frame's words as undefined until they are written.
   When main() has returned and exit()'s calls lay their frames over
   main's, the locals main left there are no pointers to memcheck, and
   what only those locals held is definitely lost.  pyleak reads words
   without knowing whether they were written; so when a thread enters
   libc's exit(), the dead part of its stack below the stack pointer is
   cleared (pl_scan_clear_dead_stack): exit()'s frames, and the exit
   handlers', then hold only what they write, as memcheck sees them.
   Nothing a program may rely on lies below its stack pointer at a
   function's entry: a call has just passed.

   The entry is found when its code is translated (the first
   instruction of a superblock that is the entry of a function named
   exit in libc), so no wrapper adds a frame of its own. */

#include "pub_tool_basics.h"
#include "pub_tool_debuginfo.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_machine.h"
#include "pub_tool_threadstate.h"
#include "pub_tool_tooliface.h"
#include "pl_include.h"

static VG_REGPARM(0) void exit_entered ( void )
{
   pl_scan_clear_dead_stack(VG_(get_running_tid)());
}

static Bool is_libc_exit ( Addr a )
{
   const HChar* fn;
   const HChar* obj;
   DiEpoch ep = VG_(current_DiEpoch)();
   if (!VG_(get_fnname_if_entry)(ep, a, &fn) || VG_(strcmp)(fn, "exit") != 0)
      return False;
   if (!VG_(get_objname)(ep, a, &obj))
      return False;
   const HChar* base = VG_(strrchr)(obj, '/');
   base = base ? base + 1 : obj;
   return VG_(strncmp)(base, "libc.so", 7) == 0;
}

IRSB* pl_exitclear_instrument ( IRSB* bb, const VexGuestLayout* layout,
                                const VexGuestExtents* vge )
{
   /* A superblock starts at a function's entry, or reaches it by
      chasing a direct call: the entry is then the start of one of its
      extents. */
   Addr entry = 0;
   for (UInt k = 0; k < vge->n_used && entry == 0; k++)
      if (is_libc_exit((Addr)vge->base[k]))
         entry = (Addr)vge->base[k];
   if (entry == 0)
      return bb;
   IRSB* out = deepCopyIRSBExceptStmts(bb);
   for (Int i = 0; i < bb->stmts_used; i++) {
      IRStmt* st = bb->stmts[i];
      addStmtToIRSB(out, st);
      /* Right after exit()'s first instruction mark: before any of its
         own statements. */
      if (st->tag != Ist_IMark
          || (Addr)(st->Ist.IMark.addr + st->Ist.IMark.delta) != entry)
         continue;
      IRDirty* di = unsafeIRDirty_0_N(0, "pl_exit_entered",
                                      VG_(fnptr_to_fnentry)(&exit_entered),
                                      mkIRExprVec_0());
      di->nFxState = 1;
      di->fxState[0].fx        = Ifx_Read;
      di->fxState[0].offset    = layout->offset_SP;
      di->fxState[0].size      = layout->sizeof_SP;
      di->fxState[0].nRepeats  = 0;
      di->fxState[0].repeatLen = 0;
      addStmtToIRSB(out, IRStmt_Dirty(di));
   }
   return out;
}
