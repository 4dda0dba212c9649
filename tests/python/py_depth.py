# Recursion deeper than --py-depth: innermost and outermost frames kept.
from lx import leakext


def down(n):
    if n == 0:
        leakext.leak_bytes(99)
    else:
        down(n - 1)


down(50)
leakext.clobber_stack()
