# Deep recursion under --py-depth=32: recurse() leaks 64 bytes from C
# at depths 100, 200 and 300.  The record keeps the innermost frames,
# an elision frame ("..."), and the outermost frames, so that main()
# and <module> are still there and the three leaks are one record
# (deep_check.py).
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lx import leakext  # noqa: E402


def recurse(n):
    if n == 0:
        leakext.leak_bytes(64)
        return
    recurse(n - 1)


def main():
    for depth in (100, 200, 300):
        recurse(depth)


sys.setrecursionlimit(2000)
main()
