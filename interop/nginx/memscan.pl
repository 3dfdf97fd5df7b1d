#!/usr/bin/perl
# SPDX-License-Identifier: Apache-2.0
# memscan.pl PID HEXNEEDLE...: search every readable mapping of PID
# (/proc/PID/maps + /proc/PID/mem) for each needle; prints one line
# "pid=P mappings=M unreadable=U bytes=B hits=H" and one "hit NEEDLE@ADDR
# MAPPING" line per hit.
use strict;
use warnings;
my $pid = shift @ARGV;
my @needles = map { pack("H*", $_) } @ARGV;
my $maxlen = 0;
for (@needles) { $maxlen = length($_) if length($_) > $maxlen }
open(my $maps, "<", "/proc/$pid/maps") or die "maps: $!";
open(my $mem, "<:raw", "/proc/$pid/mem") or die "mem: $!";
my ($n, $bad, $bytes, $hits) = (0, 0, 0, 0);
while (my $line = <$maps>) {
    my ($s, $e, $perm, $path) = $line =~ /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/ or next;
    next unless $perm =~ /^r/;
    next if $path eq "[vvar]" || $path eq "[vsyscall]";
    $n++;
    my ($start, $end) = (hex($s), hex($e));
    my $carry = "";
    my $ok = 1;
    for (my $off = $start; $off < $end; $off += 1 << 20) {
        my $len = $end - $off < (1 << 20) ? $end - $off : 1 << 20;
        my $buf;
        if (!sysseek($mem, $off, 0) || !defined(sysread($mem, $buf, $len)) || length($buf) != $len) {
            $ok = 0;
            last;
        }
        $bytes += $len;
        my $hay = $carry . $buf;
        for my $i (0 .. $#needles) {
            my $pos = -1;
            while (($pos = index($hay, $needles[$i], $pos + 1)) >= 0) {
                $hits++;
                printf "hit %s\@%x %s\n", unpack("H16", $needles[$i]),
                    $off - length($carry) + $pos, $path;
            }
        }
        $carry = substr($buf, -($maxlen - 1)) if $maxlen > 1 && length($buf) >= $maxlen - 1;
    }
    $bad++ unless $ok;
}
print "pid=$pid mappings=$n unreadable=$bad bytes=$bytes hits=$hits\n";
