#!/usr/bin/env python3
"""Finds every interval the documentation quotes ("1.808 [1.726, 1.889]", "22.2% [21.5, 22.9]",
"+12.64 points [12.61, 12.67]", "-0.061 [-0.066, -0.055]") in the tables that
scripts/doc-figures.sh writes, and says which it cannot find.

  scripts/doc-figures-check.py OUT
      Check: each quoted interval is looked for in every CSV table under OUT (a directory
      written by scripts/doc-figures.sh), in each row's (estimate, low, high) columns
      (`mean, ci_low, ci_high`, `diff_from_first, diff_ci_low, diff_ci_high` and the like),
      as printed or scaled by 100 (a share quoted in %) or by 1/1000 (kg quoted in t). It is
      found if all three numbers round to the digits the docs print. Lists those not found, by
      file and line, and exits 1 if any is.

  scripts/doc-figures-check.py OUT --against OLD
      After a change that moves figures (ARCHITECTURE.md, "Figures the same in distribution"):
      OLD is scripts/doc-figures.sh's directory made with the build before the change, OUT the
      one made after. Each quoted interval is located in OLD (which table, row and columns), and
      the same place is read in OUT: prints each interval that changes, as the docs would print
      it, and flags those a sentence may rest on: an estimate whose sign flips, or an interval
      that comes to include 0 or no longer does. Add --apply to write the new intervals into the
      docs (only those found in one place, or whose places all agree); read every flagged
      sentence again before committing.

      With --against, a plain number (with decimals, outside an interval and outside `code`) on
      a line with intervals located in OLD is also looked for among the estimates of OLD's rows
      those intervals came from (the same tables, the same metrics, any scenario): the mean
      beside a difference, "| 8.43 | 8.29 | -0.12 [-0.17, -0.06] |". Those found are changed and
      written as the intervals are; those found in places that now print differently are listed
      as ambiguous.

The intervals the docs quote, and the plain numbers beside them, are most, not all, of their
figures: single figures in prose, counts and single-seed stories are checked by reading
scripts/doc-figures.sh's sections (its comments say where each is quoted). An interval not found may be stale (the docs label some as measured under
an older version), come from the integration tests, or be a figure the script does not make;
the list says which lines to look at.
"""

import argparse
import csv
import math
import pathlib
import re
import signal
import sys
from collections import defaultdict

DOCS = ["README.md"]
DOC_DIRS = ["docs"]
# Docs whose intervals are examples or measurements of the tools, not figures of the model.
NOT_QUOTED = {"development.md"}
# A number as the docs print it: a sign, thousands separated by commas or not, decimals.
NUMBER = r"[−+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
# An estimate, up to six words of unit ("h/day", "%", "points", "t CO2e per person a year"),
# then [lo, hi].
TRIPLE = re.compile(
    rf"(?<![\w.])({NUMBER})((?:\s?(?:%|[A-Za-z][A-Za-z0-9/°·]*)){{0,6}})\s?\[({NUMBER}),\s?({NUMBER})\]"
)
SCALES = [1.0, 100.0, 0.001]
# A plain number: not part of a word, a version, a date, a range or a product, and with
# decimals or thousands separated by commas (other whole numbers are mostly counts of seeds, days
# and runs); then a % if there is one.
PLAIN = re.compile(
    rf"(?<![\w.\[/:,-])([−+-]?(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+\.\d+))(\s?%)?"
    rf"(?![\w.,]\d|\w|\s?[×x]\b|-\d)"
)
# A whole number of three digits or more that is a table's cell on its own ("| 4230 |"; a cell
# "| 0 |" or "| 20 |" is as often a count as a figure).
CELL = re.compile(r"(?<=\|\s)([−+-]?\d{3,})()(?=\s\|)")
# Tables of many rows per run or per day: never the source of a quoted interval.
SKIP = {"runs.csv", "timeseries.csv", "metrics.csv", "events.csv", "decisions.csv"}


