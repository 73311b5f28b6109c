"""Fit the refusal model (deelwijzer.refusal.refusal_score) on the tuning questions, with
cross-validation, and print the constants to put in deelwijzer/refusal.py.

Tuning questions: the answerable (retrieval) and refusal cases of evals/suites/independent-dev.yaml,
evals/suites/seed.yaml and evals/suites/corpus.yaml. The frozen split is never read here.

    .venv/bin/python -m bench.refusal_fit [--data-dir DIR] [--target 0.04] [--write]

Model: logistic regression (class-balanced, C=1) on the standardised `evidence_features`. The
threshold is the `--target` quantile of the answerable questions' cross-validated scores (5 folds,
3 shuffles, averaged), i.e. chosen so that about that share of answerable tuning questions would be
refused by a model that never saw them. Printed: the threshold, its margin (distance to the nearest
answerable question below it and the nearest negative above it, in score units, on the full fit),
the cross-validated refusal rates, and the rows nearest to the threshold.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np

from deelwijzer.config import PROJECT_ROOT, Settings
from bench.retrieval import load_items

TUNING = ("evals/suites/independent-dev.yaml", "evals/suites/seed.yaml", "evals/suites/corpus.yaml")


def collect(settings: Settings):
    from deelwijzer.refusal import REFUSAL_FEATURES, evidence_features
    from deelwijzer.retrieve import get_retriever, redact_for_retrieval

    retriever = get_retriever(settings)
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
            rows.append((suite, it.id, it.answerable, [f[n] for n in REFUSAL_FEATURES]))
    return rows


def fit(rows, target: float):
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    X = np.array([r[3] for r in rows], dtype=float)
    y = np.array([1 if r[2] else 0 for r in rows])
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale == 0] = 1.0
    Z = (X - mean) / scale

    def model():
        return LogisticRegression(C=1.0, max_iter=5000, class_weight="balanced")

    oof = np.zeros(len(y))
    for seed in range(3):
        for train, test in StratifiedKFold(5, shuffle=True, random_state=seed).split(Z, y):
            oof[test] += model().fit(Z[train], y[train]).decision_function(Z[test]) / 3
    threshold = float(np.quantile(oof[y == 1], target))
    full = model().fit(Z, y)
    score = full.decision_function(Z)
    return mean, scale, full.coef_[0], float(full.intercept_[0]), threshold, oof, score, y


def main(argv=None) -> int:
    from deelwijzer.refusal import REFUSAL_FEATURES

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=None)
    ap.add_argument("--target", type=float, default=0.04, help="share of answerable tuning questions refused (CV)")
    ap.add_argument("--write", action="store_true", help="write the constants into deelwijzer/refusal.py")
    args = ap.parse_args(argv)
    settings = Settings(data_dir=args.data_dir) if args.data_dir else Settings()
    rows = collect(settings)
    mean, scale, coef, intercept, thr, oof, score, y = fit(rows, args.target)
    print(f"tuning questions: {int(y.sum())} answerable, {int((1 - y).sum())} out of corpus "
          f"({', '.join(TUNING)})")
    print(f"{'feature':<16} {'mean':>8} {'scale':>8} {'coef':>8}")
    for n, m, s, c in zip(REFUSAL_FEATURES, mean, scale, coef):
        print(f"{n:<16} {m:>8.4f} {s:>8.4f} {c:>8.3f}")
    print(f"intercept {intercept:.4f}; threshold REFUSE_BELOW = {thr:.4f}")
    print(f"cross-validated (5-fold x 3): negatives refused {(oof[y == 0] < thr).mean():.3f} "
          f"({int((oof[y == 0] < thr).sum())}/{int((y == 0).sum())}), answerable refused "
          f"{(oof[y == 1] < thr).mean():.3f} ({int((oof[y == 1] < thr).sum())}/{int(y.sum())})")
    print(f"full fit on the tuning set:  negatives refused {(score[y == 0] < thr).mean():.3f}, "
          f"answerable refused {(score[y == 1] < thr).mean():.3f}")
    below_ans = score[(y == 1) & (score >= thr)]
    above_neg = score[(y == 0) & (score < thr)]
    print(f"margin: nearest answerable above the threshold {below_ans.min() - thr:+.3f}, nearest refused "
          f"negative below it {above_neg.max() - thr:+.3f} (score units; classes overlap, so answerable "
          f"questions and negatives also lie on the wrong side)")
    near = np.argsort(np.abs(score - thr))[:8]
    for i in near:
        print(f"  {rows[i][1]:<28} {'answerable' if y[i] else 'negative':<10} score {score[i] - thr:+.3f}")
    if args.write:
        path = PROJECT_ROOT / "deelwijzer" / "refusal.py"
        text = path.read_text(encoding="utf-8")

        def tup(v):
            return "(" + ", ".join(f"{x:.4f}" for x in v) + ")"

        for name, value in (("REFUSAL_MEAN", tup(mean)), ("REFUSAL_SCALE", tup(scale)), ("REFUSAL_COEF", tup(coef)),
                            ("REFUSAL_INTERCEPT", f"{intercept:.4f}"), ("REFUSE_BELOW", f"{thr:.4f}")):
            text, n = re.subn(rf"^{name} = .*$", f"{name} = {value}", text, count=1, flags=re.M)
            assert n == 1, name
        path.write_text(text, encoding="utf-8")
        print(f"-> {path.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    from bench._common import run_in_worker

    sys.exit(run_in_worker(main))
