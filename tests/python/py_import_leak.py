# A C extension that leaks while it is imported: leakext's module init
# (PyInit_leakext) mallocs 77 bytes and drops them when
# LEAKEXT_IMPORT_LEAK is set.  The leak is reported with the Python stack
# of the import statement, inside the function that imported it.


def load_plugin():
    from lx import leakext
    return leakext


load_plugin()
