# post: of py_python_leaks -- check pyleak's report of py_python_leaks.py's
# leaked references and uncollected cycle against what the program does on
# the interpreter that ran it (run by that interpreter, without Valgrind;
# see pycheck.py): the program is replayed here first, one statement at a
# time under tracemalloc, and the expected sizes are what its functions
# allocate and keep on this build.
#
# usage: python py_python_leaks_check.py NAME.json.out
import os
import sys

from pycheck import (Program, Report, check_cycle, check_leaked_ref,
                     check_only)

HERE = os.path.dirname(os.path.abspath(__file__))
prog = Program(os.path.join(HERE, "py_python_leaks.py"))
replay = prog.replay()
report = Report(sys.argv[1], prog)

# leak_list(): C code takes one extra reference to a new list (made by the
# interpreter: no extension frame in its stack), which keeps its items.
check_leaked_ref(report, replay, "leak_list", [])
# leak_dict(): the extension's lx_dict_leak builds a dict and forgets its
# last Py_DECREF; the dict keeps its table, keys and values.
check_leaked_ref(report, replay, "leak_dict", {}, "lx_dict_leak")
# make_cycle(): two Node objects that point at each other, one holding a
# list, the GC disabled.
check_cycle(report, replay, "make_cycle", {"Node": 2, "list": 1})

check_only(report, {"leaked-ref", "uncollected-cycle"},
           [("leaked-ref", "leak_list"), ("leaked-ref", "leak_dict"),
            ("uncollected-cycle", "make_cycle")])
