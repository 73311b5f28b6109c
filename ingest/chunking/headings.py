"""Finds the headings of a cleaned document, using the patterns of that document.

Each profile is a function `(lines, i, state) -> Heading | None` tried on every non-empty line;
the scan itself and the shared tests (short line, continuation lines, numbering) are common.
Levels are relative: a heading of level L closes every open heading of level >= L. Unnumbered
sub-headings sit one level below the deepest numbered heading that is open."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ingest.chunking.numbering import NumberTracker, parse_number


@dataclass(frozen=True)
class Heading:
    line: int  # first line index
    end: int  # index after the last heading line
    level: int
    text: str
    # Run-in heading ("Instemmen: Is er ..."): the body starts at this column of `line`
    # (then `end == line`).
    body_col: int = 0


@dataclass
class ScanState:
    tracker: NumberTracker = field(default_factory=NumberTracker)
    depth: int = 0  # level of the deepest numbered heading seen last
    in_table: bool = False  # inside the flattened table of the pettenvraagstuk (one row per header)
    open_texts: dict[int, str] = field(default_factory=dict)  # level -> heading text


Matcher = Callable[[list[str], int, ScanState], "Heading | None"]

_TERMINAL = re.compile(r"[.,;]$")
_UPPER_START = re.compile(r"^[A-Z‘'“\"(ÀÉÈÖÜ]")
_BULLET = re.compile(r"^(?:[•\-–o*·■è]\s|\d+[.)]\s|\d+°|[a-z][.)]\s)")
_MD = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")


def _blank(lines: list[str], i: int) -> bool:
    return i < 0 or i >= len(lines) or not lines[i].strip()


def _next_nonblank(lines: list[str], i: int) -> int:
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


def _continuation(lines: list[str], i: int, text: str, max_len: int = 60, max_lines: int = 2) -> tuple[str, int]:
    """Wrapped heading: following lines that start in lower case and are short belong to it."""
    end = i + 1
    while (end < len(lines) and end - i <= max_lines and not re.search(r"[.:?!]$", text)
           and lines[end].strip()[:1].islower() and len(lines[end].strip()) <= max_len):
        text = f"{text} {lines[end].strip()}"
        end += 1
    return text, end


# A line ending in a function word (or "in 2": a preposition and a small number, the rest of
# the sentence wrapped onto the next line) stops mid-sentence and is no heading.
_DANGLING = re.compile(
    r"(?:\b(?:of|en|de|het|een|van|met|voor|in|op|te|die|dat|aan|bij|om|is)"
    r"|\b(?:in|van|op|aan|met|bij|tot|na|per|over|uit|onder) \d{1,3}|\);?)$")


def _short_heading(lines: list[str], i: int, max_len: int, allow_period: bool = False,
                   after_sentence: bool = False, cont_len: int = 60) -> Heading | None:
    """An unnumbered heading: a short line after a blank line, not a list item, not ending
    mid-sentence, followed by text that starts a new sentence (or a blank line).
    `after_sentence`: also right after a line that ends a sentence, when the next line is a
    full-width paragraph line (headings without spacing in hard-wrapped text)."""
    line = lines[i].strip()
    if len(line) > max_len or len(line.split()) > 14 or _DANGLING.search(line):
        return None
    if not _blank(lines, i - 1):
        prev = lines[i - 1].strip()
        nxt_line = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if not (after_sentence and re.search(r"[.!?]$", prev) and len(nxt_line) >= max_len
                and nxt_line[:1].isupper() and not line.endswith((".", ":"))):
            return None
    if not _UPPER_START.match(line) or _BULLET.match(line) or re.search(r"[,;]$", line):
        return None
    if line.endswith(".") and not allow_period:
        return None
    if line.endswith(":") and len(line.split()) > 2:
        return None  # "Dat betekent onder andere het volgende:" introduces a list
    text, end = _continuation(lines, i, line, max_len=cont_len)
    j = _next_nonblank(lines, end)
    if j >= len(lines):
        return None
    nxt = lines[j].strip()
    if nxt[:1].islower():
        return None
    if text.endswith(".") and (j != end or len(nxt) < 60):
        return None
    return Heading(i, end, 0, text)


# --- 000 Veiligheidshuizen: decimal headings without trailing dot, format Q&A blocks ------------
_VH_NUMBERED = re.compile(r"^(\d+(?:\.\d+){1,3}\.?|\d)\s+([A-Z‘(].*)$")
_VH_FORMAT_SUB = {"Algemeen", "Wettelijk kader", "Privacy", "Overig"}


def _veiligheidshuizen(lines: list[str], i: int, st: ScanState) -> Heading | None:
    line = lines[i].strip()
    m = _VH_NUMBERED.match(line)
    if m and len(line) <= 110 and not line.endswith("."):
        number = parse_number(m.group(1))
        if number and st.tracker.accepts(number):
            st.tracker.accept(number)
            st.depth = len(number)
            text, end = _continuation(lines, i, line, max_len=40, max_lines=3)
            return Heading(i, end, len(number), text)
        return None
    if m:
        return None
    if line in _VH_FORMAT_SUB and _blank(lines, i - 1):
        return Heading(i, i + 1, st.depth + 2, line)
    if line.startswith("Nadere uitwerking ") and len(line) < 90:
        text, end = _continuation(lines, i, line.rstrip(":"), max_len=20)
        return Heading(i, end, st.depth + 1, text.rstrip(":"))
    if re.match(r"^Misverstand \d+:", line):
        text, end = _continuation(lines, i, line, max_len=80)
        return Heading(i, end, st.depth + 1, text)
    h = _short_heading(lines, i, max_len=75, allow_period=True)
    if h:
        return Heading(h.line, h.end, st.depth + (2 if st.open_texts.get(st.depth + 1, "").startswith("Nadere uitwerking") and h.text not in _VH_FORMAT_SUB else 1), h.text)
    return None


# --- 001 Toekomstscenario: Deel N, numbered parts, short-line topic blocks (left column) -------
_TS_DEEL = re.compile(r"^Deel \d+:")
_TS_NUMBERED = re.compile(r"^(\d+)\.\s*([A-Z‘].*)$")
_TS_RUN_IN = re.compile(r"^([A-Z][a-zë]{4,}(?: [a-zë]+){0,2}): (?=[A-Z])")


def _toekomstscenario(lines: list[str], i: int, st: ScanState) -> Heading | None:
    line = lines[i].strip()
    # "Bijlage:" in the first half is the reading guide announcing it, not the appendix itself.
    if _TS_DEEL.match(line) or (re.match(r"^Bijlage( \d+)?:", line) and len(line) < 80 and i > len(lines) // 2):
        st.tracker.reset()
        st.depth = 1
        return Heading(i, i + 1, 1, line)
    m = _TS_NUMBERED.match(line)
    if m:
        number = parse_number(m.group(1))
        text, end = _continuation(lines, i, line, max_len=30, max_lines=3)  # "4. Beroepsgeheim, ⏎..."
        j = _next_nonblank(lines, end)
        list_item = j < len(lines) and re.match(r"^\d+\.\s", lines[j].strip())  # "1. ... 2. ..." list
        if (number and st.tracker.accepts(number) and len(text) <= 80 and not _TERMINAL.search(text)
                and _blank(lines, i - 1) and not list_item):
            st.tracker.accept(number)
            st.depth = 2
            return Heading(i, end, 2, text)
        return None
    m = _TS_RUN_IN.match(line)
    if m and _blank(lines, i - 1):
        return Heading(i, i, st.depth + 1, m.group(1), body_col=len(lines[i]) - len(lines[i].lstrip()) + m.end())
    h = _topic_block(lines, i, st.depth + 1)
    return h if h and not h.text.endswith(":") else None


def _topic_block(lines: list[str], i: int, level: int) -> Heading | None:
    """1-4 short lines after a blank line (a left-column heading), or one short heading line."""
    if not _blank(lines, i - 1):
        return None
    block: list[str] = []
    j = i
    while j < len(lines) and lines[j].strip() and len(block) < 4:
        s = lines[j].strip()
        if len(s) > 40:
            break
        block.append(s)
        j += 1
    if len(block) >= 2 and (j >= len(lines) or not lines[j].strip() or len(lines[j].strip()) > 40):
        text = " ".join(block)
        if (_UPPER_START.match(text) and not _BULLET.match(text) and not _TERMINAL.search(text)
                and len(text) <= 110 and all(not _TERMINAL.search(b) for b in block[:-1])):
            return Heading(i, j, level, text)
    h = _short_heading(lines, i, max_len=80)
    return Heading(h.line, h.end, level, h.text) if h else None


# --- 002 Aa en Hunze: N. chapters, N.N sections, lettered principles, Bijlagen, law names ------
_AH_NUMBERED = re.compile(r"^(\d+(?:\.\d+)*\.?)\s+([A-Z‘].*)$")
_AH_LETTER = re.compile(r"^[A-F]\.\s+[A-Z]")
_AH_BIJLAGE = re.compile(r"^Bijlage \d+\s+\S")


def _aa_en_hunze(lines: list[str], i: int, st: ScanState) -> Heading | None:
    line = lines[i].strip()
    if _AH_BIJLAGE.match(line) and len(line) <= 120:
        st.tracker.current = (99,)  # numbering ends; later "1. ..." are list items
        st.depth = 1
        text, end = _continuation(lines, i, line)
        return Heading(i, end, 1, text)
    m = _AH_NUMBERED.match(line)
    if m:
        number = parse_number(m.group(1))
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if (number and st.tracker.accepts(number) and len(line) <= 90 and not _TERMINAL.search(line)
                and (len(number) > 1 or (m.group(1).endswith(".") and len(line) <= 75 and not _DANGLING.search(line)))
                and not nxt[:1].islower()):  # a wrapped list item continues in lower case
            st.tracker.accept(number)
            st.depth = len(number)
            text, end = _continuation(lines, i, line, max_len=40)
            return Heading(i, end, len(number), text)
        return None
    if _AH_LETTER.match(line) and len(line) <= 110 and not line.endswith((".", ";", ",")):
        return Heading(i, i + 1, st.depth + 1, line)
    h = _short_heading(lines, i, max_len=70, after_sentence=True, cont_len=35)
    if h:
        # Below a lettered principle the unnumbered headings are its siblings, not children.
        return Heading(h.line, h.end, st.depth + 1, h.text)
    return None


# --- 003 Justitie: Stappenplan X / Stap N: / named sections / call-outs --------------------------
_EG_PLAN = re.compile(r"^Stappenplan (?:zorg- en hulpverleners|Politie|Justitie|Gemeenten|Onderwijsinstellingen)$", re.I)
_EG_PART = {"Vooraf", "Samenwerken", "Leeswijzer", "Overzicht", "AVG", "Wpg", "Wsjg", "Sectoraal"}
_EG_STEP = re.compile(r"^(?:■\s*)?Stap \d+: .+")
_EG_SECTION = {
    "Voor wie?", "Inleiding", "Beroepsgeheim", "Begrippen", "Beginselen", "Verwerkingsgrondslagen",
    "Noodzakelijkheidsgrondslagen", "Bijzondere persoonsgegevens", "Strafrechtelijke persoonsgegevens",
    "Grondslagenverstrekking", "Grondslagen gegevensdeling", "Sectorale wetgeving", "Het beroepsgeheim",
    "Doorbreken beroepsgeheim", "Geheimhoudingsplicht", "Meldcode",
    "Bijzondere persoonsgegevens of persoonsgegevens van strafrechtelijke aard",
    "Bijzondere persoonsgegevens en persoonsgegevens van strafrechtelijke aard",
}


_EG_LETTERED = re.compile(r"^(?:\d?[A-H]\.?|[A-H]\d)\s+\S")  # "A. Toestemming", "4A Politiegegevens ..."
_EG_ROMAN = re.compile(r"^(?:I{1,3}|IV|V|VI{1,3})\.\s+\S")


def _excessief_geweld(lines: list[str], i: int, st: ScanState) -> Heading | None:
    line = lines[i].strip()
    if st.depth < 0:
        return None  # inside the colophon: one section, no sub-headings
    if line == "Colofon":
        st.depth = -1
        return Heading(i, i + 1, 1, line)
    if _EG_PLAN.match(line) or (line in _EG_PART and _blank(lines, i - 1) and _blank(lines, i + 1)):
        st.depth = 1
        return Heading(i, i + 1, 1, line)
    if _EG_STEP.match(line) and len(line) <= 110:
        st.depth = 2
        return Heading(i, i + 1, 2, re.sub(r"^■\s*", "", line))
    if line in _EG_SECTION and _blank(lines, i - 1):
        st.depth = 2
        return Heading(i, i + 1, 2, line)
    if not (_blank(lines, i - 1) and _blank(lines, i + 1) and len(line) <= 90):
        return None
    if line.endswith((".", ",", ";", ":")) or _BULLET.match(line) and not _EG_LETTERED.match(line):
        return None
    # Lettered and roman sub-steps open their own level; call-outs and topics sit below them.
    if _EG_LETTERED.match(line):
        st.depth = 3
        return Heading(i, i + 1, 3, line)
    if _EG_ROMAN.match(line):
        st.depth = 4
        return Heading(i, i + 1, 4, line)
    if (_UPPER_START.match(line) and not line.endswith("?")
            and line not in ("JA", "NEE") and not re.match(r"^(?:JA|NEE)\b", line)):
        return Heading(i, i + 1, min(st.depth, 4) + 1, line)
    return None


# --- 004 Pettenvraagstuk: N. chapters, unnumbered short-line headings --------------------------
_PV_CHAPTER = re.compile(r"^(\d)\.\s+([A-Z].*)$")
_PV_TABLE_HEADER = "Taak Rol medewerker Gegevensverwerking"


def _pettenvraagstuk(lines: list[str], i: int, st: ScanState) -> Heading | None:
    line = lines[i].strip()
    m = _PV_CHAPTER.match(line)
    if m and len(line) <= 70 and not _TERMINAL.search(line) and "?" not in line:
        number = parse_number(m.group(1))
        text, end = _continuation(lines, i, line, max_len=40)
        nxt = lines[_next_nonblank(lines, end)].strip() if _next_nonblank(lines, end) < len(lines) else ""
        if (number and number[0] == (st.tracker.current[:1] or (0,))[0] + 1
                and not _DANGLING.search(text) and not re.match(r"^\d+\.\s", nxt)):  # not a list item
            st.tracker.accept(number)
            st.depth = 1
            st.in_table = False
            return Heading(i, end, 1, text)
    if line == "Inleiding" and _blank(lines, i - 1):
        st.depth = 1
        return Heading(i, i + 1, 1, line)
    if line == _PV_TABLE_HEADER:
        # The table header repeats on every page; each repeat starts a row (one task). The row's
        # first words name the task, so the path tells the rows apart.
        st.in_table = True
        j = _next_nonblank(lines, i + 1)
        words = lines[j].split()[:8] if j < len(lines) else []
        cut = next((k for k, w in enumerate(words) if k and w[:1].isupper()), len(words))
        task = " ".join(words[:cut]).rstrip(":")  # up to the role ("... jeugdhulp Jeugdhulpverlener")
        return Heading(i, i + 1, st.depth + 1, f"{_PV_TABLE_HEADER} – {task}" if task else line)
    h = _short_heading(lines, i, max_len=58, after_sentence=True, cont_len=35)
    if h and (h.end - h.line > 1 or not lines[h.end].strip() or lines[h.end].strip()[:1].isupper()
              or lines[h.end].strip().startswith(("•", "‘"))):
        if not _blank(lines, i - 1):
            st.in_table = False  # a heading set tight on running text: the table has ended
        return Heading(h.line, h.end, st.depth + (2 if st.in_table else 1), h.text)
    return None


# --- generic: markdown headings (docx/html loaders emit them) and decimal numbering -------------
_GEN_NUMBERED = re.compile(r"^(\d+(?:\.\d+){0,3})\.?\s+([A-Z‘].{0,90})$")


def _generic(lines: list[str], i: int, st: ScanState) -> Heading | None:
    line = lines[i].strip()
    m = _MD.match(line)
    if m:
        return Heading(i, i + 1, len(m.group(1)), m.group(2).strip())
    m = _GEN_NUMBERED.match(line)
    if m and not _TERMINAL.search(line) and _blank(lines, i - 1):
        number = parse_number(m.group(1))
        if number and st.tracker.accepts(number):
            st.tracker.accept(number)
            return Heading(i, i + 1, len(number), line)
    return None


PROFILES: dict[str, Matcher] = {
    "veiligheidshuizen": _veiligheidshuizen,
    "toekomstscenario": _toekomstscenario,
    "aa-en-hunze": _aa_en_hunze,
    "excessief-geweld": _excessief_geweld,
    "pettenvraagstuk": _pettenvraagstuk,
}


def find_headings(lines: list[str], doc_id: str) -> list[Heading]:
    matcher = PROFILES.get(doc_id, _generic)
    st = ScanState()
    found: list[Heading] = []
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        h = matcher(lines, i, st)
        if h is None:
            i += 1
            continue
        level = max(1, h.level)
        h = Heading(h.line, h.end, level, " ".join(h.text.split()), h.body_col)
        for lv in [k for k in st.open_texts if k >= level]:
            del st.open_texts[lv]
        st.open_texts[level] = h.text
        found.append(h)
        i = max(h.end, h.line + 1)
    return found
