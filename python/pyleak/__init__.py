"""pyleak: ask the pyleak Valgrind tool for a leak check from Python.

    import pyleak
    ...
    pyleak.leak_check("after warm-up")      # a full check, now, labelled
    print(pyleak.count_leaks())             # what that check found

    pyleak.checkpoint("before")             # remember what is live
    ...
    pyleak.checkpoint("after")              # show what grew since

    pyleak.repeat(handle_request, runs=5, warmups=2)
                                            # show only what grew at
                                            # each of the 5 runs

Every function is a harmless no-op when the program does not run under
``valgrind --tool=pyleak``: this module is pure Python and finds the
tool's entry points with ctypes in the process's symbol scope, where
pyleak's preload library puts them.  Standard library only.

The distribution is called ``valgrind-pyleak`` (the name ``pyleak`` is
taken on the Python package index by an unrelated project); the import
name is ``pyleak``.
"""

import ctypes
import gc
import sys

__all__ = ["running", "leak_check", "count_leaks", "count_leak_blocks",
           "checkpoint", "repeat", "clear_caches"]

_KEYS = ("leaked", "dubious", "reachable", "suppressed")


def _entry(name):
    try:
        return getattr(ctypes.CDLL(None), name)
    except (AttributeError, OSError):
        return None


_running = _entry("pyleak_running")
_leak_check = _entry("pyleak_leak_check")
_count_leaks = _entry("pyleak_count_leaks")
_checkpoint = _entry("pyleak_checkpoint")
_count_growth = _entry("pyleak_count_growth")

if _leak_check is not None:
    _leak_check.argtypes = [ctypes.c_char_p]
    _leak_check.restype = None
if _count_leaks is not None:
    _count_leaks.argtypes = [ctypes.POINTER(ctypes.c_ulong), ctypes.c_int]
    _count_leaks.restype = None
if _checkpoint is not None:
    _checkpoint.argtypes = [ctypes.c_char_p, ctypes.c_int]
    _checkpoint.restype = None
if _count_growth is not None:
    _count_growth.argtypes = [ctypes.POINTER(ctypes.c_long)]
    _count_growth.restype = None
# Made once, here, so that checkpoints do not see the helper's own
# objects appear (ctypes makes the array type on first use).
_growth_out = (ctypes.c_long * 3)()


def running():
    """True when this process runs under valgrind --tool=pyleak."""
    return _running is not None and _running() == 1


def _label(label):
    if label is not None and not isinstance(label, (str, bytes)):
        raise TypeError("label must be a str, bytes or None")
    if isinstance(label, str):
        label = label.encode("utf-8", "replace")
    return label


def leak_check(label=None):
    """Run a full leak check now (text report, and checks[] in the JSON
    file with "when": "request" and this label)."""
    if _leak_check is None:
        return
    _leak_check(_label(label))


_GROWTH_KEYS = ("bytes", "blocks", "records")


def _call(module, *path):
    """module.path...() if the module is loaded and has it (a cache of a
    module the program never imported is empty; importing it here would
    be growth of our own)."""
    obj = sys.modules.get(module)
    for name in path:
        obj = getattr(obj, name, None)
    if callable(obj):
        try:
            obj()
        except Exception:     # a cache we could not clear stays: no error
            pass


def _clear_abc_caches(classes):
    for cls in classes:
        if not isinstance(cls, type):
            continue
        for c in [cls] + type.__subclasses__(cls):
            clear = getattr(c, "_abc_caches_clear", None)
            if clear is not None:
                try:
                    clear()
                except Exception:
                    pass


