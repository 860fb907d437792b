#!/usr/bin/env python3
"""Reorders a JSON-lines event file as a consumer with a backlog sees it: CHUNK events of the
orders topic, then CHUNK of shipments, then CHUNK of payments, and again; each topic keeps its own
order. `creditd replay` of the result measures the cost of late entries (the ledger's re-folds)
without a broker. Usage: bench/by_topic.py EVENTS.jsonl OUT.jsonl [CHUNK]   (default 1000)"""
import json, sys

source, target = sys.argv[1], sys.argv[2]
chunk = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
topics = {"order": [], "shipment": [], "payment": []}
for line in open(source):
    if line.strip():
        kind = json.loads(line)["type"].split(".")[0]
        topics.get(kind, topics["order"]).append(line.rstrip("\n"))
arrival = []
for start in range(0, max(len(v) for v in topics.values()), chunk):
    for lines in topics.values():
        arrival += lines[start:start + chunk]
with open(target, "w") as out:
    out.write("\n".join(arrival) + "\n")
print(f"{len(arrival)} events, chunks of {chunk}: " + ", ".join(f"{k} {len(v)}" for k, v in topics.items()))
