# prereq: exit 0 if the test extension was built for this interpreter.
import lx  # noqa: F401
