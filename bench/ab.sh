#!/usr/bin/env bash
# Alternating A/B rounds of `vigil replay` for two or more binaries on one corpus.
#
#   bench/ab.sh [--rounds N] [--mode no-store|store] [--config FILE]
#               [--env "VAR=value ..."] CORPUS VIGIL_A VIGIL_B [VIGIL_C ...]
#
# On a shared machine a binary's rate swings from minute to minute, so a change is
# judged by binaries run in turn within one round, round after round, never by
# figures taken at different times. Each round prints the load average and, per
# binary, events/s, CPU seconds (user + system: what the change costs, robust to
# load), peak RSS, and the alerts raised.
#
#   --mode no-store  `replay --no-store` (default)
#   --mode store     `replay --data-dir TMP` (a fresh directory each run)
#   --config FILE    passed to every run; without it, vigil's defaults (detectors on)
#   --env "A=1 B=2"  environment for every run
# Needs GNU time (/usr/bin/time, Debian's `time` package).
set -euo pipefail

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
ROUNDS=4
MODE=no-store
CONFIG=""
ENVIRONMENT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --mode) MODE=$2; shift 2 ;;
    --config) CONFIG=$2; shift 2 ;;
    --env) ENVIRONMENT=$2; shift 2 ;;
    -h|--help) usage 0 ;;
    --*) echo "unknown option $1" >&2; usage 2 ;;
    *) break ;;
  esac
done
[[ $# -ge 3 ]] || usage 2
CORPUS=$1; shift
case "$MODE" in no-store|store) ;; *) echo "unknown mode $MODE" >&2; exit 2 ;; esac
[[ -r "$CORPUS" ]] || { echo "cannot read $CORPUS" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

field() { grep -o "\"$1\":[0-9.]*" "$2" | head -1 | cut -d: -f2; }

one_run() {  # binary -> "events/s cpu-s rss-MB alerts"
  local vigil=$1 args=(replay)
  [[ -n "$CONFIG" ]] && args+=(--config "$CONFIG")
  if [[ "$MODE" == store ]]; then
    rm -rf "$WORK/data"
    args+=(--data-dir "$WORK/data")
  else
    args+=(--no-store)
  fi
  # shellcheck disable=SC2086
  env $ENVIRONMENT /usr/bin/time -o "$WORK/time" -f "%U %S %M" \
    "$vigil" "${args[@]}" "$CORPUS" > "$WORK/summary" 2> "$WORK/stderr" ||
    { echo "failed: $vigil (see below)" >&2; tail -5 "$WORK/stderr" >&2; exit 1; }
  local eps alerts
  eps=$(field events_per_s "$WORK/summary")
  alerts=$(field alerts "$WORK/summary")
  awk -v eps="$eps" -v alerts="${alerts:-0}" \
    '{ printf "%.1fk/s %.2f CPU-s %.0f MB alerts=%d", eps / 1000, $1 + $2, $3 / 1024, alerts }' \
    "$WORK/time"
}

for round in $(seq "$ROUNDS"); do
  line="round $round, load $(cut -d' ' -f1 /proc/loadavg)"
  for vigil in "$@"; do
    line+=" | $(basename "$vigil"): $(one_run "$vigil")"
  done
  echo "$line"
done
