# Words that are numbers or text, not pointers, must not keep a leaked
# block "possibly lost": each of the three 4096/65536-byte blocks
# leaked below has exactly one word pointing into it, and that word is
# data the interpreter holds, not a reference.
from lx import leakext


def int_constant():
    # A code object's int constant whose value is an address inside a
    # leaked block (under Valgrind the heap is below 1 GiB: one digit).
    addr = leakext.leak_address(4096)
    return compile("K = %d" % (addr + 1000), "<int constant>", "exec")


def bytes_constant():
    # The same address as a bytes literal's eight bytes.
    addr = leakext.leak_address(4096)
    text = (addr + 1000).to_bytes(8, "little")
    return compile("K = %r" % text, "<bytes constant>", "exec")


KEEP = [int_constant(), bytes_constant()]

# 89869747 (0x55b4db3) is an int constant of _collections_abc, which
# every interpreter imports at start-up: deep-frozen in the
# interpreter's static data on 3.11 and 3.12, a heap code constant on
# 3.10 and 3.13+.  Leak a block covering that address where the heap
# has it free.
print("covering:", leakext.leak_covering(89869747))
