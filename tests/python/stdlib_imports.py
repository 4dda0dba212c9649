# Imports every C module of the interpreter's standard library (those
# in lib-dynload and the built-in ones) and a set of big pure-Python
# packages, and does nothing wrong: with pyleak's default suppressions
# the run must report no error (py_default_supp.vgtest).
import importlib
import os
import sys
import sysconfig

dynload = os.path.join(sysconfig.get_path("platstdlib"), "lib-dynload")
mods = sorted({f.split(".")[0] for f in os.listdir(dynload)
               if f.endswith(".so")})
mods += sorted(sys.builtin_module_names)
mods += ["json", "decimal", "asyncio", "ssl", "sqlite3", "ctypes",
         "xml.etree.ElementTree", "email", "http.client", "logging",
         "multiprocessing", "concurrent.futures", "unittest", "argparse",
         "csv", "datetime", "zoneinfo", "tkinter", "readline", "curses"]
imported = 0
for m in mods:
    if m.startswith("_test") or m in ("antigravity", "this"):
        continue
    try:
        importlib.import_module(m)
        imported += 1
    except Exception:
        pass
print("imported", "many" if imported > 50 else imported)
