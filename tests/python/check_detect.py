# post: check that pyleak's JSON names the interpreter that ran: its
# version, its build, and the object file that holds its runtime.
import json
import os
import platform
import struct
import sys
import sysconfig


def has_pyruntime_section(path):
    """Does the ELF file at PATH have a .PyRuntime section?"""
    with open(path, "rb") as f:
        data = f.read()
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    strtab_off = struct.unpack_from("<Q", data,
                                    shoff + shstrndx * shentsize + 24)[0]
    for i in range(shnum):
        name = struct.unpack_from("<I", data, shoff + i * shentsize)[0]
        end = data.index(b"\0", strtab_off + name)
        if data[strtab_off + name:end] == b".PyRuntime":
            return True
    return False


def main():
    with open(sys.argv[1]) as f:
        doc = json.load(f)
    py = doc.get("python")
    problems = []
    if not py:
        problems.append("no python object")
    else:
        if py.get("implementation") != "cpython":
            problems.append("implementation %r" % py.get("implementation"))
        want = platform.python_version()
        if sys.version_info[:2] == (3, 10):
            # 3.10 has no Py_Version: pyleak knows the minor version only
            want = "3.10"
        if py.get("version") != want:
            problems.append("version %r, want %r" % (py.get("version"), want))
        if sys.version_info >= (3, 11) and py.get("hexversion") != sys.hexversion:
            problems.append("hexversion %r, want %r" % (py.get("hexversion"),
                                                         sys.hexversion))
        build = "debug" if hasattr(sys, "gettotalrefcount") else "release"
        if py.get("build") != build:
            problems.append("build %r, want %r" % (py.get("build"), build))
        # The runtime is in the executable when it was linked statically
        # (Debian's), else in the shared libpython next to it (pyenv's).
        if has_pyruntime_section(os.path.realpath(sys.executable)):
            lib = sys.executable
        else:
            lib = os.path.join(sysconfig.get_config_var("LIBDIR"),
                               sysconfig.get_config_var("INSTSONAME"))
        if os.path.realpath(py.get("object", "")) != os.path.realpath(lib):
            problems.append("object %r, want %r" % (py.get("object"), lib))
    print("ok" if not problems else "; ".join(problems))


if __name__ == "__main__":
    main()
