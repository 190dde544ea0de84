#!/usr/bin/env python3
"""scikit-learn's IsolationForest timings on one CSV, the protocol of
bench/anomaly_bench.cpp (one thread, CSV parsing excluded):
  fit     median thread CPU time of fit(X) over --fits seeds (n_estimators=T, max_samples='auto')
  batch   median thread CPU time over --batch-reps of one score_samples(X) call, per row
  single  median and p99 thread CPU time of one predict(X[i:i+1]) call (rows cycled) --
          what the seed's _ml_anomaly_detection pays per event
Thread CPU time, not wall time: the benchmark machines are shared and oversubscribed.
Prints one JSON line. Needs Debian's python3-sklearn (1.2.1)."""
import argparse, json, os, time
import numpy as np
import sklearn
from sklearn.ensemble import IsolationForest

p = argparse.ArgumentParser()
p.add_argument('--data', required=True)
p.add_argument('--trees', type=int, default=100)
p.add_argument('--fits', type=int, default=5)
p.add_argument('--batch-reps', type=int, default=1)
p.add_argument('--single', type=int, default=300)
a = p.parse_args()

raw = np.loadtxt(a.data, delimiter=',', skiprows=1, dtype=np.float64)
X = np.ascontiguousarray(raw[:, :-1])
fits, model = [], None
for seed in range(a.fits):
    m = IsolationForest(n_estimators=a.trees, random_state=seed)
    t0 = time.thread_time(); m.fit(X); fits.append(time.thread_time() - t0)
    if seed == 0:
        model = m
batch = []
for _ in range(a.batch_reps):
    t0 = time.thread_time(); model.score_samples(X); batch.append(time.thread_time() - t0)
single = []
for i in range(a.single):
    j = i % X.shape[0]
    xi = X[j:j + 1]
    t0 = time.thread_time(); model.predict(xi); single.append(time.thread_time() - t0)
print(json.dumps({
    'impl': f'sklearn {sklearn.__version__}', 'dataset': os.path.splitext(os.path.basename(a.data))[0],
    'rows': X.shape[0], 'features': X.shape[1], 'trees': a.trees,
    'fit_ms': round(1e3 * float(np.median(fits)), 3),
    'batch_us_per_row': round(1e6 * float(np.median(batch)) / X.shape[0], 4),
    'single_us': round(1e6 * float(np.median(single)), 3),
    'single_p99_us': round(1e6 * float(np.quantile(single, 0.99)), 3)}))
