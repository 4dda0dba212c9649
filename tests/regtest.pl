#!/usr/bin/perl
# regtest.pl -- pyleak's regression-test harness.
#
# Runs NAME.vgtest cases (format: tests/SPEC.vgtest.md) under
# `vg-in-place --tool=pyleak`, filters the output and compares it with the
# NAME.*.exp* files beside each case.  Prints one line per test and, as the
# very last line, "N passed, N failed, N skipped".
#
# Exit status: 0 nothing failed, 1 something failed, 2 usage/setup error
# (bad option, no vg-in-place, missing test file).
#
# Usage: perl tests/regtest.pl [--top-builddir=DIR] [--pythons=FILE] [--keep]
#            [--verbose] [--jobs=N] [--times] [--valgrind=CMD] [--memcheck=CMD]
#            DIR|FILE.vgtest ...
#
# --jobs=N runs N tests at a time (the log is printed in the same order as
# a serial run's); --times adds each run's seconds to its verdict line.
use strict;
use warnings;
use Cwd qw(getcwd abs_path);
use File::Basename qw(basename dirname);
use File::Spec;
use Getopt::Long qw(GetOptions);
use File::Temp qw(tempdir);
use IO::Handle ();
use POSIX ();
use FindBin ();
use lib $FindBin::Bin;
use PyleakJSON qw(decode_json_text);

# filter_stderr and json_summary live beside this script.
my $TESTS_DIR = dirname(abs_path($0));
# Test names are printed relative to where the harness was started.
my $START_DIR = getcwd();
# How many lines of each diff go to the log on failure.
my $DIFF_LINES = 30;

# Keys a .vgtest may use; any other key is a typo and fails the test.
my %KEYS = map { $_ => 1 } qw(prog args vgopts prereq env stderr_filter
    stderr_filter_args stdout_filter stdout_filter_args json json_summary_args memcheck_compare
    memcheck_tolerance
    exit_code python post cleanup expect_fail allow_suppressed);
# Keys that may appear more than once; their values are joined by spaces.
my %REPEATABLE = map { $_ => 1 } qw(vgopts env);
# The parts of a test that can fail, in the order they are checked/reported.
my @PARTS = qw(stderr stdout json memcheck exit_code post suppressed);
# memcheck's LEAK SUMMARY lines and the pyleak kinds they correspond to.
my @LEAK_KINDS = (
    ['definitely lost' => 'definite'],
    ['indirectly lost' => 'indirect'],
    ['possibly lost'   => 'possible'],
    ['still reachable' => 'reachable-c'],
);

my %opt   = (keep => 0, verbose => 0, memcheck => 'valgrind', jobs => 1, times => 0);
my $KNOWN;           # --known-failures: {label => reason}
my %count = (passed => 0, failed => 0, skipped => 0);
my @failures;        # what each failed run printed, repeated before the summary

main();

sub usage {
    my ($status) = @_;
    print STDERR "usage: $0 [--top-builddir=DIR] [--pythons=FILE] [--keep] [--verbose]\n"
        . "         [--jobs=N] [--times] [--valgrind=CMD] [--memcheck=CMD]\n"
        . "         [--known-failures=FILE]\n"
        . "         DIR|FILE.vgtest ...\n";
    exit $status;
}

