#!/usr/bin/env bash
# The peer of syslog_bench (issue 7): Debian's rsyslog receiving the same
# octet-counted RFC 6587 frames over TCP on loopback ("<38>" + each line of a
# BSD syslog sample, repeated to N messages), parsing each message's RFC 3164
# header, and writing host, program, pid, message and time as JSON lines to a
# file — less than vigil's pipeline does (no sshd grammar, no normalization, no
# PII scan). One sender connection, as in syslog_bench.
#
#   bench/peer_rsyslog.sh SYSLOG_FILE [MESSAGES] [WORKDIR]
#
# The run ends when the output file holds every message; the wall time is from
# the first byte sent to then, the CPU time is rsyslogd's (user + system, from
# /proc), the sender's excluded. Prints one JSON line:
#   {"peer":"rsyslog 8.x","messages":N,"written":N,"seconds":S,"msgs_per_s":R,"cpu_s":C,"msgs_per_cpu_s":RC}
# Needs the Debian package rsyslog (apt-get install rsyslog); a benchmark-only
# tool, not a vigil dependency.
set -euo pipefail

SAMPLE=${1:?usage: peer_rsyslog.sh SYSLOG_FILE [MESSAGES] [WORKDIR]}
MESSAGES=${2:-1000000}
WORK=${3:-$(mktemp -d "${TMPDIR:-/tmp}/vigil-rsyslog.XXXXXX")}
mkdir -p "$WORK"
command -v rsyslogd >/dev/null || { echo "peer_rsyslog.sh: rsyslog not installed (apt-get install rsyslog)" >&2; exit 1; }
VERSION=$(rsyslogd -v | sed -n 's/^rsyslogd *\([0-9.]*\).*/\1/p' | head -1)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

cat >"$WORK/rsyslog.conf" <<EOF
global(workDirectory="$WORK" maxMessageSize="64k")
module(load="imtcp")
template(name="j" type="list" option.jsonf="on") {
  property(outname="host" name="hostname" format="jsonf")
  property(outname="program" name="programname" format="jsonf")
  property(outname="pid" name="procid" format="jsonf")
  property(outname="message" name="msg" format="jsonf")
  property(outname="time" name="timereported" dateFormat="rfc3339" format="jsonf")
}
ruleset(name="r" queue.type="LinkedList" queue.size="100000") {
  action(type="omfile" file="$WORK/out.ndjson" template="j" ioBufferSize="1m" flushOnTXEnd="on")
}
input(type="imtcp" address="127.0.0.1" port="$PORT" ruleset="r")
EOF

rm -f "$WORK/out.ndjson"
rsyslogd -n -f "$WORK/rsyslog.conf" -i "$WORK/pid" >"$WORK/stdout" 2>"$WORK/stderr" &
RS=$!
trap 'kill $RS 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$PORT)).close()" 2>/dev/null && break
  sleep 0.1
done
# The frames, built before the clock starts (as syslog_bench does).
python3 - "$SAMPLE" "$MESSAGES" "$WORK/wire" <<'PY'
import sys
lines = [l.rstrip(b'\r') for l in open(sys.argv[1], 'rb').read().split(b'\n') if l.rstrip(b'\r')]
n = int(sys.argv[2])
with open(sys.argv[3], 'wb') as out:
    for i in range(n):
        m = b'<38>' + lines[i % len(lines)]
        out.write(str(len(m)).encode() + b' ' + m)
PY
cpu0=$(awk '{print $14 + $15}' /proc/$RS/stat)
start=$(date +%s.%N)
python3 -c "
import socket,sys
s=socket.create_connection(('127.0.0.1',$PORT)); s.sendall(open('$WORK/wire','rb').read()); s.close()"
written=0
for _ in $(seq 6000); do
  written=$( (wc -l <"$WORK/out.ndjson") 2>/dev/null || echo 0)
  [[ $written -ge $MESSAGES ]] && break
  sleep 0.05
done
end=$(date +%s.%N)
cpu1=$(awk '{print $14 + $15}' /proc/$RS/stat)
TCK=$(getconf CLK_TCK)
python3 -c "
s=$end-$start; c=($cpu1-$cpu0)/$TCK
print('{\"peer\":\"rsyslog $VERSION\",\"messages\":$MESSAGES,\"written\":$written,\"seconds\":%.3f,\"msgs_per_s\":%.0f,\"cpu_s\":%.2f,\"msgs_per_cpu_s\":%.0f}' % (s, $written/s, c, $written/c if c else 0))"
