#!/usr/bin/env bash
# End-to-end throughput of vigil against the simdjson parse-only floor.
#
#   bench/run.sh [--events N] [--seed S] [--days D] [--corpus FILE] [--config FILE]
#                [--build-dir DIR] [--vigil PATH] [--results FILE] [--no-build] [--build-vigil]
#                [--repeat N] [--keep] [--http [--connections C] [--batch B]]
#
# 1. builds gen_corpus and parse_baseline in a Release tree (build/bench-rel),
# 2. generates the deterministic corpus (default 1M events, seed 42) in a temp dir,
# 3. runs parse_baseline: simdjson On-Demand touching every field, one core,
# 4. if build/bench-rel/src/app/vigil exists (--build-vigil builds it first; --vigil PATH
#    picks another binary): `vigil replay --no-store FILE`
#    and `vigil replay --data-dir TMP FILE`, reading their one-line JSON summary
#    {"read":N,"accepted":N,"rejected":N,"stored":N,"seconds":S,"events_per_s":R},
#    (--repeat N: every stage runs N times and the fastest run is reported, since
#    other processes on a shared machine only ever slow a run down),
#    and with --http: `vigil run` on a loopback port with an empty data dir, fed
#    the corpus by bench/http_ingest (C keep-alive connections, B events per
#    NDJSON body, 429/503 retried after Retry-After); the rate is what the
#    daemon acknowledged as durably stored, and the peak RSS is the daemon's,
# 5. prints a table: events/s, seconds, ratio to the parse floor, CPU seconds and
#    events per CPU-second (robust on a busy machine), peak RSS.
# Every throughput figure in the README comes from this script; quote the
# corpus arguments with it so the numbers can be reproduced.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="$ROOT/build/bench-rel"
EVENTS=1000000
SEED=42
DAYS=1
CORPUS=""
CONFIG=""
VIGIL=""
RESULTS=""
DO_BUILD=1
BUILD_VIGIL=0
REPEAT=1
KEEP=0
HTTP=0
CONNECTIONS=4
BATCH=2000

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --events) EVENTS=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --days) DAYS=$2; shift 2 ;;
    --corpus) CORPUS=$2; shift 2 ;;
    --config) CONFIG=$2; shift 2 ;;
    --build-dir) BUILD=$2; shift 2 ;;
    --vigil) VIGIL=$2; shift 2 ;;
    --results) RESULTS=$2; shift 2 ;;
    --no-build) DO_BUILD=0; shift ;;
    --build-vigil) BUILD_VIGIL=1; shift ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --http) HTTP=1; shift ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --batch) BATCH=$2; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "run.sh: unknown argument: $1" >&2; usage 2 ;;
  esac
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench.XXXXXX")
cleanup() { if [[ $KEEP == 1 ]]; then echo "kept: $TMP" >&2; else rm -rf "$TMP"; fi; }
trap cleanup EXIT

log() { echo "[bench] $*" >&2; }

# --- build ------------------------------------------------------------------
if [[ $DO_BUILD == 1 ]]; then
  if [[ ! -f $BUILD/build.ninja && ! -f $BUILD/Makefile ]]; then
    log "configuring $BUILD (Release)"
    cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DVIGIL_BUILD_TESTS=OFF \
      >"$TMP/configure.log" 2>&1 || { cat "$TMP/configure.log" >&2; exit 1; }
  fi
  log "building gen_corpus parse_baseline http_ingest"
  cmake --build "$BUILD" --target gen_corpus parse_baseline http_ingest >"$TMP/build.log" 2>&1 ||
    { tail -40 "$TMP/build.log" >&2; exit 1; }
  if [[ $BUILD_VIGIL == 1 ]]; then
    log "building vigil"
    cmake --build "$BUILD" --target vigil >"$TMP/build-vigil.log" 2>&1 ||
      { tail -40 "$TMP/build-vigil.log" >&2; exit 1; }
  fi
fi
GEN="$BUILD/bench/gen_corpus"
PARSE="$BUILD/bench/parse_baseline"
HTTP_CLIENT="$BUILD/bench/http_ingest"
[[ -n $VIGIL ]] || VIGIL="$BUILD/src/app/vigil"
for tool in "$GEN" "$PARSE"; do
  [[ -x $tool ]] || { echo "run.sh: missing $tool (run without --no-build)" >&2; exit 1; }
done

# --- peak RSS ---------------------------------------------------------------
# measure OUT ERR RSS_FILE cmd...: runs cmd with stdout/stderr to files and
# writes its peak RSS in KiB. /usr/bin/time -v when present (Debian package
# `time`), else the kernel's ru_maxrss of the child through python3.
measure() {
  local out=$1 err=$2 rss=$3; shift 3
  local start end status=0
  start=$(date +%s.%N)
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -v -o "$rss.time" "$@" >"$out" 2>"$err" || status=$?
    sed -n 's/.*Maximum resident set size (kbytes): *\([0-9]*\).*/\1/p' "$rss.time" >"$rss"
    awk -F': ' '/User time \(seconds\)|System time \(seconds\)/ { t += $2 } END { printf "%.2f\n", t }' \
      "$rss.time" >"$rss.cpu"
  else
    python3 -c 'import resource, subprocess, sys
r = subprocess.run(sys.argv[2:])
u = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1], "w").write("%d\n" % u.ru_maxrss)
open(sys.argv[1] + ".cpu", "w").write("%.2f\n" % (u.ru_utime + u.ru_stime))
sys.exit(r.returncode)' "$rss" "$@" >"$out" 2>"$err" || status=$?
  fi
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", e - s }' >"$rss.wall"
  return $status
}

