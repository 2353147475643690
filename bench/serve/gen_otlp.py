#!/usr/bin/python3
"""Writes OTLP/HTTP JSON trace bodies for timing `POST /v1/traces`.

    /usr/bin/python3 bench/serve/gen_otlp.py FILES SPANS_PER_FILE OUT_DIR [--in-order]

Each body holds SPANS_PER_FILE chat spans of the GenAI conventions (model, token usage, the
prompt and the completion as gen_ai.input.messages / gen_ai.output.messages, a category), every
span with its own ids, over 8 weeks from 2026-06-01; 1% have an error status. The spans of a body
start anywhere in the 8 weeks (each body touches every day's aggregates: the hard case), or with
--in-order in time order, as an exporter sends them (each body covers its 1/FILES of the weeks).
"""
import json
import os
import random
import sys

START_NS = 1780272000 * 10**9
CATS = ["billing", "shipping", "returns", "account-access", "warranty", "privacy"]


def attr(key, value):
    if isinstance(value, bool):
        return {"key": key, "value": {"boolValue": value}}
    if isinstance(value, int):
        return {"key": key, "value": {"intValue": str(value)}}
    return {"key": key, "value": {"stringValue": value}}


def span(rng, n, start):
    question = "Where is my order %d? It was due on Tuesday and the tracking page has not moved." % n
    answer = ("Your order left our warehouse yesterday and the carrier expects to deliver it within "
              "two working days; you will get an e-mail with the new tracking link. " * 2)
    s = {"traceId": "%032x" % rng.getrandbits(128), "spanId": "%016x" % rng.getrandbits(64),
         "name": "chat bot-v2", "kind": 3, "startTimeUnixNano": str(start),
         "endTimeUnixNano": str(start + rng.randrange(200, 4000) * 10**6),
         "attributes": [
             attr("gen_ai.operation.name", "chat"), attr("gen_ai.provider.name", "openai"),
             attr("gen_ai.request.model", "bot-v2"), attr("gen_ai.response.model", "bot-v2-0601"),
             attr("gen_ai.usage.input_tokens", rng.randrange(100, 900)),
             attr("gen_ai.usage.output_tokens", rng.randrange(20, 300)),
             attr("qualbar.category", rng.choice(CATS)),
             attr("gen_ai.input.messages", json.dumps(
                 [{"role": "user", "parts": [{"type": "text", "content": question}]}])),
             attr("gen_ai.output.messages", json.dumps(
                 [{"role": "assistant", "parts": [{"type": "text", "content": answer}],
                   "finish_reason": "stop"}]))],
         "status": {}}
    if rng.random() < 0.01:
        s["status"] = {"code": 2, "message": "upstream timeout"}
    return s


def main():
    files, per_file, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    in_order = "--in-order" in sys.argv[4:]
    total = files * per_file
    seconds = 56 * 86400
    os.makedirs(out, exist_ok=True)
    rng = random.Random(8 if in_order else 7)  # other ids: a record sent twice counts once
    n = 0
    for f in range(files):
        spans = []
        for _ in range(per_file):
            at = n * seconds // total if in_order else rng.randrange(seconds)
            spans.append(span(rng, n, START_NS + at * 10**9))
            n += 1
        body = {"resourceSpans": [{"resource": {"attributes": [attr("service.name", "monitor-bench")]},
                                   "scopeSpans": [{"scope": {"name": "bench"}, "spans": spans}]}]}
        with open(os.path.join(out, "spans-%04d.json" % f), "w") as w:
            json.dump(body, w, separators=(",", ":"))


main()
