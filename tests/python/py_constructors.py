# Objects a C extension makes with the C API's constructors and leaks (a
# forgotten reference), after Python code has filled CPython's free
# lists: every record must name the extension's function (lx_new_<kind>)
# and the Python function that called it (make_them), not the site that
# first allocated the reused block (warm_up).  On builds made with
# link-time optimisation (Debian's python3) the constructors inline
# _Py_NewReference; pyleak must see the new life all the same.
from lx import leakext

KINDS = ["list", "tuple", "dict", "float", "int", "slice", "method",
         "cell", "build_list", "build_tuple", "build_dict"]


def warm_up():
    # Make and drop many objects of each kind from Python, so that the
    # free lists hold blocks first allocated here.
    for i in range(200):
        a = [i, i, i]
        b = (i, i + 1)
        c = {"k": i}
        d = i * 1.5
        e = i * 1000 + 123456
        f = slice(i, 9)
        g = leakext.kept
        del a, b, c, d, e, f, g

    def outer():
        x = 1

        def inner():
            return x
        return inner
    for i in range(200):
        outer()


def make_them():
    for k in KINDS:
        leakext.leak_new(k)


def overwrite():
    # Takes make_them's place on the interpreter's frame stack.
    a = b = c = d = e = f = g = h = i = j = k = m = None
    return a


warm_up()
make_them()
overwrite()
leakext.clobber_stack()
