#!/usr/bin/python3
"""Writes the HTTP benchmark's cases (bench/http/README.md) into a folder, in two formats:

  cases.jsonl            qualbar's dataset: {"id":"c-00001","input":"How long do refunds take? (case 1)"}
  promptfoo_tests.jsonl  the same cases as promptfoo tests, each with its one `contains` check:
                         {"description":"c-00001","vars":{"input":"..."},"assert":[{"type":"contains","value":"5 business days"}]}

Usage: /usr/bin/python3 bench/http/make_cases.py DIR [N]     (N defaults to 20000)
"""
import json
import os
import sys

EXPECTED = "5 business days"


def main(argv):
    if len(argv) < 2 or len(argv) > 3 or argv[1] in ("-h", "--help"):
        sys.stderr.write(__doc__)
        return 2
    out = argv[1]
    n = int(argv[2]) if len(argv) == 3 else 20000
    if n < 1:
        sys.stderr.write("make_cases.py: N must be at least 1\n")
        return 2
    os.makedirs(out, exist_ok=True)
    width = max(5, len(str(n)))
    with open(os.path.join(out, "cases.jsonl"), "w", encoding="utf-8") as qb, \
         open(os.path.join(out, "promptfoo_tests.jsonl"), "w", encoding="utf-8") as pf:
        for i in range(1, n + 1):
            case_id = "c-%0*d" % (width, i)
            text = "How long do refunds take? (case %d)" % i
            qb.write(json.dumps({"id": case_id, "input": text}, separators=(",", ":")) + "\n")
            pf.write(json.dumps({"description": case_id, "vars": {"input": text},
                                 "assert": [{"type": "contains", "value": EXPECTED}]},
                                separators=(",", ":")) + "\n")
    print("wrote %d cases to %s (cases.jsonl, promptfoo_tests.jsonl)" % (n, out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
