# post: check the quick-start demo's JSON report against what
# examples/demo/service.py and quotes.c do, on the interpreter that ran
# it (run by that interpreter, without Valgrind).  Expected sizes come
# from the program: SCRATCH_SIZE from quotes.c, the str objects' sizes
# from sys.getsizeof of the strings service.py makes, the counts from
# its BATCH and its runs.  Prints one line per fact, "ok" or what was
# found instead.
import json
import os
import re
import sys

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                   os.pardir, os.pardir)
DEMO = os.path.join(TOP, "examples", "demo")

with open(os.path.join(DEMO, "quotes.c")) as f:
    SCRATCH = int(re.search(r"#define SCRATCH_SIZE (\d+)", f.read()).group(1))

# The lines serve_batch() hands to handle(), and what handle() keeps.
BATCH = 10
quoted = ["BRK.B %.2f" % (400 + i + 0.25) for i in range(BATCH) if i % 5 == 0]
plain = ["ACME %.2f" % (10 + i + 0.5) for i in range(BATCH) if i % 5 != 0]
RUNS, WARMUPS = 3, 1

with open(sys.argv[1]) as f:
    doc = json.load(f)


def say(what, ok, got=""):
    print("%s: %s" % (what, "ok" if ok else "WRONG, got %s" % got))


# Stacks are lists of indices into the document's frame tables.
def funcs(stack):
    return [doc["native_frames"][i].get("function") for i in stack]


def py_site(rec):
    frames = [doc["python_frames"][i] for i in rec.get("python_stack", [])]
    return [fr["function"] for fr in frames
            if fr.get("file", "").endswith("service.py")][:2]


cps = [c for c in doc["checks"] if c["when"] == "checkpoint"]
last = cps[-1] if cps else {"growth": []}
growth = last.get("growth", [])
say("checkpoints taken by pyleak.repeat: %d" % (RUNS + 1),
    len(cps) == RUNS + 1, len(cps))
say("records grown at each of the %d runs: 3" % RUNS, len(growth) == 3,
    [(g["kind"], g["blocks"]) for g in growth])

c_leak = [g for g in growth if g["kind"] == "definite"]
g = c_leak[0] if c_leak else {}
say("C leak grows by %d blocks of SCRATCH_SIZE per batch" % len(quoted),
    g.get("blocks") == len(quoted)
    and g.get("bytes") == len(quoted) * SCRATCH
    and g.get("runs") == RUNS,
    (g.get("blocks"), g.get("bytes"), g.get("runs")))
native = funcs(g.get("native_stack", []))
say("C leak allocated in unquote < quotes_parse",
    native[1:3] == ["unquote", "quotes_parse"], native[:3])
say("C leak under handle < serve_batch",
    py_site(g) == ["handle", "serve_batch"], py_site(g))

cache = sorted((g for g in growth if g["kind"] == "reachable-python"),
               key=lambda g: g["blocks"])
for strs, g in zip((quoted, plain), cache + [{}] * (2 - len(cache))):
    what = "cache grows by %d str, bytes as sys.getsizeof says" % len(strs)
    say(what,
        g.get("blocks") == len(strs)
        and g.get("bytes") == sum(sys.getsizeof(s) for s in strs)
        and g.get("py_types") == {"str": len(strs) * RUNS},
        (g.get("blocks"), g.get("bytes"), g.get("py_types")))
    say("  retained by module __main__ global '_history' -> dict -> str",
        g.get("retained_by") == "module __main__ global '_history'"
        and g.get("retention_path") == [
            "module __main__ global '_history'", "dict", "str"],
        g.get("retention_path"))
    say("  under handle < serve_batch",
        py_site(g) == ["handle", "serve_batch"], py_site(g))

fin = [c for c in doc["checks"] if c["when"] == "finalize"]
recs = fin[0]["records"] if fin else []
lost = [r for r in recs if r["kind"] == "definite"]
n_calls = (WARMUPS + RUNS) * len(quoted)
say("at finalization: %d blocks of SCRATCH_SIZE definitely lost, from"
    " unquote" % n_calls,
    sum(r["blocks"] for r in lost) == n_calls
    and sum(r["bytes"] for r in lost) == n_calls * SCRATCH
    and all("unquote" in funcs(r["native_stack"]) for r in lost),
    [(r["bytes"], r["blocks"], funcs(r["native_stack"])[1]) for r in lost])
summ = fin[0]["summary"] if fin else {}
say("nothing else lost, leaked or in a cycle",
    all(summ.get(k, {}).get("bytes", 0) == 0
        for k in ("indirect", "possible", "leaked-ref",
                  "uncollected-cycle"))
    and summ.get("definite", {}).get("bytes") == n_calls * SCRATCH,
    summ)
