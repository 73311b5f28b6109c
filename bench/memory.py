"""Peak memory (max RSS) per phase, each phase in a fresh process so the numbers do not mix.

Phases: `serve-real` (open the index, build BM25, 40 hybrid searches), `ask-real` (the same plus
40 `ask` calls without a model), `ingest-fresh` (ingest the real corpus into an empty index with
the embedding cache warm: chunking, cache lookups, Chroma writes, no model calls), and
`serve-100x` when bench/data/synthetic-100x exists (bench/synthetic.py).

    .venv/bin/python bench/memory.py
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time

import _common as c


def phase(name: str) -> dict:
    t0 = time.perf_counter()
    questions = [it.question for it in c.load_seed()]
    if name == "ingest-fresh":
        from ingest.pipeline import run_ingest

        target = c.DATA / "memory-ingest"
        shutil.rmtree(target, ignore_errors=True)
        report = run_ingest(c.bench_settings(target))
        shutil.rmtree(target, ignore_errors=True)
        extra = {"chunks": report.chunks_total, "embedded": report.chunks_embedded}
    else:
        from deelwijzer.services import get_services

        if name.endswith("100x"):
            settings = c.bench_settings(c.DATA / "synthetic-100x")
        else:
            settings = c.ensure_real_index()
        retriever = get_services(settings).retriever
        for q in questions:
            retriever.search(q)
        extra = {"chunks": len(retriever.store.all_chunks())}
        if name.startswith("ask"):
            from deelwijzer.answer import ask

            for q in questions:
                ask(q, settings)
    return {"phase": name, "peak_rss_mb": c.peak_rss_mb(), "seconds": round(time.perf_counter() - t0, 1), **extra}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--phase")
    args = ap.parse_args(argv)
    if args.phase:
        print(json.dumps(c.run_in_worker(lambda: phase(args.phase))))
        return 0
    phases = ["serve-real", "ask-real", "ingest-fresh"]
    if (c.DATA / "synthetic-100x").exists():
        phases.append("serve-100x")
    c.ensure_real_index()
    rows, results = [], []
    for name in phases:
        proc = subprocess.run([sys.executable, __file__, "--phase", name], capture_output=True, text=True)
        if proc.returncode != 0:
            results.append({"phase": name, "error": proc.stderr.strip().splitlines()[-1:]})
            rows.append([name, "fout", "", ""])
            continue
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        results.append(res)
        rows.append([name, res["peak_rss_mb"], res.get("chunks", ""), res["seconds"]])
    c.print_table(["fase", "piek-RSS MB", "chunks", "seconden"], rows)
    c.write_result("memory", {"phases": results})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
