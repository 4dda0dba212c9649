# post: of py_retainers -- check what pyleak says keeps py_retainers.py's
# reachable objects alive at finalization, against the program as it runs
# on the interpreter that ran it (run by that interpreter, without
# Valgrind; see pycheck.py).  The program is replayed here first; the
# objects it keeps are found from its retainers (the module's _cache and
# _registry, the class attribute EventBus.listeners), and for each kind of
# object the records under the function that makes it must hold exactly
# those objects: their count, their bytes as this interpreter allocates
# them, the Python line that made them and the retention path.  How the
# objects of one site split into records (by native stack) varies with the
# build and is not checked.  Then the text report: its table of top
# retainers starts with the cache, and only the records of the three top
# retainers (--top-retainers=3) are printed.
#
# usage: python py_retainers_check.py NAME.json.out NAME.stderr.raw
import os
import re
import sys

from pycheck import Program, Report, fmt_records, say

HERE = os.path.dirname(os.path.abspath(__file__))
prog = Program(os.path.join(HERE, "py_retainers.py"))
replay = prog.replay()
report = Report(sys.argv[1], prog)
ns = replay.ns

cache = list(ns["_cache"].values())
methods = list(ns["EventBus"].listeners)
handlers = [m.__self__ for m in methods]
callbacks = list(ns["_registry"].values())
closures = [f.__closure__ for f in callbacks]
cells = [c for t in closures for c in t]
payloads = [c.cell_contents for c in cells]

CACHE = "module __main__ global '_cache'"
LISTENERS = "class EventBus attribute 'listeners'"
REGISTRY = "module __main__ global '_registry'"
line = prog.line_of
# Where objects are made: (function, line, the line of <module> calling it).
filling = ("fill_cache", line("_cache[key] = bytes(1000)"),
           line("    fill_cache(i)"))
subscribing = ("subscribe", line("EventBus.listeners.append("),
               line("    subscribe()"))
registering = line('register_callback("cb%d" % i)')
defining = ("register_callback", line("def callback():"), registering)
capturing = ("register_callback", line("payload = bytes(4000)"), registering)
# A closure's cells are made when its function starts, before its first
# line: 3.11+ at its def line; 3.10 in the caller, before the function's
# frame exists, so they belong to the <module> line calling it.
if sys.version_info >= (3, 11):
    starting = ("register_callback", line("def register_callback(name):"),
                registering)
else:
    starting = ("<module>", registering, None)


def getsizeof(objs):
    return sum(map(sys.getsizeof, objs))


# An object's bytes are what sys.getsizeof says, but from 3.13 an instance
# keeps its attribute values inline, in its block, which sys.getsizeof does
# not count: the Handler objects' blocks are measured (instance_blocks).
GETSIZEOF = "sizes as sys.getsizeof says"
sites = [
    # (objects, their bytes, how they are known, where they are made, what
    #  to call that if not "FUNCTION line N < <module> line M", path)
    (cache, getsizeof(cache), GETSIZEOF, filling, None,
     [CACHE, "dict", "bytes"]),
    (methods, getsizeof(methods), GETSIZEOF, subscribing, None,
     [LISTENERS, "list", "method"]),
    (handlers, prog.instance_blocks("Handler", len(handlers)),
     "sizes as new instances' blocks", subscribing, None,
     [LISTENERS, "list", "method", "Handler"]),
    (callbacks, getsizeof(callbacks), GETSIZEOF, defining, None,
     [REGISTRY, "dict", "function"]),
    (closures, getsizeof(closures), GETSIZEOF, defining, None,
     [REGISTRY, "dict", "function", "tuple"]),
    (cells, getsizeof(cells), GETSIZEOF, starting,
     "the start of register_callback < <module> line %d" % registering,
     [REGISTRY, "dict", "function", "tuple", "cell"]),
    (payloads, getsizeof(payloads), GETSIZEOF, capturing, None,
     [REGISTRY, "dict", "function", "tuple", "cell", "bytes"]),
]

