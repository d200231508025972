#!/usr/bin/perl
# SPDX-License-Identifier: ISC
#
# tools/mkdb-write.pl NETWORKS.jsonl OUT.mmdb EPOCH subset|full
# Writes nktrace's database with MaxMind's own writer.  Input: one JSON
# object per line, {"net": CIDR, "rec": record}, in address order.  Called
# by tools/mkdb.
use strict;
use warnings;
use JSON::PP;
use MaxMind::DB::Writer::Tree;

my ( $in, $out, $epoch, $kind ) = @ARGV;
die "usage: mkdb-write.pl NETWORKS OUT EPOCH subset|full|asn\n" unless $kind;

my %types = (
    autonomous_system_number       => 'uint32',
    autonomous_system_organization => 'utf8_string',
    country                        => 'map',
    city                           => 'map',
    location                       => 'map',
    names                          => 'map',
    iso_code                       => 'utf8_string',
    en                             => 'utf8_string',
    latitude                       => 'double',
    longitude                      => 'double',
    accuracy_radius                => 'uint16',
);

my $tree = MaxMind::DB::Writer::Tree->new(
    ip_version            => 6,
    record_size           => 28,
    database_type         => $kind eq 'asn' ? 'nktrace-ASN' : 'nktrace-ASN-City',
    languages             => ['en'],
    alias_ipv6_to_ipv4    => 1,
    map_key_type_callback => sub { $types{ $_[0] } },
    description           => {
        en => $kind eq 'asn'
        ? "nktrace ASN table: every range's ASN and organisation from "
            . "ip-location-db (RouteViews + DB-IP, CC BY 4.0)."
        : "nktrace $kind address database: ASN and organisation from "
            . "ip-location-db (RouteViews + DB-IP, CC BY 4.0); country, "
            . "city and location from GeoLite2 City 2019-12 (MaxMind, "
            . "CC BY-SA 4.0). This product includes GeoLite2 data created "
            . "by MaxMind, available from https://www.maxmind.com."
    },
);

my $json = JSON::PP->new->utf8;
open my $fh, '<', $in or die "$in: $!\n";
while ( my $line = <$fh> ) {
    my $o = $json->decode($line);
    my $net = $o->{net};
    # IPv4 networks live in the IPv6 tree at ::a.b.c.d/96+len.
    if ( $net =~ m{^(\d+\.\d+\.\d+\.\d+)/(\d+)$} ) {
        $net = "::$1/" . ( 96 + $2 );
    }
    $tree->insert_network( $net, $o->{rec} );
}
close $fh;

$tree->_set_build_epoch($epoch);
open my $ofh, '>:raw', $out or die "$out: $!\n";
$tree->write_tree($ofh);
close $ofh or die "$out: $!\n";
