"""Which sentences of a language model's draft the passages it was shown carry (issue 13, item 3).

A small model copies, echoes or distorts: measured with the 0.5B local model, it turned "must be
free to refuse consent" into "cannot give consent" and repeated the question as its answer. A
sentence of a model's draft is kept only when

1. it states something: at least MIN_TERMS content terms, and it is not a question (an echo);
2. most of its content terms (SUPPORT_SHARE, stems) occur in the passages the model was shown;
3. its negation (niet/geen/nooit) agrees with the passage sentences closest to it: a dropped or
   added "niet" flips a rule while keeping nearly every word.

Lexical, so it is a floor, not a proof: a sentence that keeps the words but swaps who shares with
whom passes. The guard's verdict filter applies afterwards as to any draft.
"""

from __future__ import annotations

import re
from typing import Sequence

from deelwijzer.guard import draft_sentences
from deelwijzer.textnorm import analyze, fold, split_sentences_nl

MIN_TERMS = 3
SUPPORT_SHARE = 0.7  # share of a sentence's content terms found in the shown passages
NEAR_SHARE = 0.8  # source sentences this close to the best match count for the negation check
_CITE = re.compile(r"\[\d+\]")
_NEGATION = re.compile(r"\b(niet|geen|nooit)\b")


def _negated(text: str) -> bool:
    return bool(_NEGATION.search(fold(text)))


def _source_sentences(sources: Sequence[str]) -> list[tuple[frozenset[str], bool]]:
    out = []
    for text in sources:
        for line in re.split(r"\n\s*\n|\n(?=\s*[-*•\d])", text):
            for s in split_sentences_nl(line):
                terms = frozenset(analyze(s))
                if terms:
                    out.append((terms, _negated(s)))
    return out


def supported(sentence: str, source_sentences: Sequence[tuple[frozenset[str], bool]],
              source_terms: frozenset[str]) -> bool:
    """Does the shown text carry this sentence of a model's draft (see the module docstring)?"""
    body = _CITE.sub("", sentence).strip().lstrip("-*• ").strip()
    if body.endswith("?"):
        return False
    terms = set(analyze(body))
    if len(terms) < MIN_TERMS:
        return False
    if len(terms & source_terms) < SUPPORT_SHARE * len(terms):
        return False
    overlaps = [(len(terms & t), neg) for t, neg in source_sentences]
    best = max((o for o, _ in overlaps), default=0)
    if best == 0:
        return False
    near = {neg for o, neg in overlaps if o >= NEAR_SHARE * best}
    return _negated(body) in near


def keep_supported(draft: str, sources: Sequence[str]) -> tuple[str, int]:
    """The draft with only its supported sentences (line structure kept), and how many were dropped.
    A bare citation line ("[1]") is dropped without counting: it states nothing to be wrong about."""
    source_sentences = _source_sentences(sources)
    source_terms = frozenset().union(*(t for t, _ in source_sentences)) if source_sentences else frozenset()
    dropped = 0
    lines = []
    for line in draft.split("\n"):
        kept = []
        for sentence in draft_sentences(line):
            if not _CITE.sub("", sentence).strip(" -*•.\t"):
                continue
            if supported(sentence, source_sentences, source_terms):
                kept.append(sentence.strip())
            else:
                dropped += 1
        if kept:
            lines.append(" ".join(kept))
    return "\n".join(lines).strip(), dropped
