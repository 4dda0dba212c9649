# A group's kind at a checkpoint is the kind of most of its bytes.
# handle() makes a new bytes object at the same line at every call and
# leaks a reference to it (leakext.incref_leak); the C static
# lx_inside then points 20 bytes into the newest one and to no other
# (leakext.point_inside), so at every checkpoint the newest object
# alone looks possibly lost (an interior pointer, as a stale copy of a
# pointer would be) and the ones before it are held by a leaked
# reference.  repeat(handle, runs=4, warmups=1) must show the group as
# a leaked reference that grew by one object at each run, not as
# possibly lost (growth_kind_check.py).
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                os.pardir, os.pardir, "python"))
import pyleak  # noqa: E402
from lx import leakext  # noqa: E402

calls = 0


def handle():
    global calls
    calls += 1
    obj = bytes(200 + calls)
    leakext.incref_leak(obj)
    leakext.point_inside(obj)


shown = pyleak.repeat(handle, runs=4, warmups=1)
print("repeat: records", shown["records"], "blocks", shown["blocks"])
