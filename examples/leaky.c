/* examples/leaky.c: a small program with one leak of each kind, for the
   README's quick start:  valgrind --tool=pyleak examples/leaky

   - parse_config() loses a 64-byte buffer:             definitely lost
   - build_index() loses a list head and its 3 nodes:   definitely lost
                                                        + 3 indirectly lost
   - the cache keeps only a pointer into its middle:     possibly lost
   - the registry stays reachable from a global:         still reachable */

#include <stdlib.h>
#include <string.h>

struct node { struct node* next; int value; };

static char* registry;          /* reachable */
static char* cache_cursor;      /* points into the middle of a block */

static void __attribute__((noinline)) parse_config ( void )
{
   char* buf = malloc(64);
   strcpy(buf, "verbose=1");
   /* forgot free(buf) */
}

static struct node* __attribute__((noinline)) build_index ( int n )
{
   struct node* head = NULL;
   for (int i = 0; i < n; i++) {
      struct node* nd = malloc(sizeof *nd);
      nd->value = i;
      nd->next = head;
      head = nd;
   }
   return head;
}

int main ( void )
{
   registry = malloc(128);
   parse_config();
   build_index(4);                    /* result dropped */
   char* cache = malloc(256);
   cache_cursor = cache + 100;
   return 0;
}
