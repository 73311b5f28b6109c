"""Retrieval benchmark on the shared seed set: recall@5, recall@10 and MRR per mode.

A retrieved passage is *correct* for a seed item when its text contains every key phrase of the
item after collapsing whitespace (the seed header: "A correct retrieved passage must contain
them"). recall@k = share of answerable items with a correct passage in the top k; MRR uses the
rank of the first correct passage (0 when none in the top 20). covered@k (secondary) counts an
item when the top k passages *together* contain all its key phrases. Out-of-corpus items have no key
phrases; they are scored by the refusal signal instead (`assess_relevance`).

    .venv/bin/python -m bench.retrieval [--seed PATH] [--data-dir DIR] [--ingest] [--json PATH] [--sweep]
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


SWEEP_K = (10, 20, 40, 60)
SWEEP_BM25_WEIGHT = (1.0, 2.0, 3.0, 4.0)
SWEEP_SELF_WEIGHT = (1.0, 0.5)


def sweep(settings: Settings, seed: Path) -> list[dict]:
    """recall@5 of the hybrid ranking over a grid of fusion settings (legs computed once per item).

    Printed so a tuning choice can be judged by its neighbourhood, not by its best cell alone:
    on 36 items one item is 0.028."""
    from deelwijzer.retrieve import Filters, collapse_duplicates, get_retriever, lexical_query, rrf_fuse

    retriever = get_retriever(settings)
    items = [it for it in load_seed(seed) if it.answerable]
    dense = {it.id: [p.chunk for p in retriever.dense_leg(it.question, 50, Filters())] for it in items}
    rows = []
    for self_weight in SWEEP_SELF_WEIGHT:
        lexical = {}
        for it in items:
            parts = lexical_query(it.question, self_weight)
            lexical[it.id] = [retriever.bm25.chunks[h.index] for h in retriever.bm25.search(parts, 50)]
        bm25_only = sum(1 for it in items if first_hit_chunks(it, lexical[it.id][:5])) / len(items)
        for k in SWEEP_K:
            cells = []
            for w in SWEEP_BM25_WEIGHT:
                hits = 0
                for it in items:
                    ranked = collapse_duplicates(rrf_fuse([dense[it.id], lexical[it.id]], (1.0, w), k), 5,
                                                 retriever._signature)
                    hits += bool(first_hit_chunks(it, [c for c, _ in ranked[:5]]))
                cells.append(hits / len(items))
            rows.append({"self_weight": self_weight, "rrf_k": k, "bm25_only": bm25_only,
                         "hybrid": dict(zip(SWEEP_BM25_WEIGHT, cells))})
    print("hybrid recall@5; rows: self-description weight, RRF k; columns: BM25 weight (dense = 1)")
    print(f"{'self':>5} {'k':>4} {'bm25 alone':>11} " + " ".join(f"{w:>6.1f}" for w in SWEEP_BM25_WEIGHT))
    for r in rows:
        print(f"{r['self_weight']:>5.1f} {r['rrf_k']:>4} {r['bm25_only']:>11.3f} "
              + " ".join(f"{v:>6.3f}" for v in r["hybrid"].values()))
    return rows


def first_hit_chunks(item: SeedItem, chunks: list[Chunk]) -> bool:
    return any(is_correct(item, c) for c in chunks)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=Path, default=DEFAULT_SEED)
    ap.add_argument("--data-dir", type=Path, default=None, help="index to use (default: settings)")
    ap.add_argument("--ingest", action="store_true", help="(re)ingest the corpus into the index first")
    ap.add_argument("--json", type=Path, default=RESULTS)
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--sweep", action="store_true", help="print recall@5 over a grid of fusion settings")
    args = ap.parse_args(argv)
    settings = Settings(data_dir=args.data_dir) if args.data_dir else Settings()
    if args.ingest:
        from ingest.pipeline import run_ingest

        run_ingest(settings)
    if args.sweep:
        sweep(settings, args.seed)
        return 0
    run(settings, args.seed, args.json, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
