# A C extension leaks on every call from a Python function: the report
# must name the Python function and line, and the C function.
from lx import leakext


def ingest_batch(n):
    leakext.leak_bytes(n)


def main():
    for i in range(3):
        ingest_batch(1000)
    leakext.leak_struct()
    leakext.leak_pymem(321)


main()
leakext.clobber_stack()
