# References to Python objects point past the block's GC header (and,
# for instances on 3.11+, past the managed-dict pre-header too).  A list,
# a dict and an instance kept only by a C static array are reachable,
# not "possibly lost" as memcheck says.  So are a str and a bytes object
# kept only as `char *` pointers to their text (as numpy keeps its
# docstrings).
from lx import leakext


class Listener:
    def __init__(self, name):
        self.name = name


def register(n):
    leakext.keep([0] * 50)
    leakext.keep({"key": "value"})
    leakext.keep(Listener("a"))
    leakext.keep_text("doc: " + "x" * n)
    leakext.keep_text(b"raw: " + b"y" * n)


register(200)
assert leakext.kept(0) == [0] * 50
leakext.clobber_stack()
