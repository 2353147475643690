#!/usr/bin/env python3
"""Writes a dataset and its responses for the slice-folding benchmark (bench/slices/run.sh).

Usage: gen.py N VALUES DIR -- N cases whose category takes VALUES distinct values (round robin),
with replayed answers, and a suite scoring three dimensions by category and language."""
import json
import os
import sys

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
with open(os.path.join(out, "suite.yaml"), "w") as suite:
    suite.write("schema_version: 1\nname: slices-bench\ndatasets: cases.jsonl\n"
                "system: {provider: replay, responses: responses.jsonl}\n"
                "dimensions:\n  says_days: {scorer: contains, args: {value: days}}\n"
                "  f1: {scorer: token-f1, threshold: 0.5}\n  latency: latency\n"
                "slices: [category, language]\n")
