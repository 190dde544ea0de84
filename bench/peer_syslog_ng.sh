#!/usr/bin/env bash
# The peer of issue 3's benchmark: Debian's syslog-ng reading the same NDJSON
# corpus, parsing every line as JSON (json-parser) and writing it back out as
# JSON lines to a file (format-json) — the least a log pipeline does with these
# events, and less than vigil does (no normalization, no PII scan, no index).
#
#   bench/peer_syslog_ng.sh CORPUS [WORKDIR]
#   PARSE=syslog bench/peer_syslog_ng.sh SYSLOG_FILE [WORKDIR]
#
# With PARSE=syslog the file holds BSD syslog lines (issue 7's sshd figure):
# syslog-ng parses each line's syslog header (its file source's default) and
# writes host, program, pid, message and time as JSON lines.
#
# syslog-ng never exits at the end of a file, so the run ends when its own
# statistics say the destination has written every line; wall time is from
# start-up to then. Prints one JSON line:
#   {"peer":"syslog-ng 3.38.1","events":N,"written":N,"seconds":S,"events_per_s":R,"cpu_s":C,"peak_rss_kb":K}
# Needs the Debian package syslog-ng-core (apt-get install syslog-ng-core);
# it is a benchmark-only tool, not a vigil dependency.
set -euo pipefail

CORPUS=${1:?usage: peer_syslog_ng.sh CORPUS [WORKDIR]}
WORK=${2:-$(mktemp -d "${TMPDIR:-/tmp}/vigil-peer.XXXXXX")}
mkdir -p "$WORK"
command -v syslog-ng >/dev/null || { echo "peer_syslog_ng.sh: syslog-ng not installed (apt-get install syslog-ng-core)" >&2; exit 1; }
EVENTS=$(grep -c . "$CORPUS")
VERSION=$(syslog-ng --version | sed -n "s/^Installer-Version: *//p" | head -1)

if [[ ${PARSE:-json} == syslog ]]; then
  SOURCE_FLAGS="flags(no-multi-line)"
  PARSER=""
  LOG_PARSER=""
  TEMPLATE='$(format-json HOST=$HOST PROGRAM=$PROGRAM PID=$PID MESSAGE=$MSG ISODATE=$ISODATE)'
else
  SOURCE_FLAGS="flags(no-parse)"
  PARSER='parser p_json { json-parser(prefix(".json.")); };'
  LOG_PARSER="parser(p_json);"
  TEMPLATE='$(format-json --key .json.* --rekey .json.* --shift 6)'
fi

cat >"$WORK/syslog-ng.conf" <<EOF
@version: ${VERSION%.*}
options {
  threaded(yes); use-dns(no); use-fqdn(no); chain-hostnames(no); keep-hostname(yes);
  stats-freq(0); stats-level(1); log-msg-size(1048576); flush-lines(1000);
};
source s_corpus {
  file("$CORPUS" $SOURCE_FLAGS follow-freq(0.01) log-fetch-limit(10000) log-iw-size(100000));
};
$PARSER
destination d_out {
  file("$WORK/out.ndjson" template("${TEMPLATE}\n"));
};
log { source(s_corpus); $LOG_PARSER destination(d_out); flags(flow-control); };
EOF

rm -f "$WORK/out.ndjson" "$WORK/persist"
start=$(date +%s.%N)
/usr/bin/time -v -o "$WORK/time.txt" syslog-ng -F --no-caps -f "$WORK/syslog-ng.conf" \
  -R "$WORK/persist" -c "$WORK/ctl" -p "$WORK/pid" >"$WORK/stdout" 2>"$WORK/stderr" &
runner=$!

written() {
  syslog-ng-ctl stats -c "$WORK/ctl" 2>/dev/null |
    awk -F';' '$1 ~ /^dst.file/ && $5 == "written" { n += $6 } END { print n + 0 }'
  true
}
done_at=""
while kill -0 "$runner" 2>/dev/null; do
  if [[ $(written) -ge $EVENTS ]]; then done_at=$(date +%s.%N); break; fi
  sleep 0.05
done
n=$(written)
kill -TERM "$(cat "$WORK/pid")" 2>/dev/null || true
wait "$runner" || true
[[ -n $done_at ]] || { echo "peer_syslog_ng.sh: syslog-ng stopped early:" >&2; cat "$WORK/stderr" >&2; exit 1; }

cpu=$(awk -F': ' '/User time \(seconds\)|System time \(seconds\)/ { t += $2 } END { printf "%.2f", t }' "$WORK/time.txt")
rss=$(sed -n 's/.*Maximum resident set size (kbytes): *\([0-9]*\).*/\1/p' "$WORK/time.txt")
awk -v v="$VERSION" -v e="$EVENTS" -v n="$n" -v s="$start" -v d="$done_at" -v c="$cpu" -v r="$rss" \
  'BEGIN { t = d - s; printf "{\"peer\":\"syslog-ng %s\",\"events\":%d,\"written\":%d,\"seconds\":%.3f,\"events_per_s\":%.0f,\"cpu_s\":%s,\"peak_rss_kb\":%s}\n", v, e, n, t, e / t, c, r }'
