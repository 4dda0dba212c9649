"""py_containers: dict/list/tuple/str churn plus a JSON round trip.

Each iteration builds a small record-like dict (str keys, str/int/float
values, a nested list of tuples), formats strings, serialises it with
json.dumps, parses it back and checks it.  The records live briefly in a
small ring so allocations and frees interleave, as in a request loop.
Size: BENCH_SCALE (float, default 1.0) scales the iteration count.
"""
import json
import os

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
ITERATIONS = max(1, int(30000 * SCALE))
RING = 64


def make_record(i):
    tags = [("t%d" % (i % 7), i % 11, float(i) / 3.0) for _ in range(6)]
    return {
        "id": i,
        "name": "user-%06d" % i,
        "email": f"user{i}@example.org",
        "score": i * 0.5,
        "tags": tags,
        "flags": {"a": i & 1, "b": bool(i & 2), "c": None},
        "words": " ".join(str(i * k) for k in range(8)).split(),
    }


def main():
    ring = [None] * RING
    total = 0
    for i in range(ITERATIONS):
        rec = make_record(i)
        text = json.dumps(rec, sort_keys=True)
        back = json.loads(text)
        assert back["id"] == i and len(back["tags"]) == 6
        ring[i % RING] = (rec, back, text)      # drops the entry RING iterations old
        total += len(text) + len(back["words"])
        keys = sorted(set(back) | {"extra", "id"})
        total += len(keys)
    print("py_containers", ITERATIONS, total)


main()
