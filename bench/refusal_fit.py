"""Fit the refusal model (deelwijzer.refusal) on the tuning questions, with cross-validation, and
write it to deelwijzer/refusal_model.json (the file the code loads). One command, also after a
change to ranking, chunking, the corpus or the embedder:

    .venv/bin/python -m bench.refusal_fit --write [--data-dir DIR] [--target 0.05]

Tuning questions: the answerable (retrieval) and refusal cases of evals/suites/independent-dev.yaml,
evals/suites/seed.yaml and evals/suites/corpus.yaml. The frozen split is never read here.

Model: logistic regression (class-balanced, C=1) on the standardised evidence features FEATURES
(`deelwijzer.refusal.evidence_features`), with two thresholds on its score:
- `refuse_below` (questions that are not sharing decisions): the `--target` quantile of the
  cross-validated scores (5 folds, 10 shuffles, averaged) of the answerable questions that are not
  sharing decisions (route.is_sharing_question);
- `refuse_sharing_below` (sharing decisions, issue 14 item 3): a sharing decision is refused only
  when its score is below this threshold AND the question names no role, plan or recipient of the
  stappenplannen (`refusal.names_a_stappenplan_party` over the facts the extractor reads, stated or
  implied). Set so that at most `--target-sharing` of the answerable sharing questions would be
  refused: those of the tuning suites (cross-validated scores) plus the verdict questions of
  SHARING_TUNING (not fitted on, so their full-fit scores are out of sample), halfway between the
  last such question refused and the next one; never above `refuse_below`.
  A sharing decision that names an asker or giver the handvatten never name and no stappenplan maps
  (`refusal.outside_party`: "Mag de bank …", "De brandweer vraagt …") takes `refuse_below` instead.
Printed: coefficients and thresholds, the cross-validated estimates, the margins (full fit), then
the tuning figures per suite as `deelwijzer eval` counts them (negatives and answerable questions,
overall / sharing / non-sharing).
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
# Sharing questions the stappenplannen answer (verdict cases asked as questions; tuning splits only):
# they set the sharing threshold, never the model.
SHARING_TUNING = ("evals/suites/stappenplannen-vragen-dev.yaml", "evals/suites/stappenplannen-vragen-eigen.yaml",
                  "evals/suites/stappenplannen-vragen.yaml")
# Chosen on the tuning questions by cross-validation (bench/README.md "Refusal"): adding
# dense_margin, max_missing_idf or leg_agreement (the previous model), heading-path or sentence
# similarity, or sentence-window coverage did not raise the cross-validated AUC.
FEATURES = ("coverage", "dense_top", "unknown_share", "bm25_norm")
FOLDS, SHUFFLES, C = 5, 10, 1.0
TARGET = 0.03  # 0.05 refused one more answerable tuning question and no more negatives (2026-11-27)
TARGET_SHARING = 0.02


@dataclass(frozen=True)
class Row:
    suite: str
    id: str
    answerable: bool
    decision: bool  # a sharing decision: refused only on the stricter sharing rule
    scope: bool  # names a role, plan or recipient of the stappenplannen (refusal.names_a_stappenplan_party)
    x: tuple[float, ...]
    train: bool = True  # fitted on (TUNING); False: a SHARING_TUNING question, only for the sharing threshold
    outside: bool = False  # names an asker or giver the handvatten never name (refusal.outside_party)


def _verdict_questions(path: Path) -> list[tuple[str, str]]:
    import yaml

    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(c["id"], " ".join(c["question"].split())) for c in raw.get("cases") or ()
            if c.get("kind") == "verdict" and c.get("question")]


def collect(settings: Settings, features: tuple[str, ...] = FEATURES, extra=None) -> list[Row]:
    """One Row per distinct tuning question. `extra(question, result, services) -> {name: value}` adds
    candidate features that `features` may name (bench.refusal_candidates)."""
    from deelwijzer.facts import extract, filter_facts
    from deelwijzer.refusal import names_a_stappenplan_party
    from deelwijzer.route import route_question
    from deelwijzer.services import get_services

    services = get_services(settings)
    retriever, rules = services.retriever, services.rules
    dictionary = rules.facts_dictionary()

    def row(suite: str, id_: str, question: str, answerable: bool, train: bool) -> Row:
        # The features exactly as the answer path computes them (Retriever.retrieve with its relevance
        # check: redacted query, the passages' own vectors as evidence, not their windows); the
        # stored model's decision on them is ignored here.
        result = retriever.retrieve(question)
        relevance = result.relevance
        f = dict(relevance.details)
        if extra is not None:
            f.update(extra(question, result, services))
        # the facts answer.prepare reads from the question (no language model): stated win over implied
        ex = extract(question)
        facts = filter_facts({**ex.assumed, **ex.stated}, dictionary, rules.validate)
        return Row(suite, id_, answerable, route_question(question).is_decision, names_a_stappenplan_party(facts),
                   tuple(f[n] for n in features), train, relevance.outside_party is not None)

    rows, seen = [], set()
    for suite in TUNING:
        assert "frozen" not in suite
        for it in load_items(PROJECT_ROOT / suite):
            if it.question in seen:
                continue
            seen.add(it.question)
            rows.append(row(suite, it.id, it.question, it.answerable, True))
    for suite in SHARING_TUNING:
        assert "frozen" not in suite
        for id_, question in _verdict_questions(PROJECT_ROOT / suite):
            if question in seen:
                continue
            seen.add(question)
            rows.append(row(suite, id_, question, True, False))
    return rows


@dataclass(frozen=True)
class Fit:
    model: "object"  # deelwijzer.refusal.RefusalModel
    oof: np.ndarray  # cross-validated scores (rows not fitted on: their full-fit score, out of sample)
    score: np.ndarray  # full-fit scores
    y: np.ndarray
    decision: np.ndarray
    scope: np.ndarray
    train: np.ndarray
    outside: np.ndarray


def sharing_threshold(scores: np.ndarray, scope: np.ndarray, target: float) -> float:
    """Refuse a sharing decision below this when it names no stappenplan party: at most
    floor(target * n) of the n answerable sharing questions `scores` fall under it, halfway between
    the last one refused and the next."""
    k = int(np.floor(target * len(scores)))
    free = np.sort(scores[~scope])
    if len(free) == 0:
        return float("-inf")
    if k == 0:
        return float(free[0] - 1e-3)
    if k >= len(free):
        return float(free[-1] + 1e-3)
    return float((free[k - 1] + free[k]) / 2)


def fit(rows: list[Row], target: float = TARGET, features: tuple[str, ...] = FEATURES,
        target_sharing: float = TARGET_SHARING) -> Fit:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    from deelwijzer.refusal import RefusalModel

    X_all = np.array([r.x for r in rows], dtype=float)
    y_all = np.array([1 if r.answerable else 0 for r in rows])
    decision = np.array([r.decision for r in rows])
    scope = np.array([r.scope for r in rows])
    train = np.array([r.train for r in rows])
    outside = np.array([r.outside for r in rows])
    X, y = X_all[train], y_all[train]
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale == 0] = 1.0
    Z, Z_all = (X - mean) / scale, (X_all - mean) / scale

    def model():
        return LogisticRegression(C=C, max_iter=5000, class_weight="balanced")

    oof_train = np.zeros(len(y))
    for seed in range(SHUFFLES):
        for tr, te in StratifiedKFold(FOLDS, shuffle=True, random_state=seed).split(Z, y):
            oof_train[te] += model().fit(Z[tr], y[tr]).decision_function(Z[te]) / SHUFFLES
    full = model().fit(Z, y)
    score = full.decision_function(Z_all)
    oof = score.copy()
    oof[train] = oof_train
    threshold = float(np.quantile(oof[train & (y_all == 1) & ~decision], target))
    # the answerable sharing decisions the stricter threshold applies to (an outside party: `refuse_below`)
    sharing = (y_all == 1) & decision & ~outside
    sharing_thr = min(sharing_threshold(oof[sharing], scope[sharing], target_sharing), threshold)
    r4 = lambda v: tuple(round(float(x), 4) for x in v)  # noqa: E731 - what the file stores
    refusal = RefusalModel(tuple(features), r4(mean), r4(scale), r4(full.coef_[0]),
                           round(float(full.intercept_[0]), 4), round(threshold, 4), round(sharing_thr, 4))
    return Fit(refusal, oof, score, y_all, decision, scope, train, outside)


def refused(scores: np.ndarray, decision: np.ndarray, scope: np.ndarray, thr: float, sharing_thr: float,
            outside: np.ndarray | None = None) -> np.ndarray:
    """Refusal as the answer layer applies it (answer.prepare, refusal.refuse_sharing_decision)."""
    outside = np.zeros(len(scores), dtype=bool) if outside is None else outside
    sharing = np.where(outside, scores < thr, (scores < sharing_thr) & ~scope)
    return np.where(decision, sharing, scores < thr)


def rates(scores: np.ndarray, y: np.ndarray, decision: np.ndarray, scope: np.ndarray, thr: float,
          sharing_thr: float, outside: np.ndarray | None = None) -> str:
    out = refused(scores, decision, scope, thr, sharing_thr, outside)

    def share(mask: np.ndarray) -> str:
        n = int(mask.sum())
        return f"{int(out[mask].sum())}/{n} ({out[mask].mean():.1%})" if n else "0/0"

    neg, ans = y == 0, y == 1
    return (f"negatives refused {share(neg)} [sharing {share(neg & decision)}, non-sharing {share(neg & ~decision)}]; "
            f"answerable refused {share(ans)} [sharing {share(ans & decision)}, non-sharing {share(ans & ~decision)}]")


def main(argv=None) -> int:
    from deelwijzer.refusal import MODEL_PATH

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=None)
    ap.add_argument("--target", type=float, default=TARGET,
                    help="share of the non-sharing answerable tuning questions refused (cross-validated)")
    ap.add_argument("--target-sharing", type=float, default=TARGET_SHARING,
                    help="share of the answerable sharing questions refused at most (cross-validated)")
    ap.add_argument("--write", action="store_true", help=f"write the model to {MODEL_PATH.name}")
    args = ap.parse_args(argv)
    settings = Settings(data_dir=args.data_dir) if args.data_dir else Settings()
    rows = collect(settings)
    f = fit(rows, args.target, target_sharing=args.target_sharing)
    m, y, dec, scope, train, out = f.model, f.y, f.decision, f.scope, f.train, f.outside
    thr, sthr = m.refuse_below, m.refuse_sharing_below
    ty, td = y[train], dec[train]
    print(f"tuning questions: {int(ty.sum())} answerable ({int((ty & ~td).sum())} not a sharing decision), "
          f"{int((1 - ty).sum())} out of corpus ({int(((1 - ty) & ~td).sum())} not a sharing decision) "
          f"({', '.join(TUNING)}); plus {int((~train).sum())} answerable sharing questions for the sharing "
          f"threshold only ({', '.join(SHARING_TUNING)})")
    print(f"{'feature':<16} {'mean':>8} {'scale':>8} {'coef':>8}")
    for n, mu, sc, c in zip(m.features, m.mean, m.scale, m.coef):
        print(f"{n:<16} {mu:>8.4f} {sc:>8.4f} {c:>8.4f}")
    print(f"intercept {m.intercept:.4f}; threshold refuse_below = {thr:.4f} "
          f"({args.target:.0%} quantile of the non-sharing answerable questions' CV scores)")
    sharing = (y == 1) & dec & ~out
    print(f"sharing threshold refuse_sharing_below = {sthr:.4f} (a sharing decision naming no role, plan or "
          f"recipient of the stappenplannen; at most {args.target_sharing:.0%} of the {int(sharing.sum())} answerable "
          f"sharing questions; {int((sharing & ~scope).sum())} of them name no such party)")
    print(f"sharing decisions naming an asker or giver the handvatten never name (refusal.outside_party; "
          f"refuse_below applies): {int((dec & out & (y == 0)).sum())} negatives, "
          f"{int((dec & out & (y == 1)).sum())} answerable")
    tr = train

    def rates_of(scores: np.ndarray, mask: np.ndarray) -> str:
        return rates(scores[mask], y[mask], dec[mask], scope[mask], thr, sthr, out[mask])

    print(f"cross-validated ({FOLDS}-fold x {SHUFFLES}), tuning suites: {rates_of(f.oof, tr)}")
    print(f"full fit, tuning suites:                     {rates_of(f.score, tr)}")
    print(f"answerable sharing questions of {', '.join(Path(p).stem for p in SHARING_TUNING)}: "
          f"{rates_of(f.oof, ~tr)}")
    nd = tr & ~dec
    above_ans = f.score[(y == 1) & nd & (f.score >= thr)]
    below_neg = f.score[(y == 0) & nd & (f.score < thr)]
    print(f"margin (full fit, non-sharing questions): nearest answerable above the threshold "
          f"{above_ans.min() - thr:+.3f}, nearest refused negative below it {below_neg.max() - thr:+.3f} "
          f"(score units; the classes overlap, so some lie on the wrong side)")
    free = dec & ~scope & ~out
    above_ans = f.oof[(y == 1) & free & (f.oof >= sthr)]
    below_neg = f.oof[(y == 0) & free & (f.oof < sthr)]
    if len(above_ans) and len(below_neg):
        print(f"margin (CV scores, sharing questions naming no stappenplan party): nearest answerable above the "
              f"sharing threshold {above_ans.min() - sthr:+.3f}, nearest refused negative below it "
              f"{below_neg.max() - sthr:+.3f}")
    for suite in TUNING:
        mask = np.array([r.suite == suite for r in rows])
        print(f"tuning figures {Path(suite).stem:<16} CV: {rates_of(f.oof, mask)}")
    print("tuning questions nearest a threshold (full fit, score - threshold; S = sharing decision naming no party):")
    applies = tr & (~dec | ~scope | out)
    gap = np.where(dec & ~out, f.score - sthr, f.score - thr)
    for i in [i for i in np.argsort(np.abs(gap)) if applies[i]][:10]:
        print(f"  {rows[i].id:<28} {'answerable' if y[i] else 'negative':<10} {'S' if dec[i] else ' '} {gap[i]:+.3f}")
    if args.write:
        fit_info = {"command": "python -m bench.refusal_fit --write", "tuning": list(TUNING),
                    "sharing_tuning": list(SHARING_TUNING), "target": args.target,
                    "target_sharing": args.target_sharing, "folds": FOLDS, "shuffles": SHUFFLES, "C": C}
        MODEL_PATH.write_text(m.to_json(fit_info), encoding="utf-8")
        print(f"-> {MODEL_PATH.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    from bench._common import run_in_worker

    sys.exit(run_in_worker(main))
