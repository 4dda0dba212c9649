# Objects that CPython takes from its free lists instead of malloc: a
# leaked list, dict, tuple and float must be reported where the leaking
# code made them (leak_them), not where their blocks were first
# allocated (warm_up).
from lx import leakext


def warm_up():
    for i in range(100):
        a = [i]
        b = {"k": i}
        c = (i, i + 1)
        d = i * 1.5


def leak_them(n):
    lst = [n, 2, 3]
    leakext.incref_leak(lst)
    dct = {"a": n}
    leakext.incref_leak(dct)
    tup = (n, "x")
    leakext.incref_leak(tup)
    flt = n * 2.5
    leakext.incref_leak(flt)


def overwrite():
    # Takes leak_them's place on the interpreter's frame stack, whose
    # stale slots would otherwise still point at the leaked objects.
    a = b = c = d = e = f = g = h = i = j = k = m = None
    return a


warm_up()
leak_them(7)
overwrite()
leakext.clobber_stack()
