"""Footnotes that PDF extraction dropped into the running text at page ends.

Footnote numbers run in one sequence through a document, so a line is taken as a footnote
only when it starts (in column 0, after a blank line or another footnote) with a number close
to the next expected one. That keeps body lines such as "3 Ambtenarenwet en artikel 2:5 ..."
(a wrapped sentence) and numbered headings out. A page number glued in front ("5 2 Zie art
7:446 BW.") is accepted too. The footnote's own wrapped lines follow it directly; the block
ends at a blank line followed by body text, or at a line with the one-space page-start
signature. Removed blocks leave `marker` so the sentence around them can be rejoined."""

from __future__ import annotations

import re

_FOOTNOTE = re.compile(r"^(?:\d{1,3}\s+)?(\d{1,3})\s+(?=\S)(?!\d)")
_PAGE_START = re.compile(r"^ \S")
_PAGE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")
_MAX_CONTINUATION = 6
_MAX_SKIP = 6


def remove_footnotes(lines: list[str], marker: str, is_heading=None) -> tuple[list[str], set[int]]:
    out: list[str] = []
    numbers: set[int] = set()
    expected = 1
    i = 0
    n = len(lines)
    while i < n:
        num = _footnote_number(lines[i], expected) or _restart_number(lines, i, expected)
        after_break = not out or not out[-1].strip() or out[-1] == marker or bool(_PAGE_NUMBER.match(out[-1]))
        if num is None or not after_break or (is_heading and is_heading(lines[i])):
            out.append(lines[i])
            i += 1
            continue
        # A footnote block starts here.
        numbers.add(num)
        expected = num + 1
        i += 1
        continuation = 0
        while i < n:
            line = lines[i]
            nxt = _footnote_number(line, expected)
            if nxt is not None:
                numbers.add(nxt)
                expected = nxt + 1
                continuation = 0
                i += 1
            elif not line.strip():
                k = i
                while k < n and not lines[k].strip():
                    k += 1
                if k < n and _footnote_number(lines[k], expected) is not None:
                    i = k
                    continue
                break
            elif (_PAGE_START.match(line) or continuation >= _MAX_CONTINUATION
                  or (re.search(r"[.;]\s*$", lines[i - 1]) and (line.lstrip()[:1].islower()
                                                                 or line.lstrip().startswith("•")))):
                break  # page start, or a finished footnote followed by a sentence that continues
            else:
                continuation += 1
                i += 1
        out.append(marker)
    return out, numbers


def _restart_number(lines: list[str], i: int, expected: int) -> int | None:
    """An appendix that numbers its footnotes afresh: accept a small number when the next
    footnote (number + 1) follows within a few lines."""
    m = _FOOTNOTE.match(lines[i])
    if not m or expected <= 10:
        return None
    num = int(m.group(1))
    if num >= expected - 5:
        return None
    for k in range(i + 1, min(i + 5, len(lines))):
        n = _FOOTNOTE.match(lines[k])
        if n and int(n.group(1)) == num + 1:
            return num
    return None


def _footnote_number(line: str, expected: int) -> int | None:
    m = _FOOTNOTE.match(line)
    if not m:
        return None
    num = int(m.group(1))
    if expected <= num <= expected + _MAX_SKIP or (num == 1 and expected > 10):
        return num  # numbering restarts at 1 in an appendix
    return None


def strip_glued_markers(text: str, numbers: set[int]) -> str:
    """Remove footnote numbers glued to words: "toestemming.62", "regie48", "basis4 nodig"."""
    if not numbers:
        return text

    def repl(m: re.Match[str]) -> str:
        return m.group(1) + m.group(2) if int(m.group(3)) in numbers else m.group(0)

    # letter (or closing bracket/quote) + optional punctuation + number, then space/punct/end
    return re.sub(r"([a-zà-ÿ\)’”])([.,;:]?)(\d{1,3})(?=[\s,;:)]|\.(?!\d)|$)", repl, text, flags=re.MULTILINE)
