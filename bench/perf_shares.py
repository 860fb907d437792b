#!/usr/bin/env python3
"""Where the time under one function goes, from a `perf record --call-graph dwarf` profile.

    perf record -F 499 --call-graph dwarf,16384 -o run.perf <command>
    perf script -i run.perf -F comm,ip,sym > run.stacks
    bench/perf_shares.py run.stacks runTickChunk [TOP]

Takes the samples whose stack passes through a frame whose symbol contains ROOT (a substring of
the mangled Swift name is enough). Prints three lists as shares of those samples:
- the root's direct children;
- every function below the root, inclusive (counted once per sample);
- the leaf functions.
`perf report` shows the same thing for the whole process; this narrows it to one code path,
such as the scheduler tick inside bench-book or the batch inside a replay.
"""
import collections
import re
import sys


def samples(path):
    current = []
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith(("\t", " ")) and line.strip():
                parts = line.strip().split(None, 1)
                current.append(parts[1] if len(parts) > 1 else parts[0])
            elif current:
                yield current
                current = []
    if current:
        yield current


def short(symbol):
    return re.sub(r"\+0x[0-9a-f]+$", "", symbol)[:160]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    path, root = sys.argv[1], sys.argv[2]
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    total = under = 0
    inclusive, children, leaves = collections.Counter(), collections.Counter(), collections.Counter()
    for stack in samples(path):  # stack[0] is the leaf
        total += 1
        hits = [i for i, frame in enumerate(stack) if root in frame]
        if not hits:
            continue
        under += 1
        outermost = max(hits)
        seen = set()
        for frame in map(short, stack[:outermost]):
            if frame not in seen:
                inclusive[frame] += 1
                seen.add(frame)
        if outermost > 0:
            children[short(stack[outermost - 1])] += 1
        leaves[short(stack[0])] += 1
    print(f"{under} of {total} samples pass through '{root}'")
    if not under:
        return
    for title, counter, n in (("direct children", children, 25), ("inclusive", inclusive, top), ("leaves", leaves, 25)):
        print(f"== {title}")
        for frame, count in counter.most_common(n):
            print(f"{100 * count / under:6.1f}% {frame}")


if __name__ == "__main__":
    main()
