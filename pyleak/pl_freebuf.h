/* pyleak: the per-thread buffer of pending frees.
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   Shared by the preload (client side, pl_preload.c) and the tool
   (pl_intercept.c), so plain C types only.

   A call into the tool from the client costs a trip out of the
   translated code and back, which was a third of what an
   allocation-heavy Python program paid pyleak.  A free needs no answer,
   and the block it frees only has to be gone before anything looks at
   the heap (a leak check, the heap summary) or could reuse its memory
   (the tool's allocator, which cannot hand out a block it has not been
   told is free).  So libc's free, replaced in the preload, only writes
   the pointer into its thread's buffer; the tool takes the whole buffer
   in one call when it is full, and reads every thread's buffer before
   a leak check and at exit.

   Only the tool resets COUNT, inside a client call, while the owning
   thread is stopped in the preload's flush: a thread that Valgrind
   switched away from in the middle of a free can never overwrite
   entries the tool has not read, nor make the tool read an entry twice
   (the tool remembers how far it read each buffer). */

#ifndef __PL_FREEBUF_H
#define __PL_FREEBUF_H

#define PL_FREEBUF_CAP 128

typedef struct {
   volatile unsigned long count;           /* entries written */
   void* volatile         ptr[PL_FREEBUF_CAP];
} PL_FreeBuf;

#endif /* __PL_FREEBUF_H */
