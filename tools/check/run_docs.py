#!/usr/bin/env python3
"""Runs every ```sh block of a Markdown file against the demo, as a reader would.

    run_docs.py QUALBAR_BINARY FILE.md

A fresh folder is made, `qualbar demo` is run in it (it writes qualbar-demo/ and stores both
demo runs), and each ```sh block of FILE.md then runs in order, each in its own bash, with
`qualbar` and `$qb` the binary under test: README.md's blocks in the folder `qualbar demo` ran
in, as its tour says; docs/*.md's inside qualbar-demo/, where `suite.yaml` is the demo suite and
the demo's runs are in the default store (`qualbar demo --store qualbar-demo/.qualbar/qualbar.db`).

A block passes when every command in it succeeds. qualbar's exit code 1 (a bar missed, a
regression, an open incident) is a result the docs show, not a failure; 2 (bad input) and 3 (the
run failed) are failures. A block that cannot run here (it installs packages, waits on a live
stream, needs a model) is marked with `<!-- not-run: reason -->` on the line just above it.
Standard library only.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

FENCE = re.compile(r"^(\s*)```(\w*)\s*$")
NOT_RUN = re.compile(r"^\s*<!--\s*not-run:\s*(\S.*?)\s*-->\s*$")
TIMEOUT_S = 120

PRELUDE = r"""set -eo pipefail
qualbar() {
  local rc=0
  command qualbar "$@" || rc=$?
  if [ "$rc" -ge 2 ]; then
    echo "run_docs: 'qualbar $*' exited with $rc" >&2
    exit 100
  fi
  return 0
}
"""


def blocks(path):
    """(line number of the fence, lines, not-run reason or None) for each ```sh block."""
    lines = open(path, encoding="utf-8").read().split("\n")
    out = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, lang = len(m.group(1)), m.group(2)
        j = i + 1
        while j < len(lines) and not re.match(r"^\s*```\s*$", lines[j]):
            j += 1
        first = next((l.strip() for l in lines[i + 1:j] if l.strip()), "")
        if lang == "" and re.match(r"^(qualbar|\$qb) [a-z][a-z-]*(\s|$)", first):
            out.append((i + 1, None, "a command block without a language: write ```sh so that "
                                     "it runs (with a not-run mark if it cannot)"))
        if lang == "sh":
            above = i - 1
            while above >= 0 and not lines[above].strip():
                above -= 1
            marker = NOT_RUN.match(lines[above]) if above >= 0 else None
            body = [l[indent:] if l[:indent].strip() == "" else l for l in lines[i + 1:j]]
            out.append((i + 1, body, marker.group(1) if marker else None))
        i = j + 1
    return out


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr, flush=True)
        return 2
    binary, doc = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    name = os.path.relpath(doc, os.path.dirname(os.path.dirname(doc)) if
                           os.path.basename(os.path.dirname(doc)) == "docs" else os.path.dirname(doc))
    found = blocks(doc)
    if not found:
        print(f"{name}: no ```sh block")
        return 0
    sandbox = tempfile.mkdtemp(prefix="qb-docs-")
    try:
        env = dict(os.environ)
        env.pop("OPENAI_API_KEY", None)  # the docs run with no key and no network
        bindir = os.path.join(sandbox, "bin")
        os.mkdir(bindir)
        os.symlink(binary, os.path.join(bindir, "qualbar"))
        env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
        env["qb"] = "qualbar"
        env["HOME"] = sandbox
        env["COLUMNS"] = "100"
        env.pop("QUALBAR_STORE", None)
        readme = os.path.basename(doc) == "README.md"
        demo_args = [binary, "demo"] if readme else [binary, "demo", "--store",
                                                     "qualbar-demo/.qualbar/qualbar.db"]
        demo = subprocess.run(demo_args, cwd=sandbox, env=env, capture_output=True, text=True,
                              timeout=TIMEOUT_S)
        if demo.returncode != 0:
            print(f"qualbar demo failed ({demo.returncode}):\n{demo.stderr}", file=sys.stderr, flush=True)
            return 1
        cwd = sandbox if readme else os.path.join(sandbox, "qualbar-demo")
        ran = skipped = failed = 0
        for line, body, reason in found:
            if body is None:
                print(f"{name}:{line}: {reason}", file=sys.stderr, flush=True)
                failed += 1
                continue
            if reason is not None:
                skipped += 1
                continue
            script = PRELUDE + "\n".join(body) + "\n"
            # Output to files, not pipes, and the block in a session of its own: a server a block
            # starts in the background (and forgets) neither holds the block open nor outlives it.
            with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
                proc = subprocess.Popen(["bash", "-c", script], cwd=cwd, env=env, stdout=out,
                                        stderr=err, text=True, start_new_session=True)
                try:
                    proc.wait(timeout=TIMEOUT_S)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
                finally:
                    try:
                        os.killpg(proc.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                out.seek(0)
                err.seek(0)
                r = subprocess.CompletedProcess(proc.args, proc.returncode, out.read(), err.read())
            if r.returncode == -signal.SIGKILL:
                print(f"{name}:{line}: the block did not finish in {TIMEOUT_S} s", file=sys.stderr, flush=True)
                failed += 1
                continue
            if r.returncode != 0:
                print(f"{name}:{line}: the block failed (exit {r.returncode}):\n"
                      + "\n".join("  $ " + b for b in body)
                      + f"\n--- stdout (end) ---\n{r.stdout[-3000:]}"
                      + f"\n--- stderr (end) ---\n{r.stderr[-3000:]}", file=sys.stderr, flush=True)
                failed += 1
                continue
            ran += 1
        print(f"{name}: {ran} block(s) ran, {skipped} marked not-run, {failed} failed", flush=True)
        return 1 if failed else 0
    finally:
        shutil.rmtree(sandbox, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
