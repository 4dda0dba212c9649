/* pyleak: the dominator tree of the reachable heap.
   Copyright (C) 2026 the pyleak developers.  GPL-2.0-or-later.

   A node D dominates N when every path from the root to N passes
   through D: were D let go, N would go with it.  What a retainer
   really keeps alive (its retained size, as heap analysers for other
   runtimes report it) is therefore the sum over the nodes it
   dominates, not over the nodes the scan happened to reach first
   through it: a list's item array, a bytearray's buffer, a dict's
   keys table are C blocks behind objects, and an object that two
   retainers share belongs to neither.

   This is Lengauer and Tarjan's algorithm (the simple version, with
   path compression; O(E log N)), on a graph given as edge arrays.  No
   recursion: the heap's paths are as deep as its longest linked list. */

#include "pub_tool_basics.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_mallocfree.h"
#include "pl_include.h"

/* Compressed sparse rows: the edges of node v are adj[off[v] ..
   off[v+1]). */
static void build_csr ( UInt n, UInt n_edges, const UInt* from,
                        const UInt* to, /*OUT*/UInt** off, /*OUT*/UInt** adj )
{
   UInt* o = VG_(calloc)("pl.dom.off", n + 2, sizeof(UInt));
   UInt* a = VG_(malloc)("pl.dom.adj", (n_edges + 1) * sizeof(UInt));
   for (UInt e = 0; e < n_edges; e++)
      o[from[e] + 2]++;
   for (UInt v = 0; v < n; v++)
      o[v + 2] += o[v + 1];
   for (UInt e = 0; e < n_edges; e++)
      a[o[from[e] + 1]++] = to[e];
   *off = o;
   *adj = a;
}

/* EVAL of Lengauer-Tarjan on DFS numbers: the vertex of least semi
   number on the forest path above V, compressing the path on the
   way (an explicit stack instead of the usual recursion). */
static UInt eval ( UInt v, UInt* ancestor, UInt* label, const UInt* semi,
                   UInt* stack )
{
   if (ancestor[v] == 0)
      return v;
   UInt sp = 0;
   for (UInt u = v; ancestor[ancestor[u]] != 0; u = ancestor[u])
      stack[sp++] = u;
   while (sp > 0) {
      UInt u = stack[--sp];
      UInt a = ancestor[u];
      if (semi[label[a]] < semi[label[u]])
         label[u] = label[a];
      ancestor[u] = ancestor[a];
   }
   return label[v];
}

UInt* pl_dominators ( UInt n, UInt n_edges, const UInt* from, const UInt* to )
{
   UInt *soff, *succ, *poff, *pred;
   build_csr(n, n_edges, from, to, &soff, &succ);
   build_csr(n, n_edges, to, from, &poff, &pred);

   /* Depth-first numbering from node 0, numbers from 1 (0: not
      reached).  vertex[k]: the node numbered k; parent: DFS tree. */
   UInt* num    = VG_(calloc)("pl.dom.num", n + 1, sizeof(UInt));
   UInt* vertex = VG_(malloc)("pl.dom.vertex", (n + 2) * sizeof(UInt));
   UInt* parent = VG_(calloc)("pl.dom.parent", n + 2, sizeof(UInt));
   UInt* stack  = VG_(malloc)("pl.dom.stack", (n + 2) * sizeof(UInt));
   UInt* pos    = VG_(malloc)("pl.dom.pos", (n + 2) * sizeof(UInt));
   UInt  count = 0, sp = 0;
   num[0] = ++count;
   vertex[count] = 0;
   stack[sp] = 0; pos[sp] = soff[0]; sp++;
   while (sp > 0) {
      UInt v = stack[sp - 1];
      if (pos[sp - 1] == soff[v + 1]) { sp--; continue; }
      UInt w = succ[pos[sp - 1]++];
      if (num[w] != 0) continue;
      num[w] = ++count;
      vertex[count] = w;
      parent[count] = num[v];
      stack[sp] = w; pos[sp] = soff[w]; sp++;
   }
   VG_(free)(pos);

   /* From here on, everything is indexed by DFS number. */
   UInt* semi     = VG_(malloc)("pl.dom.semi", (count + 1) * sizeof(UInt));
   UInt* label    = VG_(malloc)("pl.dom.label", (count + 1) * sizeof(UInt));
   UInt* ancestor = VG_(calloc)("pl.dom.anc", count + 1, sizeof(UInt));
   UInt* dom      = VG_(calloc)("pl.dom.dom", count + 1, sizeof(UInt));
   UInt* bucket   = VG_(calloc)("pl.dom.bucket", count + 1, sizeof(UInt));
   UInt* next     = VG_(calloc)("pl.dom.next", count + 1, sizeof(UInt));
   for (UInt k = 1; k <= count; k++)
      semi[k] = label[k] = k;
   for (UInt w = count; w >= 2; w--) {
      UInt v_node = vertex[w];
      for (UInt e = poff[v_node]; e < poff[v_node + 1]; e++) {
         UInt v = num[pred[e]];
         if (v == 0) continue;               /* from an unreached node */
         UInt u = eval(v, ancestor, label, semi, stack);
         if (semi[u] < semi[w]) semi[w] = semi[u];
      }
      next[w] = bucket[semi[w]];
      bucket[semi[w]] = w;
      UInt p = parent[w];
      ancestor[w] = p;                       /* LINK(parent, w) */
      for (UInt v = bucket[p]; v != 0; v = next[v]) {
         UInt u = eval(v, ancestor, label, semi, stack);
         dom[v] = semi[u] < semi[v] ? u : p;
      }
      bucket[p] = 0;
   }
   for (UInt w = 2; w <= count; w++)
      if (dom[w] != semi[w])
         dom[w] = dom[dom[w]];

   /* Back to node numbers; node 0 and unreached nodes get n. */
   UInt* idom = VG_(malloc)("pl.dom.idom", (n + 1) * sizeof(UInt));
   for (UInt v = 0; v < n; v++)
      idom[v] = n;
   for (UInt w = 2; w <= count; w++)
      idom[vertex[w]] = vertex[dom[w]];

   VG_(free)(semi); VG_(free)(label); VG_(free)(ancestor);
   VG_(free)(dom);  VG_(free)(bucket); VG_(free)(next);
   VG_(free)(num);  VG_(free)(vertex); VG_(free)(parent);
   VG_(free)(stack);
   VG_(free)(soff); VG_(free)(succ); VG_(free)(poff); VG_(free)(pred);
   return idom;
}
