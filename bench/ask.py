"""`ask` latency without a language model on a warm process (target: median < 300 ms).

    .venv/bin/python bench/ask.py [--rounds 3]

Runs the 40 seed questions through `deelwijzer.answer.ask` (real index in bench/data/real, real
rules engine, extractive composer), after one warm-up question. Prints a table per question type
and writes bench/results/ask.json.
"""

from __future__ import annotations

import argparse
import time

import _common as c

TARGET_MEDIAN_MS = 300.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="hoe vaak de 40 vragen worden gesteld")
    args = parser.parse_args()

    from deelwijzer.answer import ask

    settings = c.ensure_real_index()
    items = c.load_seed()
    t0 = time.perf_counter()
    ask(items[0].question, settings)  # warm-up: embedder, BM25, Chroma segments, rules
    warmup_s = time.perf_counter() - t0

    by_type: dict[str, list[float]] = {}
    refused: dict[str, int] = {}
    for _ in range(args.rounds):
        for it in items:
            dt, answer = c.timed(lambda: ask(it.question, settings))
            by_type.setdefault(it.type, []).append(dt)
            refused[it.type] = refused.get(it.type, 0) + int(answer.refused)
    all_times = [t for ts in by_type.values() for t in ts]
    overall = c.latency_stats(all_times)
    rows = [(kind, *(c.latency_stats(ts)[k] for k in ("n", "p50_ms", "p95_ms", "max_ms")),
             refused[kind] // args.rounds) for kind, ts in sorted(by_type.items())]
    rows.append(("alle", overall["n"], overall["p50_ms"], overall["p95_ms"], overall["max_ms"],
                 sum(refused.values()) // args.rounds))
    c.print_table(["type", "n", "p50 ms", "p95 ms", "max ms", "geweigerd"], rows)
    ok = overall["p50_ms"] < TARGET_MEDIAN_MS
    print(f"\nMediaan {overall['p50_ms']} ms (doel < {TARGET_MEDIAN_MS:.0f} ms): {'gehaald' if ok else 'NIET gehaald'}; "
          f"opwarmen {warmup_s:.1f} s")
    c.write_result("ask", {
        "llm_provider": "none",
        "rounds": args.rounds,
        "warmup_s": round(warmup_s, 2),
        "overall": overall,
        "by_type": {k: c.latency_stats(v) for k, v in by_type.items()},
        "refused_per_round": {k: v // args.rounds for k, v in refused.items()},
        "target_median_ms": TARGET_MEDIAN_MS,
        "target_met": ok,
        "peak_rss_mb": c.peak_rss_mb(),
    })
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
