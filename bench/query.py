"""Query latency (p50/p95) and throughput of `search` (hybrid) and `ask` (no language model).

    .venv/bin/python bench/query.py                 # the real corpus (bench/data/real)
    .venv/bin/python bench/query.py --corpus 100x   # the synthetic 100x index (bench/synthetic.py)

Questions: the 40 seed questions, repeated. Latency is measured one query at a time; throughput
both sequentially and with --threads concurrent clients in one process (2 cores here, so threads
mostly show that nothing serialises badly). Writes bench/results/query-<corpus>.json.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from concurrent.futures import ThreadPoolExecutor

import _common as c


def settings_for(corpus: str, data_dir: Path | None = None):
    if corpus == "real":
        return c.ensure_real_index(data_dir)
    settings = c.bench_settings(data_dir or c.DATA / "synthetic-100x")
    from deelwijzer.store import open_store

    if not open_store(settings).generation():
        raise SystemExit("Geen synthetische index: draai eerst `.venv/bin/python bench/synthetic.py`.")
    return settings


def measure(fn, questions: list[str], threads: int) -> dict:
    fn(questions[0])  # warm-up: BM25 index, HNSW segments, rules
    seq = []
    t0 = time.perf_counter()
    for q in questions:
        dt, _ = c.timed(lambda: fn(q))
        seq.append(dt)
    seq_total = time.perf_counter() - t0
    t0 = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(fn, questions))
    par_total = time.perf_counter() - t0
    return {**c.latency_stats(seq), "qps_sequential": round(len(questions) / seq_total, 2),
            f"qps_{threads}_threads": round(len(questions) / par_total, 2)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", choices=["real", "100x"], default="real")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--no-ask", action="store_true")
    ap.add_argument("--data-dir", type=Path, default=None, help="index to use instead of bench/data/...")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    settings = settings_for(args.corpus, args.data_dir)
    from deelwijzer.services import get_services
    from deelwijzer.store import open_store

    retriever = get_services(settings).retriever
    chunks = open_store(settings).info().chunk_count
    load_s = time.perf_counter() - t0
    questions = [it.question for it in c.load_seed()] * args.repeat

    rows, report = [], {}
    t0 = time.perf_counter()
    retriever.search(questions[0])
    report["first_search_s"] = round(time.perf_counter() - t0, 2)  # includes building BM25
    report["search"] = measure(lambda q: retriever.search(q), questions, args.threads)
    rows.append(["search (hybrid)", *(report["search"][k] for k in ("p50_ms", "p95_ms"))])
    if not args.no_ask:
        try:
            from deelwijzer.answer import ask
        except ImportError as exc:
            report["ask"] = {"skipped": f"deelwijzer.answer niet beschikbaar: {exc}"}
        else:
            report["ask"] = measure(lambda q: ask(q, settings), questions, args.threads)
            rows.append(["ask (zonder model)", report["ask"]["p50_ms"], report["ask"]["p95_ms"]])
    for row in rows:
        part = report["search" if row[0].startswith("search") else "ask"]
        row.extend([part["qps_sequential"], part[f"qps_{args.threads}_threads"]])

    print(f"\nCorpus: {args.corpus} ({chunks} chunks), {len(questions)} vragen, openen {load_s:.1f} s, "
          f"eerste zoekvraag {report['first_search_s']} s\n")
    c.print_table(["operatie", "p50 ms", "p95 ms", "q/s sequentieel", f"q/s {args.threads} threads"], rows)
    report["peak_rss_mb"] = c.peak_rss_mb()
    print(f"\nPiekgeheugen (RSS) van dit proces: {report['peak_rss_mb']} MB")
    c.write_result(f"query-{args.data_dir.name if args.data_dir else args.corpus}", {"corpus": args.corpus, "chunks": chunks, "questions": len(questions),
                                            "open_s": round(load_s, 2), **report,
                                            "synthetic": args.corpus == "100x"})
    return 0


if __name__ == "__main__":
    raise SystemExit(c.run_in_worker(main))
