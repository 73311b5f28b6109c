"""Fit the refusal model (deelwijzer.refusal) on the tuning questions, with cross-validation, and
write it to deelwijzer/refusal_model.json (the file the code loads). One command, also after a
change to ranking, chunking, the corpus or the embedder:

    .venv/bin/python -m bench.refusal_fit --write [--data-dir DIR] [--target 0.05]

Tuning questions: the answerable (retrieval) and refusal cases of evals/suites/independent-dev.yaml,
evals/suites/seed.yaml and evals/suites/corpus.yaml. The frozen split is never read here.

Model: logistic regression (class-balanced, C=1) on the standardised evidence features FEATURES
(`deelwijzer.refusal.evidence_features`). A sharing decision (route.is_sharing_question) is never
refused (answer.py, issue 15), so the threshold is set where refusal applies: the `--target`
quantile of the cross-validated scores (5 folds, 10 shuffles, averaged) of the answerable questions
that are not sharing decisions. Printed: coefficients and threshold, the cross-validated estimate,
the margin (full fit), then the tuning figures per suite as `deelwijzer eval` counts them (a
sharing decision is never refused).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from deelwijzer.config import PROJECT_ROOT, Settings
from bench.retrieval import load_items

TUNING = ("evals/suites/independent-dev.yaml", "evals/suites/seed.yaml", "evals/suites/corpus.yaml")
# Chosen on the tuning questions by cross-validation (bench/README.md "Refusal"): adding
# dense_margin, max_missing_idf or leg_agreement (the previous model), heading-path or sentence
# similarity, or sentence-window coverage did not raise the cross-validated AUC.
FEATURES = ("coverage", "dense_top", "unknown_share", "bm25_norm")
FOLDS, SHUFFLES, C = 5, 10, 1.0
TARGET = 0.05


@dataclass(frozen=True)
class Row:
    suite: str
    id: str
    answerable: bool
    decision: bool  # a sharing decision: never refused, whatever the model says
    x: tuple[float, ...]


def collect(settings: Settings, features: tuple[str, ...] = FEATURES) -> list[Row]:
    from deelwijzer.refusal import evidence_features
    from deelwijzer.retrieve import redact_for_retrieval
    from deelwijzer.services import get_services
    from deelwijzer.route import route_question

    retriever = get_services(settings).retriever
    rows, seen = [], set()
    for suite in TUNING:
        assert "frozen" not in suite
        for it in load_items(PROJECT_ROOT / suite):
            if it.question in seen:
                continue
            seen.add(it.question)
            res = retriever.retrieve(it.question)
            q = redact_for_retrieval(it.question, retriever.bm25.vocab)
            f = evidence_features(q, retriever.bm25, res.passages, res.dense, res.bm25)
            rows.append(Row(suite, it.id, it.answerable, route_question(it.question).is_decision,
                            tuple(f[n] for n in features)))
    return rows


@dataclass(frozen=True)
class Fit:
    model: "object"  # deelwijzer.refusal.RefusalModel
    oof: np.ndarray  # cross-validated scores
    score: np.ndarray  # full-fit scores
    y: np.ndarray
    decision: np.ndarray


def fit(rows: list[Row], target: float = TARGET, features: tuple[str, ...] = FEATURES) -> Fit:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    from deelwijzer.refusal import RefusalModel

    X = np.array([r.x for r in rows], dtype=float)
    y = np.array([1 if r.answerable else 0 for r in rows])
    decision = np.array([r.decision for r in rows])
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale == 0] = 1.0
    Z = (X - mean) / scale

    def model():
        return LogisticRegression(C=C, max_iter=5000, class_weight="balanced")

    oof = np.zeros(len(y))
    for seed in range(SHUFFLES):
        for train, test in StratifiedKFold(FOLDS, shuffle=True, random_state=seed).split(Z, y):
            oof[test] += model().fit(Z[train], y[train]).decision_function(Z[test]) / SHUFFLES
    threshold = float(np.quantile(oof[(y == 1) & ~decision], target))
    full = model().fit(Z, y)
    r4 = lambda v: tuple(round(float(x), 4) for x in v)  # noqa: E731 - what the file stores
    refusal = RefusalModel(tuple(features), r4(mean), r4(scale), r4(full.coef_[0]),
                           round(float(full.intercept_[0]), 4), round(threshold, 4))
    return Fit(refusal, oof, full.decision_function(Z), y, decision)


def rates(scores: np.ndarray, y: np.ndarray, decision: np.ndarray, thr: float) -> str:
    """Refusal as the answer layer applies it (a sharing decision is never refused)."""
    refused = (scores < thr) & ~decision
    neg, nd_neg, ans = y == 0, (y == 0) & ~decision, y == 1
    return (f"negatives refused {refused[neg].sum()}/{neg.sum()} ({refused[neg].mean():.1%}), "
            f"non-sharing negatives {refused[nd_neg].sum()}/{nd_neg.sum()} ({refused[nd_neg].mean():.1%}), "
            f"answerable refused {refused[ans].sum()}/{ans.sum()} ({refused[ans].mean():.1%})")


def main(argv=None) -> int:
    from deelwijzer.refusal import MODEL_PATH

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=None)
    ap.add_argument("--target", type=float, default=TARGET,
                    help="share of the non-sharing answerable tuning questions refused (cross-validated)")
    ap.add_argument("--write", action="store_true", help=f"write the model to {MODEL_PATH.name}")
    args = ap.parse_args(argv)
    settings = Settings(data_dir=args.data_dir) if args.data_dir else Settings()
    rows = collect(settings)
    f = fit(rows, args.target)
    m, y, dec = f.model, f.y, f.decision
    thr = m.refuse_below
    print(f"tuning questions: {int(y.sum())} answerable ({int((y & ~dec).sum())} not a sharing decision), "
          f"{int((1 - y).sum())} out of corpus ({int(((1 - y) & ~dec).sum())} not a sharing decision) "
          f"({', '.join(TUNING)})")
    print(f"{'feature':<16} {'mean':>8} {'scale':>8} {'coef':>8}")
    for n, mu, s, c in zip(m.features, m.mean, m.scale, m.coef):
        print(f"{n:<16} {mu:>8.4f} {s:>8.4f} {c:>8.4f}")
    print(f"intercept {m.intercept:.4f}; threshold refuse_below = {thr:.4f} "
          f"({args.target:.0%} quantile of the non-sharing answerable questions' CV scores)")
    print(f"cross-validated ({FOLDS}-fold x {SHUFFLES}): {rates(f.oof, y, dec, thr)}")
    print(f"full fit:                     {rates(f.score, y, dec, thr)}")
    nd = ~dec
    above_ans = f.score[(y == 1) & nd & (f.score >= thr)]
    below_neg = f.score[(y == 0) & nd & (f.score < thr)]
    print(f"margin (full fit, non-sharing questions): nearest answerable above the threshold "
          f"{above_ans.min() - thr:+.3f}, nearest refused negative below it {below_neg.max() - thr:+.3f} "
          f"(score units; the classes overlap, so some lie on the wrong side)")
    for suite in TUNING:
        mask = np.array([r.suite == suite for r in rows])
        print(f"tuning figures {Path(suite).stem:<16} CV: {rates(f.oof[mask], y[mask], dec[mask], thr)}")
    print("non-sharing tuning questions nearest the threshold (full fit, score - threshold):")
    for i in [i for i in np.argsort(np.abs(f.score - thr)) if not dec[i]][:8]:
        print(f"  {rows[i].id:<28} {'answerable' if y[i] else 'negative':<10} {f.score[i] - thr:+.3f}")
    if args.write:
        fit_info = {"command": "python -m bench.refusal_fit --write", "tuning": list(TUNING), "target": args.target,
                    "folds": FOLDS, "shuffles": SHUFFLES, "C": C}
        MODEL_PATH.write_text(m.to_json(fit_info), encoding="utf-8")
        print(f"-> {MODEL_PATH.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    from bench._common import run_in_worker

    sys.exit(run_in_worker(main))
