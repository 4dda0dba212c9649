# post of py_json_small: the JSON of a clean interpreter run, written
# with the default --json-records=reported: small (under 1 MB; it was
# 2.8 MB with every reachable record), no record of a kind the run does
# not report (reachable ones), no record of the teardown check, and the
# top retainers with their retained sizes instead.
#
# usage: python json_small_check.py FILE
import json
import os
import sys

from pycheck import say

path = sys.argv[1]
size = os.path.getsize(path)
with open(path) as f:
    doc = json.load(f)
REPORTED = {"definite", "possible", "leaked-ref", "uncollected-cycle"}
checks = doc["checks"]
say("the file is under 1 MB", size < 1 << 20, "%d bytes" % size)
kinds = {r["kind"] for c in checks for r in c["records"]}
say("records of the reported kinds only", kinds <= REPORTED, sorted(kinds))
say("no record of the teardown check",
    all(not c["records"] for c in checks if c.get("teardown")),
    [len(c["records"]) for c in checks if c.get("teardown")])
fin = [c for c in checks if c["when"] == "finalize"]
tops = fin[0].get("retainers", []) if fin else []
say("the top retainers, with retained sizes",
    len(tops) >= 10 and all(t["retained_bytes"] >= 0 for t in tops)
    and fin[0]["summary"]["reachable-python"]["blocks"] > 0, len(tops))
