# Shared by the post: scripts that check pyleak's JSON report of a test
# program against the program itself (py_shop_check.py,
# py_python_leaks_check.py, py_retainers_check.py, py_one_site_check.py,
# constructors_check.py, native_end_check.py).  They run under the
# interpreter that ran the program under Valgrind, but without Valgrind,
# and derive every expected size from what that interpreter does: which
# blocks the program's own code allocates and keeps (tracemalloc),
# sys.getsizeof, the cyclic GC's view of the garbage.  Nothing in them is
# one build's layout.  Each check prints one line, "WHAT: ok" or
# "WHAT: WRONG, got ...": the lines of a passing run are the same on every
# interpreter, and a failing one says what was found instead.
import ast
import collections
import gc
import json
import os
import sys
import tracemalloc

NFRAMES = 16


def say(what, ok, got=""):
    print("%s: %s" % (what, "ok" if ok else "WRONG, got %s" % (got,)))


def own_size(obj):
    """The bytes of the block that holds obj itself, without the blocks it
    points to (a list's items, a dict's table): its type's fixed size plus
    the header in front of it (the GC header), which sys.getsizeof counts
    and __sizeof__ does not."""
    return type(obj).__basicsize__ + sys.getsizeof(obj) - obj.__sizeof__()


def _make(cls):
    return cls()  # the only allocations on this line


_MAKE_LINE = _make.__code__.co_firstlineno + 1


class Program:
    """A test program's source: its functions and lines."""

    def __init__(self, path):
        self.path = os.path.abspath(path)
        self.name = os.path.basename(self.path)
        with open(self.path) as f:
            self.source = f.read()
        self.tree = ast.parse(self.source, self.path)
        # (first line, last line, name) of every function and class body,
        # for function_at: qualified names (Class.method, f.<locals>.g) as
        # 3.11+ report them.
        self.defs = []

        def walk(node, prefix):
            for child in ast.iter_child_nodes(node):
                if isinstance(child, (ast.FunctionDef, ast.ClassDef)):
                    name = prefix + child.name
                    self.defs.append((child.lineno, child.end_lineno, name))
                    walk(child, name + (".<locals>."
                                        if isinstance(child, ast.FunctionDef)
                                        else "."))
        walk(self.tree, "")

    def line_of(self, text):
        """The number of the one line of the program that contains text."""
        hits = [n for n, line in enumerate(self.source.splitlines(), 1)
                if text in line]
        if len(hits) != 1:
            raise SystemExit("%s: %d lines contain %r"
                             % (self.name, len(hits), text))
        return hits[0]

    def function_at(self, line):
        """The innermost function (or class body) whose body includes line,
        or <module> (a def line runs in the enclosing scope, which makes the
        function object there)."""
        best = None
        for first, last, name in self.defs:
            if first < line <= last and (best is None or first > best[0]):
                best = (first, name)
        return best[1] if best else "<module>"

    def node(self, name):
        """The top-level statement that defines name."""
        for stmt in self.tree.body:
            if getattr(stmt, "name", None) == name:
                return stmt
        raise SystemExit("%s: no top-level %s" % (self.name, name))

    def replay(self):
        """Runs the program again, here, one top-level statement at a time,
        under tracemalloc, and returns the Replay.

        Before each statement a full collection runs with gc.DEBUG_SAVEALL:
        it frees nothing (the garbage the program makes is kept, in
        gc.garbage, as the program's disabled GC keeps it) but empties the
        interpreter's free lists, so what a statement makes is fresh from
        the allocator and tracemalloc sees it where it is made (an object
        taken from a free list keeps the trace of its block's first life).
        """
        gc.disable()
        gc.set_debug(gc.DEBUG_SAVEALL)
        ns = {"__name__": "__main__", "__file__": self.path,
              "__builtins__": __builtins__}
        garbage = {}  # top-level statement -> the garbage it made
        tracemalloc.start(NFRAMES)
        for stmt in self.tree.body:
            code = compile(ast.Module(body=[stmt], type_ignores=[]),
                           self.path, "exec")
            gc.collect()
            before = len(gc.garbage)
            exec(code, ns)
            gc.collect()
            garbage[stmt] = gc.garbage[before:]
        replay = Replay(self, ns, tracemalloc.take_snapshot(), garbage)
        tracemalloc.stop()
        gc.set_debug(0)
        gc.garbage.clear()  # kept by the Replay; nothing left at shutdown
        return replay

    def stack_of(self, traceback):
        """The program's frames of a tracemalloc traceback, innermost first,
        as (function, line)."""
        # (a Traceback lists its frames oldest first)
        return tuple((self.function_at(fr.lineno), fr.lineno)
                     for fr in reversed(traceback)
                     if fr.filename == self.path)

    def instance_blocks(self, cls, n):
        """The bytes of the blocks of n new instances of a fresh copy of the
        program's class cls, made as the program makes them: one after the
        other, on a class that had none before.

        sys.getsizeof counts an instance, its GC header and (3.11+) the
        managed pre-header; from 3.13 on the instance's attribute values are
        stored inline, at the end of its block, in a space sized by the
        class's shared keys when the instance is made (the first instances
        get more), which sys.getsizeof does not count.  So the blocks are
        measured: when making an instance allocates one block, that block is
        the instance; when it allocates two (3.11, 3.12: the values array is
        a block of its own, a C block pyleak counts apart from the object),
        the instance's block is what sys.getsizeof says."""
        scratch = {"__name__": "__main__"}
        exec(compile(ast.Module(body=[self.node(cls)], type_ignores=[]),
                     self.path, "exec"), scratch)
        fresh = scratch[cls]
        objs = [None] * n
        gc.collect()
        tracemalloc.start(1)
        for i in range(n):
            objs[i] = _make(fresh)
        snap = tracemalloc.take_snapshot()
        tracemalloc.stop()
        made = [t.size for t in snap.traces
                if t.traceback[0].filename == _make.__code__.co_filename
                and t.traceback[0].lineno == _MAKE_LINE]
        if len(made) == n:
            return sum(made)
        return sum(sys.getsizeof(o) for o in objs)


