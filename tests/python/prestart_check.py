"""post for py_prestart: the module global 'registry' retains as many
blocks as 'control' (the same five widgets, no stray pointer), and at
least as many bytes (one of registry's blocks can be a few bytes
larger: which list's widgets come first changes a values array)."""
import json
import sys

doc = json.load(open(sys.argv[1]))
fin = [c for c in doc["checks"] if c["when"] == "finalize"][0]
kept = {t["retained_by"]: t for t in fin.get("retainers", [])}


def retained(name):
    t = kept.get("module __main__ global '%s'" % name)
    return (t["retained_bytes"], t["retained_blocks"]) if t else None


got, want = retained("registry"), retained("control")
print("module __main__ global 'registry' retains as much as 'control':",
      "ok" if got is not None and want is not None and got[1] == want[1]
      and got[0] >= want[0] else
      "WRONG, got %s, 'control' %s (bytes, blocks)" % (got, want))