sub main {
    GetOptions(\%opt, 'top-builddir=s', 'pythons=s', 'keep', 'verbose',
               'valgrind=s', 'memcheck=s', 'jobs|j=i', 'times', 'help',
               'known-failures=s')
        or usage(2);
    $KNOWN = read_known_failures($opt{'known-failures'})
        if defined $opt{'known-failures'};
    usage(2) if $opt{jobs} < 1;
    usage(0) if $opt{help};
    usage(2) unless @ARGV;

    # A user's VALGRIND_OPTS would change every output; tests must not see it.
    delete $ENV{VALGRIND_OPTS};

    my $top = find_top_builddir();
    my %cfg = (
        valgrind => valgrind_command($top),
        memcheck => command_path($opt{memcheck}),
        pythons  => read_pythons($top),
    );
    # @PYTHON@ in a case without `python: all`: the first listed interpreter.
    my ($first) = grep { $_->{kind} ne 'freethreaded' } @{ $cfg{pythons} // [] };
    $cfg{default_python} = $first ? $first->{path} : 'python3';

    my @runs = map { plan_vgtest_file($_, \%cfg) } map { vgtest_files($_) } @ARGV;
    if ($opt{jobs} > 1) {
        run_parallel(\@runs, \%cfg, $opt{jobs});
    } else {
        for my $run (@runs) {
            # Printed as it goes, and kept when the run failed.
            open my $fh, '>', \my $out or die "regtest: in-memory file: $!\n";
            my $old = select $fh;
            my $st = run_planned($run, \%cfg);
            select $old;
            close $fh;
            print $out;
            push @failures, $out if $st eq 'failed';
            $count{$st}++;
        }
    }

    # A CI log is often read from its tail: the failures again, with their
    # diffs, just above the summary line.
    print "\nFailed:\n", @failures if @failures;
    print "$count{passed} passed, $count{failed} failed, $count{skipped} skipped\n";
    exit($count{failed} ? 1 : 0);
}

# ---------------------------------------------------------------- setup --

# --top-builddir, else the nearest of the current directory and its
# ancestors that holds vg-in-place; undef if none does.
sub find_top_builddir {
    return abs_path($opt{'top-builddir'}) // $opt{'top-builddir'}
        if defined $opt{'top-builddir'};
    my $dir = $START_DIR;
    while (1) {
        return $dir if -e "$dir/vg-in-place";
        my $parent = dirname($dir);
        return undef if $parent eq $dir;
        $dir = $parent;
    }
}

# The command that runs pyleak.  --valgrind (used by the self-test's fake)
# wins; otherwise vg-in-place must exist, or we stop with status 2.
sub valgrind_command {
    my ($top) = @_;
    return command_path($opt{valgrind}) if defined $opt{valgrind};
    my $vip = defined $top ? "$top/vg-in-place" : undef;
    if (!defined $vip || !-x $vip) {
        print STDERR "regtest: no vg-in-place found ("
            . (defined $top ? "not in $top" : "not in . or its parents")
            . "); build pyleak or pass --top-builddir=DIR\n";
        exit 2;
    }
    return $vip;
}

# Commands given as paths are made absolute because tests run in their own
# directory; bare names are left for a $PATH lookup.
sub command_path {
    my ($cmd) = @_;
    return $cmd =~ m{/} ? File::Spec->rel2abs($cmd, $START_DIR) : $cmd;
}

# --known-failures=FILE: lines `LABEL  REASON` (`#` comments), the runs
# known to fail on one platform (tests/platforms/known-failures.SUITE),
# each with why.  Such a run that fails is reported as skipped, with its
# reason and its details, so that the suite's verdict stays the gate for
# everything else; one that passes says it can leave the list.
sub read_known_failures {
    my ($file) = @_;
    open my $fh, '<', $file or do {
        print STDERR "regtest: cannot read $file: $!\n";
        exit 2;
    };
    my %k;
    while (my $line = <$fh>) {
        next if $line =~ /^\s*(#|$)/;
        my ($label, $why) = $line =~ /^\s*(\S+)\s+(\S.*?)\s*$/ or do {
            print STDERR "regtest: $file:$.: expected `LABEL REASON'\n";
            exit 2;
        };
        $k{$label} = $why;
    }
    return \%k;
}

# pythons.list: lines `PATH VERSION KIND` (KIND release|debug|freethreaded).
# Returns a list of {path, version, kind, tag}, or undef when there is no
# list (then `python:` cases are skipped).  An explicit --pythons must
# exist.  Free-threaded interpreters run only the `python: freethreaded`
# cases: pyleak leaves them unmodelled (their objects are in mimalloc's
# pages), so the `python: all` expectations do not apply to them.
sub read_pythons {
    my ($top) = @_;
    my $file = $opt{pythons};
    if (!defined $file) {
        return undef unless defined $top && -f "$top/tests/pythons.list";
        $file = "$top/tests/pythons.list";
    }
    open my $fh, '<', $file or do {
        print STDERR "regtest: cannot read $file: $!\n";
        exit 2;
    };
    my @list;
    while (my $line = <$fh>) {
        next if $line =~ /^\s*(#|$)/;
        my ($path, $version, $kind) = split ' ', $line;
        if (!defined $kind || $kind !~ /^(release|debug|freethreaded)$/) {
            print STDERR "regtest: $file:$.: expected `PATH VERSION release|debug|freethreaded'\n";
            exit 2;
        }
        # The tag names the run (foo@3.12, foo@3.11d, foo@3.13t) and its
        # .exp variants.
        my $tag = $version . ($kind eq 'debug' ? 'd' : $kind eq 'freethreaded' ? 't' : '');
        # Two builds of one version (pyenv's 3.11 and Debian's) need
        # distinct names: the later one gets its install prefix's name,
        # e.g. 3.11-usr for /usr/bin/python3.11.
        if (grep { $_->{tag} eq $tag } @list) {
            my ($prefix) = $path =~ m{([^/]+)/bin/[^/]+$};
            $tag .= '-' . ($prefix // scalar @list);
        }
        push @list, { path => command_path($path), version => $version,
                      kind => $kind, tag => $tag };
    }
    return \@list;
}

# The .vgtest files named by one command-line argument: a file (the
# ".vgtest" may be left off) or a directory, searched recursively.
sub vgtest_files {
    my ($arg) = @_;
    return vgtests_in_dir($arg, 1) if -d $arg;
    return $arg if -f $arg;
    return "$arg.vgtest" if -f "$arg.vgtest";
    print STDERR "regtest: no such test or directory: $arg\n";
    exit 2;
}

# Recursion skips subdirectories holding a `.regtest-skip` file (the
# harness self-test, whose cases need the fake valgrind); a directory named
# on the command line is always run.
sub vgtests_in_dir {
    my ($dir, $named) = @_;
    return () if !$named && -e "$dir/.regtest-skip";
    opendir my $dh, $dir or die "regtest: cannot read $dir: $!\n";
    my @entries = sort grep { !/^\./ } readdir $dh;
    closedir $dh;
    my @files = grep { /\.vgtest$/ && -f "$dir/$_" } @entries;
    my @subdirs = grep { -d "$dir/$_" } @entries;
    return ((map { "$dir/$_" } @files),
            (map { vgtests_in_dir("$dir/$_", 0) } @subdirs));
}

# ------------------------------------------------------- .vgtest parsing --

# Returns a hash of the file's keys; dies with "FILE:LINE: message" on
# anything malformed so that typos fail loudly instead of being ignored.
sub parse_vgtest {
    my ($file) = @_;
    open my $fh, '<', $file or die "cannot read $file: $!\n";
    my %t;
    while (my $line = <$fh>) {
        next if $line =~ /^\s*(#|$)/;
        my ($key, $value) = $line =~ /^\s*([\w-]+)\s*:\s*(.*?)\s*$/
            or die "$file:$.: not a `key: value' line\n";
        die "$file:$.: unknown key `$key'\n" unless $KEYS{$key};
        if (exists $t{$key}) {
            die "$file:$.: `$key' given twice\n" unless $REPEATABLE{$key};
            $t{$key} .= " $value";
        } else {
            $t{$key} = $value;
        }
    }
    validate_vgtest($file, \%t);
    return \%t;
}

# Checks values and turns yes/no keys into booleans.
sub validate_vgtest {
    my ($file, $t) = @_;
    die "$file: no `prog:'\n" unless defined $t->{prog} && length $t->{prog};
    # memcheck_compare may also be `python' (see summary_table).
    $t->{memcheck_mode} = $t->{memcheck_compare} // 'no';
    $t->{memcheck_compare} = 'yes' if $t->{memcheck_mode} eq 'python';
    for my $key (qw(json memcheck_compare allow_suppressed)) {
        next unless defined $t->{$key};
        die "$file: `$key:' must be yes or no\n" unless $t->{$key} =~ /^(yes|no)$/;
        $t->{$key} = $t->{$key} eq 'yes';
    }
    die "$file: `memcheck_compare: yes' needs `json: yes'\n"
        if $t->{memcheck_compare} && !$t->{json};
    die "$file: `memcheck_tolerance:' must be a number of blocks\n"
        if defined $t->{memcheck_tolerance} && $t->{memcheck_tolerance} !~ /^\d+$/;
    die "$file: `exit_code:' must be a number 0..255\n"
        if defined $t->{exit_code} && !($t->{exit_code} =~ /^\d+$/ && $t->{exit_code} <= 255);
    die "$file: `python:' must be `all' or `freethreaded'\n"
        if defined $t->{python} && $t->{python} !~ /^(all|freethreaded)$/;
    if (defined $t->{expect_fail}) {
        my %part = map { $_ => 1 } @PARTS;
        my @bad = grep { !$part{$_} } split /\s*,\s*/, $t->{expect_fail};
        die "$file: `expect_fail:' must be yes or a list of @PARTS\n"
            if $t->{expect_fail} ne 'yes' && @bad;
    }
}

# -------------------------------------------------------- running tests --

# The runs one .vgtest asks for: one, or one per interpreter for
# `python: all`.  A run is {label, t, tc} or, when the file cannot be run
# at all, {label, t, res} with the result already known.
sub plan_vgtest_file {
    my ($file, $cfg) = @_;
    my $path = abs_path($file);
    my $case = {
        dir  => dirname($path),
        base => basename($path, '.vgtest'),
    };
    (my $label = File::Spec->abs2rel($path, $START_DIR)) =~ s/\.vgtest$//;

    my $t = eval { parse_vgtest($path) };
    return { label => $label, t => {}, res => { failed => [[vgtest => $@]] } }
        if !$t;

    my @interps = (undef);
    if ($t->{python}) {
        my $why = !$cfg->{pythons}        ? 'no pythons.list'
                : !@{ $cfg->{pythons} }   ? 'pythons.list is empty'
                :                           undef;
        my $ft = $t->{python} eq 'freethreaded';
        @interps = grep { ($_->{kind} eq 'freethreaded') == $ft } @{ $cfg->{pythons} // [] };
        $why //= $ft ? 'no free-threaded interpreter in pythons.list'
                     : 'only free-threaded interpreters in pythons.list' if !@interps;
        return { label => $label, t => $t, res => { skipped => $why } } if $why;
    }
    return map {
        my $suffix = $_ ? "\@$_->{tag}" : '';
        +{ label => $label . $suffix, t => $t,
           tc => { %$case, py => $_, name => $case->{base} . $suffix } }
    } @interps;
}

# Runs one planned run and prints its result; returns passed, failed or
# skipped.
sub run_planned {
    my ($run, $cfg) = @_;
    return report($run->{label}, $run->{t}, $run->{res}) if $run->{res};
    my $tc = $run->{tc};
    my $start = time;
    chdir $tc->{dir} or die "regtest: cannot cd to $tc->{dir}: $!\n";
    my $res = eval { run_one($run->{t}, $cfg, $tc) }
        || { failed => [[harness => "internal error: $@"]] };
    $res->{seconds} = time - $start;
    my $status = report($run->{label}, $run->{t}, $res);
    # Passing tests leave no clutter unless --keep; failures keep all.
    unlink output_files($tc->{name}) if $status eq 'passed' && !$opt{keep};
    chdir $START_DIR;
    return $status;
}

# Runs the planned runs N at a time, each in a child process whose output
# goes to a file; the parent prints the files in plan order, so the log is
# the same as a serial run's whatever order the runs finish in.  Runs are
# independent: each writes only NAME.* files and temporary directories.
sub run_parallel {
    my ($runs, $cfg, $jobs) = @_;
    my $dir = tempdir('regtest.XXXXXX', TMPDIR => 1, CLEANUP => 1);
    my %code = (passed => 0, failed => 1, skipped => 2);
    my %status_of = reverse %code;
    my (%running, @status);
    my ($next, $shown) = (0, 0);
    STDOUT->flush;
    while ($shown < @$runs) {
        while ($next < @$runs && keys %running < $jobs) {
            my $i = $next++;
            my $pid = fork;
            die "regtest: fork: $!\n" unless defined $pid;
            if (!$pid) {
                open STDOUT, '>', "$dir/$i" or die "regtest: $dir/$i: $!\n";
                my $st = eval { run_planned($runs->[$i], $cfg) } // do {
                    print "$runs->[$i]{label}: FAILED (harness: $@)\n";
                    'failed';
                };
                close STDOUT;
                POSIX::_exit($code{$st});
            }
            $running{$pid} = $i;
        }
        my $pid = waitpid(-1, 0);
        die "regtest: lost track of the test processes\n" if $pid <= 0;
        my $i = delete $running{$pid};
        next unless defined $i;
        # A child that died before saying anything failed.
        $status[$i] = $status_of{$? >> 8} // 'failed';
        while ($shown < @$runs && defined $status[$shown]) {
            my $out = read_file("$dir/$shown") // '';
            $out = "$runs->[$shown]{label}: FAILED (harness: the test process died)\n"
                if $out eq '';
            print $out;
            STDOUT->flush;
            push @failures, $out if $status[$shown] eq 'failed';
            $count{ $status[$shown] }++;
            $shown++;
        }
    }
}

# Runs one test (one interpreter) in its directory.  Returns
# { skipped => reason } or { failed => [[part, details], ...] }.
sub run_one {
    my ($t, $cfg, $tc) = @_;
    my %subst = (
        PYTHON => $tc->{py} ? $tc->{py}{path} : $cfg->{default_python},
        SRCDIR => $tc->{dir},
        NAME   => $tc->{name},
    );
    my $x = sub { expand($_[0], \%subst) };

    # Stale outputs from an earlier run must not be mistaken for this one's.
    unlink output_files($tc->{name});

    if (defined $t->{prereq}) {
        my $quiet = $opt{verbose} ? '' : ' > /dev/null 2>&1';
        return { skipped => '' } if run_shell('(' . $x->($t->{prereq}) . ")$quiet") != 0;
    }

    my $status = run_pyleak($t, $cfg, $tc, $x);
    my @failed = (
        check_stderr($t, $tc, $x),
        check_stdout($t, $tc, $x),
        ($t->{json} ? check_json($t, $tc, $x) : ()),
        ($t->{memcheck_compare} ? check_memcheck($t, $cfg, $tc, $x) : ()),
        check_exit_code($t, $status),
        (defined $t->{post} ? check_post($t, $tc, $x) : ()),
        check_suppressed($t, $tc),
    );
    run_shell('(' . $x->($t->{cleanup}) . ')') if defined $t->{cleanup};
    return { failed => \@failed };
}

# Every file a test may write, so they can be removed before/after it.
sub output_files {
    my ($name) = @_;
    return map { "$name.$_" }
        qw(stdout.out stdout.raw stderr.out stderr.raw json.out json.sum
           memcheck.out post.out),
        map { "$_.diff" } @PARTS;
}

# Replaces @PYTHON@, @SRCDIR@ and @NAME@ (inserted verbatim: these paths
# must not need shell quoting).
sub expand {
    my ($s, $subst) = @_;
    return '' unless defined $s;
    $s =~ s/\@(PYTHON|SRCDIR|NAME)\@/$subst->{$1}/g;
    return $s;
}

# `PROG ARGS` as a shell string, shared by the pyleak and memcheck runs so
# that both execute exactly the same client.
sub client_command {
    my ($t, $x) = @_;
    my $prog = $x->($t->{prog});
    # A bare name means a file in the test directory when there is one;
    # otherwise valgrind looks it up in $PATH (e.g. `prog: python3`).
    $prog = "./$prog" if $prog !~ m{/} && -e $prog;
    return join_words(shq($prog), $x->($t->{args}));
}

# The env: assignments, put before the command (the shell parses quoting).
sub env_prefix {
    my ($t, $x) = @_;
    return $x->($t->{env});
}

# The pyleak run itself; returns its exit status.
sub run_pyleak {
    my ($t, $cfg, $tc, $x) = @_;
    my $name = $tc->{name};
    # Without a stdout filter the raw output already is NAME.stdout.out.
    my $stdout = defined $t->{stdout_filter} ? "$name.stdout.raw" : "$name.stdout.out";
    my $cmd = join_words(
        env_prefix($t, $x), shq($cfg->{valgrind}), '--tool=pyleak',
        # Every record, not only the reported kinds': the .json.exp
        # files list the kinds they are about (json_summary --kinds).
        ($t->{json} ? (shq("--json-file=$name.json.out"),
                       '--json-records=all') : ()),
        $x->($t->{vgopts}), client_command($t, $x));
    # exec: a shell left waiting would print "Terminated" into the
    # captured stderr when the client dies of a signal.
    return run_shell("exec env $cmd < /dev/null > " . shq($stdout) . ' 2> ' . shq("$name.stderr.raw"));
}

# ------------------------------------------------------------- checking --

sub check_stderr {
    my ($t, $tc, $x) = @_;
    my $filter = defined $t->{stderr_filter}
        ? $x->($t->{stderr_filter}) : shq("$TESTS_DIR/filter_stderr");
    apply_filter(join_words($filter, $x->($t->{stderr_filter_args})),
                 "$tc->{name}.stderr.raw", "$tc->{name}.stderr.out");
    return compare_part('stderr', $tc, "$tc->{name}.stderr.out", 1);
}

# stdout is only checked when the case has a NAME.stdout.exp* file.
sub check_stdout {
    my ($t, $tc, $x) = @_;
    if (defined $t->{stdout_filter}) {
        apply_filter(join_words($x->($t->{stdout_filter}), $x->($t->{stdout_filter_args})),
                     "$tc->{name}.stdout.raw", "$tc->{name}.stdout.out");
    }
    return compare_part('stdout', $tc, "$tc->{name}.stdout.out", 0);
}

# The JSON itself stays in NAME.json.out (post: commands may read it); its
# summary goes to NAME.json.sum, which is what NAME.json.exp* hold.
# json_summary's errors go into the summary so that the diff shows them.
sub check_json {
    my ($t, $tc, $x) = @_;
    my $name = $tc->{name};
    run_shell(join_words(shq($^X), shq("$TESTS_DIR/json_summary"),
                         $x->($t->{json_summary_args}), shq("$name.json.out"))
              . ' > ' . shq("$name.json.sum") . ' 2>&1');
    return compare_part('json', $tc, "$name.json.sum", 1);
}

# Runs memcheck on the same client and compares its LEAK SUMMARY with
# pyleak's last `when=exit` check.  memcheck's stderr: NAME.memcheck.out.
sub check_memcheck {
    my ($t, $cfg, $tc, $x) = @_;
    my $name = $tc->{name};
    my $cmd = join_words(
        env_prefix($t, $x), shq($cfg->{memcheck}), '--tool=memcheck',
        '--leak-check=full', '--default-suppressions=no', client_command($t, $x));
    run_shell("exec env $cmd < /dev/null > /dev/null 2> " . shq("$name.memcheck.out"));

    my $mc = eval { memcheck_leak_summary("$name.memcheck.out") };
    my $mc_err = $@;
    my $pl = eval { pyleak_exit_summary("$name.json.out") };
    my $pl_err = $@;
    my $text = ($mc ? '' : "memcheck: $mc_err") . ($pl ? '' : "pyleak: $pl_err");
    $text ||= summary_table($mc, $pl, $t->{memcheck_tolerance} // 0,
                            $t->{memcheck_mode} eq 'python');
    return () unless $text;
    write_file("$name.memcheck.diff", $text);
    return [memcheck => $text];
}

# {kind => "B bytes in N blocks"} from the last LEAK SUMMARY in memcheck's
# stderr; "All heap blocks were freed" means all four are zero.
sub memcheck_leak_summary {
    my ($file) = @_;
    my %label_kind = map { $_->[0] => $_->[1] } @LEAK_KINDS;
    open my $fh, '<', $file or die "cannot read $file: $!\n";
    my ($summary, %current);
    while (my $line = <$fh>) {
        $line =~ s/^==\d+== ?//;
        if ($line =~ /All heap blocks were freed -- no leaks are possible/) {
            $summary = { map { $_->[1] => fmt_leak(0, 0) } @LEAK_KINDS };
        } elsif ($line =~ /^LEAK SUMMARY:/) {
            $summary = {};       # a later summary replaces an earlier one
        } elsif ($summary && $line =~
                 /^\s*(definitely lost|indirectly lost|possibly lost|still reachable): ([\d,]+) bytes in ([\d,]+) blocks/) {
            $summary->{ $label_kind{$1} } = fmt_leak($2, $3);
        }
    }
    die "no LEAK SUMMARY in $file\n" unless $summary;
    my @missing = grep { !defined $summary->{ $_->[1] } } @LEAK_KINDS;
    die "LEAK SUMMARY in $file lacks `$missing[0][0]'\n" if @missing;
    return $summary;
}

# The same shape from the summary of the last `when: exit` check in the JSON.
sub pyleak_exit_summary {
    my ($file) = @_;
    my $json = read_file($file) // die "cannot read $file: $!\n";
    my $data = eval { decode_json_text($json) } or die "$file is not valid JSON: $@";
    my @exits = grep { ($_->{when} // '') eq 'exit' } @{ $data->{checks} || [] };
    die "$file has no check with when=exit\n" unless @exits;
    my $sum = $exits[-1]{summary} || {};
    my %out;
    for my $kind (map { $_->[1] } @LEAK_KINDS) {
        my $k = $sum->{$kind} or die "$file: last exit check has no `$kind' summary\n";
        $out{$kind} = fmt_leak($k->{bytes}, $k->{blocks});
    }
    return \%out;
}

sub fmt_leak {
    my ($bytes, $blocks) = map { my $n = $_ // '?'; $n =~ tr/,//d; $n } @_;
    return "$bytes bytes in $blocks blocks";
}

# '' when both summaries agree (each kind within TOL blocks and TOL*4096
# bytes; exactly when TOL is 0), else a side-by-side table marking the
# differing kinds.  PYTHON: pyleak counts a pointer to a Python object
# (past its GC header) as a pointer to its block, memcheck as an
# interior pointer; so definite and indirect must agree, possible +
# reachable must agree as a sum, and pyleak's possible may only be
# smaller than memcheck's.
sub summary_table {
    my ($mc, $pl, $tol, $python) = @_;
    my @kinds = map { $_->[1] } @LEAK_KINDS;
    my $parse = sub { $_[0] =~ /^(\d+) bytes in (\d+) blocks/ ? ($1, $2) : (-1, -1) };
    my $near = sub {
        my ($ab, $an, $bb, $bn) = @_;
        return abs($an - $bn) <= $tol && abs($ab - $bb) <= $tol * 4096;
    };
    my $differs = sub {
        my ($a, $b) = @_;
        return $a ne $b if !$tol;
        return !$near->($parse->($a), $parse->($b));
    };
    my %bad = map { $_ => $differs->($mc->{$_}, $pl->{$_}) } @kinds;
    my $extra = '';
    if ($python) {
        my ($mpb, $mpn) = $parse->($mc->{possible});
        my ($mrb, $mrn) = $parse->($mc->{'reachable-c'});
        my ($ppb, $ppn) = $parse->($pl->{possible});
        my ($prb, $prn) = $parse->($pl->{'reachable-c'});
        my $sum_ok = $near->($mpb + $mrb, $mpn + $mrn, $ppb + $prb, $ppn + $prn);
        my $fewer  = $ppn <= $mpn + $tol;
        $bad{possible} = !$fewer;
        $bad{'reachable-c'} = !$sum_ok;
        $extra = "(python: possible + reachable must agree"
               . " (memcheck " . ($mpn + $mrn) . " blocks, pyleak " . ($ppn + $prn)
               . "), pyleak's possible may only be fewer)\n";
    }
    return '' unless grep { $bad{$_} } @kinds;
    my $text = sprintf "%-12s %-28s %s\n", 'kind', 'memcheck', 'pyleak (last exit check)';
    $text .= "(tolerance: $tol blocks per kind)\n" if $tol;
    $text .= $extra;
    for my $kind (@kinds) {
        my $mark = $bad{$kind} ? '   <-- differs' : '';
        $text .= sprintf "%-12s %-28s %s%s\n", $kind, $mc->{$kind}, $pl->{$kind}, $mark;
    }
    return $text;
}

sub check_exit_code {
    my ($t, $status) = @_;
    return () if !defined $t->{exit_code} || $status == $t->{exit_code};
    return [exit_code => "exit status $status, expected $t->{exit_code}\n"];
}

# pyleak loads its default suppressions in every run of the suite, so
# that the suite shows they do not hide its leaks: a run whose LEAK
# SUMMARY counts suppressed bytes fails, unless the .vgtest says
# `allow_suppressed: yes' (the suppression tests themselves).
sub check_suppressed {
    my ($t, $tc) = @_;
    return () if $t->{allow_suppressed};
    # Line by line: a /^...suppressed: /mg match over the whole text
    # made perl look for the literal from every line start, quadratic
    # in the output (minutes on the 4 MB of a run showing reachable
    # records).
    open my $fh, '<', "$tc->{name}.stderr.raw" or return ();
    while (my $line = <$fh>) {
        next unless $line =~ /^==\d+==\s+suppressed: ([\d,]+) bytes in ([\d,]+) blocks/;
        (my $bytes = $1) =~ tr/,//d;
        next if $bytes == 0;
        return [suppressed => "$1 bytes in $2 blocks suppressed"
                . " (a default suppression hides a leak of this test?)\n"];
    }
    return ();
}

# post:'s stdout is compared with NAME.post.exp*; its stderr goes to ours.
sub check_post {
    my ($t, $tc, $x) = @_;
    run_shell('(' . $x->($t->{post}) . ') > ' . shq("$tc->{name}.post.out"));
    return compare_part('post', $tc, "$tc->{name}.post.out", 1);
}

# Any NAME.PART.exp* equal to OUT passes.  Otherwise the diff against the
# first one is written to NAME.PART.diff and returned as [part, diff].  A
# missing expected file fails REQUIRED parts (diffed against /dev/null).
sub compare_part {
    my ($part, $tc, $out, $required) = @_;
    my @exps = expected_files($tc, $part);
    return () if !@exps && !$required;
    my $got = read_file($out) // '';
    for my $exp (@exps) {
        return () if (read_file($exp) // '') eq $got;
    }
    my $diff = diff_files($exps[0], $out, "$tc->{name}.$part.diff",
                          "$tc->{base}.$part.exp*");
    return [$part => $diff];
}

# NAME.PART.exp* (editor backups ending in ~ or # ignored).  A file ending
# in @TAG is a per-interpreter variant: it applies only to the run whose
# tag (3.12, 3.11d) or kind (release, debug) is TAG.
sub expected_files {
    my ($tc, $part) = @_;
    my $py = $tc->{py};
    return grep {
        my $ok = !/[~#]$/;
        if ($ok && /\@([^\@\/]+)$/) {
            $ok = $py && ($1 eq $py->{tag} || $1 eq $py->{kind});
        }
        $ok;
    } sort glob("$tc->{base}.$part.exp*");
}

# `diff -u` with fixed labels (no timestamps, so logs are reproducible).
sub diff_files {
    my ($exp, $out, $diff_file, $missing_label) = @_;
    my @labels = defined $exp ? ($exp, $out) : ("$missing_label (none)", $out);
    open my $p, '-|', 'diff', '-u', '--label', $labels[0], '--label', $labels[1],
        $exp // '/dev/null', $out
        or die "cannot run diff: $!\n";
    my $diff = do { local $/; <$p> } // '';
    close $p;
    write_file($diff_file, $diff);
    return $diff;
}

# ------------------------------------------------------------ reporting --

# Prints the test's line (and on failure the start of each diff).
# expect_fail (harness self-tests only) inverts the verdict: `yes`
# accepts any failure, a list of parts demands exactly those.  Returns
# passed, failed or skipped.
sub report {
    my ($label, $t, $res) = @_;
    if (defined $res->{skipped}) {
        print "$label: skipped", ($res->{skipped} ne '' ? " ($res->{skipped})" : ''), "\n";
        return 'skipped';
    }
    my @failed = @{ $res->{failed} };
    my $parts  = join ', ', map { $_->[0] } @failed;
    # --times: how long the run took, after the verdict (a log to find the
    # slow tests in; the verdict lines stay greppable).
    my $took = $opt{times} && defined $res->{seconds} ? " [$res->{seconds}s]" : '';

    if (defined $t->{expect_fail}) {
        my $want = $t->{expect_fail} eq 'yes' ? undef : normalise_parts($t->{expect_fail});
        if (@failed && (!defined $want || $want eq $parts)) {
            print "$label: ok (failed as expected: $parts)$took\n";
            return 'passed';
        }
        print "$label: FAILED (expected to fail", (defined $want ? " in $want" : ''),
            ', but ', (@failed ? "failed in $parts" : 'passed'), ")$took\n";
    } elsif (!@failed) {
        print "$label: ok$took",
            ($KNOWN && $KNOWN->{$label} ? " (listed as a known failure: it can leave the list)" : ''), "\n";
        return 'passed';
    } elsif ($KNOWN && $KNOWN->{$label}) {
        print "$label: skipped (known failure: $KNOWN->{$label}; failed in $parts)$took\n";
        print_details(@$_) for @failed;
        return 'skipped';
    } else {
        print "$label: FAILED ($parts)$took\n";
    }
    print_details(@$_) for @failed;
    return 'failed';
}

# A comma list of parts in the order report() lists failures.
sub normalise_parts {
    my %want = map { $_ => 1 } split /\s*,\s*/, $_[0];
    return join ', ', grep { $want{$_} } @PARTS;
}

# The first $DIFF_LINES lines of a failed part's details, indented so that
# they cannot be mistaken for test or summary lines.
sub print_details {
    my ($part, $text) = @_;
    print "  [$part]\n";
    my @lines = split /\n/, $text;
    my $more = @lines > $DIFF_LINES ? @lines - $DIFF_LINES : 0;
    splice @lines, $DIFF_LINES if $more;
    print "    $_\n" for @lines;
    print "    ... ($more more lines)\n" if $more;
}

# -------------------------------------------------------------- helpers --

# Runs a shell command line; returns its exit status, 128+N if killed by
# signal N (what a shell would report).
sub run_shell {
    my ($cmd) = @_;
    print "  \$ $cmd\n" if $opt{verbose};
    system('/bin/sh', '-c', $cmd);
    return 255 if $? == -1;
    return $? & 127 ? 128 + ($? & 127) : $? >> 8;
}

sub apply_filter {
    my ($filter, $in, $out) = @_;
    my $st = run_shell("$filter < " . shq($in) . ' > ' . shq($out));
    warn "regtest: filter `$filter' exited with status $st\n" if $st;
}

# Quotes a word for /bin/sh unless it is plainly safe.
sub shq {
    my ($s) = @_;
    return $s if $s =~ m{^[\w\@%+=:,./-]+$};
    $s =~ s/'/'\\''/g;
    return "'$s'";
}

sub join_words {
    return join ' ', grep { defined && length } @_;
}

sub read_file {
    my ($file) = @_;
    open my $fh, '<', $file or return undef;
    local $/;
    return scalar <$fh> // '';
}

sub write_file {
    my ($file, $text) = @_;
    open my $fh, '>', $file or die "cannot write $file: $!\n";
    print $fh $text;
    close $fh or die "cannot write $file: $!\n";
}
