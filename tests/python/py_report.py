# The program of py_report.vgtest (pyleak-report's test): one C leak
# (read_block's 30,000 and 20,000 bytes) reached from two Python call
# paths, load_index and warm_cache; a module-global cache that keeps
# growing (100,000-byte bytes objects, reachable Python objects retained
# by '_cache': the largest of their kind); and repeat() of a handler
# that adds to the cache and leaks 700 bytes from C at every call, so
# that the JSON file has a checkpoint with growth.
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                os.pardir, os.pardir, "python"))
import pyleak  # noqa: E402
from lx import leakext  # noqa: E402

_cache = {}


def read_block(n):
    leakext.leak_bytes(n)


def load_index():
    read_block(30000)


def warm_cache():
    read_block(20000)


def remember(key):
    _cache[key] = bytes(100000)


def handle():
    remember(len(_cache))
    leakext.leak_bytes(700)


def main():
    load_index()
    warm_cache()
    pyleak.repeat(handle, runs=3, warmups=1)


main()
leakext.clobber_stack()
