"""py_numeric: a small numeric loop (float/int arithmetic).

A pure-Python Mandelbrot-style iteration plus an integer LCG: no
containers, but every float and big-ish int result is a fresh object, so
the interpreter allocates and frees small objects at a very high rate
(with PYTHONMALLOC=malloc each of those is a malloc/free pair).
Size: BENCH_SCALE (float, default 1.0) scales the number of points.
"""
import os

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
POINTS = max(1, int(300000 * SCALE))
MAX_ITER = 40


def escape_time(cr, ci):
    zr = zi = 0.0
    for n in range(MAX_ITER):
        zr, zi = zr * zr - zi * zi + cr, 2.0 * zr * zi + ci
        if zr * zr + zi * zi > 4.0:
            return n
    return MAX_ITER


def main():
    seed = 12345
    total = 0
    for _ in range(POINTS):
        seed = (seed * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        cr = (seed >> 40) / float(1 << 24) * 3.0 - 2.0
        ci = ((seed >> 16) & 0xFFFFFF) / float(1 << 24) * 2.4 - 1.2
        total += escape_time(cr, ci)
    print("py_numeric", POINTS, total)


main()
