"""Fit the second stage (deelwijzer.rerank) on the tuning questions, with cross-validation, and write
it to deelwijzer/rerank_model.json (the file the retriever loads). One command, also after a change
to the legs, the fusion, chunking, the corpus or the embedder:

    .venv/bin/python -m bench.rerank_fit --write [--data-dir DIR]

Tuning questions: the answerable (retrieval) cases of evals/suites/independent-dev.yaml,
evals/suites/seed.yaml and evals/suites/corpus.yaml. The frozen split is never read here.

Data: for each question, the POOL fused candidates the retriever hands the second stage
(`Retriever.rerank_candidates`, the answer path's own features) and which of them are correct (all
key phrases in the passage, as bench.retrieval counts). Model: pairwise logistic regression without
intercept on standardised feature differences (every correct candidate against every wrong one of
the same question, each question weighing the same; C=1). Printed: the weights, then recall@5 and MRR
per suite and per question style for the fused order, the cross-validated second stage (5 folds over
questions x 10 shuffles: each question ranked by a model that never saw it) and the full fit
(in-sample, for reference only).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from deelwijzer.config import PROJECT_ROOT, Settings
from bench.retrieval import is_correct, load_items

TUNING = ("evals/suites/independent-dev.yaml", "evals/suites/seed.yaml", "evals/suites/corpus.yaml")
FOLDS, SHUFFLES, C = 5, 10, 1.0
STYLES = ("kort", "scenario", "rol")


@dataclass(frozen=True)
class Question:
    suite: str
    id: str
    style: str  # kort / scenario / rol (independent suites), else ""
    X: np.ndarray  # (pool, features), fused order
    y: np.ndarray  # (pool,) correct


def _styles(path: Path) -> dict[str, str]:
    import yaml

    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = {}
    for case in raw.get("cases") or () if isinstance(raw, dict) else ():
        tags = case.get("tags") or ()
        out[case["id"]] = next((t for t in STYLES if t in tags), "")
    return out


def collect(settings: Settings) -> list[Question]:
    from deelwijzer.services import get_services

    retriever = get_services(settings).retriever
    out, seen = [], set()
    for suite in TUNING:
        assert "frozen" not in suite
        styles = _styles(PROJECT_ROOT / suite)
        for it in load_items(PROJECT_ROOT / suite):
            if not it.answerable or it.question in seen:
                continue
            seen.add(it.question)
            chunks, X = retriever.rerank_candidates(it.question)
            y = np.array([is_correct(it, c) for c in chunks], dtype=bool)
            out.append(Question(Path(suite).stem, it.id, styles.get(it.id, ""), X, y))
    return out


def fit_coef(questions: list[Question], c: float = C) -> np.ndarray:
    """Weights in the features' own units (score = X @ coef)."""
    from sklearn.linear_model import LogisticRegression

    X = np.vstack([q.X for q in questions])
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    diffs, weights = [], []
    for q in questions:
        if q.y.any() and (~q.y).any():
            d = ((q.X[q.y][:, None, :] - q.X[~q.y][None, :, :]) / scale).reshape(-1, X.shape[1])
            diffs.append(d)
            weights.append(np.full(len(d), 1.0 / len(d)))
    D, w = np.vstack(diffs), np.concatenate(weights)
    # both orientations of every pair: a symmetric problem, so no intercept
    model = LogisticRegression(C=c, fit_intercept=False, max_iter=5000)
    model.fit(np.vstack([D, -D]), np.r_[np.ones(len(D)), np.zeros(len(D))], sample_weight=np.r_[w, w] * len(diffs))
    return model.coef_[0] / scale


def rank_of_first_correct(q: Question, scores: np.ndarray | None) -> int | None:
    order = np.arange(len(q.y)) if scores is None else np.argsort(-scores, kind="stable")
    hits = np.nonzero(q.y[order])[0]
    return int(hits[0]) + 1 if len(hits) else None


def cross_validated_ranks(questions: list[Question]) -> list[list[int | None]]:
    ranks: list[list[int | None]] = [[] for _ in questions]
    for seed in range(SHUFFLES):
        perm = np.random.default_rng(seed).permutation(len(questions))
        for f in range(FOLDS):
            test = set(perm[f::FOLDS].tolist())
            coef = fit_coef([q for i, q in enumerate(questions) if i not in test])
            for i in test:
                ranks[i].append(rank_of_first_correct(questions[i], questions[i].X @ coef))
    return ranks


def figures(ranks: list[list[int | None]]) -> tuple[float, float]:
    """recall@5 and MRR, each question's value averaged over its rankings."""
    r5 = np.mean([np.mean([1.0 if r and r <= 5 else 0.0 for r in rs]) for rs in ranks])
    mrr = np.mean([np.mean([1.0 / r if r else 0.0 for r in rs]) for rs in ranks])
    return float(r5), float(mrr)


def main(argv=None) -> int:
    from deelwijzer.rerank import FEATURE_DOC, FEATURES, MODEL_PATH, POOL, RerankModel

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=None)
    ap.add_argument("--write", action="store_true", help=f"write the model to {MODEL_PATH.name}")
    args = ap.parse_args(argv)
    settings = Settings(data_dir=args.data_dir) if args.data_dir else Settings()
    questions = collect(settings)
    coef = fit_coef(questions)
    scale = np.vstack([q.X for q in questions]).std(axis=0)
    print(f"{len(questions)} tuning questions ({', '.join(TUNING)}), pool {POOL}; "
          f"{sum(bool(q.y.any()) for q in questions)} have a correct passage in the pool")
    print(f"{'feature':<9} {'coef':>9} {'coef x sd':>10}  meaning")
    for n, c, sd in zip(FEATURES, coef, scale):
        print(f"{n:<9} {c:>9.4f} {c * sd:>10.3f}  {FEATURE_DOC[n]}")
    fused = [[rank_of_first_correct(q, None)] for q in questions]
    cv = cross_validated_ranks(questions)
    full = [[rank_of_first_correct(q, q.X @ coef)] for q in questions]
    groups = [(s, [i for i, q in enumerate(questions) if q.suite == s]) for s in dict.fromkeys(q.suite for q in questions)]
    groups += [(f"  {st}", [i for i, q in enumerate(questions) if q.style == st]) for st in STYLES]
    print(f"\nrecall@5 / MRR          {'n':>4} {'fused order':>14} {f'CV ({FOLDS}x{SHUFFLES})':>14} {'full fit (in-sample)':>21}")
    for name, idx in groups:
        if not idx:
            continue
        cells = [figures([r[i] for i in idx]) for r in (fused, cv, full)]
        print(f"{name:<24} {len(idx):>4} " + " ".join(f"{a:>7.3f}/{b:.3f}" for a, b in cells))
    if args.write:
        model = RerankModel(FEATURES, tuple(round(float(c), 5) for c in coef), POOL)
        cv_fig = {name.strip(): [round(v, 3) for v in figures([cv[i] for i in idx])] for name, idx in groups if idx}
        info = {"command": "python -m bench.rerank_fit --write", "tuning": list(TUNING), "folds": FOLDS,
                "shuffles": SHUFFLES, "C": C, "cv_recall@5_mrr": cv_fig}
        MODEL_PATH.write_text(model.to_json(info), encoding="utf-8")
        print(f"-> {MODEL_PATH.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    from bench._common import run_in_worker

    sys.exit(run_in_worker(main))
