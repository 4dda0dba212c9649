"""Post check of py_callback: each definitely lost record's one stack
(stack_order) as the extension's native functions and the Python
functions, innermost first, '|' where native and Python frames meet.
Interpreter functions are not printed (they differ between versions);
a native frame the report leaves out is not either."""
import json
import sys

with open(sys.argv[1]) as f:
    doc = json.load(f)
nf, pf = doc["native_frames"], doc["python_frames"]
exit_check = [c for c in doc["checks"] if c["when"] in ("exit", "finalize")
              and not c.get("teardown")][0]
for r in sorted(exit_check["records"], key=lambda r: r["bytes"]):
    if r["kind"] != "definite":
        continue
    native = [nf[i] for i in r["native_stack"]]
    python = [pf[i] for i in r["python_stack"]]
    order = r.get("stack_order") or ""
    out, n, p, last = [], 0, 0, None
    for c in order:
        if c == "p":
            word, side = python[p]["function"].rsplit(".", 1)[-1], "py"
            p += 1
        else:
            f = native[n]
            n += 1
            if c == "-" or "leakext" not in (f.get("object") or ""):
                continue
            word, side = f["function"], "c"
        if last is not None and side != last:
            out.append("|")
        out.append(word)
        last = side
    print(r["bytes"], "bytes:", " ".join(out))