def parse(text):
    """A printed number: its value and its decimals.

    >>> parse("−0.061"), parse("+1,045.5"), parse("42")
    ((-0.061, 3), (1045.5, 1), (42.0, 0))
    """
    t = text.replace("−", "-").replace(",", "").replace("+", "")
    decimals = len(t.split(".")[1]) if "." in t else 0
    return float(t), decimals


def quoted_files(root):
    """The docs whose figures are checked, those that exist."""
    files = [root / f for f in DOCS] + sorted(
        p for d in DOC_DIRS for p in (root / d).glob("*.md") if p.name not in NOT_QUOTED
    )
    return [p for p in files if p.exists()]


def quoted(root):
    """Every interval quoted in the docs: (file, line number, match, [(value, decimals)] * 3).

    What the pattern takes, and where its estimate and unit are:

    >>> [(m.group(1), m.group(2), m.group(3), m.group(4)) for m in TRIPLE.finditer(
    ...     "a day of 1.808 [1.726, 1.889] h, 22.2% [21.5, 22.9] short, "
    ...     "+12.64 points [12.61, 12.67] and −0.061 [−0.066, −0.055]; 0.68 t CO2e a year "
    ...     "[0.67, 0.68]; `[60, 200]` is not one")]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('1.808', '', '1.726', '1.889'), ('22.2', '%', '21.5', '22.9'),
     ('+12.64', ' points', '12.61', '12.67'), ('−0.061', '', '−0.066', '−0.055'),
     ('0.68', ' t CO2e a year', '0.67', '0.68')]
    """
    out = []
    for path in quoted_files(root):
        if not path.exists():
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            for m in TRIPLE.finditer(line):
                nums = [parse(m.group(i)) for i in (1, 3, 4)]
                out.append((path.relative_to(root), n, m, nums))
    return out


def is_number(cell):
    try:
        float(cell)
        return True
    except ValueError:
        return False


def tables(out):
    """Every (estimate, low, high) in the CSV tables under `out`: a place (file, the row's text
    cells, the estimate's column) and the three values."""
    places = {}
    for path in sorted(out.rglob("*.csv")):
        if path.name in SKIP or path.stat().st_size > 20_000_000:
            continue
        with path.open(newline="") as f:
            rows = list(csv.reader(f))
        if not rows:
            continue
        header = [h.lower() for h in rows[0]]
        triples = [
            (j - 1, j, j + 1)
            for j in range(1, len(header) - 1)
            if ("lo" in header[j])
            and any(w in header[j + 1] for w in ("hi", "up"))
        ]
        if not triples:
            continue
        rel = str(path.relative_to(out))
        for row in rows[1:]:
            key = tuple(c for c in row if not is_number(c))
            for i, j, k in triples:
                if k >= len(row) or not all(is_number(row[x]) for x in (i, j, k)):
                    continue
                values = tuple(float(row[x]) for x in (i, j, k))
                if any(math.isnan(v) for v in values):
                    continue
                places[(rel, key, rows[0][i])] = values
    return places


def rounds_to(value, printed, decimals):
    """Whether `value` prints as `printed` with `decimals` decimals (either way at a half).

    >>> rounds_to(0.81547, 0.8155, 4), rounds_to(0.81547, 0.816, 3), rounds_to(0.81547, 0.815, 3)
    (True, False, True)
    """
    return abs(value - printed) <= 0.5 * 10.0**-decimals * (1 + 1e-9) + 1e-12


def index(places):
    """Places by the whole part of each scaled estimate, for a quick look-up."""
    by = defaultdict(list)
    for place, values in places.items():
        for scale in SCALES:
            by[math.floor(values[0] * scale)].append((place, scale))
    return by


def scales_for(unit):
    """The scales to try for a quoted unit, most likely first: a share quoted in % or points is
    a table's fraction times 100; a figure in t is one in kg over 1000; a figure with no unit is
    as it is or, in a table whose rows are shares, in points; one in any other unit as it is.

    >>> scales_for("%"), scales_for(" points"), scales_for(" t CO2e a year"), scales_for(" h")
    ([100.0, 1.0], [100.0, 1.0], [0.001, 1.0], [1.0])
    >>> scales_for("")
    [1.0, 100.0]
    """
    unit = unit.strip()
    if unit.startswith("%") or unit.startswith("points"):
        return [100.0, 1.0]
    if unit == "t" or unit.startswith("t "):
        return [0.001, 1.0]
    if not unit:
        return [1.0, 100.0]
    return [1.0]


