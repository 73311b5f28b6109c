"""Second stage: re-order the top of the fused ranking with a fitted linear model.

Reciprocal rank fusion sees only the two legs' ranks. The second stage looks at each of the top
POOL fused candidates again, with evidence the ranks lose: how close its dense score and BM25 score
are to the best of their leg, which share of the question's content words (weighted by rarity) the
passage holds, in its heading path, in one pair of consecutive sentences, whether it holds the
question's two rarest words, its length and legal era. A pairwise logistic model (a correct passage
against a wrong one of the same question) weighs them; its weights live in MODEL_PATH, written by
`python -m bench.rerank_fit --write` with cross-validation on the tuning questions (never the frozen
split). No cross-encoder is installable offline here, so the model is built from what the retriever
already has: nothing is embedded and no index is added (a few ms per question).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .bm25 import BM25Index
from .models import Chunk, Passage
from .refusal import query_words
from .route import split_self_description
from .textnorm import analyze, split_sentences_nl

MODEL_PATH = Path(__file__).with_name("rerank_model.json")
# The fused candidates the model re-orders (after near-duplicates are collapsed). 20 and 30 gave the
# same cross-validated recall@5 on the tuning questions, 10 one item less, 60 two items less
# (bench/README.md "Second stage").
POOL = 20

FEATURES = ("rrf", "lrank", "dense", "drank", "bm25", "brank", "cov", "covhead", "rare", "sent", "wbp")
FEATURE_DOC = {
    "rrf": "fused RRF score / its maximum (rank 1 in both legs)",
    "lrank": "log of the fused rank",
    "dense": "dense cosine minus the leg's top cosine (outside the leg: its last cosine)",
    "drank": "log of the rank in the dense leg (depth + 1 outside it)",
    "bm25": "BM25 score / the leg's top score (outside the leg: its last score)",
    "brank": "log of the rank in the BM25 leg (depth + 1 outside it)",
    "cov": "idf-weighted share of the question's content words in the passage (self-description at half weight)",
    "covhead": "the same share in the passage's heading path",
    "rare": "the same share for the question's two rarest words only",
    "sent": "the best share in two consecutive sentences of the passage",
    "wbp": "1 for a handvat of the Wbp era (before the AVG)",
}
SELF_DESCRIPTION_WEIGHT = 0.5  # as in BM25 (retrieve.lexical_query): the asker's role says little about which passage


@dataclass(frozen=True)
class QueryTerms:
    """The question's content words as term ids of the BM25 index, each with its weight."""

    words: tuple[tuple[tuple[int, ...], float], ...]
    rare: tuple[tuple[tuple[int, ...], float], ...]

    @classmethod
    def of(cls, query: str, index: BM25Index) -> "QueryTerms":
        intro, rest = split_self_description(query)
        parts = ((rest, 1.0), (intro, SELF_DESCRIPTION_WEIGHT)) if intro else ((query, 1.0),)
        seen: dict[str, tuple[tuple[int, ...], float]] = {}
        for text, weight in parts:
            for qw in query_words(text, index):
                if qw.term_ids and qw.word not in seen:
                    seen[qw.word] = (qw.term_ids, qw.idf * weight)
        words = tuple(seen.values())
        return cls(words, tuple(sorted(words, key=lambda w: -w[1])[:2]))


def share(terms: Sequence[tuple[tuple[int, ...], float]], have: frozenset[int]) -> float:
    total = sum(w for _, w in terms) or 1.0
    return sum(w for ids, w in terms if all(j in have for j in ids)) / total


