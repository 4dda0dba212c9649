"""Native (no valgrind) self-test of the leakext test extension.

usage: PYTHON ext_selftest.py OUTDIR
OUTDIR holds the modules built by build-ext.sh.  Calls every function of
leakext once and prints "ok".
"""
import sys
import threading

if len(sys.argv) != 2:
    sys.exit("usage: %s OUTDIR" % sys.argv[0])
sys.path.insert(0, sys.argv[1])

import leakext  # noqa: E402


def main():
    leakext.leak_bytes(1234)
    leakext.leak_struct()
    leakext.leak_pymem(321)

    kept = object()
    before = sys.getrefcount(kept)
    assert leakext.keep(kept) is None
    assert sys.getrefcount(kept) == before + 1

    lst = [1, 2, 3]
    before = sys.getrefcount(lst)
    assert leakext.incref_leak(lst) is None
    after = sys.getrefcount(lst)
    assert after == before + 1, (before, after)

    assert leakext.make_dict_leak(10) is None
    assert leakext.call(lambda a, b: a + b, 1, 2) == 3
    assert leakext.call(lambda a, b=0: a * b, 3, b=4) == 12

    errors = []

    def worker():
        try:
            leakext.leak_in_thread_nogil(555)
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    t = threading.Thread(target=worker)
    t.start()
    t.join()
    assert not errors, errors

    for bad in (lambda: leakext.leak_bytes(-1), lambda: leakext.call()):
        try:
            bad()
        except (ValueError, TypeError):
            pass
        else:
            raise AssertionError("expected an exception")

    print("ok")


main()
