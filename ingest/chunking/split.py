"""Splitting one section's body into chunks of roughly 150-400 words at paragraph boundaries
(sentence boundaries for a paragraph that is too long on its own)."""

from __future__ import annotations

import math
import re

TARGET_MAX_WORDS = 400
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z‘“(•\-0-9])")


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


def _sentence_spans(text: str, span: tuple[int, int]) -> list[tuple[int, int]]:
    a, b = span
    out: list[tuple[int, int]] = []
    pos = a
    for m in _SENTENCE_END.finditer(text, a, b):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, b))
    return [s for s in out if text[s[0]:s[1]].strip()]


def split_section(text: str, start: int, end: int, max_words: int = TARGET_MAX_WORDS) -> list[tuple[int, int]]:
    """Chunk spans covering the section body; sizes balanced so no piece is needlessly tiny."""
    units: list[tuple[int, int]] = []
    for para in paragraph_spans(text, start, end):
        if _words(text, para) > max_words:
            units.extend(_sentence_spans(text, para))
        else:
            units.append(para)
    if not units:
        return []
    total = sum(_words(text, u) for u in units)
    pieces = max(1, math.ceil(total / max_words))
    target = total / pieces
    spans: list[tuple[int, int]] = []
    cur_start, cur_words = units[0][0], 0
    last_end = units[0][1]
    for k, unit in enumerate(units):
        w = _words(text, unit)
        if cur_words and (cur_words + w > max_words or (cur_words >= target and len(spans) < pieces - 1)):
            spans.append((cur_start, last_end))
            cur_start, cur_words = unit[0], 0
        cur_words += w
        last_end = unit[1]
    spans.append((cur_start, last_end))
    return spans
