#!/bin/sh
# Self-test of tests/regtest.pl (and filter_stderr, json_summary) using
# fake-valgrind instead of pyleak, so it needs no build.  Exits non-zero
# if the harness does not behave as expected.
#
# Usage: sh tests/harness-selftest/run.sh   (from any directory)

here=$(cd "$(dirname "$0")" && pwd)
harness="$here/../regtest.pl"
fake="$here/fake-valgrind"
status=0

fail() {
    echo "selftest: FAILED: $*"
    status=1
}

# 1. The cases in this directory: all pass (three by failing as expected),
#    one is skipped.  Names are relative to the cwd, hence the cd.
cd "$here" || exit 1
out=$(perl "$harness" --valgrind="$fake" --memcheck="$fake" --pythons=pythons.list . 2>&1)
rc=$?
printf '%s\n' "$out"
want_last='8 passed, 0 failed, 1 skipped'
last=$(printf '%s\n' "$out" | tail -n 1)
[ "$last" = "$want_last" ] || fail "closing line is '$last', expected '$want_last'"
[ "$rc" -eq 0 ] || fail "harness exited $rc, expected 0"
want_lines='broken: ok (failed as expected: stdout, json, memcheck, exit_code, post)
exit-code: ok
json: ok
pass: ok
prereq-skip: skipped
python@3.12: ok
python@3.11d: ok
stderr-differs: ok (failed as expected: stderr)
suppressed: ok (failed as expected: suppressed)'
got_lines=$(printf '%s\n' "$out" | grep -E '^[^ ]+: (ok|FAILED|skipped)')
[ "$got_lines" = "$want_lines" ] || fail "per-test lines differ from:
$want_lines"
# Tests that count as passed must not leave output files behind.
leftovers=$(ls | grep -E '\.(out|raw|sum|diff)$')
[ -z "$leftovers" ] || fail "left behind: $leftovers"

# 1b. The same cases three at a time: the same log, line for line (each
#     verdict with its details, in the serial order), the same status.
out_j=$(perl "$harness" --valgrind="$fake" --memcheck="$fake" --pythons=pythons.list --jobs=3 . 2>&1)
rc_j=$?
[ "$out_j" = "$out" ] || fail "--jobs=3 log differs from the serial one:
$out_j"
[ "$rc_j" -eq "$rc" ] || fail "--jobs=3 exited $rc_j, the serial run $rc"
leftovers=$(ls | grep -E '\.(out|raw|sum|diff)$')
[ -z "$leftovers" ] || fail "--jobs=3 left behind: $leftovers"

# 2. A real failure: exit status 1, the diff shown, outputs kept.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cp pass.vgtest "$tmp/"
sed 's/definitely lost: 10/definitely lost: 12/' pass.stderr.exp > "$tmp/pass.stderr.exp"
out=$(cd "$tmp" && perl "$harness" --valgrind="$fake" pass.vgtest 2>&1)
rc=$?
[ "$rc" -eq 1 ] || fail "failing run exited $rc, expected 1"
[ "$(printf '%s\n' "$out" | head -n 1)" = 'pass: FAILED (stderr)' ] || fail "failing run said: $out"
[ "$(printf '%s\n' "$out" | grep -c '^pass: FAILED (stderr)$')" -eq 2 ] || fail "serial run: failure not repeated above the summary: $out"
[ "$(printf '%s\n' "$out" | tail -n 1)" = '0 passed, 1 failed, 0 skipped' ] || fail "failing run said: $out"
printf '%s\n' "$out" | grep -q '^    +   definitely lost: 10 bytes' || fail "diff not shown: $out"
[ -f "$tmp/pass.stderr.diff" ] && [ -f "$tmp/pass.stderr.raw" ] || fail "failing run's outputs not kept"
# ... and in a parallel run: the failure's details, then the next verdict.
cp pass.vgtest "$tmp/good.vgtest"
cp pass.stderr.exp "$tmp/good.stderr.exp"
cp pass.stdout.exp "$tmp/good.stdout.exp"
out=$(cd "$tmp" && perl "$harness" --valgrind="$fake" --jobs=2 good.vgtest pass.vgtest 2>&1)
rc=$?
[ "$rc" -eq 1 ] || fail "failing --jobs=2 run exited $rc, expected 1"
[ "$(printf '%s\n' "$out" | sed -n '1p;/^pass:/p;/^Failed:/p;$p')" = 'good: ok
pass: FAILED (stderr)
Failed:
pass: FAILED (stderr)
1 passed, 1 failed, 0 skipped' ] || fail "failing --jobs=2 run said: $out"
printf '%s\n' "$out" | grep -q '^    +   definitely lost: 10 bytes' || fail "--jobs=2: diff not shown: $out"
# A log read from its tail (CI) shows each failure and its diff again
# just above the summary, and only the failures.
printf '%s\n' "$out" | sed -n '/^Failed:/,$p' | grep -q '^    +   definitely lost: 10 bytes' \
    || fail "--jobs=2: diff not repeated above the summary: $out"
printf '%s\n' "$out" | sed -n '/^Failed:/,$p' | grep -q '^good:' \
    && fail "--jobs=2: a passing run repeated above the summary: $out"

# 2b. The same failure listed in --known-failures: skipped with its reason
#     and details, exit status 0; a listed run that passes says so.
printf '# comment\npass  the fake says 10 bytes\ngood  never failed\n' > "$tmp/known"
out=$(cd "$tmp" && perl "$harness" --valgrind="$fake" --known-failures=known good.vgtest pass.vgtest 2>&1)
rc=$?
[ "$rc" -eq 0 ] || fail "known failure: exited $rc, expected 0"
[ "$(printf '%s\n' "$out" | sed -n '1p;/^pass:/p;$p')" = 'good: ok (listed as a known failure: it can leave the list)
pass: skipped (known failure: the fake says 10 bytes; failed in stderr)
1 passed, 0 failed, 1 skipped' ] || fail "known failure run said: $out"
printf '%s\n' "$out" | grep -q '^    +   definitely lost: 10 bytes' || fail "known failure: diff not shown: $out"

# 3. No vg-in-place (and no --valgrind): one line, exit status 2.
out=$(cd "$tmp" && perl "$harness" --top-builddir="$tmp" pass.vgtest 2>&1)
rc=$?
[ "$rc" -eq 2 ] || fail "without vg-in-place: exit $rc, expected 2"
[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || fail "without vg-in-place, said: $out"

[ "$status" -eq 0 ] && echo "selftest: ok"
exit "$status"
