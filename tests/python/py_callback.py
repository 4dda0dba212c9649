# One stack where C calls back into Python (C -> Python -> C): walk()
# calls the extension's call(), whose C code (lx_call) calls
# callback(), which leaks 123 bytes through the extension.  The record
# must show, innermost first: the extension's leaking functions, the
# callback's Python frame, the C functions that called it back
# (lx_call < leakext_call), then walk() and the frames above it
# (callback_check.py).  A class's __init__ is also called by C (the
# interpreter's own type_call): those native frames are left out, and
# Thing.__init__ runs straight on into main().  On 3.10, whose frames
# say nothing of where C called back, the Python frames come as one run.
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lx import leakext  # noqa: E402


def callback(n):
    leakext.leak_bytes(n)


def walk():
    leakext.call(callback, 123)


class Thing:
    def __init__(self):
        leakext.leak_bytes(77)


def main():
    walk()
    Thing()


main()
