#!/usr/bin/env python3
"""Checks the shape of the tree: every #include goes down the layer graph of docs/architecture.md
(the table under "Layers, bottom up"), and no function in src/ is longer than 150 lines.

    /usr/bin/python3 tools/check/check_tree.py [ROOT]

Prints each problem as FILE:LINE: what, and exits 1 when there is one (0 otherwise). Run by the
test suite (ctest: tree.layers_and_function_length)."""
import os
import re
import sys

MAX_FUNCTION_LINES = 150


def layer_ranks(root):
    """The layers and their ranks from the table in docs/architecture.md: a row per rank, its
    first cell the layers of that rank (`core`, or `util`, `stats`)."""
    text = open(os.path.join(root, "docs", "architecture.md"), encoding="utf-8").read()
    section = text.split("## Layers, bottom up", 1)
    if len(section) < 2:
        sys.exit("check_tree: docs/architecture.md has no '## Layers, bottom up' table")
    ranks = {}
    rank = 0
    for line in section[1].splitlines():
        if line.startswith("## "):
            break
        if not line.startswith("| `"):
            continue
        first = line.split("|")[1]
        names = re.findall(r"`([a-z_]+)/?`", first)
        for name in names:
            ranks[name] = rank
        rank += 1
    return ranks


INCLUDE = re.compile(r'^\s*#\s*include\s+"(?:qualbar/)?([a-z_]+)/')


def layer_of(path, root):
    rel = os.path.relpath(path, root).split(os.sep)
    if rel[0] == "src" and len(rel) > 2:
        return rel[1]
    if rel[:2] == ["include", "qualbar"] and len(rel) > 3:
        return rel[2]
    return None


def check_includes(path, root, ranks, problems):
    own = layer_of(path, root)
    if own is None:
        return
    if own not in ranks:
        problems.append(f"{os.path.relpath(path, root)}:1: the folder '{own}' is not a layer of "
                        "docs/architecture.md: add it to the table")
        return
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            target = m.group(1)
            if target not in ranks:
                continue  # not a layer (a generated header's folder, a test helper)
            if ranks[target] > ranks[own]:
                problems.append(f"{os.path.relpath(path, root)}:{n}: '{own}' includes "
                                f"'{target}', a layer above it: {line.strip()}")


def strip_code(text):
    """The text with comments, string and character literals blanked (newlines kept)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("".join(ch if ch == "\n" else " " for ch in text[i:j]))
            i = j
        elif c == "R" and text.startswith('R"', i) and (i == 0 or not text[i - 1].isalnum()):
            m = re.match(r'R"([^(\s]*)\(', text[i:])
            if not m:
                out.append(c)
                i += 1
                continue
            end = text.find(")" + m.group(1) + '"', i)
            end = n if end < 0 else end + len(m.group(1)) + 2
            out.append("".join(ch if ch == "\n" else " " for ch in text[i:end]))
            i = end
        elif c == "'" and 0 < i < n - 1 and text[i - 1].isalnum() and text[i + 1].isalnum():
            out.append(c)  # a digit separator: 10'000
            i += 1
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + "".join(ch if ch == "\n" else " " for ch in text[i + 1:j]) + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


CONTROL = re.compile(r"\b(if|for|while|switch|catch|do|else|try)\s*$")


def check_functions(path, root, problems):
    code = strip_code(open(path, encoding="utf-8").read())
    depth = 0
    header_start = 0  # where the text before the next '{' at this depth begins
    open_fn = None    # (depth, line) of the function body being measured
    for i, c in enumerate(code):
        if c == "{":
            header = code[header_start:i]
            if open_fn is None and is_function_header(header):
                open_fn = (depth, code.count("\n", 0, i) + 1, header)
            depth += 1
            header_start = i + 1
        elif c == "}":
            depth -= 1
            if open_fn is not None and depth == open_fn[0]:
                start = open_fn[1]
                end = code.count("\n", 0, i) + 1
                if end - start + 1 > MAX_FUNCTION_LINES:
                    name = re.findall(r"([~\w:]+)\s*\(", open_fn[2])
                    problems.append(f"{os.path.relpath(path, root)}:{start}: function "
                                    f"'{name[0] if name else '?'}' is {end - start + 1} lines "
                                    f"long (at most {MAX_FUNCTION_LINES}): split it")
                open_fn = None
            header_start = i + 1
        elif c == ";":
            header_start = i + 1


def is_function_header(header):
    h = " ".join(header.split())
    if not h or ")" not in h:
        return False
    if re.search(r"\b(namespace|class|struct|enum|union)\b[^()]*$", h):
        return False
    before_paren = h[:h.find("(")]
    if CONTROL.search(before_paren.strip()) or re.search(r"\]\s*$", before_paren.strip()):
        return False  # a statement block, or a lambda
    if re.search(r"[=,(]\s*\[[^\]]*\]\s*\(", h) or h.lstrip().startswith("["):
        return False  # a lambda in an expression
    if re.search(r"\)\s*(const|override|final|noexcept|mutable|->[^{]*|:[^{]*|\s)*$", h):
        return True
    return False


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                           os.path.join(os.path.dirname(__file__), "..", ".."))
    ranks = layer_ranks(root)
    problems = []
    for top in ("src", os.path.join("include", "qualbar")):
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for name in sorted(files):
                path = os.path.join(dirpath, name)
                if not name.endswith((".cpp", ".hpp")):
                    continue
                check_includes(path, root, ranks, problems)
                if top == "src" and name.endswith(".cpp"):
                    check_functions(path, root, problems)
    for p in sorted(problems):
        print(p, flush=True)
    if problems:
        print(f"check_tree: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"check_tree: {len(ranks)} layers, every include goes down, no function over "
          f"{MAX_FUNCTION_LINES} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
