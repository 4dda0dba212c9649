# Checkpoints and the repeat rule (pyleak.checkpoint, pyleak.repeat).
# handle() fills a cache on its first call only (20 x 1000-byte bytes
# objects kept in a module dict) and leaks 700 bytes from C at every
# call.  repeat(handle, runs=4, warmups=1) must show the leak (grown at
# each of the 4 runs: +700 bytes; 2,800 live from the 4 calls of the
# measured loop, a call site of its own) and not the
# cache, which grew in the warm-up only.  Before that, a plain
# checkpoint pair shows what one call of step() added (500 bytes).
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                os.pardir, os.pardir, "python"))
import pyleak  # noqa: E402
from lx import leakext  # noqa: E402

_cache = {}


def lookup(key):
    if key not in _cache:
        _cache[key] = [bytes(1000) for _ in range(20)]
    return _cache[key]


def handle():
    lookup("config")
    leakext.leak_bytes(700)


def step():
    leakext.leak_bytes(500)


pyleak.checkpoint("before step")
step()
leakext.clobber_stack()     # no stale copy of step()'s pointer
shown = pyleak.checkpoint("after step")
print("after step: records", shown["records"] > 0,
      "bytes >= 500", shown["bytes"] >= 500)
shown = pyleak.repeat(handle, runs=4, warmups=1)
print("repeat:", shown)
leakext.clobber_stack()
