/* pyleak: allocation stacks, without unwinding each one.
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   Every allocation needs its native stack, and the core's unwinder
   (a CFI lookup and a rule evaluation per frame) was the largest part
   of what pyleak added to an allocation.  But a program allocates from
   a small set of call chains, over and over.  Two caches, both filled
   only from what the core's unwinder itself found:

   - Frame sizes.  For a frame whose IP is X, how far above the frame's
     stack pointer its caller's stack pointer is (the caller's return
     address sits just below it).  At one IP a function's frame has one
     size, except in functions that move the stack pointer by a
     run-time amount (alloca, variable-length arrays): an IP seen with
     two sizes is never used again.
   - Chains.  Stacks the unwinder produced, keyed by their IPs and the
     stack-pointer offsets of their frames, with their ExeContexts.

   A stack is then found by walking the client's stack with the frame
   sizes (one table lookup and one read per frame) and looking the
   result up among the chains.  Only a chain that the unwinder produced
   before, frame for frame at the same offsets from the stack pointer,
   is taken; anything else (an IP not seen, a new chain, a size that
   varies) goes to the unwinder, whose answer fills both caches.  A
   chain that matches is the unwinder's answer for the same return
   addresses at the same places: the walk can only differ from a real
   unwind where a frame's size is not fixed, and such a frame would
   have to leave, at the place a fixed size points to, the very return
   address of an earlier unwind.

   Stacks end where the unwinder ended them: at --num-callers frames,
   where it could go no further (remembered as a frame size of 0), or,
   for allocations made by Python code, at the evaluation-loop frame
   that runs the outermost Python frames (see pl_shadow.c). */

#include "pub_tool_basics.h"
#include "pub_tool_debuginfo.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_machine.h"
#include "pub_tool_options.h"
#include "pub_tool_stacktrace.h"
#include "pl_include.h"
#include "pl_python.h"

#define PL_UNWIND_MAX   500          /* the core's --num-callers limit */
#define PL_FAST_FRAMES  32           /* longer stacks: always unwound */
/* Where C called Python back, how many frames past --num-callers the
   stack may go to reach the loop that runs the caller's Python code
   (the interpreter's call protocol alone is up to 8 frames deep in a
   debug build, then comes the C code that called back). */
#define PL_CALLBACK_FRAMES 16

/*------------------------------------------------------------*/
/*--- Frame sizes                                          ---*/
/*------------------------------------------------------------*/

/* One word per IP: the IP (user-space addresses fit in 48 bits) above
   a 16-bit size code.  Small, so that it stays in the CPU's caches. */
#define N_SIZES     8192             /* direct-mapped */
#define SIZE_END    0                /* the unwinder stopped here */
#define SIZE_VARIES 0xFFFF           /* seen with two sizes: not used */
#define SIZE_TAIL   0xFFFE           /* the unwinder went on by rules of
                                        its own: the chain has the rest */
#define SIZE_MAX_   0xFFF0           /* larger frames are not cached */

static ULong sizes[N_SIZES];

static inline UWord ip_slot ( Addr ip )
{
   return (UWord)((ip * 0x9E3779B97F4A7C15ULL) >> 51);
}

/* The size code of IP, or SIZE_VARIES when IP is not in the table. */
static inline UInt size_of ( Addr ip )
{
   ULong e = sizes[ip_slot(ip)];
   return (e >> 16) == ip ? (UInt)(e & 0xFFFF) : SIZE_VARIES;
}

static void learn_size ( Addr ip, UInt code )
{
   if (ip >> 48)
      return;
   ULong* e = &sizes[ip_slot(ip)];
   if ((*e >> 16) != ip)             /* new, or evicts another IP */
      *e = ((ULong)ip << 16) | code;
   else if ((*e & 0xFFFF) != code)
      *e = ((ULong)ip << 16) | SIZE_VARIES;
}

/*------------------------------------------------------------*/
/*--- Chains                                               ---*/
/*------------------------------------------------------------*/

#define N_CHAINS 4096                /* direct-mapped */