# json_field JSON KEY: a number from a flat one-line JSON object.
json_field() { sed -n "s/.*\"$2\":\([-0-9.eE+]*\).*/\1/p" <<<"$1" | head -1; }
last_json() { grep '^{' "$1" | tail -1 || true; }

# --- corpus -----------------------------------------------------------------
if [[ -z $CORPUS ]]; then
  CORPUS="$TMP/corpus.ndjson"
  log "generating $EVENTS events (seed $SEED, $DAYS day(s))"
  measure "$CORPUS" "$TMP/gen.err" "$TMP/gen.rss" \
    "$GEN" --events "$EVENTS" --seed "$SEED" --days "$DAYS" --stats ||
    { cat "$TMP/gen.err" >&2; exit 1; }
  GEN_JSON=$(last_json "$TMP/gen.err")
else
  GEN_JSON=""
  EVENTS=$(wc -l <"$CORPUS")
fi
BYTES=$(stat -c %s "$CORPUS")

# --- runs -------------------------------------------------------------------
# One row per stage. cpu_s is CPU time (user+sys, all threads; for the parse
# floor its own parse-only thread time), which competing processes on a
# shared machine disturb much less than wall time.
declare -a NAMES RATES SECS CPUS RSSS NOTES
add_row() { NAMES+=("$1"); RATES+=("$2"); SECS+=("$3"); CPUS+=("$4"); RSSS+=("$5"); NOTES+=("$6"); }

log "parse_baseline"
measure "$TMP/parse.out" "$TMP/parse.err" "$TMP/parse.rss" "$PARSE" --repeat "$REPEAT" "$CORPUS" ||
  { cat "$TMP/parse.err" "$TMP/parse.out" >&2; exit 1; }
PARSE_JSON=$(last_json "$TMP/parse.out")
PARSE_RATE=$(json_field "$PARSE_JSON" events_per_s)
PARSE_CPU=$(json_field "$PARSE_JSON" cpu_seconds)
add_row "parse_baseline (simdjson On-Demand)" "$PARSE_RATE" "$(json_field "$PARSE_JSON" seconds)" \
  "$PARSE_CPU" "$(cat "$TMP/parse.rss")" \
  "$(json_field "$PARSE_JSON" mb_per_s) MB/s, errors=$(json_field "$PARSE_JSON" errors)"

run_vigil() {
  local name=$1 tag=$2; shift 2
  local best_rate=-1 r j rate
  for ((r = 1; r <= REPEAT; r++)); do
    local cmd=("$VIGIL" replay)
    [[ -n $CONFIG ]] && cmd+=(--config "$CONFIG")
    if [[ $tag == replay-store ]]; then
      rm -rf "$TMP/data" && mkdir -p "$TMP/data"  # every run starts from an empty store
      cmd+=(--data-dir "$TMP/data")
    fi
    cmd+=("$@" "$CORPUS")
    log "$name (run $r/$REPEAT)"
    if ! measure "$TMP/$tag.out" "$TMP/$tag.err" "$TMP/$tag.rss" "${cmd[@]}"; then
      log "$name failed:"; tail -5 "$TMP/$tag.err" >&2
      add_row "$name" "" "" "$(cat "$TMP/$tag.rss.cpu")" "$(cat "$TMP/$tag.rss")" "FAILED"
      return
    fi
    j=$(last_json "$TMP/$tag.out")
    [[ -n $j ]] || j=$(last_json "$TMP/$tag.err")
    rate=$(json_field "$j" events_per_s)
    if awk -v a="${rate:-0}" -v b="$best_rate" 'BEGIN { exit !(a > b) }'; then
      best_rate=${rate:-0}
      echo "$j" >"$TMP/$tag.json"
      cp "$TMP/$tag.rss" "$TMP/$tag.best.rss"
      cp "$TMP/$tag.rss.cpu" "$TMP/$tag.best.cpu"
    fi
  done
  j=$(cat "$TMP/$tag.json")
  add_row "$name" "$(json_field "$j" events_per_s)" "$(json_field "$j" seconds)" \
    "$(cat "$TMP/$tag.best.cpu")" "$(cat "$TMP/$tag.best.rss")" \
    "read=$(json_field "$j" read) accepted=$(json_field "$j" accepted) rejected=$(json_field "$j" rejected) stored=$(json_field "$j" stored)"
}

