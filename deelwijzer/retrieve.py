"""Hybrid retrieval: dense (Chroma) + BM25, fused with reciprocal rank fusion.

* Both legs see the same metadata filters (`where`: doc_id, legal_era, plan).
* Fusion is weighted RRF: score = sum_leg w_leg / (RRF_K + rank_leg). Rank-based, so the
  anisotropic cosine of the embedder and the unbounded BM25 score never need calibrating.
* Near-duplicates are collapsed at ranking time: the handvat for Veiligheidshuizen repeats
  whole paragraphs across partner sections, and five copies must not fill the top five.
* `assess_relevance` tells the answer layer whether the corpus holds an answer at all (the
  refusal signal), from lexical evidence plus the dense leg's rank statistics.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .bm25 import BM25Index, get_bm25
from .config import Settings
from .models import Chunk, Passage
from .route import split_self_description
from .rules.render import plan_headings
from .step_passage import passage_for_step
from .textnorm import STOPWORDS, fold, stem, words

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


# --------------------------------------------------------------------------- relevance


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
    ):
        self.settings = settings
        self.store = store
        self.rrf_k = rrf_k
        self.depth = depth
        self.weights = (dense_weight, bm25_weight)
        self.dedupe = dedupe
        self._sig_cache: dict[str, frozenset[int]] = {}
        self._step_cache: dict[tuple[str, str, str | None], Chunk | None] = {}
        self._cache_key = f"{settings.resolved_chroma_path}|{settings.chroma_host}|{settings.collection}"

    # -- legs

    @property
    def bm25(self) -> BM25Index:
        return get_bm25(self.store, self._cache_key, self.settings.data_dir / "bm25")

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
            ranked = rrf_fuse([[p.chunk for p in dense], [p.chunk for p in lexical]], self.weights, self.rrf_k)
        if self.dedupe:
            ranked = collapse_duplicates(ranked, k, self._signature)
        passages = [Passage(chunk=c, score=float(s), rank=r) for r, (c, s) in enumerate(ranked[:k], start=1)]
        relevance = self._assess(query, passages, evidence, lexical) if assess else Relevance(True, "niet beoordeeld")
        return RetrievalResult(passages=passages, relevance=relevance, dense=evidence, bm25=lexical)

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
        scans every chunk (~1 s at 79k chunks) and a rule set has a few hundred steps. A Retriever
        serves one index generation (get_retriever), so the memory never outlives its chunks."""

        key = (heading, anchor, plan)
        if key not in self._step_cache:
            self._step_cache[key] = passage_for_step(self.bm25.chunks, heading, anchor, plan)
        return self._step_cache[key]

    def _signature(self, chunk: Chunk) -> frozenset[int]:
        sig = self._sig_cache.get(chunk.id)
        if sig is None:
            sig = self._sig_cache[chunk.id] = shingles(chunk.text)
        return sig

    def _assess(
        self, query: str, passages: Sequence[Passage], dense: Sequence[Passage], lexical: Sequence[Passage]
    ) -> Relevance:
        return assess_evidence(query, self.bm25, passages, dense, lexical)


# --------------------------------------------------------------------------- refusal rule


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


def assess_relevance(query: str, passages: Sequence[Passage], settings: Settings) -> Relevance:
    """Refusal signal for the answer layer: `in_corpus=False` means say it is not in the handvatten."""
    return get_retriever(settings).assess_relevance(query, passages)


# --------------------------------------------------------------------------- process cache

_RETRIEVERS: dict[tuple[str, str], Retriever] = {}
_LOCK = threading.Lock()


def get_retriever(settings: Settings) -> Retriever:
    """One Retriever per (settings, index generation) per process."""
    from .store import open_store

    store = open_store(settings)
    key = (settings.model_dump_json(), store.generation())
    with _LOCK:
        hit = _RETRIEVERS.get(key)
        if hit is None:
            skey = key[0]
            for old in [k for k in _RETRIEVERS if k[0] == skey]:
                del _RETRIEVERS[old]
            hit = _RETRIEVERS[key] = Retriever(settings, store)
        return hit
