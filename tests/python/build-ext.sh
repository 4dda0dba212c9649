#!/bin/sh
# Build a one-file CPython extension for every interpreter in a
# pythons.list file: by default the leaky test extension
# tests/python/ext/leakext.c; the quick start's demo builds
# examples/demo/quotes.c with it too.
#
# usage: sh build-ext.sh PYTHONS_LIST OUTDIR [SOURCE.c]
#
# PYTHONS_LIST has lines "PATH X.Y release|debug" (blank lines and lines
# starting with # are ignored).  For each interpreter, sysconfig's INCLUDEPY
# and EXT_SUFFIX are asked for and OUTDIR/NAME$EXT_SUFFIX is compiled, NAME
# being the source's name without .c (the module's name).
# Interpreters sharing an EXT_SUFFIX get one build (the first one listed
# wins).  An interpreter that cannot be run, or whose Python.h is missing, is
# skipped with a message on stderr.  A module is rebuilt only when
# its source is newer than it.  Exits non-zero if a compile fails.
# CC (default gcc) and EXTRA_CFLAGS may be set in the environment.

set -u

me=build-ext.sh
if [ $# -ne 2 ] && [ $# -ne 3 ]; then
    echo "usage: sh $me PYTHONS_LIST OUTDIR [SOURCE.c]" >&2
    exit 2
fi
list=$1
outdir=$2

case $0 in
    */*) scriptdir=${0%/*} ;;
    *) scriptdir=. ;;
esac
scriptdir=$(cd "$scriptdir" && pwd) || exit 2
src=${3:-$scriptdir/ext/leakext.c}
mod=${src##*/}
mod=${mod%.c}

if [ ! -r "$list" ]; then
    echo "$me: cannot read $list" >&2
    exit 2
fi
if [ ! -r "$src" ]; then
    echo "$me: cannot read $src" >&2
    exit 2
fi
mkdir -p "$outdir" || exit 2

cc=${CC:-gcc}
# pyleak.h (the client requests) and the valgrind.h it includes.
pyleak_inc=$scriptdir/../../pyleak
vg_cflags=$(pkg-config --cflags valgrind 2>/dev/null || echo -I/usr/include/valgrind)
nl='
'
seen=" "          # EXT_SUFFIXes already handled, space separated
status=0

# Read the list on fd 3 so that the interpreters and the compiler do not
# consume it from stdin.
while read -r py ver kind rest <&3; do
    case $py in
        ''|'#'*) continue ;;
    esac
    if [ ! -x "$py" ]; then
        echo "$me: skipping $py ($ver $kind): not executable" >&2
        continue
    fi
    info=$("$py" -c 'import sysconfig
print(sysconfig.get_config_var("INCLUDEPY") or "")
print(sysconfig.get_config_var("EXT_SUFFIX") or "")' </dev/null) || {
        echo "$me: skipping $py ($ver $kind): cannot query sysconfig" >&2
        continue
    }
    inc=${info%%"$nl"*}
    suffix=${info#*"$nl"}
    if [ -z "$inc" ] || [ -z "$suffix" ]; then
        echo "$me: skipping $py ($ver $kind): no INCLUDEPY or EXT_SUFFIX" >&2
        continue
    fi
    case $seen in
        *" $suffix "*) continue ;;      # built already for an earlier one
    esac
    if [ ! -f "$inc/Python.h" ]; then
        echo "$me: skipping $py ($ver $kind): $inc/Python.h not found" >&2
        continue
    fi
    seen="$seen$suffix "
    so=$outdir/$mod$suffix
    if [ -f "$so" ] && [ -z "$(find "$src" -newer "$so" 2>/dev/null)" ]; then
        continue                        # up to date
    fi
    tmp=$so.tmp.$$
    # shellcheck disable=SC2086  # EXTRA_CFLAGS is a word list on purpose
    if "$cc" -shared -fPIC -g -O1 -fno-omit-frame-pointer -fno-inline -Wall \
            ${EXTRA_CFLAGS:-} -I"$inc" -I"$pyleak_inc" $vg_cflags \
            -o "$tmp" "$src" </dev/null \
        && mv -f "$tmp" "$so"; then
        echo "$me: built $so ($py)" >&2
    else
        rm -f "$tmp"
        echo "$me: compiling $src for $py failed" >&2
        status=1
    fi
done 3<"$list"

exit $status
