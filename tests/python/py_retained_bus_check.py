# post of py_retained_bus: what the module global 'bus' keeps alive, from
# the program as it runs on the interpreter that ran it (run by that
# interpreter, without Valgrind).  The program runs here under tracemalloc;
# then the global is deleted and a full collection run (which also empties
# the interpreter's free lists): the blocks that go are what the bus alone
# kept -- its list and item array, the widgets (and 3.11/3.12's values
# arrays), their ints, bytearrays and the bytearrays' buffers, not the
# interpreter's caches of the code that made them (3.10's cached frames) --
# and pyleak's retained size for the bus must be exactly that.  The bus is
# the top retainer in the text report and in the JSON, and its retained
# size includes the bytearrays' buffers (C blocks behind the objects
# before 3.15, bytes objects from 3.15 on).
#
# usage: python py_retained_bus_check.py NAME.json.out NAME.stderr.raw
import os
import re
import sys

import gc
import tracemalloc

from pycheck import NFRAMES, Program, say

HERE = os.path.dirname(os.path.abspath(__file__))
prog = Program(os.path.join(HERE, "py_retained_bus.py"))
BUS = "module __main__ global 'bus'"


def program_blocks():
    """(bytes, blocks) traced now with a frame of the program."""
    snap = tracemalloc.take_snapshot().filter_traces(
        [tracemalloc.Filter(True, prog.path, all_frames=True)])
    return sum(t.size for t in snap.traces), len(snap.traces)


ns = {"__name__": "__main__", "__file__": prog.path,
      "__builtins__": __builtins__}
gc.collect()             # empties the free lists: every block traced
tracemalloc.start(NFRAMES)
exec(compile(prog.source, prog.path, "exec"), ns)
buffers = sum(len(w.buf) + 1 for w in ns["bus"].listeners)
gc.collect()
with_bus = program_blocks()
del ns["bus"]
gc.collect()
without = program_blocks()
tracemalloc.stop()
size, count = with_bus[0] - without[0], with_bus[1] - without[1]

with open(sys.argv[1]) as f:
    import json
    doc = json.load(f)
fin = [c for c in doc["checks"] if c["when"] == "finalize"][0]
table = fin.get("retainers", [])
top = table[0] if table else {}
say("the JSON's top retainer is %s" % BUS, top.get("retained_by") == BUS,
    top.get("retained_by"))
say("it keeps alive exactly what deleting it frees",
    top.get("retained_bytes") == size and top.get("retained_blocks") == count,
    "%s bytes %s blocks; expected %d bytes %d blocks"
    % (top.get("retained_bytes"), top.get("retained_blocks"), size, count))
say("the bytearrays' buffers are part of it",
    top.get("retained_bytes", 0) >= buffers,
    "%s retained; the buffers are %d" % (top.get("retained_bytes"), buffers))

with open(sys.argv[2]) as f:
    text = [re.sub(r"^==\d+== ?", "", s.rstrip("\n")) for s in f]
first = [text[i + 1] for i, s in enumerate(text[:-1])
         if s.startswith("Top retainers")]
m = re.match(r"\s+([\d,]+) bytes in ([\d,]+) blocks retained .*: (.*)$",
             first[0]) if first else None
say("the text's top retainer is %s, with the same size" % BUS,
    m is not None and m.group(3) == BUS
    and int(m.group(1).replace(",", "")) == size,
    first[0] if first else "no table")
