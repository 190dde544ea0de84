#!/bin/sh
# Detection quality on the labelled behaviour corpus (docs/detection-quality.md):
# generates the corpus, replays it through vigil with GeoIP from the MaxMind
# test database the corpus draws its addresses from, and prints precision and
# recall per anomaly type, of the behavioural baselines (DETECTOR=behavior,
# the default) or of the Isolation Forest detector (DETECTOR=ml, the other
# detector off, default ml: settings; in replay models retrain on event time).
#   bench/behavior_quality.sh GEN_CORPUS VIGIL [SEED] [USERS] [WORKERS] [DETECTOR] [MODEL_SEED]
# MODEL_SEED is ml.seed (the models' training randomness, default 0).
# Needs $VIGIL_TEST_DATA (../shared/data) for the GeoIP test database.
set -eu
gen=$1 vigil=$2 seed=${3:-42} users=${4:-300} workers=${5:-1} detector=${6:-behavior} model_seed=${7:-0}
data=${VIGIL_TEST_DATA:-../shared/data}
case $detector in
  behavior) behavior=true ml=false flag= ;;
  ml) behavior=false ml=true flag=--ml ;;
  *) echo "DETECTOR must be behavior or ml" >&2; exit 2 ;;
esac
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
  builtin_rules: false       # behaviour / ML alerts only
behavior:
  enabled: $behavior
ml:
  enabled: $ml
  seed: $model_seed
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
python3 "$(dirname "$0")/behavior_quality.py" $flag "$work/labels.tsv" "$work/alerts.jsonl"