def sections(root):
    """The sections of scripts/doc-figures.sh that each doc file's figures come from, read from
    its SECTIONS list ("id|where the figures are quoted")."""
    script = (root / "scripts" / "doc-figures.sh").read_text()
    by_file = defaultdict(set)
    for sid, where in re.findall(r'^\s*"([a-z0-9-]+)\|([^"]*)"', script, re.M):
        for name in re.findall(r"(README\.md|docs/[a-z-]+\.md)", where):
            by_file[name].add(sid)
    return by_file


def locate(nums, unit, places, by, within=None):
    """The places (and scales) whose three values round to the quoted ones: at the first scale
    the unit suggests that finds any, and in the sections `within` if any there match."""
    (m, dm), (lo, dl), (hi, dh) = nums
    for scale in scales_for(unit):
        found = []
        for bucket in (math.floor(m) - 1, math.floor(m), math.floor(m) + 1):
            for place, s in by.get(bucket, ()):
                if s != scale:
                    continue
                a, b, c = (v * scale for v in places[place])
                if rounds_to(a, m, dm) and rounds_to(b, lo, dl) and rounds_to(c, hi, dh):
                    found.append((place, scale))
        if within:
            inside = [f for f in found if f[0][0].split("/")[0] in within]
            found = inside or found
        if found:
            return found
    return []


def printed(value, decimals, like, quote=""):
    """`value` printed as the docs printed `like`: its decimals, a + if it had one, thousands
    separated if they were, and the minus sign (`−` or `-`) of `like` or of the rest of its
    `quote`.

    >>> printed(-0.0612, 3, "−0.061"), printed(0.0451, 3, "−0.011"), printed(0.451, 2, "+0.40")
    ('−0.061', '0.045', '+0.45')
    >>> printed(-0.0004, 3, "-0.001"), printed(2492.4, 0, "-2,492"), printed(2492.4, 0, "2492")
    ('-0.000', '2,492', '2492')
    >>> printed(-0.05, 2, "+0.25", "+0.25 [−0.27, 0.77]")
    '−0.05'
    """
    s = f"{value:,.{decimals}f}" if "," in like else f"{value:.{decimals}f}"
    if s.startswith("-"):
        # (A small negative value keeps its minus at the printed digits, "-0.00", as the docs
        # print it.)
        s = ("−" if "−" in like + quote else "-") + s[1:]
    elif like.startswith("+"):
        s = "+" + s
    return s


def plain_numbers(line, intervals):
    """The plain numbers of a doc line: (match, (value, decimals)), outside `code` and outside
    the spans of `intervals` (the line's interval matches); whole numbers only as table cells.

    >>> line = "| bullwhip | 8.43 | 8.29 | -0.12 [-0.17, -0.06] | `--ticks 365` 1.5 |"
    >>> [m.group(0) for m, _ in plain_numbers(line, list(TRIPLE.finditer(line)))]
    ['8.43', '8.29', '1.5']
    >>> [m.group(0) for m, _ in plain_numbers("| labour (h) | 4230 | 1408 | 20 | 0 |", [])]
    ['4230', '1408']
    >>> line = "5.1% (+3.1 points [3.0, 3.1]), v0.20, 12, 2026-12-03, 0.5-1.0, 12,160 h, 3.2."
    >>> [m.group(0) for m, _ in plain_numbers(line, list(TRIPLE.finditer(line)))]
    ['5.1%', '12,160', '3.2']
    """
    spans = [m.span() for m in intervals]
    spans += [m.span() for m in re.finditer(r"`[^`]*`", line)]
    out = []
    for m in [*PLAIN.finditer(line), *CELL.finditer(line)]:
        if any(a <= m.start() < b for a, b in spans):
            continue
        out.append((m, parse(m.group(1))))
    return sorted(out, key=lambda e: e[0].start())


