# Three C-extension leaks from three Python call sites (one a method),
# for --gen-suppressions and its round trip (py_gen_supp.vgtest).
from lx import leakext


class Parser:
    def feed(self, n):
        leakext.leak_bytes(n)


def load_index(n):
    leakext.leak_bytes(n)


def warm_cache(n):
    leakext.leak_bytes(n)


def main():
    Parser().feed(111)
    load_index(222)
    warm_cache(333)


main()
leakext.clobber_stack()
