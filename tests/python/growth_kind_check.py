"""Post check of py_growth_kind: the last checkpoint's growth at
handle()'s allocation line is one group, of kind leaked-ref, grown by
the newest object, with the four objects of the measured runs live.
Sizes are this interpreter's sys.getsizeof of the same objects (a bytes
object is one block of that size under PYTHONMALLOC=malloc)."""
import json
import sys

doc = json.load(open(sys.argv[1]))
last = [c for c in doc["checks"] if c["when"] == "checkpoint"][-1]
pyf = doc["python_frames"]
line = None
for i, text in enumerate(open("py_growth_kind.py"), 1):
    if text.strip().startswith("obj = bytes("):
        line = i
groups = []
for g in last.get("growth", []):
    stack = [pyf[i] if isinstance(i, int) else i for i in g["python_stack"]]
    if stack and stack[0]["function"] == "handle" and stack[0]["line"] == line:
        groups.append(g)
print("groups at handle's line:", len(groups))
for g in groups:
    # Runs 1..4 are calls 2..5 (call 1 was the warm-up, another stack).
    newest = sys.getsizeof(bytes(205))
    live = sum(sys.getsizeof(bytes(200 + k)) for k in range(2, 6))
    print("kind", g["kind"])
    print("grown by the newest object:", g["bytes"] == newest,
          "blocks", g["blocks"])
    print("live: the four measured objects:", g["live_bytes"] == live,
          "blocks", g["live_blocks"], "runs", g["runs"])