class Replay:
    """What a replay of the program made and kept: its namespace, the blocks
    still allocated (by program stack), the garbage the GC found."""

    def __init__(self, program, ns, snapshot, garbage):
        self.program = program
        self.ns = ns
        self.garbage = garbage
        self.blocks = collections.defaultdict(list)  # stack -> [sizes]
        for t in snapshot.traces:
            stack = program.stack_of(t.traceback)
            if stack:
                self.blocks[stack].append(t.size)

    def made_by(self, function):
        """(bytes, blocks, stacks) of the blocks that the program's calls of
        function made and still hold: the traced blocks whose innermost
        frame of the program is in function."""
        size = count = 0
        stacks = set()
        for stack, sizes in self.blocks.items():
            if stack[0][0] == function:
                size += sum(sizes)
                count += len(sizes)
                stacks.add(stack)
        return size, count, stacks

    def garbage_of(self, function):
        """The types of the unreachable objects (what the GC would collect)
        that the program's top-level calls of function made, by type name:
        {"Order": 2}."""
        types = collections.Counter()
        for stmt, objs in self.garbage.items():
            if any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                   and n.func.id == function for n in ast.walk(stmt)):
                types.update(type(o).__name__ for o in objs)
        return dict(types)


class Report:
    """pyleak's JSON document: the records of its check at finalization."""

    def __init__(self, path, program):
        with open(path) as f:
            self.doc = json.load(f)
        self.program = program
        fin = [c for c in self.doc["checks"] if c["when"] == "finalize"]
        self.records = fin[0]["records"] if fin else []

    def stack(self, rec):
        """The program's frames of rec's Python stack, innermost first, as
        (function, line)."""
        frames = [self.doc["python_frames"][i] for i in rec["python_stack"]]
        return tuple((fr["function"], fr["line"]) for fr in frames
                     if os.path.basename(fr.get("file") or "")
                     == self.program.name)

    def native(self, rec):
        return [self.doc["native_frames"][i].get("function")
                for i in rec["native_stack"]]

    def of(self, kinds, function=None):
        """The records of those kinds that the program's code is behind (a
        frame of the program in their Python stack), whose innermost frame
        of the program is in function if one is given."""
        return [r for r in self.records
                if r["kind"] in kinds and self.stack(r)
                and (function is None or self.stack(r)[0][0] == function)]


def fmt_stack(stack):
    return " < ".join("%s:%s" % f for f in stack) or "-"