typedef struct {
   UWord       hash;
   ExeContext* ec;
   UInt        n;                    /* frames the walk reproduces */
   Addr        ips[PL_FAST_FRAMES];
   UInt        offs[PL_FAST_FRAMES]; /* frame i's SP - frame 0's SP */
} Chain;
static Chain* chains;                /* N_CHAINS, allocated on first use */

static UWord chain_hash ( const Addr* ips, const UInt* offs, UInt n )
{
   UWord h = pl_hash_words(ips, n);
   for (UInt i = 0; i < n; i++)
      h = (h ^ offs[i]) * 0x100000001b3ULL;
   return h;
}

static ExeContext* chain_find ( const Addr* ips, const UInt* offs, UInt n )
{
   UWord  h = chain_hash(ips, offs, n);
   Chain* c = &chains[h % N_CHAINS];
   if (c->hash != h || c->n != n || c->ec == NULL)
      return NULL;
   for (UInt i = 0; i < n; i++)
      if (c->ips[i] != ips[i] || c->offs[i] != offs[i])
         return NULL;
   return c->ec;
}

/* What the unwinder found (IPS, SPS: N frames, ENDED: it could go no
   further) goes into both caches, as far as every return address is
   where the frame sizes say: just below the caller's stack pointer.
   Past the first frame where it is not, the unwinder used rules of its
   own, and the walk does not follow.  Below main (the unwinder goes on
   through the junk that the kernel's initial stack looks like) what it
   finds depends only on that stack, which does not change: the last
   frame's size is "tail", and the chain up to it stands for the whole
   stack.  Anywhere else (a signal frame, whose caller is whatever the
   signal interrupted; code without unwind information) the walk must
   not pass that frame: its IP is marked as varying. */
static Bool at_or_below_main ( const Addr* ips, UInt m )
{
   DiEpoch ep = VG_(current_DiEpoch)();
   for (UInt i = m; i > 0; i--)
      if (VG_(get_fnname_kind_from_IP)(ep, ips[i - 1]) != Vg_FnNameNormal)
         return True;
   return False;
}

static void learn ( const Addr* ips, const Addr* sps, UInt n, Bool ended,
                    ExeContext* ec )
{
   UInt offs[PL_FAST_FRAMES];
   UInt m = 1;                       /* frames the walk can reproduce */
   if (n == 0 || n > PL_FAST_FRAMES)
      return;
   offs[0] = 0;
   for (; m < n; m++) {
      if (sps[m] <= sps[m - 1] || sps[m] - sps[0] > 0x7FFFFFFF
          || !pl_readable(sps[m] - sizeof(Addr), sizeof(Addr))
          || *(const Addr*)(sps[m] - sizeof(Addr)) != ips[m] + 1)
         break;
      offs[m] = (UInt)(sps[m] - sps[0]);
   }
   for (UInt i = 0; i + 1 < m; i++) {
      UInt size = offs[i + 1] - offs[i];
      learn_size(ips[i], size < SIZE_MAX_ ? size : SIZE_VARIES);
   }
   if (m < n && !at_or_below_main(ips, m)) {
      learn_size(ips[m - 1], SIZE_VARIES);
      return;
   }
   if (m < n)
      learn_size(ips[m - 1], SIZE_TAIL);
   else if (ended)
      learn_size(ips[m - 1], SIZE_END);
   UWord  h = chain_hash(ips, offs, m);
   Chain* c = &chains[h % N_CHAINS];
   c->hash = h;
   c->ec   = ec;
   c->n    = m;
   VG_(memcpy)(c->ips,  ips,  m * sizeof(Addr));
   VG_(memcpy)(c->offs, offs, m * sizeof(UInt));
}

/*------------------------------------------------------------*/
/*--- The walk                                             ---*/
/*------------------------------------------------------------*/

/* An eval-loop frame.  Where the loop's cold part is only known by
   name (pl_python.c), a frame in the interpreter's code is asked by
   name too (remembered per IP): otherwise the first stack through a
   part of it not yet seen would go past the loop and differ from the
   next ones through the same call site, and their blocks would be two
   records (and a checkpoint would see two groups). */
