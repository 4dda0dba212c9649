/* c_tree: build and tear down pointer-linked structures.
   Each round inserts random keys into an unbalanced binary search tree
   (one node + one strdup'd label per key), threads the nodes on a linked
   list, walks both, then frees everything.  Exercises many small blocks
   that point at each other, i.e. what a leak checker must scan. */
#include <stdio.h>
#include <string.h>
#include "bench_scale.h"

struct node {
   uint64_t key;
   char *label;
   struct node *left, *right, *next;
};

static struct node *insert(struct node **root, uint64_t key)
{
   struct node **p = root;
   while (*p)
      p = key < (*p)->key ? &(*p)->left : &(*p)->right;
   struct node *n = calloc(1, sizeof *n);
   char buf[32];
   snprintf(buf, sizeof buf, "k%llu", (unsigned long long)key);
   n->key = key;
   n->label = strdup(buf);
   return *p = n;
}

static uint64_t walk(const struct node *n)
{
   return n ? n->key + strlen(n->label) + walk(n->left) + walk(n->right) : 0;
}

int main(void)
{
   long rounds = scaled(100);
   const long keys = 20000;
   uint64_t sum = 0;

   for (long r = 0; r < rounds; r++) {
      struct node *root = NULL, *list = NULL;
      for (long i = 0; i < keys; i++) {
         struct node *n = insert(&root, rnd() % 1000000007u);
         n->next = list;
         list = n;
      }
      sum += walk(root);
      while (list) {                      /* teardown via the list */
         struct node *next = list->next;
         free(list->label);
         free(list);
         list = next;
      }
   }
   printf("c_tree rounds=%ld sum=%llu\n", rounds, (unsigned long long)sum);
   return 0;
}
