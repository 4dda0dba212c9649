# post of py_workers: how many processes wrote a JSON file (the parent
# and each pool worker: NAME.PID.workers.json), then the distinct lines
# of the processes, sorted: "errors N" counts the records of the error kinds (definite, indirect,
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
# The parent and the pool's two workers; the pool may start a worker more
# when one ends while terminate() runs (its handler thread repopulates).
n = len(glob.glob(sys.argv[1] + ".*.workers.json"))
print("processes %s" % ("3 or more" if n >= 3 else n))
for line in sorted(set(lines), key=lambda l: (l.startswith("   "), l)):
    print(line)
