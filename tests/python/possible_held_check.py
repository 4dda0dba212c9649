"""post for py_possible_held: the leaked list's record retains at least
the bytes object it holds and its own item array (sizes as this
interpreter makes them)."""
import json
import sys

doc = json.load(open(sys.argv[1]))
fin = [c for c in doc["checks"] if c["when"] == "finalize"][0]
mine = [r for r in fin["records"]
        if "py_possible_held:hold" in r.get("match", {}).get("python", [])]
refs = [r for r in mine if r["kind"] == "leaked-ref"]
want = sys.getsizeof(b"p" * 3000) + 8
print("hold: one leaked-ref record:", "ok" if len(refs) == 1 else
      "WRONG, got %s" % [r["kind"] for r in mine])
got = refs[0]["retained_bytes"] if refs else 0
print("  retaining the 3,000-byte bytes object and the item array:",
      "ok" if got >= want and refs[0]["retained_blocks"] >= 2 else
      "WRONG, got %d bytes, want at least %d" % (got, want))
print("hold: no other record:", "ok" if len(mine) == len(refs) else
      "WRONG, got %s" % [(r["kind"], r["bytes"]) for r in mine])
