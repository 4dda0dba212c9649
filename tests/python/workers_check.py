# post of py_workers: one line per process (the parent and each pool
# worker, each with its own JSON file NAME.PID.workers.json), sorted:
# "errors N" counts the records of the error kinds (definite, indirect,
# possible, leaked-ref, uncollected-cycle) that no suppression matched,
# in the process's last check; each such record is named after it.
# Run by the same interpreter, without Valgrind.
import glob
import json
import sys

ERROR_KINDS = {"definite", "indirect", "possible", "leaked-ref",
               "uncollected-cycle"}
lines = []
for path in sorted(glob.glob(sys.argv[1] + ".*.workers.json")):
    with open(path) as f:
        doc = json.load(f)
    checks = [c for c in doc["checks"] if c.get("when") != "checkpoint"]
    last = [c for c in checks if not c.get("teardown")][-1:]
    bad = [r for c in last for r in c["records"]
           if r["kind"] in ERROR_KINDS and not r["suppressed"]]
    lines.append("errors %d" % len(bad))
    for r in bad:
        lines.append("   %s %d bytes %d blocks (%s)"
                     % (r["kind"], r["bytes"], r["blocks"], path))
print("processes %d" % len(glob.glob(sys.argv[1] + ".*.workers.json")))
for line in sorted(lines, key=lambda l: (l.startswith("   "), l)):
    print(line)
