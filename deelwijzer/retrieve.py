"""Hybrid retrieval: dense (Chroma) + BM25, fused with reciprocal rank fusion.

* Both legs see the same metadata filters (`where`: doc_id, legal_era, plan).
* Fusion is weighted RRF: score = sum_leg w_leg / (RRF_K + rank_leg). Rank-based, so the
  anisotropic cosine of the embedder and the unbounded BM25 score never need calibrating.
* Near-duplicates are collapsed at ranking time: the handvat for Veiligheidshuizen repeats
  whole paragraphs across partner sections, and five copies must not fill the top five.
* `assess_relevance` tells the answer layer whether the corpus holds an answer at all (the
  refusal signal); the evidence and the fitted decision live in `refusal.py`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .bm25 import BM25Index, load_bm25
from .config import Settings
from .models import Chunk, Passage
from .refusal import Relevance, assess_evidence
from .rerank import POOL, PassageTerms, RerankModel, candidate_features, reorder, rerank_model
from .route import split_self_description
from .rules.render import plan_headings
from .step_passage import passage_for_step
from .textnorm import fold, stem, words

# Chosen with `python -m bench.retrieval --sweep` (grid printed there) on the tuning sets (seed,
# then independent-dev and corpus for the passage windows). BM25 is the stronger leg on this corpus
# (the dense leg embeds the opening of each passage and one window after it, see
# embed.passage_text / window_texts), so it weighs 3x; a small k lets the top of each list decide.
# With the windows k 10 beats k 20 on all three sets (bench/README.md "Passage windows").
RRF_K = 10
LEG_DEPTH = 50
DENSE_WEIGHT = 1.0
BM25_WEIGHT = 3.0
SELF_DESCRIPTION_WEIGHT = 0.5
# Jaccard similarity of word 4-gram shingles above which two chunks count as one.
DUPLICATE_JACCARD = 0.6

# plan -> first words of the heading that opens that plan in the handreiking (rules/annotations.yaml).
PLAN_HEADINGS: dict[str, str] = plan_headings()

MODES = ("hybrid", "dense", "bm25")


# --------------------------------------------------------------------------- filters


@dataclass(frozen=True)
class Filters:
    doc_ids: frozenset[str] = frozenset()
    legal_era: str | None = None
    plan: str | None = None

    @classmethod
    def from_where(cls, where: Mapping[str, Any] | None) -> "Filters":
        if not where:
            return cls()
        unknown = set(where) - {"doc_id", "legal_era", "plan"}
        if unknown:
            raise ValueError(f"Onbekend filter: {', '.join(sorted(unknown))} (geldig: doc_id, legal_era, plan)")
        doc = where.get("doc_id")
        doc_ids = frozenset([doc] if isinstance(doc, str) else (doc or ()))
        plan = where.get("plan")
        if plan is not None and plan not in PLAN_HEADINGS:
            raise ValueError(f"Onbekend stappenplan: {plan} (geldig: {', '.join(PLAN_HEADINGS)})")
        return cls(doc_ids=doc_ids, legal_era=where.get("legal_era"), plan=plan)

    @property
    def empty(self) -> bool:
        return not self.doc_ids and self.legal_era is None and self.plan is None

    def matches(self, chunk: Chunk) -> bool:
        if self.doc_ids and chunk.doc_id not in self.doc_ids:
            return False
        if self.legal_era is not None and chunk.legal_era != self.legal_era:
            return False
        if self.plan is not None:
            prefix = PLAN_HEADINGS[self.plan]
            if not any(fold(h).strip().startswith(prefix) for h in chunk.heading_path):
                return False
        return True

    def chroma_where(self) -> dict[str, Any] | None:
        """The part Chroma can filter on natively (plan is a heading prefix: post-filtered)."""
        clauses: list[dict[str, Any]] = []
        if len(self.doc_ids) == 1:
            clauses.append({"doc_id": next(iter(self.doc_ids))})
        elif self.doc_ids:
            clauses.append({"doc_id": {"$in": sorted(self.doc_ids)}})
        if self.legal_era is not None:
            clauses.append({"legal_era": self.legal_era})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


# --------------------------------------------------------------------------- query


def redact_for_retrieval(query: str, vocab: Mapping[str, int] | None = None) -> str:
    """The query without personal names, BSNs and dates of birth: they can only add noise, and a
    question about "Jan de Vries" must retrieve (and be refused or answered) exactly like one about
    "mijn cliënt". A capitalised span (privacy._name_spans) counts as a name only when none of its
    capitalised words is a word of the corpus (`vocab`: BM25 stems), so "Verdrag van Istanboel",
    "Koninklijke Marechaussee" or "Aanwijzing Wjsg" stay."""
    from . import privacy

    spans: list[tuple[int, int]] = []
    for f in privacy.detect_personal_data(query):
        spans.extend(f.parts if f.kind != "bsn" else [f.span])
    for a, b in privacy._name_spans(query):
        caps = [w for w in query[a:b].replace("-", " ").split() if w[:1].isupper()]
        caps = [w.strip(".,") for w in caps if fold(w.strip(".,")) not in privacy._TITLES]
        if vocab is not None and any(stem(fold(w)) in vocab for w in caps):
            continue
        spans.append((a, b))
    if not spans:
        return query
    out, pos = [], 0
    for a, b in sorted(spans):
        if a < pos:
            continue
        out.append(query[pos:a])
        pos = b
    out.append(query[pos:])
    return " ".join("".join(out).split())


# --------------------------------------------------------------------------- fusion


def lexical_query(query: str, self_weight: float = SELF_DESCRIPTION_WEIGHT) -> list[tuple[str, float]]:
    """BM25 query parts: an opening self-description ("Ik ben procesregisseur in het
    Veiligheidshuis.") counts at `self_weight`. At full weight its words (the asker's
    organisation, role) outscore the passage that answers the actual question; the dense leg
    keeps the whole question, where the role helps."""
    intro, rest = split_self_description(query)
    return [(rest, 1.0), (intro, self_weight)] if intro else [(query, 1.0)]


def rrf_fuse(
    legs: Sequence[Sequence[Chunk]],
    weights: Sequence[float],
    rrf_k: float = RRF_K,
) -> list[tuple[Chunk, float]]:
    """Weighted reciprocal rank fusion of ranked chunk lists (rank 1 = best)."""
    scores: dict[str, float] = {}
    by_id: dict[str, Chunk] = {}
    first_seen: dict[str, tuple[int, int]] = {}
    for leg_no, (leg, w) in enumerate(zip(legs, weights)):
        for rank, chunk in enumerate(leg, start=1):
            scores[chunk.id] = scores.get(chunk.id, 0.0) + w / (rrf_k + rank)
            by_id.setdefault(chunk.id, chunk)
            first_seen.setdefault(chunk.id, (rank, leg_no))
    order = sorted(scores, key=lambda cid: (-scores[cid], first_seen[cid]))
    return [(by_id[cid], scores[cid]) for cid in order]


def shingles(text: str, n: int = 4) -> frozenset[int]:
    toks = words(fold(text))
    if len(toks) < n:
        return frozenset([hash(tuple(toks))])
    return frozenset(hash(tuple(toks[i : i + n])) for i in range(len(toks) - n + 1))


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def collapse_duplicates(
    ranked: Iterable[tuple[Chunk, float]],
    k: int,
    signature,
    threshold: float = DUPLICATE_JACCARD,
) -> list[tuple[Chunk, float]]:
    """Keep the best-ranked chunk of each group of near-identical texts, up to k results."""
    kept: list[tuple[Chunk, float]] = []
    sigs: list[frozenset[int]] = []
    for chunk, score in ranked:
        sig = signature(chunk)
        if any(jaccard(sig, s) >= threshold for s in sigs):
            continue
        kept.append((chunk, score))
        sigs.append(sig)
        if len(kept) >= k:
            break
    return kept


@dataclass(frozen=True)
class RetrievalResult:
    passages: list[Passage]
    relevance: Relevance
    # The dense leg as the refusal evidence sees it: ranked by the passages' own vectors, without
    # their windows (the refusal model was fitted on those cosines; a passage's best of two vectors
    # runs higher, most for questions the corpus does not answer). The fused ranking uses the windows.
    dense: list[Passage]
    bm25: list[Passage]


# --------------------------------------------------------------------------- retriever


class Retriever:
    def __init__(
        self,
        settings: Settings,
        store,
        *,
        rrf_k: float = RRF_K,
        depth: int = LEG_DEPTH,
        dense_weight: float = DENSE_WEIGHT,
        bm25_weight: float = BM25_WEIGHT,
        dedupe: bool = True,
        rerank: RerankModel | None | bool = True,
    ):
        self.settings = settings
        self.store = store
        self.rrf_k = rrf_k
        self.depth = depth
        self.weights = (dense_weight, bm25_weight)
        self.dedupe = dedupe
        # The second stage (rerank.py): True = the fitted model file (read on first use, so that
        # `bench.rerank_fit` can collect its data while the file is stale); None/False = the fused order.
        self._rerank = rerank
        self._sig_cache: dict[str, frozenset[int]] = {}
        self._step_cache: dict[tuple[str, str, str | None], Chunk | None] = {}
        # (index generation, its BM25 index, the second stage's term sets of that index)
        self._bm25: tuple[str, BM25Index, PassageTerms] | None = None
        self._lock = threading.Lock()

    # -- legs

    @property
    def bm25(self) -> BM25Index:
        """The BM25 index of the store's active generation, loaded once per generation: a re-ingest
        that flips the index gives the next call the new one (and forgets the step passages)."""
        generation = self.store.generation()
        with self._lock:
            if self._bm25 is None or self._bm25[0] != generation:
                index = load_bm25(self.store, self.settings.data_dir / "bm25")
                self._bm25 = (generation, index, PassageTerms(index))
                self._step_cache.clear()
            return self._bm25[1]

    @property
    def rerank_model(self) -> RerankModel | None:
        return rerank_model() if self._rerank is True else (self._rerank or None)

    def _passage_terms(self) -> PassageTerms:
        self.bm25  # noqa: B018 - loads the index of the active generation (and its term sets)
        assert self._bm25 is not None
        return self._bm25[2]

    def dense_leg(self, query: str, depth: int, filters: Filters, windows: bool = True) -> list[Passage]:
        # The plan filter is applied afterwards, so ask for more to keep `depth` results.
        ask = depth if filters.plan is None else depth * 4
        hits = self.store.dense_search(query, ask, where=filters.chroma_where(), windows=windows)
        return [p for p in hits if filters.matches(p.chunk)][:depth]

    def bm25_leg(self, query: str, depth: int, filters: Filters) -> list[Passage]:
        index = self.bm25
        mask = None
        if not filters.empty:
            mask = np.fromiter((filters.matches(c) for c in index.chunks), dtype=bool, count=len(index))
        return [
            Passage(chunk=index.chunks[h.index], score=h.score, rank=r)
            for r, h in enumerate(index.search(lexical_query(query), depth, mask=mask), start=1)
        ]

    # -- public API

    def search(
        self, query: str, k: int | None = None, mode: str | None = None, where: Mapping[str, Any] | None = None
    ) -> list[Passage]:
        return self.retrieve(query, k=k, mode=mode, where=where, assess=False).passages

    def retrieve(
        self,
        query: str,
        k: int | None = None,
        mode: str | None = None,
        where: Mapping[str, Any] | None = None,
        assess: bool = True,
    ) -> RetrievalResult:
        """Passages plus the evidence the refusal decision needs (both legs are kept)."""
        k = k or self.settings.top_k
        mode = mode or self.settings.retrieval_mode
        if mode not in MODES:
            raise ValueError(f"Onbekende zoekmodus: {mode} (geldig: {', '.join(MODES)})")
        filters = Filters.from_where(where)
        query = redact_for_retrieval(query, self.bm25.vocab)
        # The relevance check always needs both legs; a single-leg search skips the other.
        need_dense = mode != "bm25" or assess
        need_bm25 = mode != "dense" or assess
        # Both legs must read the same index generation: a re-ingest may switch the active
        # collection between them (dense resolves it per query, BM25 per generation), and a mixed
        # result would cite chunks of two versions. Retry until the generation held still.
        for _ in range(5):
            generation = self.store.generation()
            dense = self.dense_leg(query, self.depth, filters) if need_dense else []
            evidence = self.dense_leg(query, self.depth, filters, windows=False) if assess else dense
            lexical = self.bm25_leg(query, self.depth, filters) if need_bm25 else []
            if self.store.generation() == generation:
                break

        if mode == "dense":
            ranked = [(p.chunk, p.score) for p in dense]
        elif mode == "bm25":
            ranked = [(p.chunk, p.score) for p in lexical]
        else:
            ranked = self._fused(dense, lexical, k)
            model = self.rerank_model
            if model is not None:
                pool = ranked[:POOL]
                ranked = reorder(pool, self._features(query, pool, dense, lexical), model) + ranked[POOL:]
        if self.dedupe:
            ranked = collapse_duplicates(ranked, k, self._signature)
        passages = [Passage(chunk=c, score=float(s), rank=r) for r, (c, s) in enumerate(ranked[:k], start=1)]
        relevance = self._assess(query, passages, evidence, lexical) if assess else Relevance(True, "niet beoordeeld")
        return RetrievalResult(passages=passages, relevance=relevance, dense=evidence, bm25=lexical)

    def rerank_candidates(self, query: str) -> tuple[list[Chunk], np.ndarray]:
        """The second stage's input for `query` (no filters): the fused candidates it re-orders, in
        fused order, and their features (rerank.FEATURES). `bench.rerank_fit` fits on exactly this."""
        query = redact_for_retrieval(query, self.bm25.vocab)
        dense = self.dense_leg(query, self.depth, Filters())
        lexical = self.bm25_leg(query, self.depth, Filters())
        pool = self._fused(dense, lexical, POOL)[:POOL]
        return [c for c, _ in pool], self._features(query, pool, dense, lexical)

    def assess_relevance(self, query: str, passages: Sequence[Passage] | None = None) -> Relevance:
        """Refusal signal for `query` (re-runs both legs; cheap: ~30 ms dense + <1 ms BM25)."""
        filters = Filters()
        query = redact_for_retrieval(query, self.bm25.vocab)
        dense = self.dense_leg(query, self.depth, filters, windows=False)
        lexical = self.bm25_leg(query, self.depth, filters)
        if passages is None:
            passages = self.search(query)
        return self._assess(query, list(passages), dense, lexical)

    def is_out_of_corpus(self, query: str, passages: Sequence[Passage] | None = None) -> bool:
        return not self.assess_relevance(query, passages).in_corpus

    # -- internals

    def step_passage(self, heading: str, anchor: str = "", plan: str | None = None) -> Chunk | None:
        """The passage a rule step rests on (deelwijzer.step_passage), remembered per step: a lookup
        scans every chunk (~1 s at 79k chunks) and a rule set has a few hundred steps. The memory is
        emptied whenever the BM25 index moves to a new generation, so it never outlives its chunks."""

        key = (heading, anchor, plan)
        chunks = self.bm25.chunks  # first: a new generation empties the memory
        if key not in self._step_cache:
            self._step_cache[key] = passage_for_step(chunks, heading, anchor, plan)
        return self._step_cache[key]

    def _fused(self, dense: Sequence[Passage], lexical: Sequence[Passage], k: int) -> list[tuple[Chunk, float]]:
        """RRF of the two legs; near-duplicates collapsed already here, so the second stage's pool
        holds distinct passages (deep enough for the pool and for k)."""
        ranked = rrf_fuse([[p.chunk for p in dense], [p.chunk for p in lexical]], self.weights, self.rrf_k)
        if self.dedupe:
            ranked = collapse_duplicates(ranked, max(k, POOL), self._signature)
        return ranked

    def _features(self, query: str, pool: Sequence[tuple[Chunk, float]], dense: Sequence[Passage],
                  lexical: Sequence[Passage]) -> np.ndarray:
        terms = self._passage_terms()
        return candidate_features(query, terms.index, terms, pool, dense, lexical, self.depth,
                                  max_fused=sum(self.weights) / (self.rrf_k + 1))

    def _signature(self, chunk: Chunk) -> frozenset[int]:
        sig = self._sig_cache.get(chunk.id)
        if sig is None:
            sig = self._sig_cache[chunk.id] = shingles(chunk.text)
        return sig

    def _assess(
        self, query: str, passages: Sequence[Passage], dense: Sequence[Passage], lexical: Sequence[Passage]
    ) -> Relevance:
        return assess_evidence(query, self.bm25, passages, dense, lexical)
