# prereq: exit 1 on CPython 3.10.  Its frames are heap objects whose dead
# value-stack slots pyleak still scans as references, so at finalization a
# leaked object can still look reachable there (a documented limit: it is
# reported at exit instead).
import sys

sys.exit(0 if sys.version_info >= (3, 11) else 1)
