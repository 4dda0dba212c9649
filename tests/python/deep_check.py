"""Post check of py_deep_recursion: the definitely lost records, each as
its block count and Python stack (function names, consecutive repeats
counted), and the stack's length against --py-depth (32)."""
import json
import sys

with open(sys.argv[1]) as f:
    doc = json.load(f)
pf = doc["python_frames"]
check = [c for c in doc["checks"] if c["when"] in ("exit", "finalize")
         and not c.get("teardown")][0]
for r in check["records"]:
    if r["kind"] != "definite":
        continue
    names = [pf[i]["function"] for i in r["python_stack"]]
    runs = []
    for name in names:
        if runs and runs[-1][0] == name:
            runs[-1][1] += 1
        else:
            runs.append([name, 1])
    print(r["bytes"], "bytes in", r["blocks"], "blocks:",
          " < ".join(n if c == 1 else "%s x%d" % (n, c) for n, c in runs))
    print("frames within --py-depth:", len(names) <= 32)
