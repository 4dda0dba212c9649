# A small test suite for the pytest plugin (py_pytest.vgtest): a clean
# test, a cache that fills on the first call, a C-extension leak at every
# call, a Python list that grows at every call (the listener list), and a
# small leak its marker allows.
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
