# CPython 3.10 and 3.11 keep a pointer to an AST node of the first parse
# of a call with arguments in a static (_PyPegen_dummy_name's cache); the
# node's arena is freed when that compilation ends.  Run with -S (no .pth
# line parsed first) and written without a call with arguments, this
# script leaves that first parse to leak_arena_pool, whose parser arena
# lives in a 64 KiB block it then leaks: the cache points into it.
import sys

sys.path[:0] = [sys.path[0] + "/ext-build"]
import leakext  # noqa: E402

leakext.leak_arena_pool()
