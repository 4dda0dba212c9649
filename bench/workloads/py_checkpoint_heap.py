"""Checkpoint benchmark workload (bench/checkpoints): build a live heap
of about N Python objects (BENCH_OBJECTS), then take K checkpoints
(BENCH_CHECKPOINTS) the way pyleak.repeat() does, the last one showing
growth.  Under pyleak with -v each checkpoint prints its time by phase."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                os.pardir, os.pardir, "python"))
import pyleak  # noqa: E402

n = int(os.environ.get("BENCH_OBJECTS", "100000"))
k = int(os.environ.get("BENCH_CHECKPOINTS", "5"))

# About n objects: per item a dict, a str, a tuple and a list.
records = []
for i in range(n // 4):
    records.append({"id": i, "name": "item-%d" % i, "pos": (i, -i)})
kept = []
for i in range(k):
    kept.append([str(i)] * 4)          # a little growth per run
    pyleak.checkpoint("bench %d" % i, runs=1 if i == k - 1 else 0)
print(len(records), len(kept))
