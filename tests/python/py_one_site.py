# One Python line, one record: grow() runs many times; the first runs of
# its call to bytearray() go through the interpreter's generic call
# path, the later ones through the instruction specialised for it, so
# the native stacks of the blocks it makes differ between the call
# protocol's frames and the evaluation loop.  Its objects must still
# form one record per kind of block (py_one_site_check.py).
_kept = []

N = 40


def grow():
    _kept.append(bytearray(400))


def main():
    for i in range(N):
        grow()


main()
