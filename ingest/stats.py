"""Chunk statistics of the real corpus: `python -m ingest.stats` (no embedding, a few seconds)."""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from deelwijzer.config import PROJECT_ROOT
from deelwijzer.models import Chunk
from ingest.prepare import prepare_documents


def word_stats(chunks: list[Chunk]) -> dict[str, float]:
    words = sorted(len(c.text.split()) for c in chunks)
    if not words:
        return {"chunks": 0, "words": 0, "p10": 0, "median": 0, "p90": 0, "max": 0, "in_range_share": 0.0}

    def pct(p: float) -> int:
        return words[round(p * (len(words) - 1))]

    return {
        "chunks": len(words),
        "words": sum(words),
        "p10": pct(0.10),
        "median": statistics.median(words),
        "p90": pct(0.90),
        "max": words[-1],
        "under_50": sum(1 for w in words if w < 50),
        "in_range_share": round(sum(1 for w in words if 150 <= w <= 400) / len(words), 2),
    }


def report(corpus_dir: Path) -> str:
    prepared = prepare_documents(None, corpus_dir)
    rows = [f"{'document':<20} {'chunks':>6} {'words':>7} {'p10':>5} {'med':>5} {'p90':>5} {'max':>5} {'<50':>4} {'150-400':>7}"]
    everything: list[Chunk] = []
    for info, chunks in prepared.documents:
        everything.extend(chunks)
        s = word_stats(chunks)
        rows.append(f"{info.doc_id:<20} {s['chunks']:>6} {s['words']:>7} {s['p10']:>5} {s['median']:>5.0f} "
                    f"{s['p90']:>5} {s['max']:>5} {s['under_50']:>4} {s['in_range_share']:>7.0%}")
    s = word_stats(everything)
    rows.append(f"{'TOTAAL':<20} {s['chunks']:>6} {s['words']:>7} {s['p10']:>5} {s['median']:>5.0f} "
                f"{s['p90']:>5} {s['max']:>5} {s['under_50']:>4} {s['in_range_share']:>7.0%}")
    for err in prepared.errors:
        rows.append(f"FOUT: {err}")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Chunkstatistieken van de corpusmap")
    parser.add_argument("corpus_dir", nargs="?", type=Path, default=PROJECT_ROOT / "corpus")
    args = parser.parse_args(argv)
    print(report(args.corpus_dir))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