static inline Bool in_eval ( Addr ip )
{
   if (pl_py_in_eval(ip))
      return True;
   return pl_py.cold_by_name && ip >= pl_py.text_lo && ip < pl_py.text_hi
          && pl_py_in_eval_named(ip);
}

/* Walk at most MAX frames with the frame sizes; stop after the
   N_EVAL-th eval-loop frame (0: do not).  The chain's ExeContext, or
   NULL. */
static ExeContext* walk ( ThreadId tid, UInt max, UInt n_eval )
{
   Addr ips[PL_FAST_FRAMES];
   UInt offs[PL_FAST_FRAMES];
   Addr sp0 = VG_(get_SP)(tid), sp = sp0;
   UInt n = 1;
   ips[0]  = VG_(get_IP)(tid);
   offs[0] = 0;
   while (n < max) {
      UInt size = size_of(ips[n - 1]);
      if (size == SIZE_VARIES)
         return NULL;
      if (size == SIZE_END || size == SIZE_TAIL)
         break;
      sp += size;
      if (n == PL_FAST_FRAMES || sp - sp0 > 0x7FFFFFFF
          || !pl_readable(sp - sizeof(Addr), sizeof(Addr)))
         return NULL;
      ips[n]  = *(const Addr*)(sp - sizeof(Addr)) - 1;
      offs[n] = (UInt)(sp - sp0);
      n++;
      if (n_eval && in_eval(ips[n - 1]) && --n_eval == 0)
         break;
   }
   return chain_find(ips, offs, n);
}

/* --num-callers as the user gave it: the depth of every stack but the
   deeper ones above, for which the core's own limit (the longest
   ExeContext it keeps) is raised at start-up. */
static UInt num_callers = 12;

void pl_unwind_init ( void )
{
   num_callers = VG_(clo_backtrace_size);
   VG_(clo_backtrace_size) = num_callers + PL_CALLBACK_FRAMES < PL_UNWIND_MAX
                             ? num_callers + PL_CALLBACK_FRAMES
                             : PL_UNWIND_MAX;
}

UInt pl_num_callers ( void )
{
   return num_callers;
}

ExeContext* pl_unwind ( ThreadId tid, UInt n_eval, UChar* depth )
{
   UInt k = n_eval >= 2 ? VG_(clo_backtrace_size) : num_callers;
   if (UNLIKELY(chains == NULL))
      chains = VG_(calloc)("pl.unwind.chains", N_CHAINS, sizeof(Chain));
   if (pl_py.eval_lo == 0)
      n_eval = 0;
   Bool to_eval = n_eval > 0;

   ExeContext* ec = walk(tid, k, n_eval);
   if (ec)
      return ec;

   /* The unwinder.  Toward an eval-loop frame, no deeper than the
      deepest one seen from the same Python stack (*DEPTH) at first. */
   static Addr ips[PL_UNWIND_MAX], sps[PL_UNWIND_MAX];
   UInt max = to_eval && depth && *depth ? *depth + 1 : k;
   if (max > k) max = k;
   for (;;) {
      UInt n = VG_(get_StackTrace)(tid, ips, max, sps, NULL, 0);
      UInt left = n_eval;
      if (to_eval)
         for (UInt i = 1; i < n; i++)
            if (in_eval(ips[i]) && --left == 0) {
               if (depth && i > *depth) *depth = (UChar)(i < 255 ? i : 255);
               ec = VG_(make_ExeContext_from_StackTrace)(ips, i + 1);
               learn(ips, sps, i + 1, False, ec);
               return ec;
            }
      if (n < max || max == k) {           /* the whole stack, or k */
         if (to_eval && depth)
            *depth = (UChar)(k - 1 < 255 ? k - 1 : 255);
         ec = VG_(make_ExeContext_from_StackTrace)(ips, n);
         learn(ips, sps, n, n < max, ec);
         return ec;
      }
      max = k;                                /* the hint was short */
   }
}
