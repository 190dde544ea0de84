#!/usr/bin/env python3
"""Precision and recall of vigil's behavioural alerts on the labelled
behaviour corpus (gen_corpus --scenario behavior).

  behavior_quality.py LABELS.tsv ALERTS.jsonl

LABELS.tsv: "event_id<TAB>anomaly_type" per injected anomaly.
ALERTS.jsonl: `vigil replay --alerts FILE` output; each alert carries its
triggering event, whose event_id ties it to the label (alerts are sanitized,
so user names cannot be used). Prints a Markdown table, one row per type.
"""
import json
import sys
from collections import defaultdict

TYPES = ["unusual_access_time", "unusual_location", "impossible_travel", "data_volume_spike",
         "new_device", "unusual_resource_access"]


def main(labels_path, alerts_path):
    labels = defaultdict(set)  # type -> event ids
    for line in open(labels_path, encoding="utf-8"):
        event_id, kind = line.rstrip("\n").split("\t")
        labels[kind].add(event_id)
    alerted = defaultdict(set)  # type -> event ids
    for line in open(alerts_path, encoding="utf-8"):
        alert = json.loads(line)
        for event in alert.get("events", []):
            alerted[alert["rule_name"]].add(event.get("event_id"))
    print("| anomaly type | labelled | alerted | true positives | precision | recall |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for kind in TYPES:
        truth, found = labels[kind], alerted[kind]
        tp = len(truth & found)
        precision = f"{tp / len(found):.3f}" if found else "–"
        recall = f"{tp / len(truth):.3f}" if truth else "–"
        print(f"| `{kind}` | {len(truth)} | {len(found)} | {tp} | {precision} | {recall} |")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
