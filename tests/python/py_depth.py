# Recursion deeper than --py-depth: the innermost frames are kept.
from lx import leakext


def down(n):
    if n == 0:
        leakext.leak_bytes(99)
    else:
        down(n - 1)


down(50)
leakext.clobber_stack()
