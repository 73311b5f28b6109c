"""Refusal: does the corpus answer the question at all?

The retriever hands over the fused top passages and both legs (dense and BM25); this module turns
them into evidence features and a fitted decision (`assess_evidence`). Kept apart from retrieval so
that ranking and the refusal model can change independently (the model is re-fitted by
`python -m bench.refusal_fit --write` whenever ranking changes).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

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
    # a party the question names as asker or giver that the handvatten never name (`outside_party`)
    outside_party: str | None = None



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


# A sharing decision is placed in a stappenplan by its parties: who asks for the data and who would
# give it (issue 14 item 3). A party the question names in one of those two places that the handvatten
# never mention and that no stappenplan role or recipient maps ("Mag de bank dit melden …", "De brandweer
# vraagt de gemeente …") is evidence of a different kind than weak word overlap: no stappenplan can
# place the question. Slots, over folded text:
_DET = r"(?:de|het|een|onze|mijn|die|deze)"
_NOUN = r"(?P<words>[\w-]+(?:\s+[\w-]+)?)"  # the party's noun, or an adjective and the noun ("de Belgische jeugdhulp")
_PARTY_SLOTS = (
    # the giving (or receiving) party as the subject of a modal: "Mag de bank dit melden"
    re.compile(rf"\b(?:mag|mogen|moet|moeten|kan|kunnen)\s+{_DET}\s+{_NOUN}"),
    # the asking party as the subject of a request opening a clause: "De brandweer vraagt de gemeente"
    re.compile(rf"(?:^|[.?!;:]\s+|\b(?:en|maar|omdat|nu|als)\s+){_DET}\s+{_NOUN}(?:\s+[\w-]+){{0,3}}?\s+"
               r"(?:vraagt|vragen|wil|willen|verzoekt|verzoeken|eist|eisen|vordert|vorderen)\b"),
)
# Private persons around the data subject are not parties the stappenplannen place by name (the
# handvatten write "ouders", "gezinsleden"); their requests are about consent and access.
_PRIVATE_PERSONS = frozenset({
    "vader", "moeder", "ouder", "zoon", "dochter", "broer", "zus", "zuster", "opa", "oma", "grootouder", "kind",
    "partner", "echtgenoot", "echtgenote", "man", "vrouw", "vriend", "vriendin", "buurman", "buurvrouw", "tante",
    "oom", "neef", "nicht", "stiefvader", "stiefmoeder", "pleegouder", "pleegvader", "pleegmoeder"})


def _maps_to_a_party(word: str) -> bool:
    """True when the routing or the fact extractor places `word` as a role or a recipient (the one
    source of those words; e.g. "agent" is a role although the handvatten write "politie")."""
    from .facts import extract_deterministic
    from .route import detect_rol

    if detect_rol(f"ik ben {word}") is not None:
        return True
    return any(extract_deterministic(probe).get("ontvanger")
               for probe in (f"mag ik dit delen met de {word}?", f"mag ik de {word} informeren?"))


def outside_party(query: str, index: BM25Index) -> str | None:
    """The first party named as asker or giver that the corpus never uses (nor its compound parts),
    that is no private person and that maps to no role or recipient; None when there is none."""
    text = fold(query, single_spaces=True)

    def unknown(word: str) -> bool:
        qw = query_words(word, index)
        return bool(qw) and not qw[0].term_ids

    for slot in _PARTY_SLOTS:
        for m in slot.finditer(text):
            first, *rest = m.group("words").split()
            word = first
            if unknown(first) and first.endswith("e") and rest:
                word = rest[0]  # an inflected adjective the corpus never uses ("Belgische"): its noun
            if (len(word) >= 3 and word not in STOPWORDS and word not in _PRIVATE_PERSONS and unknown(word)
                    and not _maps_to_a_party(word)):
                return word
    return None


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


# Refusal model: a logistic regression over some of `evidence_features` (standardised), fitted by
# `python -m bench.refusal_fit --write` on the tuning questions only (independent-dev retrieval +
# refusal cases, seed, corpus; never the frozen split), which writes MODEL_PATH. Two thresholds on
# its score, both chosen on cross-validated scores:
# - `refuse_below`: a question that is not a sharing decision is refused below it (set on the
#   answerable questions that are not sharing decisions);
# - `refuse_sharing_below`: a sharing decision is refused only on strong evidence (issue 15: never on
#   weak lexical evidence alone): its score is below this stricter threshold AND the question names
#   no party of the stappenplannen (`names_a_stappenplan_party`). Set so that at most a small share
#   of the answerable sharing questions (those of the tuning suites plus the stappenplannen's own
#   dev questions) would be refused.
# Figures (fit, CV, margin): bench/README.md "Refusal". Re-fit when the corpus, chunker, embedder or
# fusion changes.
MODEL_PATH = Path(__file__).with_name("refusal_model.json")
# Tiny index (no dense tail to compare with, e.g. unit tests): coverage decides alone.
REFUSE_BELOW_COVERAGE_ONLY = 0.41


@dataclass(frozen=True)
class RefusalModel:
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    refuse_below: float
    refuse_sharing_below: float

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> "RefusalModel":
        raw = json.loads(path.read_text(encoding="utf-8"))
        missing = [k for k in ("features", "mean", "scale", "coef", "intercept", "refuse_below", "refuse_sharing_below")
                   if k not in raw]
        if missing:
            raise ValueError(f"{path}: missing {', '.join(missing)} (re-run python -m bench.refusal_fit --write)")
        model = cls(tuple(raw["features"]), tuple(raw["mean"]), tuple(raw["scale"]), tuple(raw["coef"]),
                    float(raw["intercept"]), float(raw["refuse_below"]), float(raw["refuse_sharing_below"]))
        if not (len(model.features) == len(model.mean) == len(model.scale) == len(model.coef)):
            raise ValueError(f"{path}: features, mean, scale and coef differ in length")
        return model

    def to_json(self, fit: Mapping[str, object]) -> str:
        """The file `bench.refusal_fit --write` writes: the model plus how it was fitted."""
        return json.dumps({"features": list(self.features), "mean": list(self.mean), "scale": list(self.scale),
                           "coef": list(self.coef), "intercept": self.intercept,
                           "refuse_below": self.refuse_below, "refuse_sharing_below": self.refuse_sharing_below,
                           "fit": dict(fit)}, indent=1, ensure_ascii=False) + "\n"

    def score(self, features: Mapping[str, float]) -> float:
        """Decision value (log-odds that the handvatten answer the question)."""
        z = self.intercept
        for name, mean, scale, coef in zip(self.features, self.mean, self.scale, self.coef):
            z += coef * (features[name] - mean) / scale
        return float(z)


@lru_cache(maxsize=1)
def refusal_model() -> RefusalModel:
    return RefusalModel.load()


# The facts that place a question inside the stappenplannen: the asker's role (stated or implied by
# the situation), a recipient the fact dictionary knows, or a plan named outright.
SCOPE_FACTS = ("rol", "plan", "ontvanger")


def names_a_stappenplan_party(facts: Mapping[str, object]) -> bool:
    """True when the facts read from the question (or given) hold a role, plan or recipient that
    the stappenplannen deal with. Without any of them a "sharing" question is about an asker, a
    recipient or an act (storage, a camera, the cloud, a bank, the dierenpolitie) the handvatten
    do not decide."""
    return any(facts.get(name) for name in SCOPE_FACTS)


def refuse_sharing_decision(score: float | None, facts: Mapping[str, object], party: str | None = None) -> bool:
    """Whether a sharing decision is refused: only when two signals say so.
    - The question names, as asker or giver, a party the handvatten never name and no stappenplan
      maps (`outside_party`): no stappenplan can place it, so the ordinary threshold `refuse_below`
      applies, whatever else it names (the bank's report to Veilig Thuis).
    - Otherwise: the score below the stricter `refuse_sharing_below` and no party of the
      stappenplannen named.
    No score (tiny index, nothing assessed): never."""
    if score is None:
        return False
    if party is not None:
        return score < refusal_model().refuse_below
    if names_a_stappenplan_party(facts):
        return False
    return score < refusal_model().refuse_sharing_below


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
    party = outside_party(query, index)
    if not passages:
        return Relevance(False, "niets gevonden", coverage, unknown, margin, details, party)
    if margin is None:
        if coverage < REFUSE_BELOW_COVERAGE_ONLY:
            return Relevance(False, f"zwak bewijs: dekking zoekwoorden {coverage:.2f}", coverage, unknown, margin,
                             details, party)
        return Relevance(True, "voldoende bewijs in de handvatten", coverage, unknown, margin, details, party)
    model = refusal_model()
    score = model.score(features)
    details["score"] = score
    if score < model.refuse_below:
        reason = f"zwak bewijs: score {score:.2f} < {model.refuse_below:.2f} (dekking zoekwoorden {coverage:.2f}"
        if unknown:
            reason += f", onbekend in de handvatten: {', '.join(unknown[:4])}"
        return Relevance(False, reason + ")", coverage, unknown, margin, details, party)
    return Relevance(True, "voldoende bewijs in de handvatten", coverage, unknown, margin, details, party)