def locate_plain(num, unit, places, rows):
    """The places among `rows` (file and row key) whose estimate rounds to the plain number."""
    value, decimals = num
    found = []
    for scale in scales_for(unit):
        for place, values in places.items():
            if (place[0], place[1]) in rows and rounds_to(values[0] * scale, value, decimals):
                found.append((place, scale))
        if found:
            return found
    return []


def roundings(old, new):
    """The ways prose may repeat a figure that changed from `old` to `new` (as the docs print
    them): at its own decimals and at each fewer, with two or more digits, where the two print
    differently. (old, new) pairs, signs dropped.

    >>> roundings("0.317", "0.314"), roundings("15,569", "14,850"), roundings("41.0", "41.2")
    ([('0.317', '0.314'), ('0.32', '0.31')], [('15,569', '14,850'), ('15569', '14850')], [('41.0', '41.2')])
    """
    (o, d), (v, _) = parse(old), parse(new)
    out = []
    for k in range(d, -1, -1):
        a, b = f"{abs(o):.{k}f}", f"{abs(v):.{k}f}"
        if a != b and len(a.replace(".", "").lstrip("0")) >= 2:
            out.append((a, b))
            if "," in old and k == d:
                out.insert(0, (f"{abs(o):,.{k}f}", f"{abs(v):,.{k}f}"))
    return out


def prose_repeats(root, edits):
    """Lines of prose (not table rows, outside `code` and [intervals]) where a changed figure's old
    value may be repeated, at its own digits or rounded: printed for a reader to decide, never
    applied."""
    estimate = re.compile(NUMBER)
    docs = {}
    found = []
    for path, items in edits.items():
        for n, old, text, _ in items:
            o, v = estimate.search(old).group(0), estimate.search(text).group(0)
            for a, b in roundings(o, v):
                pattern = re.compile(rf"(?<![\w.,\[/-]){re.escape(a)}(?![\w]|[.,]\d)")
                for doc in quoted_files(root):
                    if doc not in docs:
                        docs[doc] = doc.read_text().splitlines()
                    for i, line in enumerate(docs[doc], 1):
                        if line.lstrip().startswith("|") or (doc == root / path and i == n):
                            continue
                        for m in pattern.finditer(line):
                            before = line[: m.start()]
                            if before.count("[") > before.count("]") or before.count("`") % 2:
                                continue
                            where = doc.relative_to(root)
                            found.append(f"  prose: {where}:{i}: {a} (now {b}?) repeats {path}:{n}'s {o} -> {v}?")
    return sorted(set(found))


