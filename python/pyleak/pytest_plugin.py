"""pytest integration: which test leaks, under valgrind --tool=pyleak.

    valgrind --tool=pyleak python -m pytest --pyleak

Each test is run W times to warm up, then R more times, with a pyleak
checkpoint after the warm-ups and after each run (CPython's ``regrtest -R`` procedure, with
Python and native stacks): a test whose memory grew at every one of the
R runs fails, with how much it leaked per run; a cache that fills on
the first call grows during the warm-up only.  Valgrind's output shows,
for each such test, a CHECKPOINT report labelled with the test's id and
the stacks that grew.  At the end, a table of the tests that grew.

Options: ``--pyleak`` (on), ``--pyleak-runs=R`` (3), ``--pyleak-warmups=W``
(1).  Marker: ``@pytest.mark.pyleak(allow=BYTES)`` lets a test grow by
up to BYTES per run; ``@pytest.mark.pyleak(runs=.., warmups=..)`` sets
its own counts; ``@pytest.mark.pyleak(skip=True)`` runs it once,
unchecked.

A test that is run several times must be repeatable (the function
runs again with the same fixture values, as under ``regrtest -R``).
Outside pyleak, ``--pyleak`` says so once and runs tests as usual.

The plugin is loaded by pytest's entry point (the valgrind-pyleak
distribution's ``pytest11``), or with ``-p pyleak.pytest_plugin``.
"""

import pytest

import pyleak

# What a test's last checkpoint showed, for its report (pytest >= 7.0).
_LEAK = pytest.StashKey()


def pytest_addoption(parser):
    group = parser.getgroup("pyleak", "leak checks under valgrind --tool=pyleak")
    group.addoption("--pyleak", action="store_true", default=False,
                    help="run each test repeatedly with pyleak checkpoints "
                         "and fail the tests whose memory grows at every run")
    group.addoption("--pyleak-runs", type=int, default=3, metavar="R",
                    help="measured runs per test (default 3)")
    group.addoption("--pyleak-warmups", type=int, default=1, metavar="W",
                    help="warm-up runs per test before the first "
                         "checkpoint (default 1)")


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "pyleak(allow=0, runs=None, warmups=None, skip=False): pyleak's "
        "per-test leak check: bytes of growth allowed per run, the run "
        "counts, or no check")
    if not config.getoption("--pyleak"):
        return
    if config.getoption("--pyleak-runs") < 1:
        raise pytest.UsageError("--pyleak-runs must be at least 1")
    if config.getoption("--pyleak-warmups") < 0:
        raise pytest.UsageError("--pyleak-warmups must be at least 0")
    config.pluginmanager.register(_Checker(config), "pyleak-checker")


class _Checker:
    def __init__(self, config):
        self.config = config
        self.active = pyleak.running()
        self.results = []          # (nodeid, growth, allow, runs, warmups)

    def _settings(self, item):
        runs = self.config.getoption("--pyleak-runs")
        warmups = self.config.getoption("--pyleak-warmups")
        allow, skip = 0, False
        mark = item.get_closest_marker("pyleak")
        if mark is not None:
            allow = mark.kwargs.get("allow", 0)
            runs = mark.kwargs.get("runs", runs)
            warmups = mark.kwargs.get("warmups", warmups)
            skip = mark.kwargs.get("skip", False)
        return allow, runs, warmups, skip

    def _checkpoint(self, label, runs):
        # Valgrind writes its report on the process's stderr, which
        # pytest captures during a test: let it through.
        capman = self.config.pluginmanager.getplugin("capturemanager")
        if capman is None:
            return pyleak.checkpoint(label, runs)
        with capman.global_and_fixture_disabled():
            return pyleak.checkpoint(label, runs)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item):
        allow, runs, warmups, skip = self._settings(item)
        if not self.active or skip:
            yield
            return
        # pytest's call of item.runtest() becomes W warm-ups and R
        # measured runs, each run followed by a checkpoint.  All runs go
        # through the one call below, so that what a run leaks has the
        # same stack every time (checkpoints compare records by stack).
        # An exception in any run is the test's failure, as in a plain
        # run.
        original = item.runtest
        node = item.nodeid
        shown = {}

        def repeated():
            if warmups == 0:
                self._checkpoint("%s: before the first run" % node, 0)
            for i in range(1, warmups + runs + 1):
                original()
                if i < warmups:
                    continue
                if i == warmups:
                    label = "%s: after %d warm-up%s" % (
                        node, warmups, "" if warmups == 1 else "s")
                else:
                    label = "%s: run %d of %d" % (node, i - warmups, runs)
                last = i == warmups + runs
                shown.update(self._checkpoint(label, runs if last else 0))

        item.runtest = repeated
        try:
            outcome = yield
        finally:
            del item.runtest
        if outcome.excinfo is not None or not shown:
            return
        self.results.append((node, shown, allow, runs, warmups))
        item.stash[_LEAK] = (shown, allow, runs)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        if call.when != "call" or not report.passed:
            return
        found = item.stash.get(_LEAK, None)
        if found is None:
            return
        growth, allow, runs = found
        if growth["records"] and growth["bytes"] > allow:
            report.outcome = "failed"
            report.longrepr = (
                "pyleak: %s grew by %d bytes in %d blocks at each of %d "
                "runs (%d record%s; allowed: %d bytes per run); see "
                "pyleak's CHECKPOINT '%s: run %d of %d' for the stacks"
                % (item.nodeid, growth["bytes"], growth["blocks"], runs,
                   growth["records"], "" if growth["records"] == 1 else "s",
                   allow, item.nodeid, runs, runs))

    def pytest_terminal_summary(self, terminalreporter):
        tr = terminalreporter
        tr.section("pyleak")
        if not self.active:
            tr.write_line("--pyleak: not running under valgrind "
                          "--tool=pyleak: no leak checks were made")
            return
        grown = [r for r in self.results if r[1]["records"]]
        tr.write_line("%d test%s checked, %d grew at every measured run"
                      % (len(self.results),
                         "" if len(self.results) == 1 else "s", len(grown)))
        if not grown:
            return
        tr.write_line("%12s %8s %8s %12s  %s" % (
            "bytes/run", "blocks", "records", "allowed", "test"))
        for nodeid, g, allow, runs, warmups in sorted(
                grown, key=lambda r: -r[1]["bytes"]):
            verdict = "LEAK" if g["bytes"] > allow else "ok"
            tr.write_line("%12d %8d %8d %12d  %s %s" % (
                g["bytes"], g["blocks"], g["records"], allow, nodeid,
                verdict))
