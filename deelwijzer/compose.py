"""Extractive composer: the answer without a language model.

Picks the sentences from the top passages that share the most content words with the question
and presents them with their passage number [n]. It never invents text; the verdict block is
added afterwards by the guard from the engine's Verdict."""

from __future__ import annotations

import re
from typing import Sequence

from deelwijzer.models import Passage
from deelwijzer.route import fold

# Function words and question filler that say nothing about the topic.
STOPWORDS = frozenset(
    """aan al alle als bij dan dat de den der des deze die dit door een en er gaat geen had heb hebben heeft het
    hier hij hoe hun ik in is je jij kan kun kunnen maar meer met mij mijn moet moeten na naar niet nog nu of om
    onder ons onze ook op over te tot u uit uw van veel voor waar wat we wel welke wie wij wil wilt word worden
    wordt zal ze zich zij zijn zo zonder mag mogen dus even per ben bent was waren geen echt volgens precies
    iemand iets welk wanneer waarom daar dat hem haar hen gaan doen gedaan""".split()
)
MAX_SENTENCES = 4
TOP_PASSAGES = 4
MIN_SENTENCE_CHARS = 30
MAX_SENTENCE_CHARS = 500

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(“])|\n{2,}|\n(?=[-•*] )")
_WORD = re.compile(r"[a-z0-9]+")
_LIST_MARK = re.compile(r"^[-•*–]\s+")


def terms(text: str) -> set[str]:
    """Content-word stems: folded, stopwords out, cut to 6 letters so 'delen'/'gedeeld' stay
    apart but 'verstrekking'/'verstrekken' meet."""
    return {w[:6] for w in _WORD.findall(fold(text)) if len(w) > 2 and w not in STOPWORDS}


def split_sentences(text: str) -> list[str]:
    out = []
    for piece in _SENTENCE.split(text):
        s = " ".join(piece.split())
        if MIN_SENTENCE_CHARS <= len(s) <= MAX_SENTENCE_CHARS:
            out.append(s)
    return out


def select_sentences(question: str, passages: Sequence[Passage]) -> list[tuple[int, str]]:
    """(passage number, sentence), best first. Ties go to the higher-ranked passage."""
    q = terms(question)
    scored: list[tuple[float, int, int, str]] = []
    for n, passage in enumerate(passages[:TOP_PASSAGES], start=1):
        for i, sentence in enumerate(split_sentences(passage.chunk.text)):
            overlap = len(q & terms(sentence))
            if overlap:
                # Slight preference for the better-ranked passage and earlier sentences.
                scored.append((overlap - 0.1 * (n - 1) - 0.01 * i, n, i, sentence))
    scored.sort(key=lambda t: -t[0])
    chosen: list[tuple[int, str]] = []
    seen: set[str] = set()
    for _, n, _, sentence in scored:
        key = fold(sentence)
        if key in seen:
            continue
        seen.add(key)
        chosen.append((n, sentence))
        if len(chosen) >= MAX_SENTENCES:
            break
    if not chosen and passages:
        first = split_sentences(passages[0].chunk.text)
        if first:
            chosen.append((1, first[0]))
    return chosen


def compose_extractive(question: str, passages: Sequence[Passage]) -> str:
    """A draft made of quoted sentences, each with its [n]."""
    chosen = select_sentences(question, passages)
    if not chosen:
        return ""
    lines = ["Wat de handvatten hierover zeggen:"]
    # A sentence taken from a list item keeps its own bullet in the passage, not in the answer.
    lines += [f"- {_LIST_MARK.sub('', sentence)} [{n}]" for n, sentence in chosen]
    return "\n".join(lines)
