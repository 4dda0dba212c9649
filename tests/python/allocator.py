# Prints the allocator CPython runs with, and PYTHONMALLOC as the
# program sees it in its environment (pyleak must not change that).
import os

try:
    from _testinternalcapi import pymem_getallocatorsname   # 3.13+
except ImportError:
    from _testcapi import pymem_getallocatorsname

print(pymem_getallocatorsname(), os.environ.get("PYTHONMALLOC"))
