# Makes the test extension (built by build-ext.sh into ext-build/ next to
# this file) importable: `from lx import leakext`.
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "ext-build"))
import leakext  # noqa: E402
