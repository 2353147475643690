#!/usr/bin/env python3
"""Writes a dataset and its responses for the slice-folding benchmark (bench/slices/run.sh).

Usage: gen.py N VALUES DIR -- N cases whose category takes VALUES distinct values (round robin),
with replayed answers, and a suite scoring three dimensions by category and language; and N
production records (records.jsonl) over 26 weeks with the same categories, for monitor ingest."""
import json
import os
import sys
import time

n, values, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "cases.jsonl"), "w") as cases, \
        open(os.path.join(out, "responses.jsonl"), "w") as responses:
    for i in range(n):
        cid = f"q-{i:07d}"
        cases.write(json.dumps({"id": cid, "input": f"How long does refund {i} take?",
                                "reference": "5 days", "category": f"cat-{i % values:07d}",
                                "language": "en"}) + "\n")
        responses.write(json.dumps({"id": cid, "output": "Refunds take 5 days." if i % 7 else "Ask us.",
                                    "latency_ms": 200 + i % 300}) + "\n")
START = 1780272000  # 2026-06-01T00:00:00Z
with open(os.path.join(out, "records.jsonl"), "w") as records:
    for i in range(n):
        t = START + i * (26 * 7 * 86400 // n)
        ts = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
        records.write(json.dumps({"id": f"p-{i:07d}", "ts": ts, "category": f"cat-{i % values:07d}",
                                  "language": "en", "input": f"How long does refund {i} take?",
                                  "output": "Refunds take 5 days.", "latency_ms": 200 + i % 300,
                                  "cost_usd": 0.0004, "error": None}) + "\n")
with open(os.path.join(out, "suite.yaml"), "w") as suite:
    suite.write("schema_version: 1\nname: slices-bench\ndatasets: cases.jsonl\n"
                "system: {provider: replay, responses: responses.jsonl}\n"
                "dimensions:\n  says_days: {scorer: contains, args: {value: days}}\n"
                "  f1: {scorer: token-f1, threshold: 0.5}\n  latency: latency\n"
                "slices: [category, language]\n"
                "monitor: {sample_rate: 0.01, stratify_by: [category], min_per_window: 30}\n")