def zero_status(values):
    m, lo, hi = values
    return (m > 0) - (m < 0), lo <= 0 <= hi


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=pathlib.Path, help="scripts/doc-figures.sh's directory")
    ap.add_argument("--against", type=pathlib.Path, help="the same, made before a change")
    ap.add_argument("--apply", action="store_true", help="write the new intervals into the docs")
    ap.add_argument("--root", type=pathlib.Path, default=pathlib.Path(__file__).parent.parent)
    args = ap.parse_args()
    if args.apply and not args.against:
        ap.error("--apply needs --against")
    quotes = quoted(args.root)
    source = args.against or args.out
    places = tables(source)
    if not places:
        sys.exit(f"no tables of (estimate, low, high) under {source}")
    by = index(places)
    where = sections(args.root)
    located = [
        (q, locate(q[3], q[2].group(2), places, by, where.get(str(q[0]))))
        for q in quotes
    ]
    missing = [q for q, found in located if not found]
    print(
        f"{len(quotes)} intervals quoted; {len(quotes) - len(missing)} found in {source} "
        f"({len(places)} intervals in its tables), {len(missing)} not found"
    )
    if not args.against:
        for path, n, m, _ in missing:
            print(f"  not found: {path}:{n}: {m.group(0)}")
        sys.exit(1 if missing else 0)

    new = tables(args.out)
    edits = defaultdict(list)
    changed = flagged = ambiguous = missing_new = 0
    # The plain numbers of each line with located intervals, looked for in the rows those
    # intervals came from (same table and metric, any scenario), as one more kind of quote.
    by_line = defaultdict(list)
    for (path, n, m, nums), found in located:
        by_line[(path, n)].append((m, found))
    lines_of = {}
    plain = []
    for (path, n), items in by_line.items():
        if path not in lines_of:
            lines_of[path] = (args.root / path).read_text().splitlines()
        metrics = {(f, key[0]) for _, found in items for (f, key, _), _ in found if key}
        rows = {(f, key) for (f, key, _) in places if key and (f, key[0]) in metrics}
        for pm, num in plain_numbers(lines_of[path][n - 1], [m for m, _ in items]):
            at = locate_plain(num, pm.group(2) or "", places, rows)
            if at:
                plain.append((path, n, pm, num, at))
    for path, n, m, num, found in plain:
        options = defaultdict(list)
        for place, scale in found:
            if place in new:
                text = printed(new[place][0] * scale, num[1], m.group(1)) + (m.group(2) or "")
                options[text].append(place)
        if len(options) > 1:
            ambiguous += 1
            print(f"  {path}:{n}: plain {m.group(0)}: found in {len(found)} places that now differ:")
            for text, at in sorted(options.items()):
                names = "; ".join(f"{f} {' '.join(key)} {col}" for f, key, col in at)
                print(f"      {text}  ({names})")
            continue
        if not options:
            continue
        ((text, _),) = options.items()
        if text != m.group(0):
            changed += 1
            print(f"  {path}:{n}: plain {m.group(0)} -> {text}")
            edits[path].append((n, m.group(0), text, m.start()))
    print(f"({len(plain)} plain numbers beside them found)")
    for (path, n, m, nums), found in located:
        if not found:
            continue
        # The new interval as the docs would print it, from each place it was found in (the
        # same runs often appear in several sections' tables).
        options = defaultdict(list)
        for place, scale in found:
            if place in new:
                values = tuple(v * scale for v in new[place])
                texts = [
                    printed(v, d, m.group(i), m.group(0))
                    for v, (_, d), i in zip(values, nums, (1, 3, 4))
                ]
                text = f"{texts[0]}{m.group(2)} [{texts[1]}, {texts[2]}]"
                options[text].append((place, values))
        if not options:
            missing_new += 1
            print(f"  {path}:{n}: {m.group(0)}: its table, row or column is not in {args.out}")
            continue
        if len(options) > 1:
            ambiguous += 1
            print(f"  {path}:{n}: {m.group(0)}: found in {len(found)} places that now differ:")
            for text, at in sorted(options.items()):
                names = "; ".join(f"{f} {' '.join(key)} {col}" for (f, key, col), _ in at)
                print(f"      {text}  ({names})")
            continue
        ((text, [(_, values), *_]),) = options.items()
        if text == m.group(0):
            continue
        changed += 1
        old_values = tuple(v for v, _ in nums)
        flag = ""
        if zero_status(old_values) != zero_status(values):
            flagged += 1
            flag = "   <- read the sentence again: sign or zero-in-interval changes"
        print(f"  {path}:{n}: {m.group(0)} -> {text}{flag}")
        edits[path].append((n, m.group(0), text, m.start()))
    repeats = prose_repeats(args.root, edits)
    for line in repeats:
        print(line)
    print(
        f"{changed} change, {flagged} flagged, {ambiguous} ambiguous, "
        f"{missing_new} not in the new tables, {len(repeats)} lines of prose to read"
    )
    if args.apply:
        for path, items in edits.items():
            lines = (args.root / path).read_text().split("\n")
            # Each at the column it was found at, the last first so that earlier columns hold.
            for n, old, text, at in sorted(items, key=lambda e: (e[0], e[3]), reverse=True):
                line = lines[n - 1]
                assert line[at : at + len(old)] == old, (path, n, old)
                lines[n - 1] = line[:at] + text + line[at + len(old) :]
            (args.root / path).write_text("\n".join(lines))
        print(f"written into {len(edits)} files")


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quietly, when piped to `head`
    main()
