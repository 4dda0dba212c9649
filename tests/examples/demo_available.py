# prereq: exit 0 if the demo's extension (examples/demo/quotes.c) was
# built for this interpreter (make check builds it for each).
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                os.pardir, os.pardir, "examples", "demo",
                                "build"))
import quotes  # noqa: E402,F401
