# py_supp: a leak in a module of a package (matched as pymod:supp_pkg.*).
from lx import leakext


def run(n):
    leakext.leak_bytes(n)
