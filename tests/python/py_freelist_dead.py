# Objects parked on CPython's free lists have a reference count of 0:
# memory the interpreter keeps for reuse, not live Python objects.  They
# must not be reported as reachable Python objects (nor as Python leaks).
# fill() makes batches of lists, dicts, tuples and floats and drops
# them, which fills the free lists; it keeps one list in a module
# global, which must be the only reachable Python object made there.
# The check runs mid-run: interpreter finalisation empties the free
# lists before the finalize-time check.
from lx import leakext

kept = None


def fill():
    global kept
    for _ in range(3):
        batch = [[i] for i in range(200)]
        dicts = [{"k": i} for i in range(200)]
        tups = [(i, -i) for i in range(200)]
        flts = [i * 0.5 for i in range(200)]
        del batch, dicts, tups, flts
    kept = [1, 2, 3]


fill()
leakext.leak_check("after fill")
