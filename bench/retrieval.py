"""Retrieval benchmark on the shared seed set: recall@5, recall@10 and MRR per mode.

A retrieved passage is *correct* for a seed item when its text contains every key phrase of the
item after collapsing whitespace (the seed header: "A correct retrieved passage must contain
them"). recall@k = share of answerable items with a correct passage in the top k; MRR uses the
rank of the first correct passage (0 when none in the top 20). covered@k (secondary) counts an
item when the top k passages *together* contain all its key phrases. Out-of-corpus items have no key
phrases; they are scored by the refusal signal instead (`assess_relevance`).

    .venv/bin/python -m bench.retrieval [--seed PATH] [--data-dir DIR] [--ingest] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path


from deelwijzer.config import PROJECT_ROOT, Settings
from bench._common import SeedItem, collapse, load_seed  # noqa: F401  (load_seed is re-exported)
from deelwijzer.models import Chunk, Passage

DEFAULT_SEED = PROJECT_ROOT / "evals" / "data" / "evals_seed.yaml"
RESULTS = PROJECT_ROOT / "bench" / "results" / "retrieval.json"
MODES = ("dense", "bm25", "hybrid")
DEPTH = 20


def is_correct(item: SeedItem, chunk: Chunk) -> bool:
    text = collapse(chunk.text)
    return all(p in text for p in item.key_phrases)


def first_hit(item: SeedItem, passages: list[Passage]) -> int | None:
    for rank, p in enumerate(passages, start=1):
        if is_correct(item, p.chunk):
            return rank
    return None


def covered_at(item: SeedItem, passages: list[Passage]) -> int | None:
    """Smallest k whose top-k passages together contain every key phrase (secondary metric:
    tolerates a chunker that cut the answer section over two adjacent chunks)."""
    missing = set(item.key_phrases)
    for rank, p in enumerate(passages, start=1):
        text = collapse(p.chunk.text)
        missing = {ph for ph in missing if ph not in text}
        if not missing:
            return rank
    return None


def unreachable(items: list[SeedItem], chunks: list[Chunk]) -> dict[str, list[str]]:
    """Items no single chunk can satisfy, with the phrases no chunk contains (chunker check)."""
    texts = [collapse(c.text) for c in chunks]
    out: dict[str, list[str]] = {}
    for it in items:
        if not it.answerable or any(all(p in t for p in it.key_phrases) for t in texts):
            continue
        out[it.id] = [p for p in it.key_phrases if not any(p in t for t in texts)] or ["(split over chunks)"]
    return out


def score_mode(retriever, items: list[SeedItem], mode: str) -> dict:
    ranks: dict[str, int | None] = {}
    covered: dict[str, int | None] = {}
    times: list[float] = []
    for it in items:
        t0 = time.perf_counter()
        passages = retriever.search(it.question, k=DEPTH, mode=mode)
        times.append((time.perf_counter() - t0) * 1000)
        ranks[it.id] = first_hit(it, passages)
        covered[it.id] = covered_at(it, passages)
    n = len(items)
    return {
        "recall@5": sum(1 for r in ranks.values() if r and r <= 5) / n,
        "recall@10": sum(1 for r in ranks.values() if r and r <= 10) / n,
        "mrr": sum(1.0 / r for r in ranks.values() if r) / n,
        "covered@5": sum(1 for r in covered.values() if r and r <= 5) / n,
        "covered@10": sum(1 for r in covered.values() if r and r <= 10) / n,
        "median_ms": statistics.median(times),
        "ranks": ranks,
        "covered_ranks": covered,
    }


def score_relevance(retriever, items: list[SeedItem]) -> dict:
    rows = []
    for it in items:
        res = retriever.retrieve(it.question)
        rel = res.relevance
        rows.append(
            {
                "id": it.id,
                "type": it.type,
                "in_corpus": rel.in_corpus,
                "reason": rel.reason,
                **{k: round(v, 4) for k, v in rel.details.items()},
                "unknown": list(rel.unknown),
            }
        )
    ooc = [r for r in rows if r["type"] == "out_of_corpus"]
    ans = [r for r in rows if r["type"] != "out_of_corpus"]
    return {
        "out_of_corpus_refused": sum(1 for r in ooc if not r["in_corpus"]),
        "out_of_corpus_total": len(ooc),
        "answerable_refused": sum(1 for r in ans if not r["in_corpus"]),
        "answerable_total": len(ans),
        "rows": rows,
    }


def run(settings: Settings, seed: Path, out: Path | None, verbose: bool = False) -> dict:
    from deelwijzer.retrieve import get_retriever

    items = load_seed(seed)
    answerable = [it for it in items if it.answerable]
    retriever = get_retriever(settings)
    chunks = retriever.bm25.chunks
    t0 = time.perf_counter()
    retriever.search("warm-up", mode="hybrid")
    warm_ms = (time.perf_counter() - t0) * 1000

    results = {m: score_mode(retriever, answerable, m) for m in MODES}
    relevance = score_relevance(retriever, items)
    report = {
        "seed": str(seed),
        "items": len(answerable),
        "chunks": len(chunks),
        "generation": retriever.store.generation(),
        "criterion": "all key phrases (whitespace-collapsed) in one passage's text",
        "first_query_ms": warm_ms,
        "modes": results,
        "unreachable": unreachable(items, chunks),
        "relevance": relevance,
    }

    print(f"Seed set: {len(answerable)} answerable items, {len(chunks)} chunks\n")
    print(f"{'mode':<8} {'recall@5':>9} {'recall@10':>10} {'MRR':>7} {'covered@5':>10} {'covered@10':>11} {'ms/query':>9}")
    for m in MODES:
        r = results[m]
        print(
            f"{m:<8} {r['recall@5']:>9.3f} {r['recall@10']:>10.3f} {r['mrr']:>7.3f} "
            f"{r['covered@5']:>10.3f} {r['covered@10']:>11.3f} {r['median_ms']:>9.1f}"
        )
    print("recall/MRR: all key phrases in ONE passage; covered@k: all key phrases within the top k together")
    if report["unreachable"]:
        print("\nNo single chunk holds all key phrases of:", ", ".join(report["unreachable"]))
    rel = relevance
    print(
        f"\nRefusal signal: out-of-corpus refused {rel['out_of_corpus_refused']}/{rel['out_of_corpus_total']}, "
        f"answerable refused {rel['answerable_refused']}/{rel['answerable_total']}"
    )
    if verbose:
        for m in MODES:
            misses = [i for i, r in results[m]["ranks"].items() if not r or r > 5]
            print(f"{m} misses@5: {misses}")
        for row in rel["rows"]:
            print(row)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\nJSON: {out}")
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=Path, default=DEFAULT_SEED)
    ap.add_argument("--data-dir", type=Path, default=None, help="index to use (default: settings)")
    ap.add_argument("--ingest", action="store_true", help="(re)ingest the corpus into the index first")
    ap.add_argument("--json", type=Path, default=RESULTS)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    settings = Settings(data_dir=args.data_dir) if args.data_dir else Settings()
    if args.ingest:
        from ingest.pipeline import run_ingest

        run_ingest(settings)
    run(settings, args.seed, args.json, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