# The daemon under HTTP load: started on a free loopback port, fed by the
# client, then stopped with SIGTERM so /usr/bin/time reports its peak RSS.
run_http() {
  local port=$((20000 + RANDOM % 20000)) j
  rm -rf "$TMP/http-data" && mkdir -p "$TMP/http-data"
  local cmd=("$VIGIL" run --listen "127.0.0.1:$port" --data-dir "$TMP/http-data")
  [[ -n $CONFIG ]] && cmd+=(--config "$CONFIG")
  log "vigil run + http_ingest ($CONNECTIONS connections, $BATCH events/request)"
  measure "$TMP/daemon.out" "$TMP/daemon.err" "$TMP/daemon.rss" "${cmd[@]}" &
  local daemon=$!
  for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  if ! "$HTTP_CLIENT" --url "http://127.0.0.1:$port" --connections "$CONNECTIONS" \
      --batch "$BATCH" "$CORPUS" >"$TMP/http.out" 2>"$TMP/http.err"; then
    log "http_ingest failed:"; tail -5 "$TMP/http.err" >&2
  fi
  pkill -TERM -f -- "^$VIGIL run --listen 127.0.0.1:$port" || true
  wait "$daemon" || true
  j=$(last_json "$TMP/http.out")
  add_row "vigil run, HTTP NDJSON ingest" "$(json_field "$j" events_per_s)" \
    "$(json_field "$j" seconds)" "$(cat "$TMP/daemon.rss.cpu")" "$(cat "$TMP/daemon.rss")" \
    "accepted=$(json_field "$j" accepted) requests=$(json_field "$j" requests) retries=$(json_field "$j" retries)"
}

if [[ -x $VIGIL ]]; then
  log "vigil: $VIGIL (built $(date -r "$VIGIL" '+%F %T'))"
  run_vigil "vigil replay --no-store" replay-nostore --no-store
  run_vigil "vigil replay --data-dir (sqlite)" replay-store
  add_row "  store on disk" "" "" "" "" "$(du -sh "$TMP/data" | cut -f1)"
  if [[ $HTTP == 1 ]]; then run_http; fi
else
  log "no vigil binary at $VIGIL (build it, or pass --build-vigil); parse floor only"
fi

# --- report -----------------------------------------------------------------
echo
echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), load $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v n="$EVENTS" -v b="$BYTES" -v s="$SEED" -v d="$DAYS" \
  'BEGIN { printf "corpus: %d events, %.1f MB, %.0f B/event (gen_corpus --events %d --seed %s --days %s)\n", n, b / 1e6, b / n, n, s, d }'
echo "runs per stage: $REPEAT (fastest reported)"
if [[ -n $GEN_JSON ]]; then
  awk -v r="$(json_field "$GEN_JSON" events_per_s)" -v t="$(json_field "$GEN_JSON" seconds)" \
      -v c="$(cat "$TMP/gen.rss.cpu" 2>/dev/null)" -v n="$EVENTS" \
    'BEGIN { printf "generator: %.2f s wall, %.0f events/s; %.2f s CPU, %.0f events/cpu-s\n", t, r, c, (c > 0 ? n / c : 0) }'
fi
echo
printf '%-36s %11s %9s %9s %8s %12s %9s  %s\n' \
  stage events/s seconds vs_parse cpu_s events/cpu_s peak_RSS notes
for i in "${!NAMES[@]}"; do
  awk -v name="${NAMES[$i]}" -v rate="${RATES[$i]}" -v sec="${SECS[$i]}" -v cpu="${CPUS[$i]}" \
      -v rss="${RSSS[$i]}" -v base="$PARSE_RATE" -v n="$EVENTS" -v note="${NOTES[$i]}" 'BEGIN {
    r = (rate == "") ? "-" : sprintf("%.0f", rate)
    q = (rate == "" || base == 0) ? "-" : sprintf("%.3fx", rate / base)
    c = (cpu == "") ? "-" : sprintf("%.2f", cpu)
    e = (cpu == "" || cpu == 0) ? "-" : sprintf("%.0f", n / cpu)
    m = (rss == "") ? "-" : sprintf("%.0f MB", rss / 1024)
    printf "%-36s %11s %9s %9s %8s %12s %9s  %s\n", name, r, (sec == "" ? "-" : sprintf("%.3f", sec)), \
           q, c, e, m, note }'
done

if [[ -n $RESULTS ]]; then
  {
    echo "{\"events\":$EVENTS,\"bytes\":$BYTES,\"seed\":$SEED,\"days\":$DAYS,"
    echo " \"generator\":${GEN_JSON:-null},"
    echo " \"parse_baseline\":$PARSE_JSON,"
    echo " \"replay_no_store\":$(cat "$TMP/replay-nostore.json" 2>/dev/null || echo null),"
    echo " \"replay_store\":$(cat "$TMP/replay-store.json" 2>/dev/null || echo null),"
    echo " \"http_ingest\":$(last_json "$TMP/http.out" 2>/dev/null || echo null)}"
  } >"$RESULTS"
  log "results written to $RESULTS"
fi
