# PyleakJSON -- reading pyleak's JSON documents in the test tools
# (regtest.pl, json_summary, python/baseline_runs).
package PyleakJSON;
use strict;
use warnings;
use Exporter qw(import);
use JSON::PP ();
our @EXPORT_OK = qw(decode_json_text expand_frames);

# JSON::XS when it is installed (.ci/install-deps installs it): a Python
# run's JSON is MBs, which JSON::PP takes seconds to parse.
my $JSON = eval { require JSON::XS; 'JSON::XS' } || do { require JSON::PP; 'JSON::PP' };

# TEXT decoded (dies on bad JSON, as JSON::PP and JSON::XS do).
sub decode_json_text {
    my ($text) = @_;
    return $JSON->new->decode($text);
}

# pyleak_json_version 2 writes each distinct frame once, in
# native_frames and python_frames, and a stack as indexes into them.
# Puts the frames back in every record's and growth entry's stacks, as
# version 1 has them.  Dies when a table holds a frame twice or an index
# names no frame: what every JSON test then checks of the writer.
sub expand_frames {
    my ($data) = @_;
    my %table = (native_stack => $data->{native_frames} || [],
                 python_stack => $data->{python_frames} || []);
    my $canon = JSON::PP->new->canonical;
    for my $key (sort keys %table) {
        (my $name = $key) =~ s/_stack$/_frames/;
        my %seen;
        for my $f (@{ $table{$key} }) {
            my $text = $canon->encode($f);
            die "$name holds $text twice\n" if $seen{$text}++;
        }
    }
    for my $c (@{ $data->{checks} || [] }) {
        for my $r (@{ $c->{records} || [] }, @{ $c->{growth} || [] }) {
            for my $key (sort keys %table) {
                $r->{$key} = [ map {
                    die "$key index $_ names no frame\n"
                        unless /^\d+$/ && $_ < @{ $table{$key} };
                    $table{$key}[$_]
                } @{ $r->{$key} || [] } ];
            }
        }
    }
    return $data;
}

1;