class PassageTerms:
    """Term ids of a passage's heading path and of its sentence pairs, per BM25 index (cached)."""

    def __init__(self, index: BM25Index):
        self.index = index
        self._heading: dict[str, frozenset[int]] = {}
        self._pairs: dict[str, list[frozenset[int]]] = {}

    def _ids(self, text: str) -> frozenset[int]:
        vocab = self.index.vocab
        return frozenset(vocab[t] for t in analyze(text, self.index.decompounder) if t in vocab)

    def heading(self, chunk: Chunk) -> frozenset[int]:
        got = self._heading.get(chunk.id)
        if got is None:
            got = self._heading[chunk.id] = self._ids(chunk.heading_path_str)
        return got

    def sentence_pairs(self, chunk: Chunk) -> list[frozenset[int]]:
        got = self._pairs.get(chunk.id)
        if got is None:
            sents = [self._ids(s) for s in split_sentences_nl(chunk.text)]
            got = [a | b for a, b in zip(sents, sents[1:])] or sents or [frozenset()]
            self._pairs[chunk.id] = got
        return got


def candidate_features(
    query: str,
    index: BM25Index,
    terms: PassageTerms,
    fused: Sequence[tuple[Chunk, float]],
    dense: Sequence[Passage],
    lexical: Sequence[Passage],
    depth: int,
    max_fused: float,
) -> np.ndarray:
    """One row of FEATURES per fused candidate (in fused order)."""
    q = QueryTerms.of(query, index)
    d_score = {p.chunk.id: (p.rank, p.score) for p in dense}
    b_score = {p.chunk.id: (p.rank, p.score) for p in lexical}
    d_top, d_floor = (dense[0].score, dense[-1].score) if dense else (0.0, 0.0)
    b_top, b_floor = (lexical[0].score, lexical[-1].score) if lexical else (1.0, 0.0)
    outside = math.log(depth + 1)
    rows = []
    for rank, (chunk, fused_score) in enumerate(fused, start=1):
        i = index.index_of(chunk.id)
        have = index.doc_terms(i) if i is not None else frozenset()
        dr, ds = d_score.get(chunk.id, (None, d_floor))
        br, bs = b_score.get(chunk.id, (None, b_floor))
        rows.append([
            fused_score / max_fused,
            math.log(rank),
            ds - d_top,
            math.log(dr) if dr else outside,
            bs / b_top if b_top > 0 else 0.0,
            math.log(br) if br else outside,
            share(q.words, have),
            share(q.words, terms.heading(chunk)),
            share(q.rare, have),
            max(share(q.words, s) for s in terms.sentence_pairs(chunk)),
            float(chunk.legal_era == "wbp"),
        ])
    return np.asarray(rows, dtype=float).reshape(len(rows), len(FEATURES))


@dataclass(frozen=True)
class RerankModel:
    features: tuple[str, ...]
    coef: tuple[float, ...]  # in the features' own units (the fit's standardisation folded in)
    pool: int

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> "RerankModel":
        raw = json.loads(path.read_text(encoding="utf-8"))
        model = cls(tuple(raw["features"]), tuple(float(c) for c in raw["coef"]), int(raw["pool"]))
        if model.features != FEATURES:
            raise ValueError(f"{path}: features {model.features} are not {FEATURES} "
                             "(re-run python -m bench.rerank_fit --write)")
        if len(model.coef) != len(model.features) or model.pool != POOL:
            raise ValueError(f"{path}: features and coef differ in length, or pool is not {POOL}")
        return model

    def to_json(self, fit: Mapping[str, object]) -> str:
        return json.dumps({"features": list(self.features), "coef": list(self.coef), "pool": self.pool,
                           "fit": dict(fit)}, indent=1, ensure_ascii=False) + "\n"

    def scores(self, X: np.ndarray) -> np.ndarray:
        return X @ np.asarray(self.coef, dtype=float)


@lru_cache(maxsize=1)
def rerank_model() -> RerankModel | None:
    """The fitted model, or None when the file is absent (then the fused order stands)."""
    return RerankModel.load() if MODEL_PATH.exists() else None


def reorder(
    fused: Sequence[tuple[Chunk, float]], X: np.ndarray, model: RerankModel
) -> list[tuple[Chunk, float]]:
    """The candidates by the model's score (ties keep the fused order), each with that score."""
    s = model.scores(X)
    order = sorted(range(len(fused)), key=lambda j: (-s[j], j))
    return [(fused[j][0], float(s[j])) for j in order]
