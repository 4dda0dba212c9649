# Five widgets in each of two module-global lists; a C static points at
# the start of one widget's block in 'registry', before its GC header
# and pre-header, where no CPython code keeps a pointer but a stale one
# can land (3.10 and 3.11's parser keeps a dangling pointer in a
# static).  'registry' still retains as much as 'control', which has no
# such pointer: every widget, its attributes and its buffer.
import sys

from lx import leakext


class Widget:
    def __init__(self, i):
        self.i = i
        self.buf = bytearray(500)


registry = []
control = []
Widget(-1)      # the first instance settles the class's shared keys


def make():
    for i in range(5):
        registry.append(Widget(i))
        control.append(Widget(i))
    w = registry[2]
    leakext.point_before(w, sys.getsizeof(w) - type(w).__basicsize__)


make()
leakext.clobber_stack()
