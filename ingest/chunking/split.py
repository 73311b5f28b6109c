"""Splitting one section's body into chunks of roughly 150-400 words at paragraph boundaries
(sentence boundaries for a paragraph that is too long on its own).

A section of up to WHOLE_SECTION_MAX_WORDS stays one chunk: such sections are typically one
enumeration ("de gouden regels" 1-10, the vuistregels of a manifest, grondslagen a-f with their
rules), and cutting them in two leaves neither half able to answer a question about the list.
Measured on the seed set (`python -m bench.retrieval`): 3 of the 4 questions no single chunk could
answer became answerable, at 550 words."""

from __future__ import annotations

import math
import re

from deelwijzer.textnorm import sentence_spans

TARGET_MAX_WORDS = 400
WHOLE_SECTION_MAX_WORDS = 550


def paragraph_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) offsets of the paragraphs (blank-line separated) in text[start:end]."""
    spans: list[tuple[int, int]] = []
    pos = start
    for m in re.finditer(r"\n[ \t]*\n", text[start:end]):
        a, b = pos, start + m.start()
        if text[a:b].strip():
            spans.append(_trim(text, a, b))
        pos = start + m.end()
    if text[pos:end].strip():
        spans.append(_trim(text, pos, end))
    return spans


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _words(text: str, span: tuple[int, int]) -> int:
    return len(text[span[0]:span[1]].split())


def split_section(text: str, start: int, end: int, max_words: int = TARGET_MAX_WORDS,
                  whole_max_words: int = WHOLE_SECTION_MAX_WORDS) -> list[tuple[int, int]]:
    """Chunk spans covering the section body; sizes balanced so no piece is needlessly tiny."""
    units: list[tuple[int, int]] = []
    for para in paragraph_spans(text, start, end):
        if _words(text, para) > max_words:
            units.extend(sentence_spans(text, *para, breaks="chunk"))
        else:
            units.append(para)
    if not units:
        return []
    sizes = [_words(text, u) for u in units]
    total = sum(sizes)
    if total <= max(max_words, whole_max_words):
        return [(units[0][0], units[-1][1])]
    pieces = max(1, math.ceil(total / max_words))
    target = total / pieces
    cuts: list[int] = [0]  # index of the first unit of each chunk
    for k in range(1, len(units)):
        current = sum(sizes[cuts[-1]:k])
        if current + sizes[k] > max_words or (current >= target and len(cuts) < pieces):
            cuts.append(_cut_outside_list(text, units, sizes, cuts[-1], k, whole_max_words))
    bounds = cuts + [len(units)]
    return [(units[a][0], units[b - 1][1]) for a, b in zip(bounds, bounds[1:])]


# A paragraph that continues an enumeration: "2." .. "99.", "b)" .., or a bullet.
_LIST_CONTINUATION = re.compile(r"^(?:(?:[2-9]|\d{2,})[.)]|[b-z][.)]|[-•–])\s")


def _cut_outside_list(text: str, units: list[tuple[int, int]], sizes: list[int],
                      first: int, k: int, limit: int) -> int:
    """Where to start the next chunk instead of at unit k: when k continues a numbered list, move
    the cut back to where the list began (items 1-3 and 4-7 of one list in two chunks answer no
    question about the list), as long as the chunk that then holds the list stays within `limit`."""
    cut = k
    while cut > first + 1 and _LIST_CONTINUATION.match(text[units[cut][0]:units[cut][1]]):
        cut -= 1
    if cut == k or _LIST_CONTINUATION.match(text[units[cut][0]:units[cut][1]]):
        return k
    return cut if sum(sizes[cut:k + 1]) <= limit else k
