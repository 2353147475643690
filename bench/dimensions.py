#!/usr/bin/python3
"""Writes a suite scoring the demo's answers on the dimensions beyond matching, for timing them.

    /usr/bin/python3 bench/dimensions.py OUT_DIR [COPIES]

The demo's 200 cases and support-bot-v2's answers (examples/demo), copied COPIES times (default
100: 20,000 cases) under new ids, with a suite of one dimension per deterministic scorer:
faithfulness, citation-accuracy, context-recall, pii, secrets, refused, language-match,
code-switching, calibration, and the classification analysis of label-match.
"""
import json
import os
import sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "demo")
out = sys.argv[1]
copies = int(sys.argv[2]) if len(sys.argv) > 2 else 100
os.makedirs(out, exist_ok=True)
cases = [json.loads(l) for l in open(os.path.join(root, "cases.jsonl"), encoding="utf-8")]
answers = [json.loads(l) for l in open(os.path.join(root, "responses", "bot-v2.jsonl"), encoding="utf-8")]
with open(os.path.join(out, "cases.jsonl"), "w", encoding="utf-8") as f:
    for k in range(copies):
        for c in cases:
            c = dict(c, id=f"{c['id']}-{k}")
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
with open(os.path.join(out, "responses.jsonl"), "w", encoding="utf-8") as f:
    for k in range(copies):
        for r in answers:
            f.write(json.dumps(dict(r, id=f"{r['id']}-{k}"), ensure_ascii=False) + "\n")
with open(os.path.join(out, "suite.yaml"), "w", encoding="utf-8") as f:
    f.write("""schema_version: 1
name: dimensions-bench
datasets: cases.jsonl
system: {provider: replay, responses: responses.jsonl}
dimensions:
  faithful: {scorer: faithfulness, threshold: 0.8}
  citations: {scorer: citation-accuracy, threshold: 0.8}
  context: {scorer: context-recall, threshold: 0.8}
  no_pii: pii
  no_secrets: secrets
  refused: refused
  language: language-match
  one_language: code-switching
  routing: label-match
  correct: {scorer: token-f1, threshold: 0.5}
  confidence: {scorer: calibration, args: {against: correct}}
slices: [category, language]
""")
print(f"wrote {copies * len(cases)} cases to {out}")
