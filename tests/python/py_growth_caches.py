# Growth without the interpreter's caches: handle() looks up an
# attribute whose name it builds at every call (dispatch by name: the
# type attribute cache keeps each new name), matches a pattern it
# builds at every call (re's cache keeps each), asks an ABC about a
# class (its cache keeps a weak reference) and leaks 300 bytes from C.
# repeat(handle, runs=4, warmups=1) must show the leak alone: a
# checkpoint empties those caches first (pyleak.clear_caches(), as
# regrtest -R does).
import collections.abc
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                os.pardir, os.pardir, "python"))
import pyleak  # noqa: E402
from lx import leakext  # noqa: E402


class Handler:
    def on_ping(self):
        return "pong"


calls = 0


def handle():
    global calls
    calls += 1
    getattr(Handler(), "on_event_%d" % calls, None)
    re.match("item-%d" % calls, "item-1")
    issubclass(type("Made%d" % calls, (), {}), collections.abc.Sized)
    leakext.leak_bytes(300)


shown = pyleak.repeat(handle, runs=4, warmups=1)
print("repeat:", shown)
