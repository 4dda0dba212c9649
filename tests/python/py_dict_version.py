# A dict's version tag is a counter, not a reference: CPython 3.12+
# step it by 4096 at every dict mutation, so its values come to look
# like heap addresses.  leakext.version_word_leak() leaks an 8 KB block
# and returns a dict whose version word holds an address inside it (as
# a counter can by chance); the dict stays alive in a global.  The
# block must be definitely lost, not "possibly lost" through the
# dict's counter (a false answer seen on sid's python3.13).
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lx import leakext  # noqa: E402

kept = leakext.version_word_leak()
leakext.clobber_stack()
