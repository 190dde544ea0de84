#!/bin/sh
# vigil's Isolation Forest beside scikit-learn in one run, on the ODDS CSVs:
# fit, batch scoring and single-row latency as ratios (sklearn / vigil).
#   bench/anomaly_compare.sh [BUILD_DIR] [DATASET...]
# BUILD_DIR: a Release tree with anomaly_bench built (default build/anomaly-rel):
#   cmake -S . -B build/anomaly-rel -DCMAKE_BUILD_TYPE=Release -DVIGIL_SANITIZE=OFF -DVIGIL_BUILD_TESTS=OFF
#   cmake --build build/anomaly-rel --target anomaly_bench
# Both sides run one thread (one BLAS/OpenMP thread for numpy) and report that
# thread's CPU time, so other load on the shared machine inflates them less.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build/anomaly-rel}
[ $# -gt 0 ] && shift
data=${VIGIL_TEST_DATA:-$here/../../shared/data}/anomaly
sets=${*:-"http forestcover shuttle cardio pima arrhythmia"}
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
out=$(mktemp)
for s in $sets; do
  "$build/src/anomaly/anomaly_bench" --data "$data/$s.csv" >>"$out"
  /usr/bin/python3 "$here/anomaly_sklearn_bench.py" --data "$data/$s.csv" >>"$out"
done
/usr/bin/python3 - "$out" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
by = {}
for r in rows:
    by.setdefault(r['dataset'], {})['vigil' if r['impl'] == 'vigil' else 'sk'] = r
print('| data set | rows × features | fit ms vigil / sklearn (×) | batch µs/row vigil / sklearn (×) '
      '| one row µs vigil / sklearn predict (×) |')
print('| --- | ---: | ---: | ---: | ---: |')
for name, d in by.items():
    v, s = d['vigil'], d['sk']
    print(f"| {name} | {v['rows']:,} × {v['features']} "
          f"| {v['fit_ms']:.2f} / {s['fit_ms']:.1f} ({s['fit_ms'] / v['fit_ms']:.0f}×) "
          f"| {v['batch_us_per_row']:.3f} / {s['batch_us_per_row']:.2f} "
          f"({s['batch_us_per_row'] / v['batch_us_per_row']:.0f}×) "
          f"| {v['single_cpu_us']:.2f} / {s['single_us']:,.0f} ({s['single_us'] / v['single_cpu_us']:,.0f}×) |")
print()
print('vigil one-row wall-clock median / p99 µs: ' + ', '.join(
    f"{n} {d['vigil']['single_us']:.2f} / {d['vigil']['single_p99_us']:.2f}" for n, d in by.items()))
PY
rm -f "$out"
