"""Generic line-level rules that hold for every document."""

from __future__ import annotations

import re

# Private-use bullet (Symbol font) and the replacement character left by PDF extraction.
_PUA_BULLET = "\uf0b7"
_REPLACEMENT = "\ufffd"
_URL_ONLY = re.compile(r"^\s*(?:https?://|www\.)\S+\s*$")
_PAGE_NUMBER = re.compile(r"^\s*(?:-\s*)?\d{1,3}(?:\s*-)?\s*$")
_TOC_ENTRY = re.compile(r"^\s*\S.{1,100}?[ \t]+\d{1,3}\s*$")
_SENTENCE_END = re.compile(r"[.:;!?]\s*$")


def normalise_characters(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    text = text.replace(_PUA_BULLET, "•")
    # U+FFFD sits where a bullet or tab glyph was: drop it and the spaces it leaves behind.
    text = re.sub(r"[ \t]*\ufffd[ \t]*", " ", text)
    # Missing space after a question mark: "voordoet?Dat is wanneer".
    text = re.sub(r"(?<=[a-z])\?(?=[A-Z][a-z]+\s)", "? ", text)
    return text


def blank_space_only(lines: list[str]) -> list[str]:
    return [line if line.strip() else "" for line in lines]


def drop_url_lines(lines: list[str]) -> list[str]:
    return [line for line in lines if not _URL_ONLY.match(line)]


def drop_page_numbers(lines: list[str]) -> list[str]:
    return [line for line in lines if not _PAGE_NUMBER.match(line)]


def drop_toc_runs(lines: list[str], min_entries: int = 4) -> list[str]:
    """Drop tables of contents: runs of lines ending in a page number (blank lines and one
    wrapped title line between entries allowed)."""
    keep = [True] * len(lines)
    i = 0
    while i < len(lines):
        if not _TOC_ENTRY.match(lines[i]):
            i += 1
            continue
        entries = [i]
        j = i + 1
        gap = 0
        while j < len(lines):
            line = lines[j]
            if _TOC_ENTRY.match(line):
                entries.append(j)
                gap = 0
            elif line.strip() and (len(line.strip()) > 60 or gap >= 1):
                break
            elif line.strip():
                gap += 1
            j += 1
        if len(entries) >= min_entries:
            for k in range(i, entries[-1] + 1):
                keep[k] = False
            i = entries[-1] + 1
        else:
            i += 1
    return [line for line, k in zip(lines, keep) if k]


def drop_consecutive_duplicates(lines: list[str], min_len: int = 12) -> list[str]:
    """A line repeated right after itself (blank lines between allowed) is extraction debris."""
    out: list[str] = []
    last = None
    for line in lines:
        key = " ".join(line.split())
        if key and key == last and len(key) >= min_len:
            continue
        if key:
            last = key
        out.append(line)
    return out


def join_split_sentences(lines: list[str], marker: str) -> list[str]:
    """Rejoin text that blank lines or removed page debris (`marker` lines) split mid-sentence.

    A non-empty line that does not end a sentence is joined with the next non-empty line when
    that one starts in lower case, or when page debris was removed between two long lines."""
    out: list[str] = []
    pending_gap: list[str] = []
    removed_between = False
    for line in lines:
        if line == marker:
            removed_between = True
            continue
        if not line.strip():
            pending_gap.append("")
            continue
        if out and (pending_gap or removed_between):
            prev = out[-1]
            nxt = line.lstrip()
            if _should_join(prev, nxt, removed_between):
                out[-1] = prev.rstrip() + " " + nxt
                pending_gap, removed_between = [], False
                continue
        if removed_between and not pending_gap and out:
            pending_gap.append("")
        out.extend(pending_gap)
        pending_gap, removed_between = [], False
        out.append(line)
    out.extend(pending_gap)
    return out


def _should_join(prev: str, nxt: str, removed_between: bool) -> bool:
    p = prev.rstrip()
    if not p or _SENTENCE_END.search(p):
        return False
    if p.lstrip().startswith("#"):
        return False
    if nxt[:1].islower():
        # A short capitalised line is a heading ("Instemmen"), not the first half of a sentence.
        return removed_between or len(p.strip()) >= 25 or not p.lstrip()[:1].isupper()
    # Page debris removed in the middle of a sentence: "(High Impact ... Crimes), zoals".
    return (removed_between and len(p) >= 60 and len(nxt) >= 40
            and not re.match(r"^\s?(?:\d+(\.\d+)*\.?|Deel \d+:|Bijlage \d+)\s", nxt))


def tidy(lines: list[str]) -> str:
    text = "\n".join(line.strip() for line in lines)
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip() + "\n"
