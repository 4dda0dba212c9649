# A clean numpy program (Debian's python3-numpy): arrays made, combined,
# reduced, sorted, sliced, some kept in a module global and the rest
# dropped.  Nothing is leaked: the check at interpreter finalization must
# find no block of the error kinds (definite, indirect, possible,
# leaked-ref, uncollected-cycle) allocated under main(), and the kept
# array must be reachable-python, retained by its global.  The kept array
# exports its buffer once (memoryview): numpy keeps the buffer's
# description with the array through a tagged pointer, which is not a
# leak.
import numpy as np

kept = None


def compute(n):
    a = np.arange(n, dtype=np.float64)
    b = np.sqrt(a) * 2.0 + 1.0
    m = b.reshape(-1, 10).mean(axis=1)
    idx = np.argsort(m)[::-1]
    top = {int(i): float(m[i]) for i in idx[:5]}
    return float(b.sum()), top


def main():
    global kept
    total = 0.0
    for n in (1000, 5000, 20000):
        t, top = compute(n)
        total += t + sum(top.values())
    mat = np.random.default_rng(0).random((50, 50))
    inv = np.linalg.inv(mat + np.eye(50) * 50)
    kept = np.full(3000, total)
    print(round(total, 1), inv.shape, memoryview(kept).nbytes)


main()