for objs, size, how, (function, made_at, called_at), where, path in sites:
    tname = type(objs[0]).__name__
    stack = ((function, made_at),) + ((("<module>", called_at),)
                                      if called_at else ())
    where = where or "%s line %d < <module> line %d" % (function, made_at,
                                                        called_at)
    recs = [r for r in report.of({"reachable-python"}, function)
            if tname in r["py_types"]]
    got = fmt_records(report, recs)
    say("%d %s objects, reachable, %s" % (len(objs), tname, how),
        all(r["py_types"] == {tname: r["blocks"]} for r in recs)
        and sum(r["blocks"] for r in recs) == len(objs)
        and sum(r["bytes"] for r in recs) == size,
        "%s; expected %d bytes %d blocks" % (got, size, len(objs)))
    say("  made at " + where,
        bool(recs) and all(report.stack(r) == stack for r in recs),
        "%s; expected %s" % (got, stack))
    say("  retained by " + " -> ".join(path),
        bool(recs) and all(r.get("retained_by") == path[0]
                           and r.get("retention_path") == path
                           for r in recs), got)

# What each retainer keeps alive (its retained size: what would be freed
# if it let go), from the JSON's table of retainers.  The cache: its dict
# and keys table (sys.getsizeof counts both), its bytes values and the int
# keys only it holds (not the ints the interpreter caches).  The
# listener list: the empty list's block, and every block that subscribe()
# made and the replay still holds (the item array, the bound methods,
# their Handler instances and, on 3.11 and 3.12, their values arrays),
# as tracemalloc measures them.
fin = [c for c in report.doc["checks"] if c["when"] == "finalize"][0]
kept = {t["retained_by"]: t for t in fin.get("retainers", [])}
# (an int the interpreter caches is one object for every use of the value:
# int(str(k)) gives it back; 3.15 caches more of them)
keys = [k for k in ns["_cache"] if int(str(k)) is not k]
sub_bytes, sub_blocks, _ = replay.made_by("subscribe")


def range_int_blocks(ks):
    """The bytes of the blocks of the ints ks (one digit each) as a range
    makes them: an int's block can be larger than sys.getsizeof says (a
    whole PyLongObject for a one-digit int)."""
    import gc
    import tracemalloc
    if not ks:
        return 0
    gc.collect()         # empties the free lists
    made = [None] * len(ks)
    it = iter(range(min(ks), max(ks) + 1)) if ks else iter(())
    line = None
    tracemalloc.start(1)
    for j in range(len(ks)):
        made[j] = next(it); line = sys._getframe().f_lineno  # noqa: E702
    snap = tracemalloc.take_snapshot()
    tracemalloc.stop()
    sizes = [t.size for t in snap.traces
             if t.traceback[0].filename == __file__
             and t.traceback[0].lineno == line]
    # One block per int, all of one size (the loop may add a block of its
    # own on that line; ints reused from a free list add none).
    if not sizes:
        return getsizeof(ks)
    return max(set(sizes), key=sizes.count) * len(ks)


expect_kept = [
    (CACHE, "its dict, keys table, bytes values and int keys",
     getsizeof([ns["_cache"]]) + getsizeof(cache) + range_int_blocks(keys),
     2 + len(cache) + len(keys)),
    (LISTENERS, "its list, item array, bound methods and their Handlers",
     sys.getsizeof([]) + sub_bytes, 1 + sub_blocks),
]
for name, what, size, blocks in expect_kept:
    t = kept.get(name)
    got = ("%d bytes %d blocks" % (t["retained_bytes"], t["retained_blocks"])
           if t else "not in the table")
    say("%s keeps alive %s" % (name, what),
        t is not None and t["retained_bytes"] == size
        and t["retained_blocks"] == blocks,
        "%s; expected %d bytes %d blocks" % (got, size, blocks))

with open(sys.argv[2]) as f:
    text = [re.sub(r"^==\d+== ?", "", s.rstrip("\n")) for s in f]
top = [text[i + 1] for i, s in enumerate(text[:-1])
       if s.startswith("Top retainers")]
top = re.sub(r".*records\): ", "", top[0]) if top else "no table"
say("the top retainer is %s" % CACHE, top == CACHE, top)
shown = {s.split("retained by: ")[1].split(" -> ")[0] for s in text
         if s.startswith("   retained by: ")}
say("records of the 3 top retainers shown", len(shown) == 3, sorted(shown))
