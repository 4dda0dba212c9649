# The native stack of an allocation made under Python code ends at the
# evaluation loop's frame that called into C (py_native_end.vgtest).
from lx import leakext


def load():
    leakext.leak_bytes(123)


def main():
    load()


main()
leakext.clobber_stack()
