# The Python helper module (python/pyleak in the source tree): a leak
# check requested from Python with a label, its counts read back, and
# running() -- all harmless no-ops when not under pyleak (the test's
# post step runs this script without Valgrind).
import gc
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                os.pardir, os.pardir, "python"))
import pyleak  # noqa: E402
from lx import leakext  # noqa: E402


def ingest():
    leakext.leak_bytes(1000)


def main():
    print("running", pyleak.running())
    ingest()
    leakext.clobber_stack()
    gc.collect()
    pyleak.leak_check("after ingest")
    print("leaked bytes", pyleak.count_leaks()["leaked"])
    print("leaked blocks", pyleak.count_leak_blocks()["leaked"])


main()
