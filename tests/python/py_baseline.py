# Leaks for --baseline (py_baseline.vgtest).  The project "lives with"
# two leaks: load_config's C leak and a leaked reference to a list that
# register() makes.  BASELINE_MODE=added adds a new leak (in
# handle_request); BASELINE_MODE=more makes load_config leak twice.
import os

from lx import leakext

MODE = os.environ.get("BASELINE_MODE", "")


def load_config():
    leakext.leak_bytes(300)
    if MODE == "more":
        leakext.leak_bytes(300)


def register(n):
    leakext.incref_leak(list(range(n)))


def handle_request():
    leakext.leak_bytes(700)


def main():
    load_config()
    register(10)
    if MODE == "added":
        handle_request()


main()
leakext.clobber_stack()
