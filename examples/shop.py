# A small program with one leak of each kind pyleak tells apart (the
# worked examples of docs/python-leaks.md).  The C side is the test
# suite's leaky extension, built by `make check` into
# tests/python/ext-build for each interpreter found.
#
#   ./vg-in-place --tool=pyleak --num-callers=4 \
#       ~/.pyenv/versions/3.12.1/bin/python3.12 examples/shop.py
import gc
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "python", "ext-build"))
import leakext  # noqa: E402

gc.disable()


def parse_order(size):
    leakext.leak_bytes(size)          # C code mallocs and forgets: definite


def open_session():
    leakext.leak_struct()             # a lost struct and its child: indirect


def build_index(n):
    leakext.make_dict_leak(n)         # C code forgets a Py_DECREF: leaked-ref


class Order:
    pass


def link_orders():
    a, b = Order(), Order()
    a.next, b.next = b, a             # a cycle, the GC disabled


_cache = {}


def price(key):
    _cache[key] = bytes(1000)         # an unbounded cache: reachable-python
    return len(_cache)


for i in range(3):
    parse_order(256)
open_session()
build_index(4)
link_orders()
for i in range(50):
    price(i)
