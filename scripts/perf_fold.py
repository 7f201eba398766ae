#!/usr/bin/env python3
"""Folds `perf script` output into flame-graph stacks, with Swift names
demangled, and prints where the time went.

    perf script -i perf.data | scripts/perf_fold.py --folded stacks.folded [--top 25]

`stacks.folded` ("thread;outer;...;inner count" lines) is the input of
flamegraph.pl, speedscope.app or inferno. The summary lists the share of
samples per thread group, the hottest functions by self time, and by inclusive
time (on the stack at all), which is how a flame graph is read: wide frames
near the top are where the time is spent, wide frames lower down are who asked
for it. Samples are grouped by the thread's role, recognised from its stack
(the server's threads all carry libdispatch's names in perf's records).
"""

from __future__ import annotations

import argparse
import collections
import re
import shutil
import subprocess
import sys


def demangler():
    tool = shutil.which("swift-demangle")
    if not tool:
        return lambda names: names
    def run(names):
        out = subprocess.run([tool, "--simplified", "--compact"], input="\n".join(names), capture_output=True, text=True)
        lines = out.stdout.splitlines()
        return lines if len(lines) == len(names) else names
    return run


# A thread's role: the first marker (outermost frame first) found in its stack.
ROLES = [
    ("UVEventLoop.", "event loops"),
    ("DatabaseWriter.", "SQLite writer"),
    ("DatabaseReaderPool.", "SQLite readers"),
    ("LogWriter.", "log writer"),
    ("swift_job_run", "Swift cooperative pool"),
]


def role(frames: list[str]) -> str:
    for frame in frames:
        for marker, name in ROLES:
            if marker in frame:
                return name
    return "other"


def parse(stream):
    """Yields (thread name, [frames outermost first]) per sample."""
    comm, frames = None, []
    for line in stream:
        line = line.rstrip("\n")
        if not line.strip():
            if comm is not None:
                yield comm, list(reversed(frames))
            comm, frames = None, []
        elif not line.startswith((" ", "\t")):
            comm, frames = line.split()[0], []
        else:
            parts = line.strip().split(None, 1)
            symbol = parts[1] if len(parts) > 1 else "?"
            symbol = re.sub(r"\s+\(\S+\)$", "", symbol)  # drop "(/path/to/object)"
            symbol = re.sub(r"\+0x[0-9a-f]+$", "", symbol)
            frames.append(symbol)
    if comm is not None:
        yield comm, list(reversed(frames))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folded", help="write folded stacks here")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()

    samples = list(parse(sys.stdin))
    if not samples:
        print("no samples", file=sys.stderr)
        return 1
    names = sorted({frame for _, frames in samples for frame in frames})
    readable = dict(zip(names, demangler()(names)))
    folded = collections.Counter()
    self_time = collections.Counter()
    inclusive = collections.Counter()
    groups = collections.Counter()
    for comm, frames in samples:
        frames = [readable[f] for f in frames] or ["[unknown]"]
        group = role(frames)
        groups[group] += 1
        folded[";".join([group] + frames)] += 1
        self_time[frames[-1]] += 1
        for frame in set(frames):
            inclusive[frame] += 1
    total = len(samples)
    if args.folded:
        with open(args.folded, "w") as out:
            for stack, count in sorted(folded.items()):
                out.write(f"{stack} {count}\n")

    def table(title, counter, limit):
        print(f"\n{title}")
        for name, count in counter.most_common(limit):
            print(f"  {100 * count / total:5.1f}%  {name[:150]}")

    print(f"{total} samples")
    table("by thread role", groups, 12)
    table("self (top of the stack)", self_time, args.top)
    table("inclusive (anywhere on the stack)", inclusive, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
