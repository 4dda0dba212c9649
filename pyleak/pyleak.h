/* pyleak.h: client requests for programs that run under pyleak.
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   Include this in a program to ask pyleak for a leak check at a point of
   your choosing.  Every macro is a no-op costing a few instructions when
   the program does not run under Valgrind, like the other Valgrind
   client-request headers.  Needs <valgrind/valgrind.h> on the include path. */

#ifndef __PYLEAK_H
#define __PYLEAK_H

#include "valgrind.h"

typedef enum {
   VG_USERREQ__PYLEAK_LEAK_CHECK = VG_USERREQ_TOOL_BASE('P','L'),
   VG_USERREQ__PYLEAK_COUNT_LEAKS,
   VG_USERREQ__PYLEAK_COUNT_LEAK_BLOCKS,
   VG_USERREQ__PYLEAK_CHECKPOINT,
   VG_USERREQ__PYLEAK_COUNT_GROWTH,

   /* Private to pyleak's own preload library (pl_preload.c), not for
      programs; these numbers may change between versions. */
   VG_USERREQ__PYLEAK_PRIVATE_PYTHONMALLOC
      = VG_USERREQ_TOOL_BASE('P','L') + 0x100,
   VG_USERREQ__PYLEAK_PRIVATE_NEW_REFERENCE,
   VG_USERREQ__PYLEAK_PRIVATE_FINALIZE_FN,
   VG_USERREQ__PYLEAK_PRIVATE_FINALIZE,
   VG_USERREQ__PYLEAK_PRIVATE_FREE_BUFFER,
   VG_USERREQ__PYLEAK_PRIVATE_FREE_FLUSH,
   VG_USERREQ__PYLEAK_PRIVATE_FREE
} Vg_PyleakClientRequest;

/* Run a full leak check now; LABEL (a C string, or NULL) names it in the
   text report and in the JSON file (checks[].label, "when": "request"). */
#define PYLEAK_LEAK_CHECK(label)                                        \
   VALGRIND_DO_CLIENT_REQUEST_STMT(VG_USERREQ__PYLEAK_LEAK_CHECK,       \
                                   (label), 0, 0, 0, 0)

/* Bytes found by the most recent leak check, in memcheck's four
   groups: leaked = definite + indirect, dubious = possible, reachable,
   suppressed.  The arguments are lvalues of an integer type. */
#define PYLEAK_COUNT_LEAKS(leaked, dubious, reachable, suppressed)      \
   {unsigned long _qzz_leaked    = 0, _qzz_dubious    = 0;              \
    unsigned long _qzz_reachable = 0, _qzz_suppressed = 0;              \
    VALGRIND_DO_CLIENT_REQUEST_STMT(VG_USERREQ__PYLEAK_COUNT_LEAKS,     \
                               &_qzz_leaked, &_qzz_dubious,             \
                               &_qzz_reachable, &_qzz_suppressed, 0);   \
    leaked     = _qzz_leaked;                                           \
    dubious    = _qzz_dubious;                                          \
    reachable  = _qzz_reachable;                                        \
    suppressed = _qzz_suppressed;                                       \
   }

/* The same in blocks. */
#define PYLEAK_COUNT_LEAK_BLOCKS(leaked, dubious, reachable, suppressed) \
   {unsigned long _qzz_leaked    = 0, _qzz_dubious    = 0;              \
    unsigned long _qzz_reachable = 0, _qzz_suppressed = 0;              \
    VALGRIND_DO_CLIENT_REQUEST_STMT(VG_USERREQ__PYLEAK_COUNT_LEAK_BLOCKS, \
                               &_qzz_leaked, &_qzz_dubious,             \
                               &_qzz_reachable, &_qzz_suppressed, 0);   \
    leaked     = _qzz_leaked;                                           \
    dubious    = _qzz_dubious;                                          \
    reachable  = _qzz_reachable;                                        \
    suppressed = _qzz_suppressed;                                       \
   }

/* Take a checkpoint labelled LABEL (a C string, or NULL): group the
   live blocks by kind and stack, compare with the previous checkpoint,
   and show the records that grew at each of the last MIN_RUNS
   checkpoints (1: grew since the previous one; 0: show nothing, only
   remember).  Run the code under test W times, take a checkpoint with
   MIN_RUNS 0, then N times: run it, take a checkpoint with MIN_RUNS 0,
   and N at the last one: what is shown grew at every run. */
#define PYLEAK_CHECKPOINT(label, min_runs)                              \
   VALGRIND_DO_CLIENT_REQUEST_STMT(VG_USERREQ__PYLEAK_CHECKPOINT,       \
                                   (label), (min_runs), 0, 0, 0)

/* What the latest checkpoint showed: bytes and blocks it grew by (may
   be negative for blocks), and how many records.  Lvalues of type
   long. */
#define PYLEAK_COUNT_GROWTH(bytes, blocks, records)                     \
   {long _qzz_bytes = 0, _qzz_blocks = 0, _qzz_records = 0;             \
    VALGRIND_DO_CLIENT_REQUEST_STMT(VG_USERREQ__PYLEAK_COUNT_GROWTH,    \
                               &_qzz_bytes, &_qzz_blocks,               \
                               &_qzz_records, 0, 0);                    \
    bytes   = _qzz_bytes;                                               \
    blocks  = _qzz_blocks;                                              \
    records = _qzz_records;                                             \
   }

#endif /* __PYLEAK_H */
