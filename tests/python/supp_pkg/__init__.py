# A package for py_supp: its module supp_pkg.worker leaks from C.
