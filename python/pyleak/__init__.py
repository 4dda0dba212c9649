"""pyleak: ask the pyleak Valgrind tool for a leak check from Python.

    import pyleak
    ...
    pyleak.leak_check("after warm-up")      # a full check, now, labelled
    print(pyleak.count_leaks())             # what that check found

Every function is a harmless no-op when the program does not run under
``valgrind --tool=pyleak``: this module is pure Python and finds the
tool's entry points with ctypes in the process's symbol scope, where
pyleak's preload library puts them.  Standard library only.

The distribution is called ``valgrind-pyleak`` (the name ``pyleak`` is
taken on the Python package index by an unrelated project); the import
name is ``pyleak``.
"""

import ctypes

__all__ = ["running", "leak_check", "count_leaks", "count_leak_blocks"]

_KEYS = ("leaked", "dubious", "reachable", "suppressed")


def _entry(name):
    try:
        return getattr(ctypes.CDLL(None), name)
    except (AttributeError, OSError):
        return None


_running = _entry("pyleak_running")
_leak_check = _entry("pyleak_leak_check")
_count_leaks = _entry("pyleak_count_leaks")

if _leak_check is not None:
    _leak_check.argtypes = [ctypes.c_char_p]
    _leak_check.restype = None
if _count_leaks is not None:
    _count_leaks.argtypes = [ctypes.POINTER(ctypes.c_ulong), ctypes.c_int]
    _count_leaks.restype = None


def running():
    """True when this process runs under valgrind --tool=pyleak."""
    return _running is not None and _running() == 1


def leak_check(label=None):
    """Run a full leak check now (text report, and checks[] in the JSON
    file with "when": "request" and this label)."""
    if _leak_check is None:
        return
    if label is not None and not isinstance(label, (str, bytes)):
        raise TypeError("label must be a str, bytes or None")
    if isinstance(label, str):
        label = label.encode("utf-8", "replace")
    _leak_check(label)


def _counts(blocks):
    if _count_leaks is None:
        return dict.fromkeys(_KEYS, 0)
    out = (ctypes.c_ulong * 4)()
    _count_leaks(out, 1 if blocks else 0)
    return dict(zip(_KEYS, out))


def count_leaks():
    """Bytes found by the latest check, as memcheck groups them:
    {"leaked": definite + indirect + Python leak kinds, "dubious":
    possible, "reachable": both reachable kinds, "suppressed"}.  All 0
    when not under pyleak or before any check."""
    return _counts(False)


def count_leak_blocks():
    """The same in blocks."""
    return _counts(True)
