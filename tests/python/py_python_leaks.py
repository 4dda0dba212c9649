# The Python leak kinds, found at interpreter finalization:
# - leaked-ref: a list given one extra Py_INCREF by C code, and a dict whose
#   final Py_DECREF C code forgot (with the 20 keys and values it retains);
# - uncollected-cycle: two instances referring to each other, with a list,
#   made while the cyclic GC is disabled.
import gc

from lx import leakext

N = 4


class Node:
    pass


def leak_list():
    leakext.incref_leak([0] * N)


def leak_dict():
    leakext.make_dict_leak(20)


def make_cycle():
    # One line for both: the record is keyed by the stack of whichever
    # object leads the cycle, which depends on their addresses.
    a, b = Node(), Node()
    a.other = b
    b.other = a
    a.payload = [0] * 100


gc.disable()
leak_list()
leak_dict()
make_cycle()
