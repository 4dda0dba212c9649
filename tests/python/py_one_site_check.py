# post: of py_one_site -- the blocks grow() made and keeps (replayed here
# under tracemalloc: bytes and blocks as this interpreter makes them) are
# all in pyleak's records under grow, the bytearray objects in exactly
# one record of N blocks.  Run by the same interpreter, without Valgrind.
#
# usage: python py_one_site_check.py NAME.json.out
import os
import sys

from pycheck import Program, Report, fmt_records, say, types_of

HERE = os.path.dirname(os.path.abspath(__file__))
prog = Program(os.path.join(HERE, "py_one_site.py"))
replay = prog.replay()
report = Report(sys.argv[1], prog)
N = replay.ns["N"]

made, nblocks, _ = replay.made_by("grow")
recs = report.of({"reachable-python", "reachable-c"}, "grow")
got = fmt_records(report, recs)
say("grow: what it made and keeps, %d blocks, sizes as tracemalloc says"
    % nblocks,
    sum(r["bytes"] for r in recs) == made
    and sum(r["blocks"] for r in recs) == nblocks,
    "%s; expected %d bytes in %d blocks" % (got, made, nblocks))
mine = [r for r in recs if "bytearray" in (r.get("py_types") or {})]
say("grow: the %d bytearrays in one record" % N,
    len(mine) == 1 and types_of(mine) == {"bytearray": N}, got)
