"""pyleak's quick-start demo: a tiny price service with two leaks.

    valgrind --tool=pyleak /usr/bin/python3 examples/demo/service.py

(./quickstart builds the C extension, examples/demo/quotes.c, into
examples/demo/build and runs this with pyleak's helper module on
PYTHONPATH.)

- handle() calls quotes.parse(), whose C code forgets to free a 64-byte
  scratch buffer for every quoted symbol: "definitely lost", allocated
  in unquote() < quotes_parse(), under handle() and serve_batch().
- handle() also records every quote in the module-level dict _history,
  which nothing ever trims: a cache that grows at every batch
  ("reachable Python objects", retained by module __main__ global
  '_history').

pyleak.repeat() (CPython's refleak rule: warm up, then keep what grew
at every run) shows both as growth per batch; the report at exit shows
the C leak with both stacks.  Without pyleak (plain python3) the
service just runs.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "build"))
import quotes  # noqa: E402

try:
    import pyleak
except ImportError:             # helper not on PYTHONPATH: just run
    pyleak = None

BATCH = 10                      # requests per batch; every 5th is quoted
_history = {}                   # request id -> "SYMBOL PRICE", never trimmed
_next_id = [0]


def handle(line):
    symbol, price = quotes.parse(line)
    _next_id[0] += 1
    _history[_next_id[0]] = "%s %.2f" % (symbol, price)
    return price


def serve_batch():
    total = 0.0
    for i in range(BATCH):
        if i % 5 == 0:
            total += handle('"BRK.B",%d.25' % (400 + i))
        else:
            total += handle("ACME,%d.5" % (10 + i))
    return total


def main():
    if pyleak is not None:
        pyleak.repeat(serve_batch, runs=3, warmups=1, label="serve_batch")
    else:
        for _ in range(4):
            serve_batch()
    print("served %d requests, %d kept in _history"
          % (_next_id[0], len(_history)))


main()
