#!/bin/sh
# Detection quality of the behavioural baselines (docs/detection-quality.md):
# generates the labelled behaviour corpus, replays it through vigil with GeoIP
# from the MaxMind test database the corpus draws its addresses from, and
# prints precision and recall per anomaly type.
#   bench/behavior_quality.sh GEN_CORPUS VIGIL [SEED] [USERS] [WORKERS]
# Needs $VIGIL_TEST_DATA (../shared/data) for the GeoIP test database.
set -eu
gen=$1 vigil=$2 seed=${3:-42} users=${4:-300} workers=${5:-1}
data=${VIGIL_TEST_DATA:-../shared/data}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$gen" --scenario behavior --seed "$seed" --users "$users" --output "$work/corpus.ndjson" \
  --labels "$work/labels.tsv"
cat > "$work/vigil.yaml" <<YAML
enrich:
  geoip: $data/geoip/test-data/GeoIP2-City-Test.mmdb
sanitize:
  pseudonymize_key: behavior-quality-benchmark-key
detect:
  builtin_rules: false       # behaviour alerts only
alerts:
  dedupe_window_s: 0         # every detection its own alert
  outputs: []
pipeline:
  workers: $workers
logging:
  level: warn
YAML
"$vigil" replay --config "$work/vigil.yaml" --no-store --alerts "$work/alerts.jsonl" \
  "$work/corpus.ndjson" >&2
python3 "$(dirname "$0")/behavior_quality.py" "$work/labels.tsv" "$work/alerts.jsonl"
