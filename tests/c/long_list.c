/* long_list: a 10,000,000-node singly linked list whose head is dropped.

   build_list() builds the list by pushing 16-byte nodes (new_node <
   build_list) on its front and returns without keeping the head.  The head
   (the last node allocated) is then definitely lost, and every other node is
   reachable only from it, so indirectly lost.  A checker that follows
   pointers recursively would overflow its stack here; memcheck uses an
   explicit mark stack.

   Expected at exit:
     definite  16 bytes in 1 block
     indirect  159,999,984 bytes in 9,999,999 blocks
   (all nodes have the same allocation stack, so one record of each kind).

   The heap is moved above 4 GB first (move_heap_above_4g(), see
   leaktest.h): otherwise non-pointer words in ld.so's data (ELF hash
   values, string fragments) fall inside some nodes, and memcheck reported
   408,320 nodes as still reachable and 1,430,990 as possibly lost (and
   pyleak, whose blocks lie elsewhere, different numbers). */
#define LEAKTEST_NEED_HIGH_HEAP 1
#include <stdlib.h>
#include "leaktest.h"

#define NNODES 10000000L

struct node {
   struct node *next;
   long value;
};

static NOINLINE struct node *new_node(void)
{
   return malloc(sizeof(struct node));
}

static NOINLINE void build_list(void)
{
   struct node *volatile head = NULL;
   long i;
   for (i = 0; i < NNODES; i++) {
      struct node *n = new_node();
      n->next = head;
      n->value = i;
      head = n;
   }
   head = NULL;
}

int main(void)
{
   move_heap_above_4g();
   build_list();
   clobber_stack();
   return 0;
}
