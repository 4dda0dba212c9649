/* examples/leaky.c: a small program with one leak of each kind, for the
   README's quick start:  valgrind --tool=pyleak examples/leaky

   - parse_config() loses a 64-byte buffer:             definitely lost
   - build_index() loses a list head and its 3 nodes:   definitely lost
                                                        + 3 indirectly lost
   - the cache keeps only a pointer into its middle:     possibly lost
   - the registry stays reachable from a global:         still reachable

   The pointers pass through volatile variables so that an optimising
   compiler keeps every allocation whatever the build's CFLAGS are. */

#include <stdlib.h>
#include <string.h>

struct node { struct node* next; int value; };

static char* volatile registry;      /* reachable */
static char* volatile cache_cursor;  /* points into the middle of a block */
static struct node* volatile index_root;  /* the index, until main drops it */

static void __attribute__((noinline, noclone)) parse_config ( void )
{
   char* volatile buf = malloc(64);
   strcpy(buf, "verbose=1");
   /* forgot free(buf) */
}

static struct node* __attribute__((noinline, noclone)) build_index ( int n )
{
   struct node* volatile head = NULL;
   for (int i = 0; i < n; i++) {
      struct node* volatile nd = malloc(sizeof *nd);
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
   index_root = build_index(4);
   index_root = NULL;                 /* the whole index is lost */
   char* volatile cache = malloc(256);
   cache_cursor = cache + 100;
   return 0;
}
