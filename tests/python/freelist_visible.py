# prereq of py_freelist: exit 1 for an interpreter linked statically into
# its executable in a release build (Debian's /usr/bin/python3.11).  Those
# distribution builds use link-time optimisation, which inlines
# _Py_NewReference into the object constructors, so pyleak's preload
# cannot see an object start a new life from a free list (a documented
# limit; the debug build and shared-libpython builds are not affected).
import os
import sys

import check_detect

exe = os.path.realpath(sys.executable)
static = check_detect.has_pyruntime_section(exe)
debug = hasattr(sys, "gettotalrefcount")
sys.exit(1 if static and not debug else 0)
