# --xml=yes on a Python program (py_xml.vgtest): a list leaked by an
# extra reference (made with the C API through ctypes, as a C extension
# would) is a Leak_DefinitelyLost error with <pykind>leaked-ref</pykind>
# and its Python stack.
import ctypes


def leak_list():
    obj = [1, 2, 3]
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(obj))


def main():
    leak_list()


main()
