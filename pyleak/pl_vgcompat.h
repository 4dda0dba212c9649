/* pyleak: what differs in Valgrind's tool API between 3.19 and 3.27.
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   pyleak links Valgrind's core statically, so it is compiled against
   the headers of the very release it will run with (configure checks
   the range).  The tool API is not stable across releases; every
   difference that touches pyleak is settled here, once, from the
   version the headers themselves state (valgrind.h's
   __VALGRIND_MAJOR__/__VALGRIND_MINOR__), so that no stage tests a
   version.  Each entry names the release that changed and what the
   release notes and headers say.

   A mismatch that is not handled here must not build: the Makefile
   compiles with incompatible function-pointer types as errors,
   because a callback registered with the wrong signature would read
   its arguments from the wrong registers (with 3.22's memalign
   callback, the alignment as the size). */

#ifndef __PL_VGCOMPAT_H
#define __PL_VGCOMPAT_H

#include "pub_tool_basics.h"
#include "pub_tool_replacemalloc.h"
#include "valgrind.h"

#define PL_VG_VERSION   (__VALGRIND_MAJOR__ * 100 + __VALGRIND_MINOR__)
#define PL_VG_AT_LEAST(maj, min)   (PL_VG_VERSION >= (maj) * 100 + (min))

#if !PL_VG_AT_LEAST(3,19) || PL_VG_AT_LEAST(3,28)
#  warning "pyleak is written for Valgrind 3.19 to 3.27; this build is untested"
#endif

/* 3.22: the aligned operator new/new[] callbacks gain the alignment the
   program asked for (orig_align) after the one the core will use, and
   memalign's becomes (tid, align, orig_align, n).  pyleak allocates
   with the core's alignment (a power of two at least as large) and
   has no use for the original.  Write a handler's alignment parameter
   as `SizeT align PL_ORIG_ALIGN_PARAM`. */
#if PL_VG_AT_LEAST(3,22)
#  define PL_ORIG_ALIGN_PARAM   , SizeT orig_align
#else
#  define PL_ORIG_ALIGN_PARAM
#endif

/* 3.21: realloc(p, 0) reaches the tool (before, the replacement freed
   p and returned NULL itself).  --realloc-zero-bytes-frees says what
   the platform's realloc does: free p and return NULL (glibc), or
   behave as realloc(p, 1).  memcheck and the core's other tools
   follow it, and so does pyleak. */
#if PL_VG_AT_LEAST(3,21)
#  define pl_realloc_zero_frees()   VG_(clo_realloc_zero_bytes_frees)
#else
#  define pl_realloc_zero_frees()   True
#endif

/* 3.22: the core's malloc replacement (shared by every tool) sends
   memcheck's private "verify alignment" request before each aligned
   allocation and delete, so that memcheck can report bad alignments.
   pyleak reports no memory errors: it answers the request and does
   nothing, so the core never warns about a request nobody handled. */
#if PL_VG_AT_LEAST(3,22)
#  define PL_HAVE_VERIFY_ALIGNMENT_REQUEST 1
#  include "memcheck.h"
#  define PL_VERIFY_ALIGNMENT_REQUEST _VG_USERREQ__MEMCHECK_VERIFY_ALIGNMENT
#else
#  define PL_HAVE_VERIFY_ALIGNMENT_REQUEST 0
#endif

/* 3.26: the core writes XML protocol 6 for every tool (before, 4; 5
   only with --track-fds), which adds summaries; memcheck writes, in
   its variant, <heap_summary> at exit, <all_heap_blocks_freed> at
   every leak check (before its errors) and <leak_summary> after them
   (docs/internals/xml-output-protocol6.txt).  A reader of protocol 6
   reads the totals there, so pyleak writes them under the same
   protocol, and not under 4, where they do not exist. */
#define PL_XML_SUMMARIES   PL_VG_AT_LEAST(3,26)

#endif /* __PL_VGCOMPAT_H */
