# A leaked reference keeps what it holds even when a stray pointer into
# the middle of one of those objects sits in live memory (here a C
# static; in real programs a stale stack slot or a dict lookup's cached
# entry pointer): the list leaked by hold() retains the bytes object it
# holds, which is not "possibly lost" on its own (memcheck, which knows
# nothing of the list's reference, calls it possibly lost).
from lx import leakext


def hold(n):
    payload = b"p" * n
    holder = [payload]
    leakext.incref_leak(holder)
    leakext.point_inside(payload)


hold(3000)
leakext.clobber_stack()
