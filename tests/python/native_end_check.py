# post of py_native_end: the definite record of leak_bytes(123) under
# load: 123 bytes in 1 block, its native stack through the extension's
# lx_leak_bytes and ending at the first frame of the interpreter's
# evaluation loop (its cold part included: distributions' builds keep
# its symbol in the separate debug file), so no frame of the loop's own
# callers follows.
import os
import sys

from pycheck import Program, Report

HERE = os.path.dirname(os.path.abspath(__file__))
report = Report(sys.argv[1], Program(os.path.join(HERE, "py_native_end.py")))
for r in report.records:
    py = [report.doc["python_frames"][i]["function"]
          for i in r["python_stack"]]
    if r["kind"] != "definite" or py[:1] != ["load"]:
        continue
    nat = [n or "?" for n in report.native(r)]
    evals = [i for i, n in enumerate(nat)
             if n.startswith("_PyEval_EvalFrameDefault")]
    print("load: %d bytes in %d blocks" % (r["bytes"], r["blocks"]))
    print("  through lx_leak_bytes: %s" % ("lx_leak_bytes" in nat))
    print("  ends at the evaluation loop: %s" % (
        evals == [len(nat) - 1] or "no: %s" % " < ".join(nat)))
