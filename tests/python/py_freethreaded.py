# A free-threaded CPython (3.13t) under pyleak: the program runs as it
# would without it (threads without a GIL), and its C-level leaks are
# found with their C functions.  pyleak does not model this interpreter's
# objects yet, so a block that only a Python object points to must count
# as reachable (the object's page is scanned like any other memory), not
# as lost.
import ctypes
import sys
import threading


def worker(out):
    out.append(sum(len(str(i) * 3) for i in range(2000)))


def run_threads():
    results = []
    threads = [threading.Thread(target=worker, args=(results,)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Before any extension without Py_mod_gil is imported (that would
    # turn the GIL on).
    print("gil enabled:", sys._is_gil_enabled(), "results:", results)


def ingest_batch(leakext, n):
    leakext.leak_bytes(n)


def main():
    run_threads()
    from lx import leakext
    for i in range(3):
        ingest_batch(leakext, 1000)
    # A 555-byte block whose only pointer is kept inside a Python object
    # (a ctypes pointer, in one of mimalloc's pages): reachable, not lost.
    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    keep = ctypes.c_void_p(libc.malloc(555))
    leakext.leak_check("kept")
    leakext.clobber_stack()
    # Freed before exit: at exit the object that held the pointer is
    # gone too, and whether its stale copy in a freed page still makes
    # the block reachable would depend on mimalloc's reuse.
    libc.free(keep)


main()
