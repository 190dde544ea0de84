#!/usr/bin/env python3
"""Precision and recall of vigil's behavioural alerts on the labelled
behaviour corpus (gen_corpus --scenario behavior).

  behavior_quality.py [--ml] LABELS.tsv ALERTS.jsonl

LABELS.tsv: "event_id<TAB>anomaly_type" per injected anomaly.
ALERTS.jsonl: `vigil replay --alerts FILE` output; each alert carries its
triggering event, whose event_id ties it to the label (alerts are sanitized,
so user names cannot be used). Prints a Markdown table, one row per type.

Behaviour alerts are typed by their rule_name. With --ml the Isolation
Forest's alerts (rule_name ml_anomaly, ml_anomaly_<event type>) are scored
instead: an alert's type is what its top driver (context.drivers[0], the
feature that did most to isolate the event) speaks of, per ML_TYPES; two
more columns give, per label, the labelled events with any ML alert, and a
last row the alerts whose top driver names no labelled type.
"""
import json
import sys
from collections import defaultdict

TYPES = ["unusual_access_time", "unusual_location", "impossible_travel", "data_volume_spike",
         "new_device", "unusual_resource_access"]

# The ML features (docs/ml.md) by the anomaly type they speak of.
ML_TYPES = {
    "hour_sin": "unusual_access_time", "week_sin": "unusual_access_time",
    "hour_rarity_bits": "unusual_access_time",
    "new_place": "unusual_location", "geo_distance_km_log": "unusual_location",
    "new_ip": "unusual_location",
    "travel_excess_kmh_log": "impossible_travel",
    "data_volume_kb_log": "data_volume_spike", "volume_vs_usual_log": "data_volume_spike",
    "new_device": "new_device",
    "new_resource": "unusual_resource_access", "resource_count": "unusual_resource_access",
}


def alert_type(alert, ml):
    if not ml:
        return alert["rule_name"]
    if not alert["rule_name"].startswith("ml_anomaly"):
        return None
    drivers = alert.get("context", {}).get("drivers", [])
    return ML_TYPES.get(drivers[0]["feature"], "other") if drivers else "other"


def main(labels_path, alerts_path, ml):
    labels = defaultdict(set)  # type -> event ids
    for line in open(labels_path, encoding="utf-8"):
        event_id, kind = line.rstrip("\n").split("\t")
        labels[kind].add(event_id)
    alerted = defaultdict(set)  # type -> event ids
    any_ml = set()  # event ids with any ML alert
    for line in open(alerts_path, encoding="utf-8"):
        alert = json.loads(line)
        kind = alert_type(alert, ml)
        if kind is None:
            continue
        for event in alert.get("events", []):
            alerted[kind].add(event.get("event_id"))
            any_ml.add(event.get("event_id"))
    extra = " any ML alert | recall (any) |" if ml else ""
    print("| anomaly type | labelled | alerted | true positives | precision | recall |" + extra)
    print("| --- | ---: | ---: | ---: | ---: | ---: |" + (" ---: | ---: |" if ml else ""))
    for kind in TYPES:
        truth, found = labels[kind], alerted[kind]
        tp = len(truth & found)
        precision = f"{tp / len(found):.3f}" if found else "–"
        recall = f"{tp / len(truth):.3f}" if truth else "–"
        row = f"| `{kind}` | {len(truth)} | {len(found)} | {tp} | {precision} | {recall} |"
        if ml:
            hit = len(truth & any_ml)
            row += f" {hit} | {hit / len(truth):.3f} |" if truth else " 0 | – |"
        print(row)
    if ml:
        labelled = set().union(*labels.values()) if labels else set()
        print(f"| other drivers | – | {len(alerted['other'])} | – | – | – | – | – |")
        print(f"\nML-alerted events: {len(any_ml)}, of which labelled: {len(any_ml & labelled)} "
              f"(precision over all types {len(any_ml & labelled) / max(1, len(any_ml)):.3f})")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--ml"]
    if len(args) != 2:
        sys.exit(__doc__)
    main(args[0], args[1], "--ml" in sys.argv[1:])
