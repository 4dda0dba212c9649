# One Python call site is one loss record even when the captured native
# stack (--num-callers=4) ends before the evaluation loop: the first
# call of leakext.leak_bytes goes through the generic call path
# (cfunction_vectorcall_O), later ones through the specialised call
# instruction (3.11+), and the two native stacks differ in their last
# frame.
from lx import leakext


def parse_order(size):
    leakext.leak_bytes(size)


for i in range(3):
    parse_order(256)
