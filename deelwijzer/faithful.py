"""Which sentences of a language model's draft the passages it was shown carry (issue 13, item 3).

A small model copies, echoes or distorts: measured with the 0.5B local model, it turned "must be
free to refuse consent" into "cannot give consent" and repeated the question as its answer. A
sentence of a model's draft is kept only when

1. it states something: at least MIN_TERMS content terms; it is not a question, not the user's
   question repeated (nearly all its terms are the question's), not an echo of the prompt (a
   "Vraag:" line, a heading path with "›"), not a repeat of a kept sentence and not the last words
   cut off at the token limit;
2. most of its content terms (SUPPORT_SHARE, stems) occur in the passages the model was shown;
3. its negation (niet/geen/nooit) agrees with the passage sentences closest to it: a dropped or
   added "niet" flips a rule while keeping nearly every word.

A kept sentence without a [n] of its own (the model copied a passage without citing it) gets the
number of the shown passage that carries it best, so its source is the right one.

Lexical, so it is a floor, not a proof: a sentence that keeps the words but swaps who shares with
whom passes. The guard's verdict filter applies afterwards as to any draft. The rules for echoes
and cut-off sentences come from what the 0.5B model wrote on the dev sample (bench/llm_mode.py).
"""

from __future__ import annotations

import re
from typing import Mapping, Sequence

from deelwijzer.guard import draft_sentences
from deelwijzer.textnorm import analyze, fold, split_sentences_nl

MIN_TERMS = 3
SUPPORT_SHARE = 0.7  # share of a sentence's content terms found in the shown passages
NEAR_SHARE = 0.8  # source sentences this close to the best match count for the negation check
ECHO_SHARE = 0.8  # a sentence with this share of its terms from the question ...
ECHO_NEW_TERMS = 2  # ... and fewer new terms than this repeats the question
_CITE = re.compile(r"\[(\d+)\]")
_NEGATION = re.compile(r"\b(niet|geen|nooit)\b")
_LABEL = re.compile(r"^\s*(?:[-*•]\s*)?antwoord\s*:\s*", re.IGNORECASE)  # the prompt's "Antwoord:" copied
_PROMPT_ECHO = re.compile(r"^\s*(vraag|passages?)\s*:|›", re.IGNORECASE)
_LEAD_LABEL = re.compile(r"^[^.:;?!]{2,60}:\s+")
_ENDS = re.compile(r"([.!?:;)\]\"”’]|\[\d+\])\s*$")


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


def _echoes(terms: set[str], question_terms: frozenset[str]) -> bool:
    return bool(question_terms) and (len(terms & question_terms) >= ECHO_SHARE * len(terms)
                                     and len(terms - question_terms) < ECHO_NEW_TERMS)


def _body(sentence: str) -> str:
    return _CITE.sub("", sentence).strip().lstrip("-*• ").strip()


def states_nothing(sentence: str, question_terms: frozenset[str] = frozenset()) -> bool:
    """Too short, a question, the user's question repeated or the prompt echoed: nothing to keep,
    and nothing the model claimed either."""
    body = _body(sentence)
    if body.endswith("?") or _PROMPT_ECHO.search(body):
        return True
    terms = set(analyze(body))
    # The question may come back behind a label ("De regie- of coördinatietaken: <the question>").
    unlabelled = set(analyze(_LEAD_LABEL.sub("", body, count=1)))
    return len(terms) < MIN_TERMS or _echoes(terms, question_terms) or _echoes(unlabelled, question_terms)


def supported(sentence: str, source_sentences: Sequence[tuple[frozenset[str], bool]],
              source_terms: frozenset[str]) -> bool:
    """Do the shown passages carry this claim of a model's draft (terms and negation)?"""
    body = _body(sentence)
    terms = set(analyze(body))
    if not terms or len(terms & source_terms) < SUPPORT_SHARE * len(terms):
        return False
    overlaps = [(len(terms & t), neg) for t, neg in source_sentences]
    best = max((o for o, _ in overlaps), default=0)
    if best == 0:
        return False
    near = {neg for o, neg in overlaps if o >= NEAR_SHARE * best}
    return _negated(body) in near


def _best_source(sentence: str, by_number: Mapping[int, frozenset[str]]) -> int | None:
    terms = set(analyze(_CITE.sub("", sentence)))
    best = max(by_number, key=lambda n: (len(terms & by_number[n]), -n), default=None)
    return best if best is not None and terms & by_number[best] else None


def keep_supported(draft: str, sources: Mapping[int, str], question: str = "") -> tuple[str, int]:
    """The draft with only its supported sentences (line structure kept), and how many claims were
    dropped because the passages do not carry them. `sources`: the shown passages by their number
    [n]. What states nothing (a bare "[1]", an echo, words cut off at the token limit) is dropped
    without counting: there is nothing to be wrong about."""
    source_sentences = _source_sentences(list(sources.values()))
    source_terms = frozenset().union(*(t for t, _ in source_sentences)) if source_sentences else frozenset()
    by_number = {n: frozenset(analyze(text)) for n, text in sources.items()}
    question_terms = frozenset(analyze(question))
    pieces = [(i, s) for i, line in enumerate(draft.strip().split("\n")) for s in draft_sentences(line)]
    pieces = [(i, _LABEL.sub("", s)) for i, s in pieces if _CITE.sub("", s).strip(" -*•.\t")]
    if pieces and not _ENDS.search(pieces[-1][1]):
        pieces.pop()  # the last words, cut off at the token limit: not counted, nothing was stated
    dropped = 0
    lines: dict[int, list[str]] = {}
    seen: set[str] = set()
    for i, sentence in pieces:
        said = " ".join(_body(sentence).casefold().split())
        if states_nothing(sentence, question_terms) or said in seen:
            continue  # a repeated sentence adds nothing (the 0.5B model repeats lines)
        seen.add(said)
        if not supported(sentence, source_sentences, source_terms):
            dropped += 1
            continue
        sentence = sentence.strip()
        if not _CITE.search(sentence):
            n = _best_source(sentence, by_number)
            sentence = f"{sentence} [{n}]" if n is not None else sentence
        lines.setdefault(i, []).append(sentence)
    return "\n".join(" ".join(kept) for kept in lines.values()).strip(), dropped
