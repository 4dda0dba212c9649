# Four C-extension leaks from four Python call sites; py_supp.supp
# suppresses three of them by their Python frames (pyfun:, pymod:,
# pyfile:, pyfun:...), and has an entry for handle_request with the
# wrong kind, so handle_request's 200 bytes stay reported.
from lx import leakext
from supp_pkg import worker


def cache_fill(n):
    leakext.leak_bytes(n)


def handle_request(n):
    leakext.leak_bytes(n)


def deep(n):
    leakext.leak_bytes(n)


def middle(n):
    deep(n)


def outer(n):
    middle(n)


def main():
    cache_fill(100)
    handle_request(200)
    worker.run(300)
    outer(400)


main()
leakext.clobber_stack()
