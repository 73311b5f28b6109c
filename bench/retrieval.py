"""Retrieval benchmark on any suite: recall@5, recall@10, MRR, context size and refusal, per mode.

A retrieved passage is *correct* for a seed item when its text contains every key phrase of the
item after collapsing whitespace (the seed header: "A correct retrieved passage must contain
them"). recall@k = share of answerable items with a correct passage in the top k; MRR uses the
rank of the first correct passage (0 when none in the top 20). covered@k (secondary) counts an
item when the top k passages *together* contain all its key phrases. Out-of-corpus items have no key
phrases; they are scored by the refusal signal instead (`assess_relevance`).

Equal-context measures (issue 14): `chars@5` is the mean number of characters of the top 5
passages; `recall@4000c` takes passages in rank order until 4,000 characters are used (the passage
that crosses the budget is cut at it) and counts an item when one (possibly cut) passage still
holds all its key phrases. `--baseline` adds the textbook LangChain pipeline
(bench/baseline_langchain.py) scored the same way.

`--suite` takes the seed list (evals/data/evals_seed.yaml) or any eval suite
(evals/suites/*.yaml): its `retrieval` cases are the answerable items, its `refusal` cases the
out-of-corpus items.

    .venv/bin/python -m bench.retrieval [--suite PATH] [--data-dir DIR] [--baseline] [--misses]
                                        [--ingest] [--json PATH] [--sweep]
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
BUDGET_CHARS = 4000


def load_items(path: Path) -> list[SeedItem]:
    """Items of the seed list or of an eval suite (retrieval cases answerable, refusal cases not)."""
    import yaml

    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if isinstance(raw, list):
        return load_seed(path)
    items = []
    for case in raw.get("cases") or ():
        if case.get("kind") == "retrieval":
            items.append(SeedItem(case["id"], collapse(case["question"]),
                                  tuple(collapse(p) for p in case["key_phrases"]), "retrieval", case.get("doc")))
        elif case.get("kind") == "refusal":
            items.append(SeedItem(case["id"], collapse(case["question"]), (), "out_of_corpus"))
    return items


def text_correct(item: SeedItem, text: str) -> bool:
    t = collapse(text)
    return bool(item.key_phrases) and all(p in t for p in item.key_phrases)


def within_budget(texts: list[str], budget: int = BUDGET_CHARS) -> list[str]:
    """Passages in rank order until `budget` characters; the one crossing it is cut at the budget."""
    out, used = [], 0
    for t in texts:
        if used >= budget:
            break
        out.append(t[: budget - used])
        used += len(out[-1])
    return out


def text_metrics(items: list[SeedItem], ranked: dict[str, list[str]]) -> dict:
    """recall@5/10, MRR (first correct in the list), chars@5 and recall@budget from ranked texts."""
    ranks: dict[str, int | None] = {}
    chars, budget_hits = [], 0
    for it in items:
        texts = ranked[it.id]
        ranks[it.id] = next((r for r, t in enumerate(texts, start=1) if text_correct(it, t)), None)
        chars.append(sum(len(t) for t in texts[:5]) / max(1, min(5, len(texts))))
        budget_hits += any(text_correct(it, t) for t in within_budget(texts))
    n = max(1, len(items))
    return {
        "recall@5": sum(1 for r in ranks.values() if r and r <= 5) / n,
        "recall@10": sum(1 for r in ranks.values() if r and r <= 10) / n,
        "mrr": sum(1.0 / r for r in ranks.values() if r) / n,
        "chars@5": statistics.fmean(chars) if chars else 0.0,
        f"recall@{BUDGET_CHARS}c": budget_hits / n,
        "ranks": ranks,
    }


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
    covered: dict[str, int | None] = {}
    times: list[float] = []
    texts: dict[str, list[str]] = {}
    tops: dict[str, list[Passage]] = {}
    for it in items:
        t0 = time.perf_counter()
        passages = retriever.search(it.question, k=DEPTH, mode=mode)
        times.append((time.perf_counter() - t0) * 1000)
        texts[it.id] = [p.chunk.text for p in passages]
        tops[it.id] = passages
        covered[it.id] = covered_at(it, passages)
    n = max(1, len(items))
    return {
        **text_metrics(items, texts),
        "top": tops,
        "covered@5": sum(1 for r in covered.values() if r and r <= 5) / n,
        "covered@10": sum(1 for r in covered.values() if r and r <= 10) / n,
        "median_ms": statistics.median(times),
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


def baseline_texts(settings: Settings, items: list[SeedItem], k: int = DEPTH) -> dict[str, list[str]]:
    """Ranked texts of the LangChain textbook pipeline (built once, cached in bench/data/)."""
    from bench.baseline_langchain import open_baseline

    store = open_baseline(settings)
    return {it.id: [d.page_content for d in store.similarity_search(it.question, k=k)] for it in items}


def run(settings: Settings, seed: Path, out: Path | None, verbose: bool = False, baseline: bool = False,
        misses: bool = False) -> dict:
    from deelwijzer.services import get_services

    items = load_items(seed)
    answerable = [it for it in items if it.answerable]
    retriever = get_services(settings).retriever
    chunks = retriever.bm25.chunks
    t0 = time.perf_counter()
    retriever.search("warm-up", mode="hybrid")
    warm_ms = (time.perf_counter() - t0) * 1000

    results = {m: score_mode(retriever, answerable, m) for m in MODES}
    if baseline:
        results["langchain"] = text_metrics(answerable, baseline_texts(settings, answerable))
    relevance = score_relevance(retriever, items)
    tops = {m: r.pop("top", None) for m, r in results.items()}
    report = {
        "suite": str(seed),
        "items": len(answerable),
        "chunks": len(chunks),
        "generation": retriever.store.generation(),
        "criterion": "all key phrases (whitespace-collapsed) in one passage's text",
        "budget_chars": BUDGET_CHARS,
        "first_query_ms": warm_ms,
        "modes": results,
        "unreachable": unreachable(items, chunks),
        "relevance": relevance,
    }

    print(f"{seed.name}: {len(answerable)} answerable items, "
          f"{len(items) - len(answerable)} out-of-corpus, {len(chunks)} chunks\n")
    rb = f"recall@{BUDGET_CHARS}c"
    print(f"{'mode':<10} {'recall@5':>9} {'recall@10':>10} {'MRR':>7} {'chars@5':>8} {rb:>13} {'covered@5':>10}")
    for m, r in results.items():
        cov = f"{r['covered@5']:>10.3f}" if "covered@5" in r else f"{'-':>10}"
        print(f"{m:<10} {r['recall@5']:>9.3f} {r['recall@10']:>10.3f} {r['mrr']:>7.3f} "
              f"{r['chars@5']:>8.0f} {r[rb]:>13.3f} {cov}")
    print("recall/MRR: all key phrases in ONE passage; covered@k: all key phrases within the top k together")
    if baseline:
        ours, base = results["hybrid"], results["langchain"]
        print(f"hybrid / langchain: recall@5 {ours['recall@5'] / max(base['recall@5'], 1e-9):.2f}x, "
              f"{rb} {ours[rb] / max(base[rb], 1e-9):.2f}x")
    if report["unreachable"]:
        print("\nNo single chunk holds all key phrases of:", ", ".join(report["unreachable"]))
    rel = relevance
    print(
        f"\nRefusal signal: out-of-corpus refused {rel['out_of_corpus_refused']}/{rel['out_of_corpus_total']}, "
        f"answerable refused {rel['answerable_refused']}/{rel['answerable_total']}"
    )
    if verbose:
        for m in results:
            missed = [i for i, r in results[m]["ranks"].items() if not r or r > 5]
            print(f"{m} misses@5: {missed}")
        for row in rel["rows"]:
            print(row)
    if misses:
        for it in answerable:
            r = results["hybrid"]["ranks"][it.id]
            if r and r <= 5:
                continue
            print(f"\n--- {it.id} (rank {r}; dense {results['dense']['ranks'][it.id]}, "
                  f"bm25 {results['bm25']['ranks'][it.id]}) {it.question}")
            print(f"    want: {' | '.join(it.key_phrases)[:200]}")
            for p in tops["hybrid"][it.id][:5]:
                print(f"    {p.rank}. {p.chunk.doc_id[:12]} {p.chunk.heading_path_str[:110]}")
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
    from deelwijzer.retrieve import Filters, collapse_duplicates, lexical_query, rrf_fuse
    from deelwijzer.services import get_services

    retriever = get_services(settings).retriever
    items = [it for it in load_items(seed) if it.answerable]
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
    ap.add_argument("--suite", "--seed", dest="seed", type=Path, default=DEFAULT_SEED,
                    help="seed list or eval suite (evals/suites/*.yaml)")
    ap.add_argument("--baseline", action="store_true", help="also score the LangChain textbook pipeline")
    ap.add_argument("--misses", action="store_true", help="print every hybrid miss@5 with its top 5")
    ap.add_argument("--data-dir", type=Path, default=None, help="index to use (default: settings)")
    ap.add_argument("--ingest", action="store_true", help="(re)ingest the corpus into the index first")
    ap.add_argument("--json", type=Path, default=None, help="default bench/results/retrieval[-<suite>].json")
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
    out = args.json or (RESULTS if args.seed == DEFAULT_SEED else RESULTS.with_name(f"retrieval-{args.seed.stem}.json"))
    run(settings, args.seed, out, args.verbose, args.baseline, args.misses)
    return 0


if __name__ == "__main__":
    from bench._common import run_in_worker

    sys.exit(run_in_worker(main))
