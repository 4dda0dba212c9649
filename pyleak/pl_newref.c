/* pyleak: objects reused from CPython's free lists, seen where the
   interpreter gives them a new life.
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   CPython keeps freed lists, tuples, dicts, floats, ints (3.14+),
   slices, frames, cells, method objects ... on free lists and hands
   them out again without calling malloc, so the block's allocation
   stack would be that of the object's first life.  Every new life
   starts in _Py_NewReference, which the preload wraps (pl_preload.c).
   But the builds most users run -- Debian's, Ubuntu's, Fedora's
   python3 -- are linked with link-time optimisation, which inlines
   _Py_NewReference into every constructor and into the evaluation
   loop: the wrapper never runs there.

   What every inlined copy still does is set the object's reference
   count to 1 with one 64-bit store of the constant 1 (ob_refcnt on
   3.10-3.13, ob_refcnt_full on 3.14+).  So in the interpreter's own
   code -- and only there: a C program or an extension pays nothing --
   each such store gets a call to new_life() just before it.  It is
   a new life of a reused object when the address is an object at the
   start of a heap block (after its GC header for GC types), the block
   is not the one the thread has just allocated (a fresh object, whose
   stack is right), and the word after it is a static builtin type of
   the interpreter (free lists hold nothing else; a C struct of the
   interpreter whose first field is set to 1 does not have a type
   object there).  The block then takes the stacks of this moment, as
   with the wrapper.

   The cost is one helper call per executed store of that kind in the
   interpreter (most are these reference counts); the check is a few
   loads and at most two hash lookups. */

#include "pub_tool_basics.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_machine.h"
#include "pub_tool_threadstate.h"
#include "pub_tool_tooliface.h"
#include "pl_include.h"
#include "pl_python.h"

/* The helper called before each watched store; A is the address
   stored to.  VG_REGPARM(1): the address comes in a register. */
static VG_REGPARM(1) void new_life ( Addr a )
{
   /* Objects of the watched kinds start 16-aligned in their block:
      malloc's blocks are, and a GC header is 16 bytes. */
   if ((a & 15) == 0)
      pl_shadow_renew_reused(VG_(get_running_tid)(), a);
}

/* The interpreter's code: the executable or libpython, once found. */
static Bool in_interpreter ( Addr a )
{
   return a >= pl_py.text_lo && a < pl_py.text_hi;
}

/* A store of the 64-bit constant 1 by the interpreter's code (CUR is
   the address of the instruction it belongs to). */
static Bool watched ( const IRStmt* st, Addr cur )
{
   if (st->tag != Ist_Store || !in_interpreter(cur))
      return False;
   const IRExpr* e = st->Ist.Store.data;
   return e->tag == Iex_Const && e->Iex.Const.con->tag == Ico_U64
          && e->Iex.Const.con->Ico.U64 == 1;
}

IRSB* pl_newref_instrument ( IRSB* bb_in, const VexGuestLayout* layout )
{
   if (!pl_clo_py_stacks)
      return bb_in;
   if (!pl_py.found)
      pl_python_poll();           /* the interpreter may just be mapped */
   if (!pl_py.found || pl_py.debug_build || pl_py.text_hi == 0)
      return bb_in;               /* debug builds call _Py_NewReference */

   /* Most blocks have nothing to watch: look before copying. */
   Addr cur = 0;
   Bool any = False;
   for (Int i = 0; i < bb_in->stmts_used && !any; i++) {
      const IRStmt* st = bb_in->stmts[i];
      if (st->tag == Ist_IMark)
         cur = (Addr)(st->Ist.IMark.addr + st->Ist.IMark.delta);
      else if (watched(st, cur))
         any = True;
   }
   if (!any)
      return bb_in;

   IRSB* bb = deepCopyIRSBExceptStmts(bb_in);
   cur = 0;
   for (Int i = 0; i < bb_in->stmts_used; i++) {
      IRStmt* st = bb_in->stmts[i];
      if (st->tag == Ist_IMark)
         cur = (Addr)(st->Ist.IMark.addr + st->Ist.IMark.delta);
      if (watched(st, cur)) {
         /* The stacks are taken in the helper: the instruction pointer
            must be this instruction's, and the stack and frame
            pointers current. */
         addStmtToIRSB(bb, IRStmt_Put(layout->offset_IP,
                                      IRExpr_Const(IRConst_U64(cur))));
         IRDirty* di = unsafeIRDirty_0_N(
            1, "pl_newref_new_life", VG_(fnptr_to_fnentry)(&new_life),
            mkIRExprVec_1(st->Ist.Store.addr));
         di->nFxState = 3;
         di->fxState[0].fx     = Ifx_Read;
         di->fxState[0].offset = layout->offset_SP;
         di->fxState[0].size   = layout->sizeof_SP;
         di->fxState[1].fx     = Ifx_Read;
         di->fxState[1].offset = layout->offset_FP;
         di->fxState[1].size   = layout->sizeof_FP;
         di->fxState[2].fx     = Ifx_Read;
         di->fxState[2].offset = layout->offset_IP;
         di->fxState[2].size   = layout->sizeof_IP;
         for (Int k = 0; k < 3; k++) {
            di->fxState[k].nRepeats  = 0;
            di->fxState[k].repeatLen = 0;
         }
         addStmtToIRSB(bb, IRStmt_Dirty(di));
      }
      addStmtToIRSB(bb, st);
   }
   return bb;
}