def fmt_records(report, recs):
    """What the records say, for a WRONG line."""
    out = []
    for r in recs:
        frames = [report.doc["python_frames"][i] for i in r["python_stack"]]
        out.append("%s %d bytes %d blocks%s%s types %s py %s at %s" % (
            r["kind"], r["bytes"], r["blocks"],
            " retaining %s bytes %s blocks" % (r.get("retained_bytes"),
                                                r.get("retained_blocks"))
            if r["kind"] == "leaked-ref" else "",
            " via " + " -> ".join(r["retention_path"])
            if r.get("retention_path") else "",
            r.get("py_types"),
            fmt_stack(report.stack(r)) if report.stack(r) else
            fmt_stack([(fr["function"], fr["line"]) for fr in frames[:3]]),
            " < ".join(str(f) for f in report.native(r)[:6])))
    return "; ".join(out) or "no record"


def types_of(recs):
    """The Python objects of records, by type name."""
    types = collections.Counter()
    for r in recs:
        types.update(r["py_types"])
    return dict(types)


def check_leaked_ref(report, replay, function, empty, c_function=None):
    """The one object that the program's function leaks a reference to,
    of empty's type: one leaked-ref record of one object of that type,
    under function.  Its bytes are the object's own block (own_size(empty):
    an empty one's is as big); what only it keeps alive (everything else
    the call made and kept, as tracemalloc counts it) is "retained".  With
    c_function: the extension's function that allocated it is in its
    native stack."""
    tname = type(empty).__name__
    made, nblocks, stacks = replay.made_by(function)
    recs = report.of({"leaked-ref"}, function)
    r = recs[0] if len(recs) == 1 else {}
    got = fmt_records(report, recs)
    if not recs:
        got += "; leaked-ref records of a %s: %s" % (tname, fmt_records(
            report, [x for x in report.records if x["kind"] == "leaked-ref"
                     and x["py_types"] == {tname: 1}]))
    say("%s: one leaked-ref record, 1 %s" % (function, tname),
        len(recs) == 1 and r["py_types"] == {tname: 1}
        and r["blocks"] == 1, got)
    own = own_size(empty)
    say("  the %s's own block, retaining the rest of what %s made"
        " (tracemalloc)" % (tname, function),
        r.get("bytes") == own and r.get("retained_bytes") == made - own
        and r.get("retained_blocks") == nblocks - 1,
        "%s; expected %d bytes retaining %d bytes %d blocks"
        % (got, own, made - own, nblocks - 1))
    say("  under %s < <module>" % function,
        bool(r) and report.stack(r) in stacks,
        "%s; expected %s" % (got, " or ".join(map(fmt_stack,
                                                   sorted(stacks)))))
    if c_function:
        say("  allocated in the extension's %s" % c_function,
            bool(r) and c_function in report.native(r), got)


def check_cycle(report, replay, function, types):
    """The garbage the program's function makes in a cycle, the GC
    disabled: uncollected-cycle records under function holding the objects
    the GC finds unreachable (types: the program's own, e.g. {"Order": 2},
    which must be among them), their bytes and blocks all that function
    made and kept (the objects and their attribute storage: 3.10 a dict
    each, 3.11 and 3.12 a values array each, inline from 3.13)."""
    made, nblocks, stacks = replay.made_by(function)
    unreachable = replay.garbage_of(function)
    recs = report.of({"uncollected-cycle"}, function)
    got = fmt_records(report, recs)
    say("%s: an uncollected cycle of %s, with all the objects the GC finds"
        " unreachable" % (function, ", ".join(
            "%d %s" % (n, t) for t, n in sorted(types.items()))),
        bool(recs) and types_of(recs) == unreachable
        and all(unreachable.get(t) == n for t, n in types.items()),
        "%s; expected types %s" % (got, unreachable))
    say("  all %s made (tracemalloc)" % function,
        sum(r["bytes"] for r in recs) == made
        and sum(r["blocks"] for r in recs) == nblocks,
        "%s; expected %d bytes %d blocks" % (got, made, nblocks))
    say("  under %s < <module>" % function,
        bool(recs) and all(report.stack(r) in stacks for r in recs),
        "%s; expected %s" % (got, " or ".join(map(fmt_stack,
                                                   sorted(stacks)))))


def check_only(report, kinds, expected):
    """No other record of those kinds under the program's code than the
    expected ones (a list of (kind, function))."""
    recs = report.of(kinds)
    others = [r for r in recs
              if (r["kind"], report.stack(r)[0][0]) not in expected]
    say("no other %s record under %s" % (" or ".join(sorted(kinds)),
                                          report.program.name),
        not others, fmt_records(report, others))