def clear_caches():
    """Empty the bounded caches the interpreter and the standard library
    fill as a side effect of running code, as CPython's refleak hunter
    (regrtest -R) does before each run: what they keep is not the
    program's growth, but it is new at every run when the names or
    patterns are (a getattr() of a name built at run time stays in the
    type attribute cache, a pattern in re's cache).  Caches only: no
    registry, filter or setting is changed.  checkpoint() calls it."""
    # Warnings shown "once" per site are remembered per module, and
    # forgotten whenever a filter changes (pytest changes them per test).
    for mod in list(sys.modules.values()):
        if getattr(mod, "__warningregistry__", None) is not None:
            try:
                del mod.__warningregistry__
            except (AttributeError, TypeError):
                pass
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        if stream is not None:
            try:
                stream.flush()
            except Exception:
                pass
    _call("re", "purge")
    _call("_strptime", "_regex_cache", "clear")
    _call("urllib.parse", "clear_cache")
    _call("linecache", "clearcache")
    _call("filecmp", "_cache", "clear")
    _call("struct", "_clearcache")
    _call("fractions", "_hash_algorithm", "cache_clear")
    _call("inspect", "_shadowed_dict_from_weakref_mro_tuple", "cache_clear")
    _call("inspect", "_filesbymodname", "clear")
    _call("inspect", "modulesbyfile", "clear")
    _call("importlib.metadata", "FastPath", "__new__", "cache_clear")
    typing = sys.modules.get("typing")
    if typing is not None:
        for f in list(getattr(typing, "_cleanups", ())):
            try:
                f()
            except Exception:
                pass
        _clear_abc_caches(vars(typing).values())
    cabc = sys.modules.get("collections.abc")
    if cabc is not None:
        _clear_abc_caches(getattr(cabc, a, None)
                          for a in getattr(cabc, "__all__", ()))
    # Last, as the calls above may fill it again: the type attribute
    # cache (and on 3.13+ the specializer's and JIT's caches).
    clear = getattr(sys, "_clear_internal_caches", None) or \
        getattr(sys, "_clear_type_cache", None)
    if clear is not None:
        clear()


def checkpoint(label=None, runs=1, clear=True):
    """Take a checkpoint: compare what is live with the previous
    checkpoint, by kind and stack (after emptying the interpreter's
    caches, see clear_caches(), unless CLEAR is false, and a full
    garbage collection), and show the records that grew at each of the
    last RUNS checkpoints (1: since the previous one; 0: show nothing,
    only remember).  Returns what was shown, as {"bytes": ..,
    "blocks": .., "records": ..} (growth; all 0 when not under pyleak,
    and at the first checkpoint)."""
    if not isinstance(runs, int) or runs < 0:
        raise ValueError("runs must be an int >= 0")
    if _checkpoint is None:
        return dict.fromkeys(_GROWTH_KEYS, 0)
    if clear:
        clear_caches()
    # A full collection then, as regrtest -R does: cyclic garbage is
    # not growth, and it empties CPython's free lists, whose blocks
    # would otherwise look like objects kept alive.
    gc.collect()
    _checkpoint(_label(label), runs)
    _count_growth(_growth_out)
    return dict(zip(_GROWTH_KEYS, _growth_out))


def repeat(fn, runs=5, warmups=1, label=None, args=(), kwargs=None):
    """CPython's refleak-hunting rule with stacks: call fn(*args,
    **kwargs) WARMUPS times, take a checkpoint, then RUNS times call it
    and take a checkpoint; the last one shows the records that grew at
    every one of the RUNS calls.  A cache that fills once grows in the
    warm-ups only; a leak grows at every call.  Returns the growth
    shown (see checkpoint()); under plain Python it still calls fn
    WARMUPS + RUNS times and returns zeros."""
    if not isinstance(runs, int) or runs < 1:
        raise ValueError("runs must be an int >= 1")
    if not isinstance(warmups, int) or warmups < 0:
        raise ValueError("warmups must be an int >= 0")
    kwargs = kwargs or {}
    name = label or getattr(fn, "__qualname__", None) or repr(fn)
    for _ in range(warmups):
        fn(*args, **kwargs)
    checkpoint("%s: after %d warm-up%s" % (name, warmups,
                                            "" if warmups == 1 else "s"),
               runs=0)
    for i in range(1, runs + 1):
        fn(*args, **kwargs)
        shown = checkpoint("%s: run %d of %d" % (name, i, runs),
                           runs=runs if i == runs else 0)
    return shown


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
