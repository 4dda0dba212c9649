# Leaks from a worker thread that released the GIL, from a callback that
# C code calls, and from a generator: each gets its own Python stack.
import threading

from lx import leakext


def worker(n):
    leakext.leak_in_thread_nogil(n)
    leakext.clobber_stack()


def on_event(size):
    leakext.leak_bytes(size)


def produce():
    yield 1
    leakext.leak_bytes(444)
    yield 2


def main():
    t = threading.Thread(target=worker, args=(555,))
    t.start()
    t.join()
    leakext.call(on_event, 666)
    sorted([3, 1, 2], key=lambda x: leakext.leak_bytes(7) or x)
    for _ in produce():
        pass


main()
leakext.clobber_stack()
