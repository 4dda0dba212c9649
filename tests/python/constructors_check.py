# post of py_constructors: for each constructor kind, the leaked-ref
# record made by leakext.leak_new(kind) at interpreter finalization:
# exactly one leak record (reachable ones aside), one block, its native
# stack through lx_new_<kind>, its innermost Python function make_them, and its object of the type the
# constructor makes.  Run by the same interpreter, without Valgrind.
import os
import sys

from pycheck import Program, Report

HERE = os.path.dirname(os.path.abspath(__file__))
report = Report(sys.argv[1], Program(os.path.join(HERE,
                                                  "py_constructors.py")))
doc = report.doc
KINDS = ["list", "tuple", "dict", "float", "int", "slice", "method",
         "cell", "build_list", "build_tuple", "build_dict"]
TYPE = {"list": "list", "tuple": "tuple", "dict": "dict", "float": "float",
        "int": "int", "slice": "slice", "method": "method", "cell": "cell",
        "build_list": "list", "build_tuple": "tuple", "build_dict": "dict"}

recs = report.records


def natives(r):
    return [n or "" for n in report.native(r)]


def pyfuncs(r):
    return [doc["python_frames"][i]["function"] for i in r["python_stack"]]


for k in KINDS:
    fn = "lx_new_" + k
    # (what stays reachable is no leak: lx_new_method's attribute name,
    # say, interned by PyObject_GetAttrString)
    mine = [r for r in recs
            if not r["kind"].startswith("reachable")
            and any(n == fn or n.startswith(fn + ".") for n in natives(r))]
    if len(mine) != 1:
        print("%s: WRONG, %d records through %s: %s" % (
            k, len(mine), fn, [(r["kind"], pyfuncs(r)[:2]) for r in mine]))
        continue
    r = mine[0]
    problems = []
    if r["kind"] != "leaked-ref":
        problems.append("kind " + r["kind"])
    if r["blocks"] != 1:
        problems.append("%d blocks" % r["blocks"])
    if pyfuncs(r)[:1] != ["make_them"]:
        problems.append("python stack %s" % pyfuncs(r)[:3])
    if r.get("py_types") != {TYPE[k]: 1}:
        problems.append("types %s" % r.get("py_types"))
    print("%s: %s" % (k, "; ".join(problems) if problems else
                      "leaked-ref, 1 %s, in %s under make_them" % (TYPE[k], fn)))
