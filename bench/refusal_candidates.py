"""Candidate refusal evidence, measured the way the model is chosen: each candidate added to the
fitted features (bench.refusal_fit.FEATURES), cross-validated on the tuning questions only. Prints,
per candidate, the cross-validated AUC on the questions that are not sharing decisions and the
tuning figures at the fitted thresholds. Nothing here is loaded by the application; a candidate that
earns its place moves into `deelwijzer.refusal.evidence_features` and FEATURES.

    .venv/bin/python -m bench.refusal_candidates [--data-dir DIR]

Candidates (bench/README.md "Refusal" lists what they gave):
  cov_top1         idf-weighted coverage of the question's content words by the top passage only
  cov_top3         ... by the union of the top 3 passages
  subject_cov3     coverage of the question's subject (the rarer half of its known words) by the top 3
  heading_cov      best coverage of the question by a top-5 passage's heading path
  rare3_cooccur    the question's three rarest known words occur together in some passage of the corpus
  section_agree    the dense and BM25 legs' top 3 share a section (document + two heading levels)
  sections_top5    number of distinct sections among the top 5 (how scattered the evidence is)
  subject_dense    top dense cosine of the subject alone (the three rarest words as a query)
  dense_margin, max_missing_idf, leg_agreement   the earlier model's features
  length           log number of content words (raises the AUC, but it reads the writers' style:
                   the out-of-corpus questions were written shorter; not a property of the evidence)
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from deelwijzer.config import Settings
from bench.refusal_fit import FEATURES, collect, fit, rates

CANDIDATES = ("cov_top1", "cov_top3", "subject_cov3", "heading_cov", "rare3_cooccur", "section_agree",
              "sections_top5", "subject_dense", "dense_margin", "max_missing_idf", "leg_agreement", "length")


def candidate_features(question: str, result, services) -> dict[str, float]:
    from deelwijzer.refusal import query_words
    from deelwijzer.retrieve import redact_for_retrieval
    from deelwijzer.textnorm import fold, stem, words

    index = services.retriever.bm25
    query = redact_for_retrieval(question, index.vocab)
    qwords = query_words(query, index)
    total = sum(q.idf for q in qwords) or 1.0
    known = sorted((q for q in qwords if q.term_ids), key=lambda q: -q.idf)

    def terms(chunk_id: str) -> frozenset[int]:
        i = index.index_of(chunk_id)
        return index.doc_terms(i) if i is not None else frozenset()

    def covered(qs, have: frozenset[int]) -> float:
        return sum(q.idf for q in qs if q.term_ids and all(j in have for j in q.term_ids))

    top = [p.chunk for p in result.passages[:5]]
    union3 = frozenset().union(*(terms(c.id) for c in top[:3])) if top else frozenset()
    subject = known[: max(1, len(known) // 2)]
    rare3 = known[:3]

    def heading_terms(chunk) -> frozenset[int]:
        return frozenset(j for w in words(fold(" ".join(chunk.heading_path)))
                         if (j := index.vocab.get(stem(w))) is not None)

    def section(chunk) -> tuple[str, ...]:
        return (chunk.source_file, *chunk.heading_path[:2])

    cooccur = 0.0
    if rare3:
        need = {j for q in rare3 for j in q.term_ids}
        cooccur = float(any(need <= index.doc_terms(i) for i in range(len(index))))
    subject_text = " ".join(q.word for q in rare3)
    hits = services.store.dense_search(subject_text, 1, windows=False) if subject_text else []
    return {
        "cov_top1": covered(qwords, terms(top[0].id)) / total if top else 0.0,
        "cov_top3": covered(qwords, union3) / total,
        "subject_cov3": covered(subject, union3) / (sum(q.idf for q in subject) or 1.0),
        "heading_cov": max((covered(qwords, heading_terms(c)) / total for c in top), default=0.0),
        "rare3_cooccur": cooccur,
        "section_agree": float(bool({section(p.chunk) for p in result.dense[:3]}
                                    & {section(p.chunk) for p in result.bm25[:3]})),
        "sections_top5": float(len({section(c) for c in top})),
        "subject_dense": float(hits[0].score) if hits else 0.0,
        "length": float(np.log1p(len(qwords))),
    }


def main(argv=None) -> int:
    from sklearn.metrics import roc_auc_score

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=None)
    args = ap.parse_args(argv)
    settings = Settings(data_dir=args.data_dir) if args.data_dir else Settings()
    names = FEATURES + CANDIDATES
    rows = collect(settings, names, extra=candidate_features)
    print(f"{'model':<48} {'CV AUC':>7}  tuning figures (cross-validated, fitted thresholds)")
    for extra in ((), *((c,) for c in CANDIDATES)):
        features = FEATURES + extra
        pick = [names.index(n) for n in features]
        f = fit([replace(r, x=tuple(r.x[i] for i in pick)) for r in rows], features=features)
        tr, nd = f.train, f.train & ~f.decision
        auc = roc_auc_score(f.y[nd], f.oof[nd])
        label = "fitted features" + (f" + {extra[0]}" if extra else "")
        print(f"{label:<48} {auc:>7.3f}  {rates(f.oof[tr], f.y[tr], f.decision[tr], f.scope[tr], f.model.refuse_below, f.model.refuse_sharing_below, f.outside[tr])}")
    return 0


if __name__ == "__main__":
    from bench._common import run_in_worker

    sys.exit(run_in_worker(main))
