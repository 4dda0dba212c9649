# post: of py_shop -- check pyleak's report of examples/shop.py's Python
# leaks against what shop.py does on the interpreter that ran it (run by
# that interpreter, without Valgrind; see pycheck.py).  shop.py is replayed
# here first, one statement at a time under tracemalloc: the expected sizes
# are what its functions allocate and keep on this build.  (Its C leaks,
# whose sizes are the extension's malloc() calls on every build, are in
# py_shop.json.exp.)
#
# usage: python py_shop_check.py NAME.json.out
import os
import sys

from pycheck import (Program, Report, check_cycle, check_leaked_ref,
                     check_only, fmt_records, fmt_stack, say)

HERE = os.path.dirname(os.path.abspath(__file__))
shop = Program(os.path.join(HERE, os.pardir, os.pardir, "examples",
                            "shop.py"))
replay = shop.replay()
report = Report(sys.argv[1], shop)

# leaked-ref: build_index(n) -> leakext.make_dict_leak(n): the extension's
# lx_dict_leak builds a dict and forgets its last Py_DECREF.
check_leaked_ref(report, replay, "build_index", {}, "lx_dict_leak")

# uncollected-cycle: link_orders() makes two Order objects that point at
# each other, with the GC disabled.
check_cycle(report, replay, "link_orders", {"Order": 2})

check_only(report, {"leaked-ref", "uncollected-cycle"},
           [("leaked-ref", "build_index"),
            ("uncollected-cycle", "link_orders")])

# reachable-python: price(key) fills the module-level dict _cache with
# bytes objects; they are reachable, retained by that global.
values = list(replay.ns["_cache"].values())
size = sum(map(sys.getsizeof, values))
made, nblocks, stacks = replay.made_by("price")
recs = report.of({"reachable-python"}, "price")
got = fmt_records(report, recs)
say("price: the %d bytes objects of _cache, reachable, sizes as"
    " sys.getsizeof says" % len(values),
    sum(r["bytes"] for r in recs) == size
    and sum(r["blocks"] for r in recs) == len(values)
    and all(list(r["py_types"]) == ["bytes"] for r in recs),
    "%s; expected %d bytes %d blocks" % (got, size, len(values)))
path = ["module __main__ global '_cache'", "dict", "bytes"]
say("  retained by " + " -> ".join(path),
    bool(recs) and all(r.get("retained_by") == path[0]
                       and r.get("retention_path") == path for r in recs),
    got)
say("  under price < <module>",
    bool(recs) and all(report.stack(r) in stacks for r in recs),
    "%s; expected %s" % (got, " or ".join(map(fmt_stack, sorted(stacks)))))
