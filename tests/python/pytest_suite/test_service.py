# A small test suite for the pytest plugin (py_pytest.vgtest): a clean
# test, a cache that fills on the first call, a C-extension leak at every
# call, a Python list that grows at every call (the listener list), and a
# small leak its marker allows, and a clean test that dispatches by a
# name built at every run (the type attribute cache keeps each name).
import pytest

from lx import leakext

_cache = {}
_listeners = []


def test_clean():
    words = [str(i) for i in range(200)]
    assert len(" ".join(words)) > 200


def test_cache_fills_once():
    if "table" not in _cache:
        _cache["table"] = bytearray(5000)
    assert len(_cache["table"]) == 5000


def test_extension_leaks():
    leakext.leak_bytes(700)


def test_listener_list_grows():
    _listeners.append(bytes(400))


@pytest.mark.pyleak(allow=1024)
def test_small_leak_allowed():
    leakext.leak_bytes(100)


class _Handler:
    def on_ping(self):
        return "pong"


_events = [0]


def test_dispatch_by_name():
    # Clean: a handler looked up by a name built at every run.  CPython's
    # type attribute cache keeps each new name (bounded, but new at every
    # run); the plugin's checkpoints empty it first, as regrtest -R does.
    _events[0] += 1
    assert getattr(_Handler(), "on_event_%d" % _events[0], None) is None
