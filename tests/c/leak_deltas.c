/* Delta leak checks, as memcheck makes them, and the monitor commands
   leak_check (with memcheck's arguments) and who_points_at, sent with
   VALGRIND_MONITOR_COMMAND:

   1. VALGRIND_DO_LEAK_CHECK: leak_a's 100 bytes, keep's 30 reachable;
   2. VALGRIND_DO_ADDED_LEAK_CHECK after leak_a again and leak_b: the
      records that grew, "200 (+100) bytes in 2 (+1) blocks" and
      "50 (+50) bytes in 1 (+1) blocks", and the summary's (+N);
   3. VALGRIND_DO_CHANGED_LEAK_CHECK after keep is freed: its record,
      gone, is shown as "0 (-30) bytes in 0 (-1) blocks";
   4. "leak_check full any limited 1": the largest record only;
   5. "leak_check summary heuristics none": the summary, no records;
   6. "who_points_at ADDR": the 40-byte block that the global 'held'
      and the block 'box' point to, and a pointer 8 bytes into it from
      'inner' with "who_points_at ADDR 16";
   7. "leak_check full kinds all any", then "block_list 1..20" (every
      record's blocks; leak_tree's 24-byte block with the 8-byte block
      only it reaches, an indirect loss record, under it) and
      "block_list 3 limited 1".
   The text is memcheck's, line for line (checked by hand with
   valgrind --tool=memcheck --show-leak-kinds=all). */

#include <stdio.h>
#include <stdlib.h>
#include "memcheck.h"
#include "leaktest.h"

static void*  keep;
static void*  held;
static void** box;
static char*  inner;

static void* sink;
static NOINLINE void leak_a ( void ) { sink = malloc(100); sink = NULL; }
static NOINLINE void leak_b ( void ) { sink = malloc(50); sink = NULL; }

static NOINLINE void leak_tree ( void )
{
   void** p = malloc(24);
   p[0] = malloc(8);
   p[1] = p[2] = NULL;
   sink = p;
   sink = NULL;
}

static NOINLINE void make_held ( void )
{
   held = malloc(40);
   box = malloc(sizeof(void*));
   box[0] = held;
   inner = (char*)held + 8;
}

int main ( void )
{
   char cmd[64];
   keep = malloc(30);
   leak_a();
   clobber_stack();
   VALGRIND_DO_LEAK_CHECK;

   leak_a();
   leak_b();
   clobber_stack();
   VALGRIND_DO_ADDED_LEAK_CHECK;

   free(keep);
   keep = NULL;
   VALGRIND_DO_CHANGED_LEAK_CHECK;

   (void)VALGRIND_MONITOR_COMMAND("leak_check full any limited 1");
   (void)VALGRIND_MONITOR_COMMAND("leak_check summary heuristics none");

   make_held();
   clobber_stack();
   snprintf(cmd, sizeof cmd, "who_points_at %p", held);
   (void)VALGRIND_MONITOR_COMMAND(cmd);
   snprintf(cmd, sizeof cmd, "who_points_at %p 16", held);
   (void)VALGRIND_MONITOR_COMMAND(cmd);

   leak_tree();
   clobber_stack();
   (void)VALGRIND_MONITOR_COMMAND("leak_check full kinds all any");
   (void)VALGRIND_MONITOR_COMMAND("block_list 1..20");
   (void)VALGRIND_MONITOR_COMMAND("block_list 3 limited 1");
   free(box);
   free(held);
   return 0;
}
