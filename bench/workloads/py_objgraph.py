"""py_objgraph: build and tear down an object graph of class instances.

Each round builds a tree of Node instances (ordinary classes with a
__dict__) and Leaf instances (__slots__), with parent back-pointers, so
the graph is full of reference cycles, then walks it and drops it.  Every
few rounds gc.collect() reclaims the cycles explicitly; the rest are left
to the collector's own thresholds.
Size: BENCH_SCALE (float, default 1.0) scales the number of rounds.
"""
import gc
import os

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
ROUNDS = max(1, int(200 * SCALE))


class Node:
    def __init__(self, name, parent):
        self.name = name
        self.parent = parent          # back-pointer: a cycle with children
        self.children = []
        self.attrs = {"depth": 0 if parent is None else parent.attrs["depth"] + 1}


class Leaf:
    __slots__ = ("value", "owner", "payload")

    def __init__(self, value, owner):
        self.value = value
        self.owner = owner
        self.payload = (value, str(value), [value] * 3)


def build(depth, fanout, parent=None, name="root"):
    node = Node(name, parent)
    if depth == 0:
        node.children = [Leaf(i, node) for i in range(fanout)]
    else:
        node.children = [build(depth - 1, fanout, node, f"{name}.{i}")
                         for i in range(fanout)]
    return node


def walk(node):
    if isinstance(node, Leaf):
        return node.value + len(node.payload[1])
    return len(node.name) + sum(walk(c) for c in node.children)


def main():
    total = 0
    for r in range(ROUNDS):
        root = build(depth=3, fanout=6)
        total += walk(root)
        del root                      # only the cycles keep it alive now
        if r % 8 == 7:
            total += gc.collect()
    total += gc.collect()
    print("py_objgraph", ROUNDS, total)


main()
