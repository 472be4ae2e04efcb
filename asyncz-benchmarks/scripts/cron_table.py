#!/usr/bin/env python3
"""Prints CronNextBenchmark results (JMH -rf json) as Markdown tables.

Usage: python3 asyncz-benchmarks/scripts/cron_table.py RESULT.json [RESULT2.json ...]

For each benchmark (next = one next time, walk100 = 100 successive next times) and each case:
the median of the measurement iterations and the JMH average +- 99.9% error, in ns/op, per
implementation; then the ratios peer / ours (from the medians; > 1 means we are faster).
"""
import json
import sys

IMPLS = ["ours", "spring", "quartz", "cronUtils"]
PEERS = IMPLS[1:]
OPS = {"next": "one next", "walk100": "100-step walk"}


def load(path):
    results = {}  # (op, case, impl) -> (median, avg, err)
    order = []
    for r in json.load(open(path)):
        name = r["benchmark"].rsplit(".", 1)[1]
        op, impl = name.split("_", 1)
        case = r["params"]["cronCase"]
        m = r["primaryMetric"]
        median = m["scorePercentiles"]["50.0"]
        results[(op, case, impl)] = (median, m["score"], m["scoreError"], m["scoreUnit"])
        if case not in order:
            order.append(case)
    return results, order


def fmt(x):
    x = float(x)  # JMH writes "NaN" for the error of a single iteration
    if x != x:
        return "NaN"
    return f"{x:,.0f}" if x >= 100 else f"{x:,.1f}"


def main(paths):
    for path in paths:
        results, cases = load(path)
        print(f"### {path}\n")
        for op, title in OPS.items():
            print(f"#### {title}: median ns/op (avg ± error)\n")
            print("| case | " + " | ".join(IMPLS) + " | " + " | ".join(p + "/ours" for p in PEERS) + " |")
            print("|---" * (len(IMPLS) + len(PEERS) + 1) + "|")
            for case in cases:
                cells, ratios = [], []
                ours = results.get((op, case, "ours"))
                for impl in IMPLS:
                    r = results.get((op, case, impl))
                    cells.append("-" if r is None else f"{fmt(r[0])} ({fmt(r[1])} ± {fmt(r[2])})")
                for impl in PEERS:
                    r = results.get((op, case, impl))
                    ratios.append("-" if r is None or ours is None else f"{r[0] / ours[0]:.2f}")
                print(f"| {case} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")
            print()


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
