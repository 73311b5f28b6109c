"""Refusal: does the corpus answer the question at all?

The retriever hands over the fused top passages and both legs (dense and BM25); this module turns
them into evidence features and a fitted decision (`assess_evidence`). Kept apart from retrieval so
that ranking and the refusal model can change independently (the model is re-fitted by
`python -m bench.refusal_fit --write` whenever ranking changes).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .bm25 import BM25Index
from .models import Passage
from .textnorm import STOPWORDS, fold, stem, words


@dataclass(frozen=True)
class Relevance:
    """Whether the corpus plausibly answers the query. `reason` is for logs and tests."""

    in_corpus: bool
    reason: str
    coverage: float = 0.0  # idf-weighted share of query content words in the best passage
    unknown: tuple[str, ...] = ()  # query content words the corpus never uses
    dense_margin: float | None = None  # top-1 cosine minus median of the dense leg's tail
    details: dict[str, float] = field(default_factory=dict)



@dataclass(frozen=True)
class QueryWord:
    """A content word of the query as the index knows it: its stem, or else its compound parts."""

    word: str
    term_ids: tuple[int, ...]  # empty: the corpus never uses this word (nor its parts)
    idf: float


def query_words(query: str, index: BM25Index) -> list[QueryWord]:
    out: dict[str, QueryWord] = {}
    max_idf = index.max_idf()
    for w in words(fold(query)):
        if w in STOPWORDS or len(w) < 2 or w[0].isdigit() or w in out:
            continue
        j = index.vocab.get(stem(w))
        if j is not None:
            out[w] = QueryWord(w, (j,), float(index.idf[j]))
            continue
        parts = [index.vocab.get(stem(p)) for p in index.decompounder.split(w)]
        if parts and all(j is not None for j in parts):
            out[w] = QueryWord(w, tuple(parts), float(np.mean([index.idf[j] for j in parts])))
        else:
            out[w] = QueryWord(w, (), max_idf)
    return list(out.values())


def lexical_coverage(
    query: str, index: BM25Index, passages: Sequence[Passage]
) -> tuple[float, tuple[str, ...]]:
    """Best idf-weighted share of the query's content words found in one passage, and the
    query words the corpus never uses (they count as missing everywhere)."""
    qwords = query_words(query, index)
    if not qwords:
        return 0.0, ()
    total = sum(q.idf for q in qwords)
    unknown = tuple(q.word for q in qwords if not q.term_ids)
    best = 0.0
    for p in passages:
        i = index.index_of(p.chunk.id)
        if i is None:
            continue
        have = index.doc_terms(i)
        got = sum(q.idf for q in qwords if q.term_ids and all(j in have for j in q.term_ids))
        best = max(best, got / total)
    return best, unknown


def dense_margin(dense: Sequence[Passage]) -> float | None:
    """Top-1 dense score minus the median of the leg's tail: relative, so anisotropy cancels."""
    if len(dense) < 10:
        return None
    scores = [p.score for p in dense]
    return float(scores[0] - float(np.median(scores[len(scores) // 2 :])))


def evidence_features(
    query: str,
    index: BM25Index,
    passages: Sequence[Passage],
    dense: Sequence[Passage],
    lexical: Sequence[Passage],
) -> dict[str, float]:
    """What the refusal model looks at, all relative to the query so that its length and wording
    style cancel as far as possible:

    coverage         best idf-weighted share of the query's content words in one top-5 passage
    dense_margin     top-1 dense cosine minus the median of the dense leg's tail
    dense_top        top-1 dense cosine (same embedder as the fit; re-fit for another one)
    unknown_share    idf-weighted share of query words the corpus never uses (the subject of an
                     uncovered question is typically such a word: bodycam, WhatsApp, overlijden)
    max_missing_idf  the rarest query word that no top-5 passage holds, as a share of the maximum idf
    bm25_norm        best BM25 score / total idf of the query (how much of the query one passage matches)
    leg_agreement    share of the dense top 10 that is also in the BM25 top 10
    """
    qwords = query_words(query, index)
    coverage, _ = lexical_coverage(query, index, list(passages)[:5])
    total = sum(q.idf for q in qwords) or 1.0
    tops = [index.doc_terms(i) for i in (index.index_of(p.chunk.id) for p in list(passages)[:5]) if i is not None]
    missing = [q.idf for q in qwords
               if not q.term_ids or not any(all(j in have for j in q.term_ids) for have in tops)]
    margin = dense_margin(dense)
    dense_ids = {p.chunk.id for p in list(dense)[:10]}
    lexical_ids = {p.chunk.id for p in list(lexical)[:10]}
    return {
        "coverage": coverage,
        "dense_margin": margin if margin is not None else 0.0,
        "dense_top": float(dense[0].score) if dense else 0.0,
        "unknown_share": sum(q.idf for q in qwords if not q.term_ids) / total,
        "max_missing_idf": (max(missing) / index.max_idf()) if missing else 0.0,
        "bm25_norm": (float(lexical[0].score) / total) if lexical else 0.0,
        "leg_agreement": len(dense_ids & lexical_ids) / 10.0,
    }


# Refusal model: a logistic regression over `evidence_features` (standardised), fitted by
# `python -m bench.refusal_fit` on the tuning questions only (independent-dev retrieval + refusal
# cases, seed, corpus; never the frozen split) and pasted here. Refuse when the score is below
# REFUSE_BELOW, chosen on 5-fold cross-validated scores (3 shuffles) so that at most ~4% of the
# answerable tuning questions are refused. Figures (fit, CV, margin): bench/README.md "Refusal".
# Re-fit when the corpus, chunker, embedder or fusion changes: the features move with them.
REFUSAL_FEATURES = ("coverage", "dense_margin", "dense_top", "unknown_share", "max_missing_idf", "bm25_norm",
                    "leg_agreement")
REFUSAL_MEAN = (0.4353, 0.0297, 0.8784, 0.1950, 0.7771, 0.6504, 0.2413)
REFUSAL_SCALE = (0.2262, 0.0141, 0.0215, 0.2172, 0.3322, 0.3969, 0.1894)
REFUSAL_COEF = (1.0048, -0.5451, 1.8114, -1.1820, 0.3240, -0.2336, 0.5583)
REFUSAL_INTERCEPT = 0.7424
REFUSE_BELOW = -1.3927
# Tiny index (no dense tail to compare with, e.g. unit tests): coverage decides alone.
REFUSE_BELOW_COVERAGE_ONLY = 0.41


def refusal_score(features: Mapping[str, float]) -> float:
    """The fitted model's decision value (log-odds that the handvatten answer the question)."""
    z = REFUSAL_INTERCEPT
    for name, mean, scale, coef in zip(REFUSAL_FEATURES, REFUSAL_MEAN, REFUSAL_SCALE, REFUSAL_COEF):
        z += coef * (features[name] - mean) / scale
    return float(z)


def assess_evidence(
    query: str,
    index: BM25Index,
    passages: Sequence[Passage],
    dense: Sequence[Passage],
    lexical: Sequence[Passage],
) -> Relevance:
    features = evidence_features(query, index, passages, dense, lexical)
    coverage = features["coverage"]
    unknown = tuple(q.word for q in query_words(query, index) if not q.term_ids)
    margin = dense_margin(dense)
    details = dict(features)
    if not passages:
        return Relevance(False, "niets gevonden", coverage, unknown, margin, details)
    if margin is None:
        if coverage < REFUSE_BELOW_COVERAGE_ONLY:
            return Relevance(False, f"zwak bewijs: dekking zoekwoorden {coverage:.2f}", coverage, unknown, margin,
                             details)
        return Relevance(True, "voldoende bewijs in de handvatten", coverage, unknown, margin, details)
    score = refusal_score(features)
    details["score"] = score
    if score < REFUSE_BELOW:
        reason = f"zwak bewijs: score {score:.2f} < {REFUSE_BELOW:.2f} (dekking zoekwoorden {coverage:.2f}"
        if unknown:
            reason += f", onbekend in de handvatten: {', '.join(unknown[:4])}"
        return Relevance(False, reason + ")", coverage, unknown, margin, details)
    return Relevance(True, "voldoende bewijs in de handvatten", coverage, unknown, margin, details)
