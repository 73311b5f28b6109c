"""`clean_text(text, doc_id)`: generic rules plus a profile per handvat (keyed by manifest id).

Each profile only switches rules on and sets their policy; the rules themselves live in
`ingest/cleaning/`. Unknown documents get the generic profile. The cleaned text keeps the
original characters (curly quotes, dashes, accents): only debris is removed."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.cleaning import footnotes, hyphenation, justitie, lines as L

# Placeholder left where page debris was removed, so the sentence around it can be rejoined.
_MARK = "\x00removed\x00"


@dataclass(frozen=True)
class Profile:
    hyphens: str = "keep"  # keep | drop_known
    footnotes: bool = False
    justitie_nav: bool = False
    # Literal boilerplate lines (regexes, matched against the stripped line) dropped everywhere.
    boilerplate: tuple[str, ...] = ()
    # (start regex, end regex): drop from the start line up to, not including, the end line.
    drop_ranges: tuple[tuple[str, str], ...] = ()
    inline_hyphens: bool = False
    drop_toc: bool = True


GENERIC = Profile()

PROFILES: dict[str, Profile] = {
    "veiligheidshuizen": Profile(
        hyphens="keep",
        footnotes=True,
        boilerplate=(
            r"Niets uit deze tekst mag worden verveelvoudigd of openbaar gemaakt zonder voorafgaande",
            r"schriftelijke toestemming van de auteurs\.",
        ),
    ),
    "toekomstscenario": Profile(
        hyphens="keep",
        footnotes=True,
        boilerplate=(r"Handvat Samen aan de slag met het Toekomstscenario .*versie 1\.0 april 2023\s+- \d+ -",),
        drop_ranges=((r"^Inhoudsopgave$", r"^Aanleiding en bedoeling handreiking$"),),
    ),
    "aa-en-hunze": Profile(hyphens="keep", footnotes=True),
    "excessief-geweld": Profile(hyphens="keep", justitie_nav=True),
    "pettenvraagstuk": Profile(
        hyphens="drop_known",
        footnotes=True,
        inline_hyphens=True,
        drop_ranges=((r"^Inhoudsopgave$", r"^Inleiding$"),),
    ),
}


def profile_for(doc_id: str) -> Profile:
    return PROFILES.get(doc_id, GENERIC)


_MD_HEADING_MARK = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", re.MULTILINE)


def clean_text(text: str, doc_id: str) -> str:
    profile = profile_for(doc_id)
    text = L.normalise_characters(text)
    if profile is not GENERIC:
        # A handvat with its own profile delivered as .docx/.html/.md: the loaders mark styled headings
        # with "#"; the profile knows this document's headings (and menus) by their wording, so the
        # same edition as .txt, .pdf or .docx is cleaned and cut the same way.
        text = _MD_HEADING_MARK.sub("", text)
    if profile.justitie_nav:
        text = justitie.strip_link_markup(text)
        text = justitie.fix_drop_caps(text)
    lines = L.blank_space_only(text.split("\n"))
    lines = _drop_ranges(lines, profile.drop_ranges)
    lines = _drop_boilerplate(lines, profile.boilerplate)
    if profile.justitie_nav:
        lines = justitie.strip_menus(lines)
    lines = L.drop_url_lines(lines)
    if profile.drop_toc:
        lines = L.drop_toc_runs(lines)
    numbers: set[int] = set()
    if profile.footnotes:
        lines, numbers = footnotes.remove_footnotes(lines, _MARK)
    lines = [(_MARK if L._PAGE_NUMBER.match(x) else x) for x in lines]
    vocab = hyphenation.vocabulary(text)
    lines = hyphenation.join_line_hyphens(lines, profile.hyphens, vocab)
    lines = L.join_split_sentences(lines, _MARK)
    lines = L.drop_consecutive_duplicates(lines)
    cleaned = L.tidy(lines)
    cleaned = footnotes.strip_glued_markers(cleaned, numbers)
    if profile.inline_hyphens:
        cleaned = hyphenation.join_inline_hyphens(cleaned, vocab)
    return cleaned


def _drop_boilerplate(lines: list[str], patterns: tuple[str, ...]) -> list[str]:
    if not patterns:
        return lines
    rx = re.compile("|".join(f"(?:{p})" for p in patterns))
    return [_MARK if rx.fullmatch(x.strip()) else x for x in lines]


def _drop_ranges(lines: list[str], ranges: tuple[tuple[str, str], ...]) -> list[str]:
    for start, end in ranges:
        s_rx, e_rx = re.compile(start), re.compile(end)
        s = next((i for i, x in enumerate(lines) if s_rx.search(x.strip())), None)
        if s is None:
            continue
        e = next((i for i in range(s + 1, len(lines)) if e_rx.search(lines[i].strip())), None)
        if e is not None:
            lines = lines[:s] + lines[e:]
    return lines
